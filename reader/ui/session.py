"""What the main screen decides, in plain Python: the reading cursor, the open article, the undo stack.

Nothing here imports Textual: the screen and the reading pane wire keys and widgets to these
classes, and tests drive them directly (tests/test_session.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum, StrEnum

from reader.model import Anchor, Article, Highlight
from reader.tags import typed_tag
from reader.ui.reading_cursor import ReadingCursor  # noqa: F401 - the screen and tests import it from here

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


# -- the open article and its annotations ------------------------------------------------------


@dataclass(frozen=True)
class HighlightRef:
    """Which highlight a change is for: its id once stored, else its span in the article (not yet saved)."""

    article_id: int
    id: int | None
    span: Span
    # The passage as the reader saw it (quote and context): if the article changed meanwhile, the
    # store finds the passage again from it, or refuses, rather than highlight other text (S6).
    anchor: Anchor | None = None


def ref(highlight: Highlight) -> HighlightRef:
    """A reference to a highlight, stored or still being saved."""
    return HighlightRef(highlight.article_id, highlight.id, (highlight.start, highlight.end), highlight.anchor)


class Session:
    """The open article, its highlights as last read (plus those being saved), the tag filter, the undo stack."""

    def __init__(self) -> None:
        self.article: Article | None = None
        self.highlights: list[Highlight] = []
        self.deleted: list[Highlight] = []  # for undo, most recent last
        self.trashed: list[int] = []  # articles moved to the trash in this session, for undo, most recent last
        self.tag_filter: str | None = None
        self.sort = SortOrder.DATE

    def open(self, article: Article, highlights: list[Highlight]) -> None:
        """An article and its highlights, as just read from the library."""
        self.article, self.highlights = article, list(highlights)

    def close(self) -> None:
        """No article open any more (it was deleted)."""
        self.article, self.highlights = None, []

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
        pending = self.draft(span)
        self.highlights = _reading_order([*self.highlights, pending])
        return pending, True

    def draft(self, span: Span) -> Highlight:
        """A new highlight of a passage of the open article, not shown nor stored."""
        from reader import anchoring  # with `regex`: loaded by the first highlight, not at start-up

        start, end = span
        body = self.article.body
        seen = anchoring.make_anchor(body, start, end)  # its quote and context, as on the screen
        return Highlight(self.article.id, Anchor(start, end, body[start:end], seen.prefix, seen.suffix))

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

    def overlapping(self, highlight: Highlight) -> list[Highlight]:
        """The highlights in the text that share some of this one's passage (itself included), oldest first."""
        if highlight.orphan:
            return [highlight]
        return sorted(
            (h for h in self.highlights if not h.orphan and h.start < highlight.end and h.end > highlight.start),
            key=age,
        )

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


def age(h: Highlight) -> tuple:
    """Oldest first: by id (ids grow and are never reused; one being saved is the newest)."""
    return (h.id is None, h.id or 0)


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


def parse_tags(value: str, start: Sequence[str] = ()) -> list[str]:
    """Tags as typed in the tag editor: comma-separated, blanks and a typed leading # dropped.

    A tag the editor started with is read back whole, as it is: one made on the command line may
    hold a comma or begin with #, and saving the editor unchanged must not split or rename it.
    """
    parts = value.split(",")
    whole = sorted(start, key=lambda tag: -tag.count(","))  # "a, b, c" before "a, b"
    tags, i = [], 0
    while i < len(parts):
        for tag in whole:
            n = tag.count(",") + 1
            if " ".join(",".join(parts[i : i + n]).split()) == " ".join(tag.split()):
                tags.append(tag)
                i += n
                break
        else:
            name = typed_tag(parts[i])
            if name:
                tags.append(name)
            i += 1
    return tags


def tag_changes(start: list[str], typed: list[str]) -> tuple[list[str], list[str]]:
    """(added, removed) between the tags an editor started from and the ones typed, ignoring case."""
    before = {t.casefold() for t in start}
    after = {t.casefold() for t in typed}
    added = [t for t in typed if t.casefold() not in before]
    removed = [t for t in start if t.casefold() not in after]
    return added, removed
