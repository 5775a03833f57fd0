"""Messages: one dataclass per intent that widgets post up to the screen, and the workers' reports to the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.ui.jobs import Job

Span = tuple[int, int]

# -- what the user asked for (reading pane and notes pane → main screen) ---------------------------
# `highlight_id` is the highlight concerned (None while it is still being saved, or when there is
# none yet); `span` is its passage, or the passage to highlight.


@dataclass
class HighlightRequested(Message):
    """h: highlight this passage (or say it is highlighted already)."""

    span: Span


@dataclass
class ColourRequested(Message):
    """1-5: give the highlight under the cursor this colour."""

    highlight_id: int | None
    span: Span
    color: int


@dataclass
class HighlightNoteRequested(Message):
    """n: edit the note of this highlight, making the highlight first if there is none."""

    highlight_id: int | None
    span: Span | None


@dataclass
class HighlightTagsRequested(Message):
    """t: edit the tags of this highlight, making the highlight first if there is none."""

    highlight_id: int | None
    span: Span | None


@dataclass
class DeleteRequested(Message):
    """d: delete this highlight (u brings it back)."""

    highlight_id: int | None
    span: Span


@dataclass
class UndoRequested(Message):
    """u: restore the highlight deleted last."""


@dataclass
class JumpRequested(Message):
    """enter in the notes pane: show this highlight's passage in the reading pane."""

    highlight_id: int


@dataclass
class ArticleNoteRequested(Message):
    """Edit the open article's own note."""


@dataclass
class ArticleTagsRequested(Message):
    """Edit the open article's tags."""


# -- what a worker found (jobs → app) -------------------------------------------------------


@dataclass
class JobFinished(Message):
    """A library job finished; `result` is what its work returned."""

    job: Job
    result: object


@dataclass
class JobFailed(Message):
    """A library job failed; `error` is a sentence for the user."""

    job: Job
    error: str
