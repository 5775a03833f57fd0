"""Issue 13's export defects and issue 14's S10, S11 and S13, as a user meets them."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner
from markdown_it import MarkdownIt

from reader.cli import main
from reader.exporters.markdown import render
from reader.model import Anchor, Article, Highlight
from reader.ui.app import make_app
from tests.tui_helpers import SAMPLES, library_with


@pytest.fixture
def run(tmp_path):
    def invoke(db_name, *args):
        return CliRunner().invoke(main, ["--db", str(tmp_path / db_name), *args], catch_exceptions=False)

    return invoke


def ids(run, db="a.db") -> dict[str, int]:
    return {r["place"]: r["id"] for r in json.loads(run(db, "list", "--json").output)}


# --------------------------------------------------------------------------- the TUI's export


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_e_in_the_list_exports_the_article_under_the_cursor(tmp_path, reader_home):
    library = library_with(tmp_path)
    app = make_app(library)
    exports = reader_home / "exports"
    async with app.run_test(size=(180, 50)) as pilot:
        # Open the second article (Việt Nam – Japan), highlight a sentence, back to the list.
        await pilot.press("j", "enter", "h", "shift+tab", "k")
        await pilot.pause()
        assert app.main.article_list.current.id != app.main.article.id
        await pilot.press("e")  # the cursor's article has no notes: nothing is written
        await pilot.pause()
        assert not exports.exists() or not list(exports.iterdir())
        assert any("Nothing to export" in m for m in messages(app))
        await pilot.press("j", "e")  # the cursor on the highlighted one
        await pilot.pause()
        [written] = list(exports.iterdir())
        assert "viet-nam-consistently" in written.name


async def test_tui_export_asks_before_replacing_and_a_tagged_export_has_its_own_folder(tmp_path, reader_home):
    library = library_with(tmp_path)
    article_id = next(a.id for a in library.list_articles() if a.place == "Hà Nội")
    body = library.get_article(article_id).body
    library.add_highlight(article_id, Anchor(0, 8, body[:8]), tags=["ngoại giao"])
    library.add_highlight(article_id, Anchor(10, 20, body[10:20]), note="untagged note")
    app = make_app(library)
    exports = reader_home / "exports"
    async with app.run_test(size=(180, 50)) as pilot:
        await pilot.press("j", "e")
        await pilot.pause()
        [full] = list(exports.iterdir())
        before = full.read_bytes()
        assert b"untagged note" in before
        await pilot.press("e")  # exists: asks; n keeps the file
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert full.read_bytes() == before
        assert any("kept" in m for m in messages(app))
        app.main.export_tagged()
        await pilot.pause()
        await pilot.press(*"ngoại giao", "enter")
        await pilot.pause()
        assert full.read_bytes() == before  # the full export is not replaced by the subset
        [tagged] = list((exports / "tagged-ngoai-giao").iterdir())
        assert b"untagged note" not in tagged.read_bytes()
        assert any("only the notes tagged" in m for m in messages(app))


# --------------------------------------------------------------------------- CLI and JSON


def test_json_carries_the_article_note_and_tags_to_a_fresh_library(run, tmp_path):
    run("a.db", "import", str(SAMPLES))
    hanoi = ids(run)["Hà Nội"]
    run("a.db", "highlight", str(hanoi), "Tô Lâm", "--note", "Tổng Bí thư")
    CliRunner().invoke(main, ["--db", str(tmp_path / "a.db"), "tag", str(hanoi), "ngoại giao"])
    from reader.store import Library

    with Library(tmp_path / "a.db") as lib:
        lib.set_article_note(hanoi, "Ghi chú của bài\n\nhai đoạn")
    exported = tmp_path / "all.json"
    assert run("a.db", "export", "--format", "json", "-o", str(exported)).exit_code == 0
    run("b.db", "import", str(SAMPLES))
    result = run("b.db", "import-annotations", str(exported))
    assert result.exit_code == 0, result.output
    notes = json.loads(run("b.db", "notes", str(ids(run, "b.db")["Hà Nội"]), "--json").output)
    assert notes["article"]["note"] == "Ghi chú của bài\n\nhai đoạn"
    assert "ngoại giao" in notes["article"]["tags"]
    again = json.loads(run("b.db", "export", "--format", "json").output)["first"]["items"]
    first = json.loads(exported.read_text(encoding="utf-8"))["first"]["items"]
    strip = lambda items: [{k: v for k, v in i.items() if k != "id"} for i in items]  # noqa: E731
    assert strip(again) == strip(first)
    # A second import changes nothing; a library with another note keeps its own.
    assert "unchanged" in run("b.db", "import-annotations", str(exported)).output
    with Library(tmp_path / "b.db") as lib:
        lib.set_article_note(ids(run, "b.db")["Hà Nội"], "mine")
    assert "kept" in run("b.db", "import-annotations", str(exported)).output


def test_export_exists_message_says_it_once(run, tmp_path):
    run("a.db", "import", str(SAMPLES))
    run("a.db", "highlight", str(ids(run)["Hà Nội"]), "Tô Lâm")
    target = tmp_path / "one.md"
    run("a.db", "export", "-o", str(target))
    result = run("a.db", "export", "-o", str(target))
    assert result.exit_code == 1
    assert result.output.count("already exists") == 1 and result.output.count("--force") == 1, result.output


# --------------------------------------------------------------------------- Markdown for Obsidian


def front(doc: str) -> dict:
    return yaml.safe_load(doc[4 : doc.index("\n---\n", 3)])


def test_tags_have_one_obsidian_spelling_and_empty_fields_are_left_out():
    article = Article(
        title="Không ngày", body="Một câu.", tags=["ngoại giao", "Quan hệ Việt–Nhật", "#đã-có", "2025"], id=1
    )
    h = Highlight(1, Anchor(0, 3, "Một"), tags=["ngoại giao", "Quan hệ Việt–Nhật"], id=1)
    doc = render(article, [h], "2025-11-26T09:00:00Z")
    meta = front(doc)
    assert meta["tags"] == ["ngoại-giao", "Quan-hệ-Việt-Nhật", "đã-có", "_2025"]
    assert "**Tags:** #ngoại-giao #Quan-hệ-Việt-Nhật" in doc
    assert "date" not in meta and "place" not in meta and "source" not in meta
    assert "null" not in doc and '""' not in doc


SYNTAX = [
    ("see {{ page.title }} and {% include x %}", ["{{", "{%"]),
    ("a %%hidden%% comment", ["%%"]),
    ("an ==Obsidian mark== here", ["=="]),
    ("mid-line #tag and #other", [" #tag", " #other"]),
    ("math $$x^2$$ and $y$", ["$$", " $y"]),
    ("go to http://evil.example/x or www.evil.example", ["http://", "www."]),
    ("write to me@evil.example", ["me@evil"]),
    ("a block id ^h-1", [" ^h-1"]),
]


@pytest.mark.parametrize(("text", "absent"), SYNTAX)
def test_other_targets_syntax_is_escaped_and_reads_back_as_text(text, absent):
    article = Article(title=text, body="Một câu.", note=text, id=1)
    doc = render(article, [Highlight(1, Anchor(0, 3, text), note=text, id=1)], "now")
    body = doc[doc.index("\n---\n", 3) + 5 :]
    for syntax in absent:
        assert syntax not in body, (syntax, body)
    tokens = MarkdownIt("commonmark").parse(body)
    texts = ["".join(c.content for c in t.children if c.type == "text") for t in tokens if t.type == "inline"]
    assert texts.count(text) == 2  # the title heading and the quote
    assert texts.count("Note: " + text) == 2  # the article's note and the highlight's


# --------------------------------------------------------------------------- S10, S11


SOURCE = {}


def annotation(**target_overrides) -> dict:
    return {
        "type": "Annotation",
        "target": {"source": SOURCE["hanoi"], "selector": target_overrides["selector"]},
        **{k: v for k, v in target_overrides.items() if k != "selector"},
    }


def write(tmp_path, items) -> str:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return str(path)


@pytest.fixture
def hanoi_source(run, tmp_path):
    from reader.store import Library

    run("a.db", "import", str(SAMPLES))
    with Library(tmp_path / "a.db") as lib:
        SOURCE["hanoi"] = "urn:reader:article:" + lib.get_article(ids(run)["Hà Nội"]).content_hash


def highlights(run, db="a.db") -> list[dict]:
    return json.loads(run(db, "notes", str(ids(run, db)["Hà Nội"]), "--json").output)["highlights"]


def test_a_huge_position_is_refused_and_the_file_is_all_or_nothing(run, tmp_path, hanoi_source):
    good = annotation(selector={"type": "TextQuoteSelector", "exact": "Tô Lâm"})
    far = annotation(selector={"type": "TextPositionSelector", "start": 0, "end": 10**8})
    assert run("a.db", "import-annotations", write(tmp_path, [good, far])).exit_code == 1
    assert highlights(run) == []  # refused at the second, after the first was placed: nothing written
    huge = annotation(selector={"type": "TextPositionSelector", "start": 2**63, "end": 2**63 + 5})
    result = run("a.db", "import-annotations", write(tmp_path, [good, huge]))
    assert result.exit_code == 1 and "out of range" in result.output and "Traceback" not in result.output
    assert highlights(run) == []  # the good one before it was not written either


def test_position_only_gets_its_quote_and_bad_annotations_are_refused(run, tmp_path, hanoi_source):
    position_only = annotation(selector={"type": "TextPositionSelector", "start": 0, "end": 8})
    result = run("a.db", "import-annotations", write(tmp_path, [position_only]))
    assert result.exit_code == 0, result.output
    [h] = highlights(run)
    assert h["quote"] and len(h["quote"]) >= 8 and h["end"] > h["start"]
    for bad, reason in [
        (annotation(selector={"type": "TextQuoteSelector", "exact": ""}), "empty"),
        (annotation(selector={"type": "TextPositionSelector", "start": 5, "end": 5}), "not a passage"),
        (annotation(selector={"type": "TextQuoteSelector", "exact": "Tô Lâm"}, modified="not a date"), "not a date"),
        (annotation(selector={"type": "TextPositionSelector", "start": 0, "end": 10**8}), "outside"),
    ]:
        result = run("a.db", "import-annotations", write(tmp_path, [bad]))
        assert result.exit_code == 1 and reason in result.output, (reason, result.output)
    assert len(highlights(run)) == 1


def test_export_filters_by_colour_and_only_noted_and_bounds_article_ids(run):
    run("a.db", "import", str(SAMPLES))
    hanoi = str(ids(run)["Hà Nội"])
    run("a.db", "highlight", hanoi, "Tô Lâm", "--note", "có ghi chú", "--color", "2")
    run("a.db", "highlight", hanoi, "Political trust has been further strengthened", "--color", "3")
    only_blue = run("a.db", "export", "--color", "3").output
    assert "Political trust" in only_blue and "có ghi chú" not in only_blue
    noted = run("a.db", "export", "--only-noted").output
    assert "có ghi chú" in noted and "> Political trust" not in noted
    assert "Nothing to export" in run("a.db", "export", "--color", "5").output
    assert run("a.db", "export", "--color", "9").exit_code == 2
    result = run("a.db", "export", "--article", str(2**63))
    assert result.exit_code == 2 and "Traceback" not in result.output
