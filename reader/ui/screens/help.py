"""The help screen: every key binding, grouped by where it works, built from the bindings themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


def key_label(binding: Binding) -> str:
    """How a binding's keys are written for a person: "j / down"."""
    if binding.key_display:
        return binding.key_display
    names = {
        "question_mark": "?",
        "slash": "/",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
        "space": "space",
        "shift+tab": "shift+tab",
    }
    return " / ".join(names.get(k.strip(), k.strip()) for k in binding.key.split(","))


def help_content(sections: list[tuple[str, list[Binding]]]) -> Content:
    """The text of the help screen."""
    lines: list[Content] = [Content.styled("Keys", "bold $accent"), Content("")]
    for title, bindings in sections:
        lines.append(Content.styled(title, "bold"))
        for binding in bindings:
            lines.append(Content.assemble(("  " + key_label(binding).ljust(22), "$accent"), binding.description))
        lines.append(Content(""))
    lines.append(Content.styled("The mouse works too, but nothing needs it. escape, q or ? closes this help.", "dim"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """Lists the keys of every pane and dialog."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
        Binding("j,down", "scroll_down", "Scroll down", id="help.down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", id="help.up", show=False),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_content(self.sections), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#help", VerticalScroll).scroll_up(animate=False)
