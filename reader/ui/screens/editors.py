"""Dialogs: the note editor, the tag editor, and a yes/no question."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, Static, TextArea

from reader.tags import complete_tag
from reader.ui.session import parse_tags
from reader.ui.widgets.note_area import NoteArea
from reader.ui.widgets.text_fields import TextInput

# A save callback starts writing the text (in a worker) and later calls `done` on the UI thread:
# with None once it is committed, or with a sentence saying why it was not.
Done = Callable[["str | None"], None]
SaveCallback = Callable[[str, Done], None]


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; returns True for yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Content(self.question))
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", id="yes", variant="error")
                yield Button("No (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class NoteEditor(ModalScreen[str | None]):
    """A multi-line note; ctrl+s saves (and closes only once the note is committed), escape closes.

    `note` is what the library held when the editor opened: the save is a change against it.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", priority=True),
        Binding("escape", "close", "Close", id="note.close"),
    ]

    def __init__(self, heading: str, note: str, save: SaveCallback) -> None:
        super().__init__()
        self.heading = heading
        self.original = note
        self.save = save
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="editor"):
            yield Static(Content(self.heading), id="editor-heading")
            yield NoteArea(self.original, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static(Content.styled("ctrl+s save · escape close", "dim"), id="editor-status")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        """What is in the editor now."""
        return self.query_one(TextArea).text

    @property
    def unsaved(self) -> bool:
        """True if closing now would lose what the user typed (text being saved is not lost: quitting waits)."""
        return not self.saving and self.text != self.original

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.query_one("#editor-status", Static).update(Content.styled("Saving…", "dim"))
        text = self.text
        self.save(text, lambda error: self._saved(text, error))

    def _saved(self, text: str, error: str | None) -> None:
        self.saving = False
        if not self.is_attached:
            return
        if error is None:
            self.original = text
            self.dismiss(text)
        else:
            # The text stays in the editor, so nothing the user typed is lost.
            self.query_one("#editor-status", Static).update(Content.styled(f"Not saved: {error}", "bold $error"))
            self.notify(f"Not saved: {error}", severity="error")

    def action_close(self) -> None:
        if not self.unsaved:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard the changes to this note?"), answered)


class TagSuggester(Suggester):
    """Completes the last comma-separated tag from the tags that exist, as search matches words.

    `kinh t` offers "Kinh tế" (smart accents, reader.query.complete_tag); → takes the offer.
    """

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        tag = complete_tag(typed, self.tags)
        return None if tag is None else value[: len(value) - len(typed)] + tag


class TagEditor(ModalScreen[list[str] | None]):
    """Comma-separated tags with completion of existing ones; enter saves, escape closes."""

    BINDINGS = [Binding("escape", "close", "Close", id="tags.close")]

    def __init__(self, heading: str, tags: list[str], known: list[str], save: SaveCallback) -> None:
        super().__init__()
        self.heading = heading
        self.tags = tags  # what the library held when the editor opened: the save is a change against it
        self.known = known
        self.save = save
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="tags"):
            yield Static(Content(self.heading), id="editor-heading")
            yield TextInput(
                ", ".join(self.tags),
                placeholder="tag, another tag",
                id="tag-input",
                suggester=TagSuggester(self.known),
            )
            known = ", ".join(self.known) if self.known else "none yet"
            yield Static(Content.styled(f"Existing tags: {known}", "dim"), id="known-tags")
            yield Static(Content.styled("enter save · → accept suggestion · escape close", "dim"), id="editor-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @property
    def unsaved(self) -> bool:
        """True if the tags typed differ from the ones the editor opened with."""
        return not self.saving and parse_tags(self.query_one(Input).value, self.tags) != self.tags

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.saving:
            return
        self.saving = True
        value = event.value
        self.query_one("#editor-status", Static).update(Content.styled("Saving…", "dim"))
        self.save(value, lambda error: self._saved(value, error))

    def _saved(self, value: str, error: str | None) -> None:
        self.saving = False
        if not self.is_attached:
            return
        if error is None:
            self.dismiss(parse_tags(value, self.tags))
        else:
            self.query_one("#editor-status", Static).update(Content.styled(f"Not saved: {error}", "bold $error"))
            self.notify(f"Not saved: {error}", severity="error")

    def action_close(self) -> None:
        self.dismiss(None)


class PromptDialog(ModalScreen[str | None]):
    """Ask for one line of text (with optional completions); enter answers, escape cancels."""

    BINDINGS = [Binding("escape", "close", "Cancel", id="prompt.close")]

    def __init__(self, heading: str, value: str = "", suggestions: list[str] | None = None) -> None:
        super().__init__()
        self.heading = heading
        self.value = value
        self.suggestions = suggestions or []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="tags"):
            yield Static(Content(self.heading), id="editor-heading")
            yield TextInput(self.value, id="prompt-input", suggester=TagSuggester(self.suggestions))
            yield Static(Content.styled("enter ok · escape cancel", "dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_close(self) -> None:
        self.dismiss(None)
