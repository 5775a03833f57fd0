"""Highlights in Markdown as a blockquote, an Obsidian callout per colour, or ==marked== text.

The form is a setting of the library (`reader colors style`), or an option of one export or sync
(`--style`, remembered with the vault). Whatever the form, sync reads the user's edits back.
"""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner
from markdown_it import MarkdownIt

from reader.cli import main
from reader.exporters.markdown import passage_lines
from reader.importers import vault_note
from reader.model import HIGHLIGHT_FORMS, Anchor, NoteStyle
from reader.services.vault import SyncOptions, remembered_vault, sync
from reader.store import Library, LibraryError
from tests.tui_helpers import library_with, settle

MD = MarkdownIt("commonmark")


@pytest.fixture
def library(tmp_path) -> Library:
    library = library_with(tmp_path)
    article = next(a for a in library.list_articles() if a.place == "Hà Nội")
    body = library.get_article(article.id).body
    library.add_highlight(article.id, Anchor(0, 8, body[:8]), note="first note", tags=["ngoại giao"], color=2)
    # A passage over a paragraph break: two paragraphs of the quote, in every form.
    cut = body.index("\n\n")
    library.add_highlight(article.id, Anchor(cut - 12, cut + 14, body[cut - 12 : cut + 14]), color=3)
    return library


def run(library: Library, *args: str):
    return CliRunner().invoke(main, ["--db", str(library.path), *args])


def the_note(vault):
    [path] = list(vault.rglob("*.md"))
    return path


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def highlights(library: Library):
    article = next(a for a in library.list_articles() if a.place == "Hà Nội")
    return library.highlights(article.id)


@pytest.mark.parametrize("form", HIGHLIGHT_FORMS)
def test_each_form_reads_edits_back_and_a_second_sync_changes_nothing(library, tmp_path, form):
    library.set_note_form(form)
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    text = path.read_text(encoding="utf-8")
    passage = {"quote": "\n> ", "callout": "\n> [!success] green\n> ", "mark": "\n=="}[form]
    assert passage in text
    MD.parse(text)
    first, second = highlights(library)
    edit(path, "**Note:** first note", "**Note:** sửa trong Obsidian")
    edit(path, "**Tags:** #ngoại-giao", "**Tags:** #ngoại-giao #mới")
    # A note written under the second passage, which had none.
    edit(
        path,
        f"[↗ reader](reader://open?article={second.article_id}&highlight={second.id})",
        "**Note:** thêm\n\n" + f"[↗ reader](reader://open?article={second.article_id}&highlight={second.id})",
    )
    report = sync(library, vault)
    assert len(report.read_back) == 3 and not report.conflicts and not report.problems
    first, second = highlights(library)
    assert (first.note, set(first.tags), second.note) == ("sửa trong Obsidian", {"ngoại giao", "mới"}, "thêm")
    before = path.read_bytes()
    again = sync(library, vault)
    assert (again.updated, again.read_back, again.unchanged) == ([], [], 1)
    assert path.read_bytes() == before


def test_changing_the_form_rewrites_every_note_and_reads_nothing_back(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    for form in ("mark", "callout", "quote"):
        assert run(library, "colors", "style", form).exit_code == 0
        report = sync(library, vault)
        assert len(report.updated) == 1 and not report.read_back and not report.conflicts
    assert "highlights in Markdown: mark" in run(library, "colors", "style", "mark").output
    assert run(library, "colors", "style", "bold").exit_code == 2


def test_sync_style_option_is_remembered_with_the_vault(library, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_HOME", str(tmp_path / "home"))
    vault = tmp_path / "vault"
    result = run(library, "sync", str(vault), "--style", "callout")
    assert result.exit_code == 0, result.output
    assert "> [!info] blue" in the_note(vault).read_text(encoding="utf-8")
    assert remembered_vault()[1].form == "callout"
    result = run(library, "sync")  # the remembered vault, in its remembered style: nothing to rewrite
    assert "0 notes created, 0 updated, 1 unchanged" in result.output
    assert library.note_style().form == "quote"  # the library's own setting is untouched


def test_callout_types_per_colour_are_settable_and_listed(library):
    assert run(library, "colors", "callout", "3", "Tip").exit_code == 0
    assert library.note_style().callout(3) == "tip" and library.note_style().callout(1) == "warning"
    result = run(library, "colors", "callout", "3", "not one word")
    assert result.exit_code == 1 and "one word" in result.output
    run(library, "colors", "style", "callout")
    listing = run(library, "colors").output
    assert "3  blue  callout: tip" in listing and "1  yellow  callout: warning" in listing
    assert "Markdown shows highlights as: callout" in listing
    exported = run(library, "export").output
    assert "> [!tip] blue\n" in exported and "> [!success] green\n" in exported
    assert "\n==" in run(library, "export", "--style", "mark").output
    run(library, "colors", "callout", "3", "")
    assert library.note_style().callout(3) == "info"
    with pytest.raises(LibraryError):
        library.set_note_form("bold")


@pytest.mark.parametrize(
    "quote",
    ["ends with =", "a == b", "one\n\ntwo", "hard\nbreak", "three\n\n\nbreaks", "=starts", " spaced ", "\\"],
)
def test_a_marked_passage_shows_the_quote_between_marks(quote):
    lines = passage_lines(quote, 1, NoteStyle("mark"), None)
    paragraphs = []
    for token in MD.parse("\n".join(lines)):
        if token.type != "inline":
            continue
        shown = [""]
        for child in token.children:
            if child.type in ("hardbreak", "softbreak"):
                shown.append("")
            else:
                shown[-1] += child.content
        # Each line of the passage is wrapped in one pair of marks (an empty line stays empty).
        assert all(line.startswith("==") and line.endswith("==") for line in shown if line), lines
        paragraphs.append("\n".join(line[2:-2] for line in shown))
    assert "\n\n".join(paragraphs) == quote


def test_a_callout_line_in_a_quote_cannot_start_a_callout():
    lines = passage_lines("[!danger] not a callout", 1, NoteStyle("callout"), {1: "[!x]"})
    assert lines[0] == "> [!warning] \\[!x\\]" and lines[1].startswith("> \\[!danger\\]")


def test_front_matter_and_region_parse_in_every_form(library, tmp_path):
    for form in HIGHLIGHT_FORMS:
        vault = tmp_path / form
        sync(library, vault, SyncOptions(form=form))
        text = the_note(vault).read_text(encoding="utf-8")
        yaml.safe_load(text[4 : text.index("\n---\n", 3)])
        parsed = vault_note.parse_note(text)
        assert not parsed.stray and len(parsed.blocks) == 2


async def test_e_in_the_tui_exports_in_the_librarys_form(library, reader_home):
    from reader.ui.app import make_app

    library.set_note_form("callout")
    app = make_app(library)
    async with app.run_test(size=(180, 50)) as pilot:
        await pilot.press("j", "enter", "e")
        await settle(pilot)
        [written] = list((reader_home / "exports").iterdir())
        text = written.read_text(encoding="utf-8")
        assert "> [!success] green\n> " in text and "> [!info] blue\n> " in text


@pytest.mark.parametrize("form", ["callout", "mark"])
def test_golden_export_per_form(form):
    """`reader export` of the first sample in each form beside the blockquote's seed-000.md (UPDATE_GOLDEN=1)."""
    import os
    from pathlib import Path

    from reader.exporters.markdown import render
    from tests.test_export_markdown_golden import EXPORTED_AT, seed_000

    article, found = seed_000()
    rendered = render(article, found, EXPORTED_AT, {1: "key claim"}, NoteStyle(form, ((3, "tip"),)))
    path = Path(__file__).resolve().parent / "golden" / f"seed-000-{form}.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(rendered.encode("utf-8"))
    assert rendered.encode("utf-8") == path.read_bytes(), f"{path.name} changed; inspect it, then UPDATE_GOLDEN=1"
    html = MD.render(rendered.split("\n---\n", 1)[1])
    assert "<li>" not in html and "<em>" not in html
