"""The tag editor: tags made on the CLI survive an unchanged save, a typed # is not doubled, one tag reads as one."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.store import Library
from reader.tags import tag_label
from reader.ui.app import make_app
from reader.ui.screens.editors import TagEditor
from reader.ui.session import parse_tags
from tests.tui_helpers import library_with, settle, widget_text

WIDE = (180, 50)


@pytest.fixture
def library(tmp_path):
    return library_with(tmp_path)


def first_id(library: Library) -> int:
    return next(iter(library.list_articles())).id  # the newest: the first row of the list


def test_a_tag_with_a_comma_is_read_back_whole_from_the_editor_text():
    start = ["Hà Nội, Đà Nẵng", "kinh tế"]
    assert parse_tags(", ".join(start), start) == start
    assert parse_tags("Hà Nội, Đà Nẵng, kinh tế, mới", start) == [*start, "mới"]
    assert parse_tags("kinh tế", start) == ["kinh tế"]  # removing it still works
    assert parse_tags("Hà Nội, Đà Nẵng", []) == ["Hà Nội", "Đà Nẵng"]  # typed anew: two tags


def test_a_typed_leading_hash_is_not_part_of_the_name():
    assert parse_tags("#kinh tế, ##du lịch, # , #") == ["kinh tế", "du lịch"]
    assert parse_tags("#2025", ["#2025"]) == ["#2025"]  # a tag named so on the CLI stays as it is


def test_a_tag_label_reads_as_one_tag():
    assert tag_label("ngoại giao") == "#ngoại·giao"
    assert tag_label("kinh tế") + " " + tag_label("2025") == "#kinh·tế #2025"


async def test_saving_the_editor_unchanged_keeps_a_cli_tag_with_a_comma(library):
    article_id = first_id(library)
    result = CliRunner().invoke(main, ["--db", str(library.path), "tag", str(article_id), "Hà Nội, Đà Nẵng", "2025"])
    assert result.exit_code == 0, result.output
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagEditor) and not app.screen.unsaved
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, TagEditor)
        assert sorted(library.get_article(article_id).tags) == ["2025", "Hà Nội, Đà Nẵng"]


async def test_a_hash_typed_in_the_editor_is_not_doubled(library):
    article_id = first_id(library)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("t", *"#ngoại giao, #2025", "enter")
        await settle(pilot)
        await pilot.pause()
        assert sorted(library.get_article(article_id).tags) == ["2025", "ngoại giao"]
        shown = widget_text(app.screen.query_one("ArticleList"))
        assert "#ngoại·giao" in shown and "##" not in shown
