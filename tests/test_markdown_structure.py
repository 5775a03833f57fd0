"""Markdown files go through the structure a saved page has: a plain body, its headings, lists, quotes,
emphasis, strong and links beside it; what was imported before keeps its body and highlights (issue 10)."""

from reader import text
from reader.importers import common, parse
from reader.model import Anchor, Article
from reader.services.imports import import_paths
from reader.store import Library
from reader.ui.app import make_app
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import settle, widget_lines

NOTE = """---
title: Hà Nội builds a metro line
date: 2025-04-03
---
# Hà Nội builds a metro line

The city of [Hà Nội](https://example.org/hanoi) opened its **second** metro line on *Thursday*,
after years of delays.

## What riders say

> It takes me twenty minutes instead of an hour, said Nguyễn Thị Lan.

- Twelve stations along the line.
- Trains every six minutes.

More lines are planned, the [city](javascript:alert(1)) said.
"""


def _kinds(article):
    return [(b.kind, article.body[b.start : b.end]) for b in article.blocks]


def test_markdown_becomes_a_plain_body_with_its_structure_beside_it():
    a = parse(NOTE.encode(), "metro.md")
    assert a.title == "Hà Nội builds a metro line"
    for syntax in ("#", "**", "](", "> ", "- ", "*Thursday*"):
        assert syntax not in a.body.split("More lines")[0]
    assert _kinds(a) == [
        ("heading", "Hà Nội builds a metro line"),
        ("paragraph", "The city of Hà Nội opened its second metro line on Thursday, after years of delays."),
        ("heading", "What riders say"),
        ("quote", "It takes me twenty minutes instead of an hour, said Nguyễn Thị Lan."),
        ("list item", "Twelve stations along the line."),
        ("list item", "Trains every six minutes."),
        ("paragraph", "More lines are planned, the [city](javascript:alert(1)) said."),  # no such link: text
    ]
    spans = [(s.kind, a.body[s.start : s.end], s.url) for s in a.spans]
    assert spans == [
        ("link", "Hà Nội", "https://example.org/hanoi"),
        ("strong", "second", ""),
        ("emphasis", "Thursday", ""),
    ]


def test_code_and_html_in_markdown_stay_text():
    a = parse(b"Run `rm -rf`:\n\n```\nx  = 1\n\n\ny = 2\n```\n\n<div>Some <b>raw</b> HTML</div>\n", "code.md")
    assert _kinds(a) == [
        ("paragraph", "Run rm -rf:"),
        ("preformatted", "x  = 1\ny = 2"),  # no blank line inside: a blank line separates paragraphs
        ("paragraph", "Some raw HTML"),
    ]
    assert [(s.kind, a.body[s.start : s.end]) for s in a.spans] == [("strong", "raw")]


def test_a_markdown_file_imported_before_stays_unchanged_with_its_highlights(tmp_path):
    """Before, a .md body was the Markdown as written; re-importing the unchanged file changes nothing."""
    path = tmp_path / "metro.md"
    path.write_text(NOTE, encoding="utf-8")
    library = Library(tmp_path / "l.db")
    decoded = text.decode(path.read_bytes())
    old_body = common.tidy_lines(decoded.split("---\n", 2)[2])  # what the old importer stored
    status, old = library.add_article(
        Article(
            title="Hà Nội builds a metro line",
            body=old_body,
            path=str(path.resolve()),
            content_hash=text.content_hash(decoded),
        )
    )
    start = old_body.index("**second**")
    highlight = library.add_highlight(old.id, Anchor(start, start + 10, "**second**"))
    [result] = import_paths(library, [path])
    assert (result.status, result.article_id) == ("unchanged", old.id)
    assert library.get_article(old.id).body == old_body
    [kept] = library.highlights(old.id)
    assert (kept.start, kept.end, kept.quote, kept.orphan) == (start, start + 10, "**second**", False)
    assert kept.id == highlight.id
    # The file changes: now it is read with its structure, and the highlight follows its words.
    path.write_text(NOTE.replace("after years", "after many years"), encoding="utf-8")
    [result] = import_paths(library, [path])
    assert result.status == "updated"
    new = library.get_article(old.id)
    assert "**" not in new.body and ("heading", "What riders say") in _kinds(new)


def test_a_markdown_file_is_stored_with_its_structure_and_reimports_unchanged(tmp_path):
    path = tmp_path / "metro.md"
    path.write_text(NOTE, encoding="utf-8")
    library = Library(tmp_path / "l.db")
    [first] = import_paths(library, [path])  # the bulk path of a first import
    stored = library.get_article(first.article_id)
    assert ("list item", "Trains every six minutes.") in _kinds(stored)
    assert [s.url for s in stored.links] == ["https://example.org/hanoi"]
    [again] = import_paths(library, [path])
    assert (again.status, again.article_id) == ("unchanged", first.article_id)
    assert library.get_article(first.article_id).blocks == stored.blocks


async def test_a_markdown_note_shows_formatted_and_its_title_once(tmp_path):
    path = tmp_path / "metro.md"
    path.write_text(NOTE, encoding="utf-8")
    library = Library(tmp_path / "l.db")
    list(import_paths(library, [path]))
    app = make_app(library)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        reading = app.screen.query_one(ReadingPane)
        shown = widget_lines(reading)
        screen = "\n".join(shown)
        # The title is the header; the `# Title` under the front matter repeats it and is not drawn again.
        assert screen.count("Hà Nội builds a metro line") == 1, screen
        assert "**" not in screen and "](https" not in screen and "#" not in screen
        rows = {line.strip(): y for y, line in enumerate(shown) if line.strip()}
        item = list(reading.render_line(rows["•Twelve stations along the line."]))
        assert item[0].text == "•"  # the bullet is in the margin, the text is the body's
        quote_y = next(y for y, line in enumerate(shown) if "twenty minutes" in line)
        assert list(reading.render_line(quote_y))[0].text == "│"
        link = list(reading.render_line(next(y for y, line in enumerate(shown) if "opened its" in line)))
        assert any(s.style and s.style.underline for s in link if s.text == "Hà Nội")
        assert any(s.style and s.style.bold for s in link if s.text == "second")
        # The body keeps the heading (offsets stay); the cursor starts on what is shown.
        assert reading.article.body.startswith("Hà Nội builds a metro line\n\n")
        assert reading.article.body[slice(*reading.cursor_span)].startswith("The city of")
