"""Messages that widgets post up to the screen, which alone talks to the library."""

from __future__ import annotations

from textual.message import Message


class AnnotationRequest(Message):
    """The user asked for something to be done to a highlight or a passage.

    action: "highlight", "color", "note", "tags", "delete", "undo" or "jump".
    highlight_id: the highlight concerned, when there is one.
    span: the (start, end) body offsets of the passage, when there is no highlight yet.
    value: the colour for "color".
    """

    def __init__(
        self,
        action: str,
        highlight_id: int | None = None,
        span: tuple[int, int] | None = None,
        value: int | None = None,
    ) -> None:
        self.action = action
        self.highlight_id = highlight_id
        self.span = span
        self.value = value
        super().__init__()
