"""Wrap an article body into display lines on grapheme boundaries, split lines into styled pieces, say where the reader is."""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len

from reader.model import Article


@functools.cache
def _regex():
    """`regex`'s word and grapheme patterns, loaded by the first article shown (not for the first screen)."""
    import regex

    return regex.compile(r"\S+"), regex.compile(r"\X")


@dataclass(frozen=True)
class Line:
    """One display line: the body offsets it shows; a blank line between paragraphs has start == end."""

    start: int
    end: int
    paragraph: int


def wrap_body(body: str, width: int, start: int = 0, end: int | None = None) -> list[Line]:
    """Greedy word wrap of every paragraph to `width` cells, with a blank line between paragraphs.

    With `start`/`end`, only body[start:end] is wrapped (offsets stay the body's).
    """
    width = max(width, 4)
    lines: list[Line] = []
    offset = start
    part = body if start == 0 and end is None else body[start:end]
    for number, paragraph in enumerate(part.split("\n\n")):
        if number:
            lines.append(Line(offset - 1, offset - 1, -1))
        line_offset = offset
        for row in paragraph.split("\n"):  # a single newline inside a paragraph is a forced break
            lines.extend(_wrap_row(row, line_offset, width, number))
            line_offset += len(row) + 1
        offset += len(paragraph) + 2
    return lines


# Letters that are one cell and one grapheme each (Latin with Vietnamese letters precomposed, common
# punctuation), in words separated by single spaces: the usual wire-story paragraph.
_NARROW = "!-~\u00a1-\u00ac\u00ae-\u024f\u1e00-\u1eff\u2010-\u2027\u2030-\u205e\u20a0-\u20bf"
_SIMPLE_ROW = re.compile(f"[{_NARROW}]+(?: [{_NARROW}]+)*")
_LINE_PATTERNS: dict[int, re.Pattern] = {}


def _line_pattern(width: int) -> re.Pattern:
    """A regex that matches one wrapped line of a simple row: as many words as fit, or a cut word."""
    if width not in _LINE_PATTERNS:
        _LINE_PATTERNS[width] = re.compile(f"\\S.{{0,{width - 1}}}(?= |$)|\\S{{{width}}}")
    return _LINE_PATTERNS[width]


def _wrap_row(row: str, base: int, width: int, paragraph: int) -> list[Line]:
    if _SIMPLE_ROW.fullmatch(row):
        # Width is length here, so the regex engine can do the greedy wrap (10x faster on 600 KB);
        # tests check it gives exactly what the general loop below gives.
        return [Line(base + m.start(), base + m.end(), paragraph) for m in _line_pattern(width).finditer(row)]
    return _wrap_row_general(row, base, width, paragraph)


def _wrap_row_general(row: str, base: int, width: int, paragraph: int) -> list[Line]:
    out: list[Line] = []
    start = end = None
    used = 0
    words, graphemes = _regex()
    for match in words.finditer(row):
        word_start, word_end = match.span()
        word_width = cell_len(match.group())
        if start is not None and used + 1 + word_width <= width:
            end, used = word_end, used + 1 + word_width
            continue
        if start is not None:
            out.append(Line(base + start, base + end, paragraph))
            start = None
        if word_width <= width:
            start, end, used = word_start, word_end, word_width
            continue
        # A word wider than the line is cut between graphemes, never inside one.
        piece_start, used = word_start, 0
        for grapheme in graphemes.finditer(match.group()):
            g_width = cell_len(grapheme.group())
            if used + g_width > width and used:
                out.append(Line(base + piece_start, base + word_start + grapheme.start(), paragraph))
                piece_start, used = word_start + grapheme.start(), 0
            used += g_width
        start, end = piece_start, word_end
    if start is not None:
        out.append(Line(base + start, base + end, paragraph))
    if not out:
        out.append(Line(base, base, paragraph))
    return out


def line_at(starts: list[int], offset: int) -> int:
    """The index of the display line showing body offset `offset`, given every line's start."""
    return max(0, bisect_right(starts, offset) - 1)


def pieces(start: int, end: int, spans: list[tuple[int, int, object]]) -> list[tuple[int, int, list]]:
    """Cut [start, end) at every span edge: (piece start, piece end, styles covering it in span order)."""
    cuts = {start, end}
    active = [(s, e, style) for s, e, style in spans if s < end and e > start]
    for s, e, _ in active:
        cuts.update(x for x in (s, e) if start < x < end)
    edges = sorted(cuts)
    result = []
    for a, b in zip(edges, edges[1:]):
        result.append((a, b, [style for s, e, style in active if s <= a and e >= b]))
    return result


def column_offset(body: str, line: Line, column: int) -> int:
    """The body offset of the grapheme drawn at `column` cells into a line (its last one past the end)."""
    used, last = 0, line.start
    for grapheme in _regex()[1].finditer(body, line.start, line.end):
        last = grapheme.start()
        used += 1 if grapheme.group() == "\t" else cell_len(grapheme.group())  # a tab is drawn as a space
        if used > column:
            break
    return last


CHARS_PER_MINUTE = 1_300  # about 230 words of news prose a minute: what "minutes left" assumes


def place_line(article: Article | None, body_offset: int | None) -> str:
    """The article's place, date, how far the reader is and the minutes left: the pane's border line."""
    if article is None:
        return ""
    parts = [p for p in (article.place, article.date) if p]
    length = len(article.body)
    if length and body_offset is not None:
        percent = min(100, round(100 * body_offset / length))
        minutes = math.ceil(max(0, length - body_offset) / CHARS_PER_MINUTE)
        parts.append(f"{percent}%")
        parts.append(f"{minutes} min left" if minutes else "the end")
    return " · ".join(parts)
