"""A vault note byte for byte, one golden file per highlight form (UPDATE_GOLDEN=1 rewrites them), and
reading each back gives what went in.

Read a changed golden file before accepting it: it is what a user keeps in their vault.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from reader.exporters import vault as notes
from reader.importers import vault_note
from reader.model import HIGHLIGHT_FORMS, Anchor, Article, Highlight, NoteStyle

FOLDER = Path(__file__).resolve().parent / "golden"
GOLDEN = FOLDER / "vault-note.md"


def golden(form: str) -> Path:
    """The golden note of a form: vault-note.md (quote, the first form), vault-note-callout.md, vault-note-mark.md."""
    return GOLDEN if form == "quote" else FOLDER / f"vault-note-{form}.md"


BODY = "Hà Nội, April 3 — Tô Lâm met the ambassador.\n\nPolitical trust has been further strengthened."


def note_text(parsed=None, form: str = "quote") -> str:
    article = Article(
        title="Việt Nam: Japan a top partner",
        body=BODY,
        date="2025-04-03",
        place="Hà Nội",
        source="VNA/VNS",
        tags=["ngoại giao", "Quan hệ Việt–Nhật"],
        note="Ghi chú: {{ not liquid }} and %%not a comment%%",
        id=12,
    )
    start = BODY.index("Political")
    highlights = [
        Highlight(12, Anchor(15, 21, "Tô Lâm"), color=2, note="Tổng Bí thư\nline two", tags=["người"], id=5),
        Highlight(12, Anchor(start, start + 15, "Political trust"), color=3, note="", tags=[], id=6),
        Highlight(12, Anchor(0, 4, "gone"), orphan=True, note="#not-a-tag ==no==", id=7),
    ]
    blocks = [notes.HighlightBlock(h, h.note, h.tags) for h in highlights]
    owned = notes.owned_front_matter(article, article.tags, len(highlights), "2025-11-26T09:00:00.000Z")
    style = NoteStyle(form, ((3, "tip"),))  # colour 3 a callout type of the user's, the others the defaults
    names = {2: "key claim"}
    region = notes.render_region(article, article.note, blocks, [], colour_names=names, style=style)
    return notes.assemble(parsed, owned, region)


@pytest.mark.parametrize("form", HIGHLIGHT_FORMS)
def test_golden_vault_note(form):
    text = note_text(form=form)
    if os.environ.get("UPDATE_GOLDEN"):
        golden(form).write_text(text, encoding="utf-8")
    assert text.encode("utf-8") == golden(form).read_bytes(), (
        f"{golden(form).name} changed; inspect it, then UPDATE_GOLDEN=1"
    )


def test_each_form_writes_the_passage_its_way():
    quote, callout, mark = (golden(form).read_text(encoding="utf-8") for form in HIGHLIGHT_FORMS)
    assert "> Tô Lâm\n" in quote and "[!" not in quote and "==Tô" not in quote
    assert "> [!success] key claim\n> Tô Lâm\n" in callout and "> [!tip] blue\n> Political trust\n" in callout
    assert "\n==Tô Lâm==\n" in mark and "\n==Political trust==\n" in mark and "> " not in mark


@pytest.mark.parametrize("form", HIGHLIGHT_FORMS)
def test_the_golden_note_reads_back_and_parses(form):
    text = golden(form).read_text(encoding="utf-8")
    meta = yaml.safe_load(text[4 : text.index("\n---\n", 3)])
    assert meta["reader-id"] == 12 and meta["tags"] == ["ngoại-giao", "Quan-hệ-Việt-Nhật"]
    MarkdownIt("commonmark").parse(text)
    parsed = vault_note.parse_note(text)
    assert parsed.note == "Ghi chú: {{ not liquid }} and %%not a comment%%"
    assert parsed.tags == ["ngoại-giao", "Quan-hệ-Việt-Nhật"]
    assert parsed.blocks[5].note == "Tổng Bí thư\nline two" and parsed.blocks[5].tags == ["người"]
    assert parsed.blocks[6].note == "" and parsed.blocks[7].note == "#not-a-tag ==no=="
    # Written again over itself, with the user's parts, it does not change.
    user = text.replace("---\n<!--", "rating: 5\n---\nMine.\n\n<!--") + "\nAfter.\n"
    assert note_text(vault_note.parse_note(user), form) == user
