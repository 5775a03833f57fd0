"""What the reading pane's annotating keys and the mouse ask for, as mixins of ReadingPane.

The pane keeps the drawing; these post the screen's messages (the screen does the work) and move
the reading cursor from the mouse. They use the pane's `state`, `article`, `lines`, `_header`,
`current_highlight`, `selection_span`, `target_span` and `_moved`.
"""

from __future__ import annotations

from textual import events

from reader.ui.layout import column_offset
from reader.ui.messages import (
    ColourRequested,
    DeleteRequested,
    HighlightNoteRequested,
    HighlightRequested,
    HighlightTagsRequested,
    RangeRequested,
    UndoRequested,
)
from reader.ui.widgets.reading_keys import MARGIN


class AnnotatingKeys:
    """h, n, t, d, u, 1-5, c and y in the reading pane."""

    def _under_cursor(self) -> tuple[int | None, tuple[int, int]] | None:
        """(id, span) of the highlight under the cursor (id None while it is being saved), or None."""
        current = self.current_highlight
        return (current.id, (current.start, current.end)) if current is not None else None

    def _needs_highlight(self) -> tuple[int | None, tuple[int, int]] | None:
        under = self._under_cursor() if self.article is not None else None
        if under is None and self.article is not None:
            self.notify("No highlight under the cursor.", severity="warning")
        return under

    def action_highlight(self) -> None:
        if self.article is None or self.target_span is None:
            return
        self.post_message(HighlightRequested(self.target_span))
        self.action_cancel_selection()

    def action_note(self) -> None:
        if self.article is not None:
            under = self._under_cursor()
            self.post_message(HighlightNoteRequested(*(under or (None, self.target_span))))

    def action_tags(self) -> None:
        if self.article is not None:
            under = self._under_cursor()
            self.post_message(HighlightTagsRequested(*(under or (None, self.target_span))))

    def action_delete(self) -> None:
        under = self._needs_highlight()
        if under is not None:
            self.post_message(DeleteRequested(*under))

    def action_undo(self) -> None:
        self.post_message(UndoRequested())

    def action_color(self, color: int) -> None:
        if self.selection_span is not None:  # a selection is highlighted in that colour
            self.post_message(ColourRequested(None, self.selection_span, color))
            self.action_cancel_selection()
            return
        under = self._needs_highlight()
        if under is not None:
            self.post_message(ColourRequested(*under, color))

    def action_reshape(self) -> None:
        if self.state.reshaping is not None and self.selection_span is not None:
            self.post_message(RangeRequested(self.state.reshaping, self.selection_span))
            self.action_cancel_selection()
            return
        current = self.current_highlight
        if current is None or current.id is None:
            self.notify("No saved highlight under the cursor.", severity="warning")
            return
        if self.selection_span is not None:  # re-selected: the highlight it overlaps takes the selection
            self.post_message(RangeRequested(current.id, self.selection_span))
            self.action_cancel_selection()
            return
        self.state.reshape(current)
        self.notify("Grow or shrink the selection (w/b, ←/→, j/k), then c keeps it; escape leaves it as it was.")
        self._moved()

    def action_copy(self) -> None:
        passage = self.state.passage
        if passage:
            self.app.copy_to_clipboard(passage)
            words = len(passage.split())
            self.notify(f"Copied {words} word{'s' if words != 1 else ''}.")


class MouseSelecting:
    """A click places the cursor, a drag selects, a double click selects a word."""

    def offset_at(self, x: int, y: int) -> int | None:
        """The body offset under a point of the pane (widget coordinates), None off the text."""
        index = y + int(self.scroll_y) - len(self._header)
        if self.article is None or not 0 <= index < len(self.lines) or self.lines[index].start == self.lines[index].end:
            return None
        return column_offset(self.article.body, self.lines[index], x - MARGIN)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self.offset_at(event.x, event.y)
        if offset is None or event.button != 1:
            return
        self.focus()
        self.state.place(offset)
        self._drag_offset = offset
        self.capture_mouse()
        self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_offset is None:
            return
        offset = self.offset_at(event.x, event.y)
        if offset is not None and offset != self._drag_offset:
            self._drag_offset = offset
            self.state.drag_to(offset)
            self._moved()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_offset is not None:
            self._drag_offset = None
            self.release_mouse()

    def on_click(self, event: events.Click) -> None:
        offset = self.offset_at(event.x, event.y)
        if offset is not None and event.chain == 2:
            self.state.select_word(offset)
            self.refresh()
