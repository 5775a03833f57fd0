"""The note editor's multi-line field, kept NFC under input methods (text_fields.py says why and how).

Apart from text_fields.py: Textual's TextArea takes ~15 ms to import, and loads here with the
first note editor rather than at start-up.
"""

from __future__ import annotations

import unicodedata

from textual.widgets import TextArea


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class NoteArea(TextArea):
    """A multi-line field whose text is always NFC (the caret stays after what was typed)."""

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        text = self.text
        if unicodedata.is_normalized("NFC", text):
            return
        row, column = self.cursor_location
        lines = self.document.lines
        before = _nfc("\n".join([*lines[:row], lines[row][:column]]))
        self.replace(_nfc(text), (0, 0), self.document.end)  # one edit: ctrl+z takes it back whole
        self.move_cursor((before.count("\n"), len(before) - before.rfind("\n") - 1))
