"""What the main screen decides, in plain Python: the reading cursor, the open article, the undo stack.

Nothing here imports Textual: the screen and the reading pane wire keys and widgets to these
classes, and tests drive them directly (tests/test_session.py).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from enum import Enum, StrEnum

from reader import segment
from reader.model import Anchor, Article, Highlight

Span = tuple[int, int]


class SortOrder(StrEnum):
    """How the article list is sorted; the value is what the library's listing takes."""

    DATE = "date"
    TITLE = "title"
    PLACE = "place"

    @property
    def label(self) -> str:
        """The order in words, for titles and notifications."""
        return {"date": "newest first", "title": "by title", "place": "by place"}[self.value]

    def next(self) -> SortOrder:
        """The order `s` switches to: date → title → place → date."""
        orders = list(SortOrder)
        return orders[(orders.index(self) + 1) % len(orders)]


class SaveOutcome(Enum):
    """What saving an editor did to the library."""

    SAVED = "saved"  # the library still held what the editor started from: written
    MERGED = "merged"  # someone else changed it meanwhile: both versions kept
    UNCHANGED = "unchanged"  # the library already holds exactly this


# -- the reading cursor ----------------------------------------------------------------------


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


# -- the open article and its annotations ------------------------------------------------------


@dataclass(frozen=True)
class HighlightRef:
    """Which highlight a change is for: its id once stored, else its span in the article (not yet saved)."""

    article_id: int
    id: int | None
    span: Span


def ref(highlight: Highlight) -> HighlightRef:
    """A reference to a highlight, stored or still being saved."""
    return HighlightRef(highlight.article_id, highlight.id, (highlight.start, highlight.end))


class Session:
    """The open article, its highlights as last read (plus those being saved), the tag filter, the undo stack."""

    def __init__(self) -> None:
        self.article: Article | None = None
        self.highlights: list[Highlight] = []
        self.deleted: list[Highlight] = []  # for undo, most recent last
        self.tag_filter: str | None = None
        self.sort = SortOrder.DATE

    def open(self, article: Article, highlights: list[Highlight]) -> None:
        """An article and its highlights, as just read from the library."""
        self.article, self.highlights = article, list(highlights)

    def is_open(self, article_id: int | None) -> bool:
        """True if this article is the one open."""
        return self.article is not None and article_id is not None and self.article.id == article_id

    def reload(self, article_id: int, highlights: list[Highlight]) -> bool:
        """Fresh highlights from the library; False (ignored) if they belong to an article no longer open.

        Highlights still being saved stay shown until the library has them.
        """
        if not self.is_open(article_id):
            return False
        stored = {(h.start, h.end) for h in highlights if not h.orphan}
        pending = [h for h in self.highlights if h.id is None and (h.start, h.end) not in stored]
        self.highlights = _reading_order([*highlights, *pending])
        return True

    def find(self, highlight_id: int | None) -> Highlight | None:
        """A highlight of the open article by id."""
        if highlight_id is None:
            return None
        return next((h for h in self.highlights if h.id == highlight_id), None)

    def at_span(self, span: Span) -> Highlight | None:
        """The highlight covering exactly this passage, if there is one (the de-duplication rule)."""
        return next((h for h in self.highlights if (h.start, h.end) == tuple(span) and not h.orphan), None)

    def highlight(self, span: Span) -> tuple[Highlight, bool]:
        """The highlight for a passage: the existing one, or a new one shown at once while it is saved.

        Returns (highlight, created).
        """
        existing = self.at_span(span)
        if existing is not None:
            return existing, False
        start, end = span
        body = self.article.body
        pending = Highlight(self.article.id, Anchor(start, end, body[start:end]))
        self.highlights = _reading_order([*self.highlights, pending])
        return pending, True

    def target(self, highlight_id: int | None, span: Span | None) -> Highlight | None:
        """What a note/tags key acts on: the highlight named, else the one (made) at the passage."""
        if highlight_id is not None:
            return self.find(highlight_id)
        if self.article is None or span is None:
            return None
        return self.highlight(span)[0]

    def under(self, span: Span | None) -> Highlight | None:
        """The highlight at exactly a passage (stored or pending), for keys that need one."""
        return self.at_span(span) if span is not None else None

    def forget(self, target: HighlightRef) -> None:
        """Stop showing a highlight (deleted, or never saved)."""
        self.highlights = [h for h in self.highlights if not _same(h, target)]

    def move(self, target: HighlightRef, span: Span) -> None:
        """Show a highlight on its new passage at once, while the change is saved."""
        start, end = span
        body = self.article.body
        moved = [
            replace(h, anchor=Anchor(start, end, body[start:end])) if _same(h, target) else h for h in self.highlights
        ]
        self.highlights = _reading_order(moved)

    def recolour(self, target: HighlightRef, color: int) -> None:
        """Show a new colour at once, while it is saved."""
        self.highlights = [replace(h, color=color) if _same(h, target) else h for h in self.highlights]

    def push_deleted(self, highlight: Highlight) -> None:
        """Remember a deleted highlight, so that u can restore it."""
        self.deleted.append(highlight)

    def pop_deleted(self) -> Highlight | None:
        """The most recently deleted highlight, taken off the undo stack (None if there is none)."""
        return self.deleted.pop() if self.deleted else None

    @property
    def placed_count(self) -> int:
        """How many highlights are in the text (orphans not counted)."""
        return sum(not h.orphan for h in self.highlights)


def _same(h: Highlight, target: HighlightRef) -> bool:
    if target.id is not None:
        return h.id == target.id
    return h.article_id == target.article_id and (h.start, h.end) == target.span and not h.orphan


def _reading_order(highlights: list[Highlight]) -> list[Highlight]:
    return sorted(highlights, key=lambda h: (h.orphan, h.start, h.end, h.id or 0))


# -- editors: a change against what the editor started from -----------------------------------


def merge_note(start: str, theirs: str, ours: str) -> tuple[str, SaveOutcome]:
    """The note to store when the editor started from `start`, the library now holds `theirs`, the user wrote `ours`.

    Nothing confirmed is dropped: if both changed, both are kept, theirs first.
    """
    if theirs == ours:
        return ours, SaveOutcome.UNCHANGED
    if theirs == start:
        return ours, SaveOutcome.SAVED
    if ours == start:  # the user changed nothing: keep what the other program wrote
        return theirs, SaveOutcome.UNCHANGED
    if not theirs.strip():
        return ours, SaveOutcome.MERGED
    if not ours.strip():
        return theirs, SaveOutcome.MERGED
    return f"{theirs}\n\n{ours}", SaveOutcome.MERGED


def parse_tags(value: str) -> list[str]:
    """Tags as typed in the tag editor: comma-separated, blanks dropped."""
    return [t.strip() for t in value.split(",") if t.strip()]


def tag_changes(start: list[str], typed: list[str]) -> tuple[list[str], list[str]]:
    """(added, removed) between the tags an editor started from and the ones typed, ignoring case."""
    before = {t.casefold() for t in start}
    after = {t.casefold() for t in typed}
    added = [t for t in typed if t.casefold() not in before]
    removed = [t for t in start if t.casefold() not in after]
    return added, removed
