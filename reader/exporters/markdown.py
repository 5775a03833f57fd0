"""Markdown export of one article: YAML front matter, the article's header and note, its highlights.

The layout (every block separated by one blank line)::

    ---
    title: Việt Nam considers Japan a top partner
    date: '2025-04-03'
    ...
    ---

    # Việt Nam considers Japan a top partner

    Hà Nội · 2025-04-03 · VNA/VNS

    **Note:** the article note

    ## Highlights

    ### Paragraph 3 · yellow

    > the highlighted passage

    **Note:** the highlight's note

    **Tags:** #economy #ngoại-giao

    ## Orphaned highlights

    These passages were not found in the current text of the article.

    ### Orphan 1 · green

    > ...

A highlight is the `###` heading (its paragraph, 1-based, counted from its start offset, and its
colour), then its quote, then optional `**Note:**` and `**Tags:**` paragraphs. The quote takes the
form of the note style (`reader colors style`): a blockquote (the default, above), an Obsidian callout
whose type is the colour's (`> [!success] key claim` then `> the passage`), or `==marked==` lines
(each line marked on its own; a hard break stays outside the marks, a closing `=` of the text's own
is escaped).
Anchored highlights come in reading order (start, then end offset); orphans come last.

Text that a user or an article supplies (title, place, date, source, quotes, notes, tags) reads
back through any CommonMark parser as exactly `text.clean(value)` (NFC, controls removed), never
as structure. The rules:

- `` \\ ` * _ [ ] < | ~ `` are always backslash-escaped (emphasis, code, links, HTML, autolinks,
  and GFM's tables and strikethrough); `&` is escaped when it would start a character reference;
  `#` is escaped everywhere in the title heading (closing `#`s).
- At the start of a line, `# > - + =` and the `.` or `)` after leading digits are escaped too: those
  are the block markers (headings, quotes, lists, thematic breaks, setext underlines). Everything
  else is written as is, so ordinary prose ("Việt Nam's", "e.g.", "2030,") stays readable.
- Tabs, and whitespace at the start or end of a line (which CommonMark strips or turns into hard
  breaks), are written as numeric character references: `&#9;`, `&#32;`, `&#12288;`.
- Newlines in quotes and notes: exactly two newlines between text are a paragraph break (a blank
  line; a lone `>` inside a quote). Any other run of n newlines is n hard line breaks (a line ending
  in `\\`; an empty line is written as a lone `\\`). Newlines at the very start or end of the text
  are `&#10;`. Reading the quote or note back — text as is, a hard break as "\\n", paragraphs
  joined with "\\n\\n" — gives exactly the input.
- In one-line places (the title heading, the place · date · source line, hashtags) a newline is
  written as `&#10;`.
- What other targets read as syntax is escaped too, so the text stays text in them: a `#` before a
  non-space (Obsidian tags), `==` (highlights), `^` after a space (block ids), `$` (math), `:` before
  `//`, `.` after `www` and `@` after a letter (GFM autolinks) take a backslash; `{` before `{` or `%`
  (Liquid, Hugo) and `%%` (Obsidian comments) are written as character references, which those
  programs, unlike a backslash, do not read before the Markdown parser.
- Tags are written in Obsidian form (`obsidian_tag`), the same spelling in the front matter and in
  the body's hashtags: letters keep their accents, spaces and dashes of any kind become "-"
  ("ngoại giao" → `#ngoại-giao`). Empty front-matter fields are left out.
"""

from __future__ import annotations

import re
import unicodedata

from reader.exporters import reading_order
from reader.exporters.yaml_scalars import yaml_list, yaml_str, yaml_value
from reader.model import COLOUR_NAMES, Article, Highlight, NoteStyle
from reader.text import clean

# The same names the reading pane shows for colours 1-5 (exporters may not import the UI).

ORPHANS_EXPLAINED = "These passages were not found in the current text of the article."

_ALWAYS_ESCAPED = frozenset("\\`*_[]<|~")
_LINE_START_ESCAPED = frozenset("#>-+=")
_ORDERED_LIST_MARKER = re.compile(r"[0-9]+[.)]")
# A superset of every character reference CommonMark decodes (&amp; &#65; &#x41;).
_ENTITY_AFTER_AMPERSAND = re.compile(r"#?[A-Za-z0-9]+;")
_NEWLINE_RUNS = re.compile(r"(\n+)")


def _is_edge_space(ch: str) -> bool:
    # Python's isspace() covers every character CommonMark (or markdown-it) trims from a line's
    # ends; U+FEFF is trimmed by JavaScript's trim(), so some parsers drop it too.
    return ch.isspace() or ch == "\ufeff"


def _ref(ch: str) -> str:
    return f"&#{ord(ch)};"


def _target_syntax(body: str, k: int, ch: str) -> bool:
    """True if `ch` at `k` would start syntax of a common Markdown target (not CommonMark's own).

    Obsidian tags (`#tag`), highlights (`==x==`), block ids (` ^id`) and math (`$`); GFM's
    autolinks (`http://`, `www.`, `name@host`). A backslash escape is CommonMark's, so every
    CommonMark parser still reads the character back; these targets honour it too.
    """
    after = body[k + 1] if k + 1 < len(body) else ""
    before = body[k - 1] if k > 0 else ""
    if ch == "#":
        return bool(after) and not after.isspace()
    if ch == "=":
        return "=" in (before, after)
    if ch == "^":
        return not before or before.isspace()
    if ch == "$":
        return True
    if ch == ":":
        return body.startswith("//", k + 1)
    if ch == "@":
        return bool(before) and not before.isspace()
    if ch == ".":
        return body[max(0, k - 3) : k].lower() == "www" and (k == 3 or (k > 3 and not body[k - 4].isalnum()))
    return False


def _template_or_comment(body: str, k: int, ch: str) -> bool:
    # Liquid (Jekyll) and Hugo read `{{`, `{%` before any Markdown parser, and Obsidian hides
    # `%%…%%`: a backslash does not stop them, a character reference does.
    after = body[k + 1] if k + 1 < len(body) else ""
    if ch == "{":
        return after in ("{", "%")
    return after == "%" or (k > 0 and body[k - 1] == "%")


def _encode_line(line: str, *, heading: bool = False, line_start: bool = True) -> str:
    """One line of user text as Markdown inline source that a CommonMark parser reads back as itself."""
    n = len(line)
    i = 0
    while i < n and _is_edge_space(line[i]):
        i += 1
    j = n
    while j > i and _is_edge_space(line[j - 1]):
        j -= 1
    out = [_ref(ch) for ch in line[:i]]
    body = line[i:j]
    at_start = line_start and i == 0
    marker = _ORDERED_LIST_MARKER.match(body) if at_start else None
    list_delimiter = marker.end() - 1 if marker else -1
    for k, ch in enumerate(body):
        if (
            ch in _ALWAYS_ESCAPED
            or (k == 0 and at_start and ch in _LINE_START_ESCAPED)
            or k == list_delimiter
            or (heading and ch == "#")
            or _target_syntax(body, k, ch)
        ):
            out.append("\\" + ch)
        elif ch in "{%" and _template_or_comment(body, k, ch):
            out.append(_ref(ch))
        elif ch == "&" and _ENTITY_AFTER_AMPERSAND.match(body, k + 1):
            out.append("\\&")
        elif ch == "\t" or ch == "\n":
            out.append(_ref(ch))
        else:
            out.append(ch)
    out.extend(_ref(ch) for ch in line[j:])
    return "".join(out)


def _encode_block(text: str) -> list[str]:
    """Multi-line user text as source lines of paragraphs ("" between paragraphs); see the module doc."""
    if not text:
        return []
    core = text.strip("\n")
    if not core:
        return ["&#10;" * len(text)]
    lead = len(text) - len(text.lstrip("\n"))
    trail = len(text) - len(text.rstrip("\n"))
    parts = _NEWLINE_RUNS.split(core)
    lines = [_encode_line(parts[0])]
    for run, line in zip(parts[1::2], parts[2::2]):
        if len(run) == 2:
            lines.append("")
        else:
            # n newlines are n hard breaks: one ending this line, n-1 on lines of their own.
            lines[-1] += "\\"
            lines.extend(["\\"] * (len(run) - 1))
        lines.append(_encode_line(line))
    lines[0] = "&#10;" * lead + lines[0]
    lines[-1] += "&#10;" * trail
    return lines


def _blockquote(text: str) -> list[str]:
    lines = _encode_block(text)
    return [f"> {line}" if line else ">" for line in lines] or [">"]


def _marked(text: str) -> list[str]:
    """A passage as `==marked==` lines (Obsidian's highlight), each line marked on its own."""
    out = []
    for line in _encode_block(text):
        trailing = len(line) - len(line.rstrip("\\"))
        hard = "\\" if trailing % 2 else ""  # a hard break stays outside the mark, at the line's end
        core = line[: len(line) - len(hard)]
        if not core:
            out.append(line)
            continue
        if core.endswith("=") and (len(core[:-1]) - len(core[:-1].rstrip("\\"))) % 2 == 0:
            core = core[:-1] + "\\="  # a "=" of the text's own, not the closing mark
        out.append(f"=={core}=={hard}")
    return out or ["===="]


def passage_lines(quote: str, color: int, style: NoteStyle | None, names: dict[int, str] | None) -> list[str]:
    """A highlight's passage in the note style's form: a blockquote, an Obsidian callout, or ==marked== lines."""
    form = style.form if style is not None else "quote"
    if form == "mark":
        return _marked(quote)
    lines = _blockquote(quote)
    if form == "callout":
        # The callout's title is the colour's name: the type gives Obsidian's colour and icon.
        return [f"> [!{style.callout(color)}] {_colour(color, names)}", *lines]
    return lines


def _labelled(label: str, text: str) -> list[str]:
    lines = _encode_block(text)
    lines[0] = f"**{label}:** {lines[0]}"
    return lines


def obsidian_tag(tag: str) -> str:
    """A tag as Obsidian can hold it: letters (accents kept), digits, `/`, `_` inside a word; anything else "-".

    "ngoại giao" → "ngoại-giao", "Quan hệ Việt–Nhật" → "Quan-hệ-Việt-Nhật", "#x" → "x"; a tag of
    digits alone (which Obsidian refuses) gets a leading "_"; "" when nothing is left.
    """
    out = []
    for ch in clean(tag).lstrip("#"):
        if unicodedata.category(ch)[0] in "LMN" or ch in "_/":
            out.append(ch)
        elif not out or out[-1] != "-":
            out.append("-")
    joined = "".join(out)
    # "_" only between two letters or digits, where it cannot start or end emphasis; elsewhere "-".
    word = lambda ch: unicodedata.category(ch)[0] in "LMN"  # noqa: E731
    joined = "".join(
        "-" if ch == "_" and not (0 < i < len(joined) - 1 and word(joined[i - 1]) and word(joined[i + 1])) else ch
        for i, ch in enumerate(joined)
    )
    joined = re.sub("-{2,}", "-", joined)
    name = "/".join(part.strip("-") for part in joined.split("/") if part.strip("-"))
    if name and all(ch.isdigit() for ch in name):
        name = "_" + name
    return name


def obsidian_tags(tags: list[str]) -> list[str]:
    """Tags in Obsidian form, empty ones dropped and each spelling once (first wins)."""
    seen: dict[str, str] = {}
    for tag in tags:
        name = obsidian_tag(tag)
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def hashtag(tag: str) -> str:
    """The hashtag a tag is shown as: "#" + its Obsidian form (the front matter holds the same)."""
    return "#" + obsidian_tag(tag)


def _hashtags(tags: list[str]) -> str:
    # Obsidian forms hold only letters, digits, "_", "-" and "/": written as they are, since a
    # backslash would end an Obsidian tag. "_" is stripped from both ends, so it cannot emphasise.
    return " ".join("#" + tag for tag in obsidian_tags(tags))


def paragraph_number(body: str, offset: int) -> int:
    """The 1-based paragraph of `body` that `offset` falls in (paragraphs are split on a blank line)."""
    offset = max(0, min(offset, len(body)))
    return body[:offset].count("\n\n") + 1


def colour_name(color: int, names: dict[int, str] | None = None) -> str:
    """A colour's name: the user's (`reader colors set`), else the default (yellow, green, …)."""
    return (names or {}).get(color) or COLOUR_NAMES.get(color, f"colour {color}")


def _colour(color: int, names: dict[int, str] | None = None) -> str:
    # As heading text: a name the user chose is escaped like any of their text.
    return _encode_line(clean(colour_name(color, names)), heading=True, line_start=False)


def front_matter(article: Article, exported_at: str) -> str:
    """The YAML front matter block, `---` lines included; yaml.safe_load gives back the same values.

    Written by hand rather than with yaml.dump, so that every value stays on one line (no line can
    read as `---`) and an escape is never followed by a mark that would compose with it (NFC).
    """
    fields: list[tuple[str, str | int | None]] = [
        ("title", clean(article.title)),
        ("date", clean(article.date or "")),
        ("place", clean(article.place)),
        ("source", clean(article.source)),
    ]
    # Empty fields are left out: `date: null` or `place: ""` is noise in every notes app.
    lines = [f"{key}: {yaml_value(value)}" for key, value in fields if value]
    lines.extend(yaml_list("tags", obsidian_tags(article.tags)))
    if article.id is not None:
        lines.append(f"article_id: {yaml_value(article.id)}")
    if clean(article.content_hash):
        lines.append(f"content_hash: {yaml_str(clean(article.content_hash))}")
    lines.append(f"exported_at: {yaml_str(clean(exported_at))}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def _highlight_blocks(
    heading: str, highlight: Highlight, names: dict[int, str] | None, style: NoteStyle | None
) -> list[list[str]]:
    blocks = [
        [f"### {heading} · {_colour(highlight.color, names)}"],
        passage_lines(clean(highlight.quote), highlight.color, style, names),
    ]
    note = clean(highlight.note)
    if note:
        blocks.append(_labelled("Note", note))
    tags = _hashtags(highlight.tags)
    if tags:
        blocks.append([f"**Tags:** {tags}"])
    return blocks


def render(
    article: Article,
    highlights: list[Highlight],
    exported_at: str,
    colour_names: dict[int, str] | None = None,
    style: NoteStyle | None = None,
) -> str:
    """The article and its highlights as Markdown with YAML front matter; same data, same bytes."""
    body = clean(article.body)
    title = clean(article.title)
    blocks: list[list[str]] = [["# " + _encode_line(title if title.strip() else "Untitled", heading=True)]]
    meta = [part for part in (clean(article.place), clean(article.date or ""), clean(article.source)) if part]
    if meta:
        blocks.append([_encode_line(" · ".join(meta))])
    note = clean(article.note)
    if note:
        blocks.append(_labelled("Note", note))

    anchored = sorted((h for h in highlights if not h.orphan), key=reading_order)
    orphans = sorted((h for h in highlights if h.orphan), key=reading_order)
    if anchored:
        blocks.append(["## Highlights"])
        for h in anchored:
            blocks.extend(_highlight_blocks(f"Paragraph {paragraph_number(body, h.start)}", h, colour_names, style))
    if orphans:
        blocks.append(["## Orphaned highlights"])
        blocks.append([ORPHANS_EXPLAINED])
        for number, h in enumerate(orphans, 1):
            blocks.extend(_highlight_blocks(f"Orphan {number}", h, colour_names, style))

    markdown = "\n\n".join("\n".join(block) for block in blocks)
    return front_matter(article, exported_at) + "\n" + markdown + "\n"
