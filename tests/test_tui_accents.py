"""The search bar's accent mode: shown in the bar, ctrl+t goes smart → exact → ignored, help lists it."""

import pytest

from reader.model import Article
from reader.store import Library
from reader.ui.app import make_app
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.article_list import ArticleList
from tests.test_tui_search import WIDE, search, settle


@pytest.fixture
def library(tmp_path):
    library = Library(tmp_path / "accents.db")
    for title, body in (
        ("Marked", "Tin từ Hà Nội hôm nay."),
        ("Plain", "Tin từ ha noi hôm nay."),
        ("Scattered", "Hạ tầng ở nơi này."),
    ):
        library.add_article(Article(title=title, body=body, date="2024-01-01"))
    yield library
    library.close()


def shown(app) -> int:
    return len(app.screen.query_one(ArticleList).window)


def accents_label(app) -> str:
    return str(app.screen.query_one("#search-accents").render())


async def test_ctrl_t_cycles_the_accent_mode_and_runs_the_query_again(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, "Hà Nội")
        assert "smart" in accents_label(app)
        assert shown(app) == 1  # typed with accents: that spelling only
        await pilot.press("ctrl+t")
        await settle(pilot, app)
        assert "exact" in accents_label(app) and shown(app) == 1
        await pilot.press("ctrl+t")
        await settle(pilot, app)
        assert "ignored" in accents_label(app) and shown(app) == 3
        await pilot.press("ctrl+t")
        await settle(pilot, app)
        assert "smart" in accents_label(app) and shown(app) == 1


async def test_exact_mode_makes_unaccented_words_exact_too(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, "ha noi")
        assert shown(app) == 3
        await pilot.press("ctrl+t")
        await settle(pilot, app)
        assert shown(app) == 1


async def test_help_lists_the_accent_key(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.shown_text()
        assert "ctrl+t" in text and "Accents" in text
