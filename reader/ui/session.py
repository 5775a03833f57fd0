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
        self.anchor: Span | None = None  # the sentence where `v` was pressed
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
    def selection(self) -> Span | None:
        """The selected passage, when a selection is active."""
        if self.anchor is None or self.span is None:
            return None
        start = min(self.anchor[0], self.span[0])
        end = self.selection_end if self.selection_end is not None else max(self.anchor[1], self.span[1])
        return (start, max(end, start + 1))

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
            self.selection_end = None

    def move_to(self, offset: int) -> None:
        """Put the cursor on the sentence at a body offset, dropping any selection."""
        self.index = self.sentence_index_at(offset)
        self.anchor = self.selection_end = None

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
        self.selection_end = None

    # -- selecting -------------------------------------------------------------------------

    def toggle_selection(self) -> None:
        """`v`: start a selection at the cursor sentence, or drop the one there is."""
        if self.anchor is not None:
            self.cancel_selection()
        elif self.span is not None:
            self.anchor, self.selection_end = self.span, None

    def cancel_selection(self) -> None:
        """Drop the selection."""
        self.anchor = self.selection_end = None

    def extend_word(self) -> None:
        """`w`: the selection's end one word further (starting a selection if there is none)."""
        if self.anchor is None:
            self.toggle_selection()
        span = self.selection
        if span is not None:
            self.selection_end = segment.next_word_end(self.body, span[1])

    def shrink_word(self) -> None:
        """`b`: the selection's end one word back, never before its first character."""
        if self.anchor is None:
            self.toggle_selection()
        span = self.selection
        if span is not None:
            self.selection_end = segment.prev_word_end(self.body, span[1], span[0] + 1)

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
