"""The sentences of a body, found a piece at a time where the reader is (a 20 MB body opens at once).

Plain Python, no Textual. The body is cut into chunks of about CHUNK characters at paragraph breaks
(a sentence never crosses one), so a chunk's sentences are exactly the whole body's there; a single
paragraph longer than a few chunks is cut after a full stop. Only the chunks the cursor visits are
segmented, and only the last few are kept.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import OrderedDict

Span = tuple[int, int]

CHUNK = 4_096
_KEEP = 64  # chunks whose sentences stay in memory
# Where a giant paragraph may be cut: after a sentence-ending mark and its space; else after any space.
_AFTER_STOP = re.compile(r"[.!?…‽][\"'”’»)\]]*\s+(?=\S)")
_AFTER_SPACE = re.compile(r"\s+(?=\S)")


def segment_module():
    """reader.segment, imported at the first body segmented: it loads `regex`, which the first screen does not need."""
    from reader import segment

    return segment


def chunk_bounds(body: str, start: int = 0, size: int = CHUNK) -> list[int]:
    """The start of every chunk of body[start:], and len(body) last; a chunk starts a paragraph where it can."""
    bounds, pos, n = [start], start, len(body)
    while n - pos > size:
        cut = body.find("\n\n", pos + size, pos + 4 * size)
        if cut >= 0:
            cut += 2
        else:
            m = _AFTER_STOP.search(body, pos + size, pos + 4 * size) or _AFTER_SPACE.search(
                body, pos + size, pos + 4 * size
            )
            cut = m.end() if m else segment_module().grapheme_start(body, pos + size)
            if cut <= pos:
                cut = segment_module().grapheme_end(body, pos + size)
        if cut >= n:
            break
        bounds.append(cut)
        pos = cut
    bounds.append(n)
    return bounds


class SentenceIndex:
    """Sentence spans of a body from `start` on, by offset: the one at an offset, the next, the previous."""

    def __init__(self, body: str, start: int = 0, size: int = CHUNK) -> None:
        self.body = body
        self.bounds = chunk_bounds(body, start, size) if body else [0, 0]
        self._chunks: OrderedDict[int, list[Span]] = OrderedDict()
        self._all: list[Span] | None = None

    def _chunk(self, number: int) -> list[Span]:
        found = self._chunks.get(number)
        if found is None:
            lo, hi = self.bounds[number], self.bounds[number + 1]
            found = self._chunks[number] = segment_module().sentences_between(self.body, lo, hi)
            while len(self._chunks) > _KEEP:
                self._chunks.popitem(last=False)
        else:
            self._chunks.move_to_end(number)
        return found

    @property
    def _count(self) -> int:
        return len(self.bounds) - 1

    def _chunk_of(self, offset: int) -> int:
        return max(0, min(self._count - 1, bisect_right(self.bounds, offset) - 1))

    def first(self) -> Span | None:
        """The first sentence."""
        return self._after_chunk(-1)

    def last(self) -> Span | None:
        """The last sentence."""
        return self._before_chunk(self._count)

    def _after_chunk(self, number: int) -> Span | None:
        for n in range(number + 1, self._count):
            spans = self._chunk(n)
            if spans:
                return spans[0]
        return None

    def _before_chunk(self, number: int) -> Span | None:
        for n in range(number - 1, -1, -1):
            spans = self._chunk(n)
            if spans:
                return spans[-1]
        return None

    def at(self, offset: int) -> Span | None:
        """The sentence holding `offset`, or the nearest before it (the first one when none is before)."""
        if self._count <= 0:
            return None
        number = self._chunk_of(offset)
        spans = self._chunk(number)
        i = bisect_right(spans, (offset, float("inf"))) - 1
        if i >= 0:
            return spans[i]
        return self._before_chunk(number) or self.first()

    def next(self, span: Span) -> Span | None:
        """The sentence after `span`, or None at the end."""
        number = self._chunk_of(span[0])
        spans = self._chunk(number)
        i = bisect_right(spans, span)
        return spans[i] if i < len(spans) else self._after_chunk(number)

    def previous(self, span: Span) -> Span | None:
        """The sentence before `span`, or None at the start."""
        number = self._chunk_of(span[0])
        spans = self._chunk(number)
        i = bisect_right(spans, (span[0], -1)) - 1
        return spans[i] if i >= 0 else self._before_chunk(number)

    def step(self, span: Span, steps: int) -> Span:
        """The sentence `steps` on from `span` (back when negative), stopping at either end."""
        move = self.next if steps > 0 else self.previous
        for _ in range(abs(steps)):
            found = move(span)
            if found is None:
                break
            span = found
        return span

    def all(self) -> list[Span]:
        """Every sentence (segments the whole body: for tests and short articles)."""
        if self._all is None:
            self._all = [s for n in range(self._count) for s in self._chunk(n)]
        return self._all

    def index_of(self, span: Span) -> int:
        """The number of a sentence among all (counts the sentences before it)."""
        number = self._chunk_of(span[0])
        before = sum(len(self._chunk(n)) for n in range(number))
        return before + max(0, bisect_right(self._chunk(number), span) - 1)
