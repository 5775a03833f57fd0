"""What the TUI's workers do: plain functions of a Library, each run in a worker thread (no Textual here).

Each takes the worker's own Library and returns what the screen needs to show afterwards, read on
the same connection after the write, so the screen never has to ask the library again.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.model import Article, Highlight
from reader.store import Library, LibraryError
from reader.store.errors import article_gone
from reader.ui.session import HighlightRef, SaveOutcome, merge_note, tag_changes

MERGE_TRIES = 5  # compare-and-write rounds before giving up on a note another program keeps changing


@dataclass(frozen=True)
class Opened:
    """An article as read for the reading pane: its highlights and where the reader left it."""

    article: Article
    highlights: list[Highlight]
    position: int


@dataclass(frozen=True)
class Annotations:
    """An article's highlights after a change, and the highlight the change was about."""

    article_id: int
    highlights: list[Highlight]
    highlight: Highlight | None = None
    created: bool = False
    outcome: SaveOutcome = SaveOutcome.SAVED


@dataclass(frozen=True)
class ArticleEdit:
    """An article after its note or tags were saved, and how the save went."""

    article: Article
    outcome: SaveOutcome


def open_article(library: Library, article_id: int) -> Opened | None:
    """Read an article (with its structure: headings, quotes, lists, links), its highlights and position."""
    from reader.store.feeds import FeedStore

    article = FeedStore(library).get(article_id)
    if article is None:
        return None
    return Opened(article, library.highlights(article_id), library.reading_state(article_id)[1])


def mark_read(library: Library, article_id: int) -> int:
    """Mark an article read."""
    library.set_reading_state(article_id, read=True)
    return article_id


def save_position(library: Library, article_id: int, position: int) -> None:
    """Remember where the reader is in an article."""
    library.set_reading_state(article_id, position=position)


def resolve(library: Library, target: HighlightRef, *, create: bool) -> tuple[Highlight, bool]:
    """The stored highlight a change is for: by id, else the one at its span (made now if `create`)."""
    if target.id is not None:
        highlight = library.get_highlight(target.id)
        if highlight is None:
            raise LibraryError("that highlight is no longer in the library")
        return highlight, False
    if create:
        # Imported here: the service brings the importers (YAML, Markdown) the first screen never needs.
        from reader.services.annotations import highlight_span

        return highlight_span(library, target.article_id, *target.span, seen=target.anchor)
    for highlight in library.highlights(target.article_id):
        if not highlight.orphan and (highlight.start, highlight.end) == target.span:
            return highlight, False
    raise LibraryError("that highlight is no longer in the library")


def _after(library: Library, highlight: Highlight, **extra) -> Annotations:
    fresh = library.get_highlight(highlight.id) if highlight.id is not None else None
    return Annotations(highlight.article_id, library.highlights(highlight.article_id), fresh or highlight, **extra)


def add_highlight(library: Library, target: HighlightRef) -> Annotations:
    """Highlight a passage (or find the highlight already there)."""
    highlight, created = resolve(library, target, create=True)
    return _after(library, highlight, created=created)


def set_colour(library: Library, target: HighlightRef, color: int) -> Annotations:
    """Give a highlight a colour."""
    highlight, _ = resolve(library, target, create=True)
    library.set_highlight_color(highlight.id, color)
    return _after(library, highlight)


def set_range(library: Library, target: HighlightRef, span: tuple[int, int]) -> Annotations:
    """Move a highlight onto another passage (widened to whole graphemes), keeping its note, tags and id."""
    highlight, _ = resolve(library, target, create=False)
    article = library.get_article(highlight.article_id)
    if article is None:
        raise article_gone(highlight.article_id)
    from reader import anchoring  # with `regex`: loaded by the first change of a passage, not at start-up

    moved = library.set_highlight_range(highlight.id, anchoring.make_anchor(article.body, *span))
    return _after(library, moved)


def delete(library: Library, target: HighlightRef) -> Annotations:
    """Delete a highlight; the result holds it as it was, for undo."""
    highlight, _ = resolve(library, target, create=False)
    deleted = library.delete_highlight(highlight.id)
    return Annotations(deleted.article_id, library.highlights(deleted.article_id), deleted)


def restore(library: Library, highlight: Highlight) -> Annotations:
    """Put a deleted highlight back, with its note, tags and times."""
    restored = library.restore_highlight(highlight)
    return _after(library, restored)


def _save_note(read, write, start: str, typed: str) -> tuple[str, SaveOutcome]:
    """Compare-and-write: never overwrite a note another program changed since the editor opened."""
    for _ in range(MERGE_TRIES):
        current = read()
        value, outcome = merge_note(start, current, typed)
        if value == current or write(value, current):
            return value, outcome
    raise LibraryError("the note keeps changing in another program; not saved, try again")


def save_highlight_note(library: Library, target: HighlightRef, start: str, typed: str) -> Annotations:
    """Save a highlight's note as a change against `start`, what the editor opened with."""
    highlight, _ = resolve(library, target, create=True)

    def read() -> str:
        current = library.get_highlight(highlight.id)
        if current is None:
            raise LibraryError("that highlight is no longer in the library")
        return current.note

    def write(value: str, expected: str) -> bool:
        return library.set_note_if(value, expected=expected, highlight_id=highlight.id)

    _, outcome = _save_note(read, write, start, typed)
    return _after(library, highlight, outcome=outcome)


def save_article_note(library: Library, article_id: int, start: str, typed: str) -> ArticleEdit:
    """Save an article's note as a change against `start`."""

    def read() -> str:
        article = library.get_article(article_id)
        if article is None:
            raise article_gone(article_id)
        return article.note

    def write(value: str, expected: str) -> bool:
        return library.set_note_if(value, expected=expected, article_id=article_id)

    _, outcome = _save_note(read, write, start, typed)
    return ArticleEdit(library.get_article(article_id), outcome)


def _tag_outcome(start: list[str], current: list[str], typed: list[str]) -> SaveOutcome:
    added, removed = tag_changes(start, typed)
    if not added and not removed:
        return SaveOutcome.UNCHANGED
    same = {t.casefold() for t in start} == {t.casefold() for t in current}
    return SaveOutcome.SAVED if same else SaveOutcome.MERGED


def save_highlight_tags(library: Library, target: HighlightRef, start: list[str], typed: list[str]) -> Annotations:
    """Apply the tags added and removed in the editor to the highlight's tags as they are now."""
    highlight, _ = resolve(library, target, create=True)
    added, removed = tag_changes(start, typed)
    outcome = _tag_outcome(start, library.get_highlight(highlight.id).tags, typed)
    if added or removed:
        library.change_tags(added, removed, highlight_id=highlight.id)
    return _after(library, highlight, outcome=outcome)


def save_article_tags(library: Library, article_id: int, start: list[str], typed: list[str]) -> ArticleEdit:
    """Apply the tags added and removed in the editor to the article's tags as they are now."""
    added, removed = tag_changes(start, typed)
    outcome = _tag_outcome(start, library.article_tags(article_id), typed)
    if added or removed:
        library.change_tags(added, removed, article_id=article_id)
    article = library.get_article(article_id)
    if article is None:
        raise article_gone(article_id)
    return ArticleEdit(article, outcome)
