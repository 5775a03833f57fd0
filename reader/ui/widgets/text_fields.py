"""Text fields that take Vietnamese from an input method: backspaces in order with the keys, text kept NFC.

Input methods (Unikey, EVKey, ibus-bamboo) compose a letter by sending a backspace (0x7F or 0x08,
which Textual both reads as `backspace`) and then the composed letter, often in one burst: Telex
`tieengs` arrives as `t i e ⌫ê n g ⌫⌫⌫ếng`. Textual runs a field's `backspace` binding only once
the key has bubbled back up to the app, by which time the field has already taken the letters that
followed it in the burst: `tie⌫ê` became `tieê` less its last letter, "tiếng" became "tieng".
`deliver_backspace_in_order` queues the deletion behind the keys before it instead. Some input
methods send combining marks (NFD); the fields here (and NoteArea, in note_area.py) keep their text NFC,
the caret where it was.
"""

from __future__ import annotations

import unicodedata

from textual import events
from textual.app import App
from textual.geometry import Offset
from textual.widgets import Input


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def deliver_backspace_in_order(app: App, event: events.Event) -> bool:
    """If `event` is a backspace for the focused text field, queue its deletion there; True if it did.

    The field's queue already holds the keys that came before: the deletion runs after them and
    before the keys that come after, as the input method sent them.
    """
    if not isinstance(event, events.Key) or event.key != "backspace" or event.is_forwarded:
        return False
    field = app.focused
    if isinstance(field, Input):
        field.call_later(field.action_delete_left)
        return True
    from textual.widgets import TextArea  # loaded by the first note editor: not needed to start

    if isinstance(field, TextArea) and not field.read_only:
        field.call_later(field.action_delete_left)
        return True
    return False


class TextInput(Input):
    """A one-line field whose text is always NFC (the caret stays after what was typed)."""

    @property
    def cursor_screen_offset(self) -> Offset:
        """The caret's cell on screen, where the terminal cursor goes (the input method's window follows it).

        Textual's own counts one cell more at the end of the text (room it keeps for scrolling), which put
        the terminal cursor beside the caret rather than on it.
        """
        x, y, _width, _height = self.content_region
        scroll_x, _ = self.scroll_offset
        return Offset(x + self._position_to_cell(self.cursor_position) - scroll_x, y)

    def replace(self, text: str, start: int, end: int) -> None:
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        joined = f"{value[:start]}{text}{value[end:]}"
        if unicodedata.is_normalized("NFC", joined):
            super().replace(text, start, end)
            return
        caret = len(_nfc(value[:start] + text))  # a mark typed after its letter joins it
        super().replace(_nfc(joined), 0, len(value))
        self.cursor_position = caret
