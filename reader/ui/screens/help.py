"""The help screen: every key binding, grouped by where it works, built from the bindings themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.ui.widgets.article_list import OPEN_MARK, UNREAD_MARK
from reader.ui.widgets.reading_keys import MARGIN_MARKS, NOTE_MARK


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


# When a key means one thing here and another there, help says when (by binding id).
WHEN = {
    "reading.next_hit": "while search hits are marked",
    "reading.previous_hit": "while search hits are marked",
    "reading.note": "when no search hits are marked",
    "reading.cancel_selection": "while selecting",
    "reading.clear_hits": "while search hits are marked",
    "list.undo_delete": "the article deleted last",
    "reading.undo": "the highlight deleted last",
    "notes.undo": "the highlight deleted last",
}

MARKS = [
    (UNREAD_MARK, "an article not read yet (in the list)"),
    (OPEN_MARK, "the article open in the reading pane (in the list)"),
    (NOTE_MARK, "a highlight with a note on this line (reading pane margin, in its colour)"),
    (MARGIN_MARKS["list item"], "a list item (reading pane margin)"),
    (MARGIN_MARKS["quote"], "a quotation (reading pane margin)"),
    ("✎", "a search result found in a note (in the list)"),
]


def describe(binding: Binding) -> str:
    """A binding's description, with when it applies if the key means something else elsewhere."""
    when = WHEN.get(binding.id or "")
    return f"{binding.description} ({when})" if when else binding.description


def help_rows(sections: list[tuple[str, list[Binding]]]) -> list[tuple[str, str] | str]:
    """The help screen's rows: a section title alone, or (keys, what they do)."""
    rows: list[tuple[str, str] | str] = []
    for title, bindings in sections:
        rows.append(title)
        rows += [(key_label(b), describe(b)) for b in bindings]
    rows.append("Marks")
    rows += MARKS
    return rows


def help_content(sections: list[tuple[str, list[Binding]]]) -> Content:
    """The text of the help screen, as one block (for tests and the palette's search)."""
    lines: list[Content] = [Content.styled("Keys", "bold $accent"), Content("")]
    for row in help_rows(sections):
        if isinstance(row, str):
            lines += [Content(""), Content.styled(row, "bold")]
        else:
            lines.append(Content.assemble(("  " + row[0].ljust(22), "$accent"), row[1]))
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
        # A grid of two columns, so that a long description wraps inside its own column.
        with VerticalScroll(id="help"):
            yield Static(Content.styled("Keys", "bold $accent"), classes="help-title")
            with Grid(id="help-text"):
                for row in help_rows(self.sections):
                    if isinstance(row, str):  # a blank row, then the section's title
                        yield from (Static(""), Static(""))
                        yield Static(Content.styled(row, "bold"), classes="help-section")
                        yield Static("", classes="help-section")
                    else:
                        yield Static(Content.styled(row[0], "$accent"), classes="help-key")
                        yield Static(Content(row[1]), classes="help-what")
            yield Static(
                Content.styled("The mouse works too, but nothing needs it. escape, q or ? closes this help.", "dim"),
                classes="help-foot",
            )

    def shown_text(self) -> str:
        """What the help shows, row by row (a key and what it does on one line), as plain text."""
        cells = [str(w.render()) for w in self.query_one("#help-text", Grid).children]
        return "\n".join(f"{key}  {what}".rstrip() for key, what in zip(cells[::2], cells[1::2]))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#help", VerticalScroll).scroll_up(animate=False)
