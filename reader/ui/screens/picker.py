"""A small dialog that lists choices (plain text, never markup) and returns the one picked."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class PickerScreen(ModalScreen):
    """Choices as (label, value); enter picks one (dismissed with its value), escape cancels (None)."""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 90%; max-width: 110; height: auto; max-height: 80%;
                              border: round $accent; background: $surface; padding: 0 1; }
    PickerScreen OptionList { height: auto; max-height: 30; border: none; }
    PickerScreen .picker-title { text-style: bold; padding: 0 0 1 0; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="picker.close"),
        # j and k move here as in every list of the reader (OptionList itself knows only the arrows).
        Binding("j", "move(1)", "Down", show=False, id="picker.down"),
        Binding("k", "move(-1)", "Up", show=False, id="picker.up"),
    ]

    def __init__(self, title: str, choices: list[tuple[str, object]], highlighted: int = 0) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.highlighted = highlighted

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="picker-title")
            # Content(...) and Option ids by position: a label from a feed or a page is never markup.
            yield OptionList(*(Option(Content(label), id=str(i)) for i, (label, _) in enumerate(self.choices)))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.choices:
            options.highlighted = min(self.highlighted, len(self.choices) - 1)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option.id)][1])

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
