"""A vault note byte for byte (UPDATE_GOLDEN=1 rewrites it), and reading it back gives what went in.

Read a changed golden file before accepting it: it is what a user keeps in their vault.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from reader.exporters import vault as notes
from reader.importers import vault_note
from reader.model import Anchor, Article, Highlight

GOLDEN = Path(__file__).resolve().parent / "golden" / "vault-note.md"
BODY = "Hà Nội, April 3 — Tô Lâm met the ambassador.\n\nPolitical trust has been further strengthened."


def note_text(parsed=None) -> str:
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
    return notes.assemble(parsed, owned, notes.render_region(article, article.note, blocks, []))


def test_golden_vault_note():
    text = note_text()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text.encode("utf-8") == GOLDEN.read_bytes(), "vault-note.md changed; inspect it, then UPDATE_GOLDEN=1"


def test_the_golden_note_reads_back_and_parses():
    text = GOLDEN.read_text(encoding="utf-8")
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
    assert note_text(vault_note.parse_note(user)) == user
