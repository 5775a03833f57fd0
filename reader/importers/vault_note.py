"""Read a vault note back (as reader.exporters.vault writes it): front matter, the user's parts, the region.

Reading the region inverts markdown.py's encoder (`decode_block`); text the user typed there reads
as written, Markdown marks included. Everything read is cleaned (reader.text.clean).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import yaml

from reader.exporters.markdown import ORPHANS_EXPLAINED
from reader.exporters.vault import ARTICLE_NOTE_HEADING, END
from reader.text import clean

_ID_LINE = re.compile(r"^\[[^\]]*\]\(reader://open\?article=\d+&highlight=(\d+)\) \^h-(\d+)\s*$")
_SECTION_LINES = frozenset(["## Highlights", "## Orphaned highlights", ORPHANS_EXPLAINED])
_BLOCK_HEADING = re.compile(r"^### (Paragraph|Orphan) \d+ · ")
_KEY_LINE = re.compile(r"^([^\s#:'\"-][^:]*?|'[^']*'|\"[^\"]*\"):(\s|$)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


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
        if len(values) > 1:
            raise ValueError(f"the link names {len(values)} values of {name}: it should name one")
        if not values[0].isascii() or not values[0].isdigit() or len(values[0]) > 18:
            raise ValueError(f"the link's {name} should be one whole number, not {values[0][:30]!r}")
        return int(values[0])

    article_id = number("article")
    if article_id is None:
        raise ValueError("the link names no article (article=ID)")
    return article_id, number("highlight")


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
    stray: list[str] = field(default_factory=list)  # the user's paragraphs in the region that belong to no field


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
    """The labelled parts of a block's lines after its quote: note, tags, theirs (conflict).

    A conflict whose `Note:` paragraph the user deleted is resolved: the reader's text is the note.
    """
    labels = {"**Note:**": "note", "**Tags:**": "tags", "**Note in reader:**": "theirs", "**Conflict:**": "conflict"}
    fields: dict[str, list[str]] = {}
    labelled: set[str] = set()
    current = "note"
    for line in block_lines:
        for label, name in labels.items():
            if line.startswith(label):
                current = name
                line = line[len(label) :].lstrip(" ")
                fields.setdefault(name, [])
                labelled.add(name)
                break
        if current == "tags" and fields.get("tags") and line.strip():
            current = "note"  # the tags are one line; what follows is the user's
        fields.setdefault(current, []).append(line)
    if "theirs" in fields or "conflict" in labelled:  # a conflict: each side's empty text is written "(empty)"
        for name in ("note", "theirs"):
            if [line for line in fields.get(name, []) if line.strip()] == ["(empty)"]:
                fields[name] = []
    if "theirs" in fields and "note" not in labelled:
        fields["note"] = fields.pop("theirs")
    return fields


def _parse_region(lines: list[str], note: ParsedNote) -> None:
    # A highlight block runs from its `### ` heading to its id line: a line of the user's that
    # starts with "#" (an Obsidian tag) inside a note must not end the block. Lines of the user's
    # between blocks, or in a block whose id line is gone, are kept as `stray`: the sync moves
    # them out of the region instead of writing over them.
    start = None
    after_note = False
    skip_to = 0
    for k, line in enumerate(lines):
        if k < skip_to:
            continue  # the article note's lines, read already
        if line == ARTICLE_NOTE_HEADING:
            j = k + 1
            while j < len(lines) and not lines[j].startswith(("## ", "### ")):
                j += 1
            fields = _fields(lines[k + 1 : j])
            note.note = decode_block(fields.get("note", []))
            note.note_theirs = decode_block(fields["theirs"]) if "theirs" in fields else None
            after_note, skip_to = True, j
        elif _BLOCK_HEADING.match(line):
            if start is not None:  # the block before lost its id line: what the user wrote in it stays
                _keep_stray(lines[start + 1 : k], note)
            start = k
        elif _ID_LINE.match(line) and start is not None:
            _parse_block(lines[start : k + 1], note)
            start = None
        elif start is None and after_note and line.strip() and line not in _SECTION_LINES:
            # Lines next to each other stay one paragraph.
            if note.stray and k > 0 and lines[k - 1].strip() and lines[k - 1] not in _SECTION_LINES:
                note.stray[-1] += "\n" + line
            else:
                note.stray.append(line)
    if start is not None:
        _keep_stray(lines[start + 1 :], note)


def _is_passage_line(line: str) -> bool:
    """A line of a highlight's passage in any form: a blockquote or callout (`>`), ==marked==, a lone hard break."""
    return line.startswith((">", "==")) or line == "\\"


def _keep_stray(lines: list[str], note: ParsedNote) -> None:
    kept = "\n".join(line for line in lines if not _is_passage_line(line)).strip("\n")
    note.stray.extend(p for p in re.split(r"\n\s*\n", kept) if p.strip())


def _parse_block(lines: list[str], note: ParsedNote) -> None:
    id_at = next((k for k in range(len(lines) - 1, -1, -1) if _ID_LINE.match(lines[k])), None)
    if id_at is None:
        return  # a heading of the user's, not a highlight: nothing to read back
    highlight_id = int(_ID_LINE.match(lines[id_at]).group(2))
    body = lines[1:id_at]
    k = 0
    while k < len(body) and (not body[k].strip() or _is_passage_line(body[k])):
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


_READER_ID = re.compile(rb"^reader-id:[ \t]*(\d{1,18})[ \t]*\r?$", re.MULTILINE)


def note_reader_id(raw: bytes) -> int | None:
    """The reader-id in a note's front matter (its bytes), found without decoding the rest; None if it has none."""
    if not raw.startswith(b"---"):
        return None
    end = raw.find(b"\n---", 3)
    m = _READER_ID.search(raw, 0, end if end != -1 else 0)
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
