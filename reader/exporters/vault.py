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

    > the passage

    **Note:** its note

    **Tags:** #economy #ngoại-giao

    [↗ reader](reader://open?article=12&highlight=5) ^h-5
    <!-- reader:end -->

Everything outside the two marker lines is the user's, and so is every front-matter key the reader
does not own (OWNED_KEYS): they are kept byte for byte. Text inside comes from markdown.py's
encoder, which escapes `<`, so no user text can make a marker line, a front-matter line or a block
id line. Reading back inverts that encoder (`decode_block`); text the user typed there reads as
written, Markdown marks included.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import yaml

from reader.exporters import reading_order
from reader.exporters.markdown import (
    _blockquote,
    _colour,
    _encode_line,
    _labelled,
    _yaml_str,
    obsidian_tags,
    paragraph_number,
    yaml_list,
)
from reader.model import Article, Highlight
from reader.text import clean

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
    "**Conflict:** this note was changed here and in reader since the last sync. Keep the text you want "
    "after Note, delete the paragraph Note in reader, and sync again."
)
_ID_LINE = re.compile(r"^\[[^\]]*\]\(reader://open\?article=\d+&highlight=(\d+)\) \^h-(\d+)\s*$")
_BLOCK_HEADING = re.compile(r"^### (Paragraph|Orphan) \d+ · ")
_KEY_LINE = re.compile(r"^([^\s#:'\"-][^:]*?|'[^']*'|\"[^\"]*\"):(\s|$)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


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


def parse_open_uri(uri: str) -> tuple[int, int | None]:
    """(article id, highlight id or None) of a reader://open link; ValueError with a reason if it is not one."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(uri.strip())
    if parts.scheme != "reader" or parts.netloc != "open":
        raise ValueError("not a reader link: expected reader://open?article=ID&highlight=ID")
    query = parse_qs(parts.query)

    def number(name: str) -> int | None:
        values = query.get(name)
        if not values:
            return None
        if len(values) > 1 or not values[0].isascii() or not values[0].isdigit() or len(values[0]) > 18:
            raise ValueError(f"the link's {name} should be one whole number, not {values[0][:30]!r}")
        return int(values[0])

    article_id = number("article")
    if article_id is None:
        raise ValueError("the link names no article (article=ID)")
    return article_id, number("highlight")


def _block_lines(body: str, heading: str, block: HighlightBlock) -> list[str]:
    h = block.highlight
    parts = [[f"### {heading} · {_colour(h.color)}"], _blockquote(clean(h.quote))]
    if block.theirs is not None:
        parts.append([CONFLICT_EXPLAINED])
    if block.note:
        parts.append(_labelled("Note", block.note))
    if block.theirs is not None and block.theirs:
        parts.append(_labelled("Note in reader", block.theirs))
    elif block.theirs is not None:
        parts.append(["**Note in reader:** (empty)"])
    tags = obsidian_tags(block.tags)
    if tags:
        parts.append(["**Tags:** " + " ".join("#" + t for t in tags)])
    parts.append([f"[↗ reader]({open_uri(h.article_id, h.id)}) ^h-{h.id}"])
    return ["\n".join(p) for p in parts]


def render_region(
    article: Article, note: str, blocks: list[HighlightBlock], kept: list[str], note_theirs: str | None = None
) -> str:
    """The managed region, marker lines included; `kept` are raw blocks the user edited but reader deleted."""
    body = clean(article.body)
    title = clean(article.title)
    parts = [BEGIN + "\n# " + _encode_line(title if title.strip() else "Untitled", heading=True)]
    meta = [p for p in (clean(article.place), clean(article.date or ""), clean(article.source)) if p]
    if meta:
        parts.append(_encode_line(" · ".join(meta)))
    parts.append(ARTICLE_NOTE_HEADING)
    if note_theirs is not None:
        parts.append(CONFLICT_EXPLAINED)
    if note:
        parts.append("\n".join(_labelled("Note", note)))
    if note_theirs is not None:
        parts.append(
            "\n".join(_labelled("Note in reader", note_theirs)) if note_theirs else "**Note in reader:** (empty)"
        )
    anchored = sorted((b for b in blocks if not b.highlight.orphan), key=lambda b: reading_order(b.highlight))
    orphans = sorted((b for b in blocks if b.highlight.orphan), key=lambda b: reading_order(b.highlight))
    if anchored or kept:
        parts.append("## Highlights")
        for b in anchored:
            parts.extend(_block_lines(body, f"Paragraph {paragraph_number(body, b.highlight.start)}", b))
        parts.extend(kept)
    if orphans:
        parts.append("## Orphaned highlights")
        parts.append("These passages were not found in the current text of the article.")
        for number, b in enumerate(orphans, 1):
            parts.extend(_block_lines(body, f"Orphan {number}", b))
    return "\n\n".join(parts) + "\n" + END + "\n"


def owned_front_matter(article: Article, tags: list[str], highlights: int, updated: str) -> dict[str, list[str]]:
    """The front-matter entries the reader owns, as lines per key (empty values left out)."""
    entries: dict[str, list[str]] = {"reader-id": [f"reader-id: {article.id}"]}
    title = clean(article.title)
    if title:
        entries["title"] = [f"title: {_yaml_str(title)}"]
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
            entries[key] = [f"{key}: {_yaml_str(value)}"]
    if obsidian_tags(tags):
        entries["tags"] = yaml_list("tags", obsidian_tags(tags))
    entries["highlights"] = [f"highlights: {highlights}"]
    if updated:
        entries["updated"] = [f"updated: {_yaml_str(clean(updated))}"]
    return entries


# --------------------------------------------------------------------------- read back


def decode_inline(line: str) -> str:
    """One line of Markdown source as the text it shows: escapes and character references undone."""

    def undo(m: re.Match) -> str:
        if m.group(1) is not None:
            return m.group(1)
        decoded = html.unescape(m.group(0))
        return decoded if decoded != m.group(0) else m.group(0)

    return _ESCAPE.sub(undo, line.strip(" \t"))


def decode_block(lines: list[str]) -> str:
    """Paragraph lines (blank between paragraphs) as text: the inverse of markdown.py's encoder."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    out = []
    for para in (p for p in paragraphs if p):
        text = []
        for n, line in enumerate(para):
            stripped = line.rstrip(" \t")
            trailing = len(stripped) - len(stripped.rstrip("\\"))
            hard = trailing % 2 == 1
            text.append(decode_inline(stripped[:-1] if hard else stripped))
            if hard or n < len(para) - 1:
                text.append("\n")
        out.append("".join(text))
    return "\n\n".join(out)


def decode_tags(line: str) -> list[str]:
    """The tags of a `**Tags:**` line: words, with or without "#", split by spaces or commas."""
    words = re.split(r"[\s,]+", line)
    return [t for t in (decode_inline(w).lstrip("#") for w in words) if t]


@dataclass
class ParsedBlock:
    """A highlight block as found in a note: its id, note, tags, the library side of a conflict, its lines."""

    highlight_id: int
    note: str
    tags: list[str]
    theirs: str | None
    raw: str


@dataclass
class ParsedNote:
    """A vault note split into the parts sync needs."""

    reader_id: int | None
    front: list[tuple[str | None, list[str]]]  # (key, lines) in file order; key None for comments
    before: str  # text between the front matter and the region
    after: str  # text after the region
    has_region: bool
    note: str | None = None
    note_theirs: str | None = None
    tags: list[str] | None = None
    blocks: dict[int, ParsedBlock] = field(default_factory=dict)
    problem: str = ""


def _front_entries(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    entries: list[tuple[str | None, list[str]]] = []
    for line in lines:
        m = _KEY_LINE.match(line)
        if m:
            entries.append((m.group(1).strip("'\""), [line]))
        elif entries:
            entries[-1][1].append(line)
        else:
            entries.append((None, [line]))
    return entries


def _fields(block_lines: list[str]) -> dict[str, list[str]]:
    """The labelled parts of a block's lines after its quote: note, tags, theirs (conflict)."""
    labels = {"**Note:**": "note", "**Tags:**": "tags", "**Note in reader:**": "theirs", "**Conflict:**": "conflict"}
    fields: dict[str, list[str]] = {}
    current = "note"
    for line in block_lines:
        for label, name in labels.items():
            if line.startswith(label):
                current = name
                line = line[len(label) :].lstrip(" ")
                fields.setdefault(name, [])
                break
        if current == "tags" and fields.get("tags") and line.strip():
            current = "note"  # the tags are one line; what follows is the user's
        fields.setdefault(current, []).append(line)
    if fields.get("theirs") == ["(empty)"]:
        fields["theirs"] = []
    return fields


def _parse_region(lines: list[str], note: ParsedNote) -> None:
    # A highlight block runs from its `### ` heading to its id line: a line of the user's that
    # starts with "#" (an Obsidian tag) inside a note must not end the block.
    start = None
    for k, line in enumerate(lines):
        if line == ARTICLE_NOTE_HEADING:
            j = k + 1
            while j < len(lines) and not lines[j].startswith(("## ", "### ")):
                j += 1
            fields = _fields(lines[k + 1 : j])
            note.note = decode_block(fields.get("note", []))
            note.note_theirs = decode_block(fields["theirs"]) if "theirs" in fields else None
        elif _BLOCK_HEADING.match(line):
            start = k  # a block whose id line was deleted ends here
        elif _ID_LINE.match(line) and start is not None:
            _parse_block(lines[start : k + 1], note)
            start = None


def _parse_block(lines: list[str], note: ParsedNote) -> None:
    id_at = next((k for k in range(len(lines) - 1, -1, -1) if _ID_LINE.match(lines[k])), None)
    if id_at is None:
        return  # a heading of the user's, not a highlight: nothing to read back
    highlight_id = int(_ID_LINE.match(lines[id_at]).group(2))
    body = lines[1:id_at]
    k = 0
    while k < len(body) and (not body[k].strip() or body[k].startswith(">")):
        k += 1
    fields = _fields(body[k:])
    tags = decode_tags(" ".join(fields.get("tags", [])))
    note.blocks[highlight_id] = ParsedBlock(
        highlight_id=highlight_id,
        note=decode_block(fields.get("note", [])),
        tags=tags,
        theirs=decode_block(fields["theirs"]) if "theirs" in fields else None,
        raw="\n".join(lines[: id_at + 1]).strip("\n"),
    )


_READER_ID = re.compile(r"^reader-id:[ \t]*(\d{1,18})[ \t]*\r?$", re.MULTILINE)


def note_reader_id(text: str) -> int | None:
    """The reader-id in a note's front matter, found without reading the rest; None if it has none."""
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    m = _READER_ID.search(text, 0, end if end != -1 else 0)
    return int(m.group(1)) if m else None


def parse_note(text: str) -> ParsedNote:
    """Split a note into front matter, the user's text and what the region holds; reader_id None if not ours."""
    if not text.startswith("---\n"):
        return ParsedNote(None, [], text, "", False)
    end = text.find("\n---\n", 3)
    if end == -1 and text.endswith("\n---"):
        end = len(text) - 4
    if end == -1:
        return ParsedNote(None, [], text, "", False)
    front_lines = text[4:end].split("\n") if end > 3 else []
    rest = text[end + 5 :]
    entries = _front_entries(front_lines)
    keys = dict((k, v) for k, v in entries if k)
    reader_id = None
    if "reader-id" in keys:
        m = re.fullmatch(r"reader-id:\s*(\d{1,18})\s*", keys["reader-id"][0])
        reader_id = int(m.group(1)) if m else None
    note = ParsedNote(reader_id, entries, rest, "", False)
    if reader_id is None:
        return note
    if "tags" in keys:
        try:
            loaded = yaml.safe_load("\n".join(keys["tags"]))
        except yaml.YAMLError:
            note.problem = "its front-matter tags are not valid YAML"
            return note
        value = loaded.get("tags") if isinstance(loaded, dict) else None
        values = value if isinstance(value, list) else [value] if value else []
        note.tags = [clean(str(v)).lstrip("#") for v in values if v is not None and str(v).strip()]
    else:
        note.tags = []
    lines = rest.split("\n")
    begins = [k for k, line in enumerate(lines) if line.startswith("<!-- reader:begin")]
    ends = [k for k, line in enumerate(lines) if line == END]
    if len(begins) > 1 or len(ends) > 1:
        note.problem = "it holds more than one managed region (reader:begin … reader:end)"
        return note
    if begins and ends and begins[0] < ends[0]:
        b, e = begins[0], ends[0]
        note.has_region = True
        note.before = "\n".join(lines[:b]) + ("\n" if b else "")
        note.after = "\n".join(lines[e + 1 :])
        _parse_region(lines[b + 1 : e], note)
    elif begins or ends:
        note.problem = "one of its marker lines (reader:begin, reader:end) is missing"
    return note


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
    return front + parsed.before + region + parsed.after
