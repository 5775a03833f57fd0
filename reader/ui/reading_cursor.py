"""The reading cursor in plain Python: the sentence and word cursor, the selection, the search hits.

The reading pane draws it and wires keys and the mouse to it; tests drive it directly (tests/test_session.py).
"""

from __future__ import annotations

from bisect import bisect_right

from reader import segment
from reader.model import Highlight

Span = tuple[int, int]


class ReadingCursor:
    """The sentence cursor, the selection and the search hits of one article body."""

    def __init__(self, body: str = "") -> None:
        self.load(body)

    def load(self, body: str, position: int = 0) -> None:
        """A new body: sentences found, selection and hits gone, cursor on the sentence at `position`."""
        self.body = body
        self.sentences: list[Span] = segment.sentence_spans(body) if body else []
        self._starts = [s for s, _ in self.sentences]
        self.anchor: Span | None = None  # the sentence (or word) where `v` was pressed
        self.word: Span | None = None  # the word cursor inside the sentence; None: the whole sentence
        self.reshaping: int | None = None  # the highlight whose passage the selection is changing (`c`)
        self.selection_end: int | None = None  # set by w/b; None means "end of the cursor sentence"
        self.hits: list[Span] = []
        self.hit_index = -1  # the hit n/N last went to
        self.index = self.sentence_index_at(position)

    def sentence_index_at(self, offset: int) -> int:
        """The sentence containing (or nearest before) a body offset."""
        return max(0, bisect_right(self._starts, offset) - 1)

    @property
    def span(self) -> Span | None:
        """The sentence under the cursor."""
        return self.sentences[self.index] if self.sentences else None

    @property
    def head(self) -> Span | None:
        """Where the cursor is: the word under the word cursor, else the cursor sentence."""
        return self.word or self.span

    @property
    def selection(self) -> Span | None:
        """The selected passage, when a selection is active: from the anchor to the cursor (or to w/b's end)."""
        head = self.head
        if self.anchor is None or head is None:
            return None
        start = min(self.anchor[0], head[0])
        end = self.selection_end if self.selection_end is not None else max(self.anchor[1], head[1])
        return (start, max(end, segment.grapheme_end(self.body, start + 1)))

    @property
    def in_view(self) -> Span | None:
        """What the view must show: the moving end of the selection, else the cursor."""
        if self.anchor is not None and self.selection_end is not None:
            return (max(0, self.selection_end - 1), self.selection_end)
        return self.head

    @property
    def passage(self) -> str:
        """The text `y` copies: the selection, else the cursor sentence."""
        span = self.target
        return self.body[span[0] : span[1]] if span is not None else ""

    @property
    def target(self) -> Span | None:
        """What `h` acts on: the selection, else the cursor sentence."""
        return self.selection or self.span

    def highlight_under(self, highlights: list[Highlight]) -> Highlight | None:
        """The highlight a key acts on: under the cursor (or overlapping the selection)."""
        span = self.target
        if span is None:
            return None
        touching = [h for h in highlights if not h.orphan and h.start < span[1] and h.end > span[0]]
        if not touching:
            return None
        # Prefer the one that contains the cursor's start, then the shortest.
        return min(touching, key=lambda h: (not (h.start <= span[0] < h.end), h.end - h.start))

    # -- moving ----------------------------------------------------------------------------

    def set(self, index: int) -> None:
        """Put the cursor on sentence `index` (clamped); the selection keeps its anchor, not its word end."""
        if self.sentences:
            self.index = max(0, min(len(self.sentences) - 1, index))
            self.selection_end = self.word = None

    def move_to(self, offset: int) -> None:
        """Put the cursor on the sentence at a body offset, dropping any selection."""
        self.index = self.sentence_index_at(offset)
        self.anchor = self.selection_end = self.word = self.reshaping = None

    def _paragraph_of(self, index: int) -> int:
        return segment.paragraph_index(self.body, self.sentences[index][0])

    def next_paragraph(self) -> None:
        """To the first sentence of the next paragraph (or the last sentence)."""
        if not self.sentences:
            return
        here = self._paragraph_of(self.index)
        for index in range(self.index + 1, len(self.sentences)):
            if self._paragraph_of(index) != here:
                return self.set(index)
        self.set(len(self.sentences) - 1)

    def previous_paragraph(self) -> None:
        """To the first sentence of this paragraph, or of the one before if already there."""
        if not self.sentences:
            return
        here = self._paragraph_of(self.index)
        index = self.index
        while index > 0 and self._paragraph_of(index - 1) == here:
            index -= 1
        if index == self.index and index > 0:
            before = self._paragraph_of(index - 1)
            index -= 1
            while index > 0 and self._paragraph_of(index - 1) == before:
                index -= 1
        self.set(index)

    def first_at_or_after(self, offset: int) -> None:
        """The cursor on the first sentence that is visible from `offset` on (after paging)."""
        if not self.sentences:
            return
        index = self.sentence_index_at(offset)
        if self.sentences[index][1] <= offset and index + 1 < len(self.sentences):
            index += 1
        self.index = index
        self.selection_end = self.word = None

    # -- the word cursor -------------------------------------------------------------------

    def words_of(self, index: int) -> list[Span]:
        """The words of sentence `index`, as body spans."""
        start, end = self.sentences[index]
        return [(start + s, start + e) for s, e in segment.word_spans(self.body[start:end])]

    def next_word(self) -> None:
        """→: the word cursor one word on, into the next sentence after the last word."""
        if not self.sentences:
            return
        index, after = self.index, (self.word[0] if self.word else -1)
        while index < len(self.sentences):
            later = [w for w in self.words_of(index) if w[0] > after]
            if later:
                return self._head_on(index, later[0])
            index += 1

    def previous_word(self) -> None:
        """←: the word cursor one word back (the last word of the sentence when on a whole sentence)."""
        if not self.sentences:
            return
        index, before = self.index, (self.word[0] if self.word else self.span[1] + 1)
        while index >= 0:
            earlier = [w for w in self.words_of(index) if w[0] < before]
            if earlier:
                return self._head_on(index, earlier[-1])
            index -= 1

    def _head_on(self, index: int, word: Span) -> None:
        """The word cursor on `word`; in a selection that starts before it, the selection ends with it."""
        self.index, self.word = index, word
        self.selection_end = word[1] if self.anchor is not None and word[0] >= self.anchor[0] else None

    def _head_at_end(self) -> None:
        """After w/b: the word cursor on the selection's last word, so that ←/→ go on from there."""
        last = segment.word_at(self.body, self.selection_end - 1) if self.selection_end else None
        if last is not None:
            self.index, self.word = self.sentence_index_at(last[0]), last

    def place(self, offset: int) -> None:
        """A click: the cursor on the sentence at `offset`, the word cursor on the word there (if any)."""
        if not self.sentences:
            return
        self.anchor = self.selection_end = self.reshaping = None
        self._put(offset)

    def _put(self, offset: int) -> None:
        self.index = self.sentence_index_at(offset)
        word = segment.word_at(self.body, offset)
        start, end = self.sentences[self.index]
        self.word = word if word is not None and start <= word[0] and word[1] <= end else None
        self.selection_end = None

    def drag_to(self, offset: int) -> None:
        """A drag: the selection from where the button went down to the word (or sentence) at `offset`."""
        if not self.sentences:
            return
        if self.anchor is None:
            self.anchor = self.head
        self._put(offset)

    def select_word(self, offset: int) -> None:
        """A double click: the word at `offset` selected."""
        self.place(offset)
        if self.word is not None:
            self.anchor = self.word

    # -- selecting -------------------------------------------------------------------------

    def toggle_selection(self) -> None:
        """`v`: start a selection at the cursor sentence, or drop the one there is."""
        if self.anchor is not None:
            self.cancel_selection()
        elif self.head is not None:
            self.anchor, self.selection_end = self.head, None

    def cancel_selection(self) -> None:
        """Drop the selection (and the passage change it was making)."""
        self.anchor = self.selection_end = self.reshaping = None

    def reshape(self, highlight: Highlight) -> None:
        """`c` on a stored highlight: its passage selected, to grow or shrink and keep with `c` again."""
        self.anchor = (highlight.start, segment.grapheme_end(self.body, highlight.start + 1))
        self._put(max(highlight.start, highlight.end - 1))
        self.selection_end = highlight.end
        self.reshaping = highlight.id

    def extend_word(self) -> None:
        """`w`: the selection's end one word further (starting a selection if there is none)."""
        if self.anchor is None:
            self.toggle_selection()
        span = self.selection
        if span is not None:
            self.selection_end = segment.next_word_end(self.body, span[1])
            self._head_at_end()

    def shrink_word(self) -> None:
        """`b`: the last word of the selection off (with what follows it, such as a full stop); never the first."""
        if self.anchor is None:
            self.toggle_selection()
        span = self.selection
        if span is None:
            return
        start, end = span
        last_end = end
        while last_end > start and segment.word_at(self.body, last_end - 1) is None:
            last_end -= 1  # past the full stop, quotes and spaces after the last word
        last = segment.word_at(self.body, last_end - 1) if last_end > start else None
        if last is None or last[0] <= start:  # one word left: it stays
            self.selection_end = last_end if last_end > start else end
        else:
            before = segment.prev_word_end(self.body, last[0], start)
            self.selection_end = before if before > start else last_end
        self._head_at_end()

    # -- highlights ------------------------------------------------------------------------

    def next_highlight(self, highlights: list[Highlight], step: int = 1) -> Highlight | None:
        """]/[: the cursor on the start of the next (step 1) or previous (-1) highlight; None if there is none."""
        here = self.head[0] if self.head else 0
        placed = sorted({h.start: h for h in reversed(highlights) if not h.orphan}.values(), key=lambda h: h.start)
        found = [h for h in placed if h.start > here] if step > 0 else [h for h in placed if h.start < here][-1:]
        if not found:
            return None
        target = found[0]
        self.anchor = None
        self.index = self.sentence_index_at(target.start)
        end = min(segment.next_word_end(self.body, target.start), target.end)
        self.word = (target.start, max(end, segment.grapheme_end(self.body, target.start + 1)))
        self.selection_end = None
        return target

    # -- search hits -----------------------------------------------------------------------

    def set_hits(self, hits: list[Span]) -> None:
        """Search hits to mark; n/N step through them."""
        self.hits = list(hits)
        self.hit_index = -1

    def go_to_hit(self, index: int) -> None:
        """The cursor on a hit (the index wraps around)."""
        if self.hits:
            self.hit_index = index % len(self.hits)
            self.move_to(self.hits[self.hit_index][0])
