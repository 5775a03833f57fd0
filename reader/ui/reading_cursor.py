"""The reading cursor in plain Python: the sentence and word cursor, the selection, the search hits.

The reading pane draws it and wires keys and the mouse to it; tests drive it directly (tests/test_session.py).
"""

from __future__ import annotations

from reader.model import Highlight
from reader.ui.sentence_index import SentenceIndex, segment_module

Span = tuple[int, int]


class ReadingCursor:
    """The sentence cursor, the selection and the search hits of one article body."""

    def __init__(self, body: str = "") -> None:
        self.load(body)

    def load(self, body: str, position: int = 0, start: int = 0) -> None:
        """A new body: selection and hits gone, cursor on the sentence at `position`.

        Sentences are found where the cursor goes (SentenceIndex), so a huge body loads at once;
        with `start`, the text before it is not read (a heading the pane does not show).
        """
        self.body = body
        self._sentences = SentenceIndex(body, start)
        self.anchor: Span | None = None  # the sentence (or word) where `v` was pressed
        self.word: Span | None = None  # the word cursor inside the sentence; None: the whole sentence
        self.reshaping: int | None = None  # the highlight whose passage the selection is changing (`c`)
        self.selection_end: int | None = None  # set by w/b; None means "end of the cursor sentence"
        self.hits: list[Span] = []
        self.hit_index = -1  # the hit n/N last went to
        self.span: Span | None = self._sentences.at(position) if body else None

    @property
    def sentences(self) -> list[Span]:
        """Every sentence span of the body (segments all of it: the pane itself never asks)."""
        return self._sentences.all() if self.body else []

    @property
    def index(self) -> int:
        """The number of the sentence under the cursor (counts the sentences before it)."""
        return self._sentences.index_of(self.span) if self.span else 0

    def sentence_index_at(self, offset: int) -> int:
        """The number of the sentence containing (or nearest before) a body offset."""
        span = self._sentences.at(offset) if self.body else None
        return self._sentences.index_of(span) if span else 0

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
        return (start, max(end, segment_module().grapheme_end(self.body, start + 1)))

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
        """Put the cursor on sentence number `index` (clamped); the selection keeps its anchor, not its word end."""
        sentences = self.sentences
        if sentences:
            self._on(sentences[max(0, min(len(sentences) - 1, index))])

    def _on(self, span: Span | None) -> None:
        if span is not None:
            self.span = span
            self.selection_end = self.word = None

    def step(self, steps: int) -> None:
        """The cursor `steps` sentences on (back when negative), stopping at either end."""
        if self.span is not None:
            self._on(self._sentences.step(self.span, steps))

    def to_first(self) -> None:
        """The cursor on the first sentence."""
        self._on(self._sentences.first())

    def to_last(self) -> None:
        """The cursor on the last sentence."""
        self._on(self._sentences.last())

    def move_to(self, offset: int) -> None:
        """Put the cursor on the sentence at a body offset, dropping any selection."""
        if self.span is not None:
            self.span = self._sentences.at(offset)
        self.anchor = self.selection_end = self.word = self.reshaping = None

    def next_paragraph(self) -> None:
        """To the first sentence of the next paragraph (or the last sentence)."""
        if self.span is None:
            return
        brk = self.body.find("\n\n", self.span[0])
        found = self._first_from(brk + 2) if brk >= 0 else None
        self._on(found or self._sentences.last())  # no paragraph after this one: the last sentence

    def _first_from(self, offset: int) -> Span | None:
        """The first sentence that starts at or after `offset`."""
        found = self._sentences.at(offset)
        if found is not None and found[0] < offset:
            found = self._sentences.next(found)
        return found

    def _paragraph_first(self, span: Span) -> Span:
        brk = self.body.rfind("\n\n", 0, span[0])
        first = self._first_from(brk + 2 if brk >= 0 else 0)
        return first if first is not None and first[0] <= span[0] else span

    def previous_paragraph(self) -> None:
        """To the first sentence of this paragraph, or of the one before if already there."""
        if self.span is None:
            return
        first = self._paragraph_first(self.span)
        if first == self.span:
            before = self._sentences.previous(self.span)
            if before is not None:
                first = self._paragraph_first(before)
        self._on(first)

    def first_at_or_after(self, offset: int) -> None:
        """The cursor on the first sentence that is visible from `offset` on (after paging)."""
        if self.span is None:
            return
        span = self._sentences.at(offset)
        if span is not None and span[1] <= offset:
            span = self._sentences.next(span) or span
        self._on(span)

    # -- the word cursor -------------------------------------------------------------------

    def words_of(self, index: int) -> list[Span]:
        """The words of sentence number `index`, as body spans."""
        return self._words(self.sentences[index])

    def _words(self, sentence: Span) -> list[Span]:
        start, end = sentence
        return [(start + s, start + e) for s, e in segment_module().word_spans(self.body[start:end])]

    def next_word(self) -> None:
        """→: the word cursor one word on, into the next sentence after the last word."""
        sentence, after = self.span, (self.word[0] if self.word else -1)
        while sentence is not None:
            later = [w for w in self._words(sentence) if w[0] > after]
            if later:
                return self._head_on(sentence, later[0])
            sentence = self._sentences.next(sentence)

    def previous_word(self) -> None:
        """←: the word cursor one word back (the last word of the sentence when on a whole sentence)."""
        if self.span is None:
            return
        sentence, before = self.span, (self.word[0] if self.word else self.span[1] + 1)
        while sentence is not None:
            earlier = [w for w in self._words(sentence) if w[0] < before]
            if earlier:
                return self._head_on(sentence, earlier[-1])
            sentence = self._sentences.previous(sentence)

    def _head_on(self, sentence: Span, word: Span) -> None:
        """The word cursor on `word`; in a selection that starts before it, the selection ends with it."""
        self.span, self.word = sentence, word
        self.selection_end = word[1] if self.anchor is not None and word[0] >= self.anchor[0] else None

    def _head_at_end(self) -> None:
        """After w/b: the word cursor on the selection's last word, so that ←/→ go on from there."""
        last = segment_module().word_at(self.body, self.selection_end - 1) if self.selection_end else None
        if last is not None:
            self.span, self.word = self._sentences.at(last[0]), last

    def place(self, offset: int) -> None:
        """A click: the cursor on the sentence at `offset`, the word cursor on the word there (if any)."""
        if self.span is None:
            return
        self.anchor = self.selection_end = self.reshaping = None
        self._put(offset)

    def _put(self, offset: int) -> None:
        self.span = self._sentences.at(offset)
        word = segment_module().word_at(self.body, offset)
        start, end = self.span
        self.word = word if word is not None and start <= word[0] and word[1] <= end else None
        self.selection_end = None

    def drag_to(self, offset: int) -> None:
        """A drag: the selection from where the button went down to the word (or sentence) at `offset`."""
        if self.span is None:
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
        self.anchor = (highlight.start, segment_module().grapheme_end(self.body, highlight.start + 1))
        self._put(max(highlight.start, highlight.end - 1))
        self.selection_end = highlight.end
        self.reshaping = highlight.id

    def extend_word(self) -> None:
        """`w`: the selection's end one word further (starting a selection if there is none)."""
        if self.anchor is None:
            self.toggle_selection()
        span = self.selection
        if span is not None:
            self.selection_end = segment_module().next_word_end(self.body, span[1])
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
        while last_end > start and segment_module().word_at(self.body, last_end - 1) is None:
            last_end -= 1  # past the full stop, quotes and spaces after the last word
        last = segment_module().word_at(self.body, last_end - 1) if last_end > start else None
        if last is None or last[0] <= start:  # one word left: it stays
            self.selection_end = last_end if last_end > start else end
        else:
            before = segment_module().prev_word_end(self.body, last[0], start)
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
        self.span = self._sentences.at(target.start)
        end = min(segment_module().next_word_end(self.body, target.start), target.end)
        self.word = (target.start, max(end, segment_module().grapheme_end(self.body, target.start + 1)))
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
