"""The display lines of a body, wrapped a chunk at a time where the reader looks (a 20 MB body opens at once).

Plain Python, no Textual. The chunks are the sentence index's (reader.ui.sentence_index): they start
a paragraph where they can, so a chunk wraps as the whole body would there. A chunk not wrapped yet
counts an estimate of its lines; wrapping it makes the count exact, and says by how much it moved.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from reader.model import Article
from reader.ui.layout import Line, line_at, wrap_body
from reader.ui.sentence_index import CHUNK


class LazyLines:
    """Display lines by number and by body offset; chunks are wrapped when a line of theirs is asked for."""

    def __init__(self, body: str, width: int, bounds: list[int]) -> None:
        self.body, self.width, self.bounds = body, max(width, 4), bounds
        self._wrapped: dict[int, list[Line]] = {}
        self._starts: dict[int, list[int]] = {}
        self.counts = [self._estimate(n) for n in range(len(bounds) - 1)]
        self._firsts: list[int] | None = None  # the number of each chunk's first line
        self._total = sum(self.counts)

    def _estimate(self, number: int) -> int:
        lo, hi = self.bounds[number], self.bounds[number + 1]
        if hi - lo <= CHUNK:  # a short article, or the end of a long one: wrapped at once, exact
            return len(self._wrap(number))
        breaks = self.body.count("\n", lo, hi)
        return max(1, int((hi - lo) / (self.width * 0.85)) + breaks)

    def _wrap(self, number: int) -> list[Line]:
        found = self._wrapped.get(number)
        if found is None:
            lo, hi = self.bounds[number], self.bounds[number + 1]
            found = wrap_body(self.body, self.width, lo, hi)
            if hi < len(self.body) and self.body.endswith("\n\n", lo, hi):
                found.pop()  # the chunk ends at a paragraph break: its blank line stays, the empty rest goes
            self._wrapped[number] = found
            self._starts[number] = [line.start for line in found]
        return found

    def realise(self, number: int) -> int:
        """Wrap a chunk; how many lines it gained over its estimate (0 when it was wrapped already)."""
        if number in self._wrapped:
            return 0
        lines = self._wrap(number)
        moved, self.counts[number] = len(lines) - self.counts[number], len(lines)
        if moved:
            self._firsts = None
            self._total += moved
        return moved

    @property
    def firsts(self) -> list[int]:
        """The number of each chunk's first line (estimates included)."""
        if self._firsts is None:
            self._firsts = [0, *accumulate(self.counts)][:-1]
        return self._firsts

    def __len__(self) -> int:
        return self._total

    def chunk_of_line(self, index: int) -> int:
        """The chunk holding display line `index` (by the counts as they are)."""
        return max(0, min(len(self.counts) - 1, bisect_right(self.firsts, index) - 1))

    def chunk_of_offset(self, offset: int) -> int:
        """The chunk holding a body offset."""
        return max(0, min(len(self.counts) - 1, bisect_right(self.bounds, offset) - 1))

    def __getitem__(self, index: int) -> Line:
        if not 0 <= index < len(self):
            raise IndexError(index)
        number = self.chunk_of_line(index)
        self.realise(number)
        lines = self._wrapped[number]
        return lines[min(index - self.firsts[number], len(lines) - 1)]

    def __iter__(self):
        for number in range(len(self.counts)):
            self.realise(number)
            yield from self._wrapped[number]

    def realise_around(self, top: int, height: int) -> tuple[bool, int]:
        """Wrap the chunks from a screen above line `top` to two below: (any count changed, how far
        the lines at `top` moved, from chunks above its own)."""
        top_chunk = self.chunk_of_line(top)
        number, shift, changed = self.chunk_of_line(max(0, top - height)), 0, False
        while number < len(self.counts) and self.firsts[number] <= top + shift + 2 * height:
            moved = self.realise(number)
            changed |= bool(moved)
            if number < top_chunk:
                shift += moved
            number += 1
        return changed, shift

    def index_of(self, offset: int) -> int:
        """The number of the display line showing a body offset (its chunk wrapped first)."""
        number = self.chunk_of_offset(offset)
        self.realise(number)
        return self.firsts[number] + line_at(self._starts[number], offset)


def shown_from(article: Article | None) -> int:
    """Where the pane starts showing the body: after a first heading that only repeats the title.

    The header shows the title already (a page's <h1>, a Markdown note's `# Title` under front
    matter). The body keeps the heading: offsets, highlights and search stay as stored.
    """
    if article is None or not article.blocks or article.blocks[0].kind != "heading":
        return 0
    first = article.blocks[0]
    if article.body[: first.start].strip() or _plain(article.body[first.start : first.end]) != _plain(article.title):
        return 0
    after = article.body.find("\n\n", first.end)
    return after + 2 if after >= 0 else 0  # a body that is only the title shows it


def _plain(s: str) -> str:
    return " ".join(s.split()).casefold().rstrip(".:")
