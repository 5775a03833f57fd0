"""One vault note per article: render its front matter and managed region, and read a note back.

A note, as the reader first writes it::

    ---
    reader-id: 12
    title: Việt Nam considers Japan a top partner
    aliases:
      - Việt Nam considers Japan a top partner
    date: "2025-04-03"
    tags:
      - ngoại-giao
    highlights: 2
    updated: "2025-11-26T09:00:00.000Z"
    ---
    <!-- reader:begin: notes and tags edited below come back to reader at the next sync -->
    # Việt Nam considers Japan a top partner
    ...
    ## Article note

    the article note (empty: write one here)

    ## Highlights

    ### Paragraph 3 · yellow

    > the passage                  (or a callout, or ==the passage==: the note style's form)

    **Note:** its note

    **Tags:** #economy #ngoại-giao

    [↗ reader](reader://open?article=12&highlight=5) ^h-5
    <!-- reader:end -->

Everything outside the two marker lines is the user's, and so is every front-matter key the reader
does not own (OWNED_KEYS): they are kept byte for byte. Text inside comes from markdown.py's
encoder, which escapes `<`, so no user text can make a marker line, a front-matter line or a block
id line. reader.importers.vault_note reads a note back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.exporters import reading_order
from reader.exporters.markdown import (
    ORPHANS_EXPLAINED,
    _colour,
    _encode_line,
    _labelled,
    obsidian_tags,
    paragraph_number,
    passage_lines,
)
from reader.exporters.yaml_scalars import yaml_list, yaml_str
from reader.model import Article, Highlight, NoteStyle
from reader.text import clean

if TYPE_CHECKING:
    from reader.importers.vault_note import ParsedNote

BEGIN = "<!-- reader:begin: notes and tags edited below come back to reader at the next sync -->"
END = "<!-- reader:end -->"
OWNED_KEYS = (
    "reader-id",
    "title",
    "aliases",
    "url",
    "date",
    "place",
    "source",
    "feed",
    "tags",
    "highlights",
    "updated",
)
ARTICLE_NOTE_HEADING = "## Article note"
CONFLICT_EXPLAINED = (
    "**Conflict:** this note was changed here and in reader since the last sync. Keep the text you want: "
    "delete the paragraph Note in reader to keep yours, or the paragraph Note to keep the reader's, and sync again."
)


# --------------------------------------------------------------------------- render


@dataclass(frozen=True)
class HighlightBlock:
    """What a highlight block shows; `theirs` is the library's note when it conflicts with the vault's."""

    highlight: Highlight
    note: str
    tags: list[str]
    theirs: str | None = None


def open_uri(article_id: int, highlight_id: int | None = None) -> str:
    """The link that opens the reader on an article (and a highlight)."""
    uri = f"reader://open?article={article_id}"
    return uri + (f"&highlight={highlight_id}" if highlight_id is not None else "")


def _note_parts(note: str, theirs: str | None) -> list[list[str]]:
    """A note's paragraphs; in a conflict (`theirs`: the reader's side), the explanation, then each side
    labelled, an empty one as "(empty)": deleting either paragraph then means keeping the other."""
    if theirs is None:
        return [_labelled("Note", note)] if note else []
    return [
        [CONFLICT_EXPLAINED],
        _labelled("Note", note) if note else ["**Note:** (empty)"],
        _labelled("Note in reader", theirs) if theirs else ["**Note in reader:** (empty)"],
    ]


def _block_lines(
    heading: str, block: HighlightBlock, names: dict[int, str] | None, style: NoteStyle | None
) -> list[str]:
    h = block.highlight
    parts = [[f"### {heading} · {_colour(h.color, names)}"], passage_lines(clean(h.quote), h.color, style, names)]
    parts += _note_parts(block.note, block.theirs)
    tags = obsidian_tags(block.tags)
    if tags:
        parts.append(["**Tags:** " + " ".join("#" + t for t in tags)])
    parts.append([f"[↗ reader]({open_uri(h.article_id, h.id)}) ^h-{h.id}"])
    return ["\n".join(p) for p in parts]


def render_region(
    article: Article,
    note: str,
    blocks: list[HighlightBlock],
    kept: list[str],
    note_theirs: str | None = None,
    colour_names: dict[int, str] | None = None,
    style: NoteStyle | None = None,
) -> str:
    """The managed region, marker lines included; `kept` are raw blocks the user edited but reader deleted.

    Passages are written in the style's form (a blockquote, a callout, ==marked==); each reads back alike.
    """
    body = clean(article.body)
    title = clean(article.title)
    parts = [BEGIN + "\n# " + _encode_line(title if title.strip() else "Untitled", heading=True)]
    meta = [p for p in (clean(article.place), clean(article.date or ""), clean(article.source)) if p]
    if meta:
        parts.append(_encode_line(" · ".join(meta)))
    parts.append(ARTICLE_NOTE_HEADING)
    parts += ["\n".join(p) for p in _note_parts(note, note_theirs)]
    anchored = sorted((b for b in blocks if not b.highlight.orphan), key=lambda b: reading_order(b.highlight))
    orphans = sorted((b for b in blocks if b.highlight.orphan), key=lambda b: reading_order(b.highlight))
    if anchored or kept:
        parts.append("## Highlights")
        for b in anchored:
            parts.extend(_block_lines(f"Paragraph {paragraph_number(body, b.highlight.start)}", b, colour_names, style))
        parts.extend(kept)
    if orphans:
        parts.append("## Orphaned highlights")
        parts.append(ORPHANS_EXPLAINED)
        for number, b in enumerate(orphans, 1):
            parts.extend(_block_lines(f"Orphan {number}", b, colour_names, style))
    return "\n\n".join(parts) + "\n" + END + "\n"


def owned_front_matter(article: Article, tags: list[str], highlights: int, updated: str) -> dict[str, list[str]]:
    """The front-matter entries the reader owns, as lines per key (empty values left out)."""
    entries: dict[str, list[str]] = {"reader-id": [f"reader-id: {article.id}"]}
    title = clean(article.title)
    if title:
        entries["title"] = [f"title: {yaml_str(title)}"]
        entries["aliases"] = yaml_list("aliases", [title])
    for key, value in (
        ("url", getattr(article, "url", "")),
        ("date", article.date or ""),
        ("place", article.place),
        ("source", article.source),
        ("feed", getattr(article, "feed", "")),
    ):
        value = clean(value or "")
        if value:
            entries[key] = [f"{key}: {yaml_str(value)}"]
    if obsidian_tags(tags):
        entries["tags"] = yaml_list("tags", obsidian_tags(tags))
    entries["highlights"] = [f"highlights: {highlights}"]
    if updated:
        entries["updated"] = [f"updated: {yaml_str(clean(updated))}"]
    return entries


def assemble(parsed: ParsedNote | None, owned: dict[str, list[str]], region: str) -> str:
    """The note's new text: owned keys replaced in place (new ones after them), the user's parts as they were."""
    lines: list[str] = []
    placed = set()
    if parsed is not None:
        last_owned = max((n for n, (k, _) in enumerate(parsed.front) if k in OWNED_KEYS), default=-1)
        for n, (key, entry) in enumerate(parsed.front):
            if key in OWNED_KEYS:
                if key in owned and key not in placed:
                    lines.extend(owned[key])
                    placed.add(key)
            else:
                lines.extend(entry)
            if n == last_owned:
                lines.extend(line for k in OWNED_KEYS if k in owned and k not in placed for line in owned[k])
                placed.update(owned)
    lines.extend(line for k in OWNED_KEYS if k in owned and k not in placed for line in owned[k])
    front = "---\n" + "\n".join(lines) + "\n---\n"
    if parsed is None:
        return front + region
    if not parsed.has_region:
        # The region was deleted: the user's text stays first, a new region after it.
        user = parsed.before
        return front + user + ("" if not user or user.endswith("\n") else "\n") + region
    if parsed.stray:
        # What the user wrote inside the region outside any field moves just below it, kept.
        return front + parsed.before + region + "\n" + "\n\n".join(parsed.stray) + "\n" + parsed.after
    return front + parsed.before + region + parsed.after
