"""The import dialogs: a path with completion from the file system, and the per-file report."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Log, Static

from reader import wording
from reader.ui.widgets.text_fields import TextInput

COMPLETIONS_LISTED = 2000  # entries looked at per folder: a huge folder must not stall a key press


class PathSuggester(Suggester):
    """Completes the last part of a path from the folder it names: folders get a trailing slash.

    Dot-files are offered only once a dot is typed; `~` stands for the home folder.
    """

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        folder, slash, typed = value.rpartition("/")
        return complete_in(os.path.expanduser(folder + slash) if slash else ".", typed, value)


def complete_in(folder: str, typed: str, value: str) -> str | None:
    """`value` completed with the first entry of `folder` (by name) that starts with `typed`."""
    found = []
    try:
        with os.scandir(folder) as listing:
            for i, entry in enumerate(listing):
                if i >= COMPLETIONS_LISTED:
                    break
                hidden_ok = typed.startswith(".") or not entry.name.startswith(".")
                if entry.name.startswith(typed) and hidden_ok:
                    completed = value + entry.name[len(typed) :] + ("/" if _is_dir(entry) else "")
                    if completed != value:
                        found.append((entry.name, completed))
    except OSError:
        return None
    return min(found)[1] if found else None


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


_PATH_KEYS = "enter import · tab or → complete · escape cancel"


class ImportPathDialog(ModalScreen[Path | None]):
    """Ask for a file or folder to import; tab or → takes the completion, enter imports, escape cancels."""

    BINDINGS = [
        Binding("escape", "close", "Cancel", id="import_path.close"),
        Binding("tab", "complete", "Complete the path", id="import_path.complete", priority=True),
    ]

    def __init__(self, start: str = "") -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="tags"):
            yield Static(
                Content("Import a file or a folder (.txt, .md, .html; folders recursively):"), id="editor-heading"
            )
            # TextInput: Vietnamese typed through an input method arrives whole and NFC.
            yield TextInput(self.start, placeholder="~/news or ./story.md", id="import-path", suggester=PathSuggester())
            yield Static(Content.styled(_PATH_KEYS, "dim"), id="editor-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        # A refusal speaks of the path as it was: once it is edited, the keys are shown again.
        self.query_one("#editor-status", Static).update(Content.styled(_PATH_KEYS, "dim"))

    def action_complete(self) -> None:
        field = self.query_one(Input)
        if field._suggestion and field.cursor_at_end:
            field.value = field._suggestion
            field.cursor_position = len(field.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value:
            self.query_one("#editor-status", Static).update(Content.styled("Type a path first.", "bold $error"))
            return
        path = Path(os.path.expanduser(value))
        if not path.exists() and not path.is_symlink():
            shown = wording.one_line(value)
            self.query_one("#editor-status", Static).update(Content.styled(f"Nothing at {shown}.", "bold $error"))
            return
        self.dismiss(path)

    def action_close(self) -> None:
        self.dismiss(None)


class ImportReport(ModalScreen[None]):
    """The per-file report of an import, its summary at the top; escape, enter or q closes it."""

    DEFAULT_CSS = """
    ImportReport { align: center middle; }
    ImportReport > Vertical { width: 96%; max-width: 140; height: 90%; border: thick $accent;
                              background: $panel; padding: 0 1; }
    ImportReport #report-heading { text-style: bold; }
    ImportReport #report-summary { margin-bottom: 1; }
    ImportReport Log { height: 1fr; border: none; background: $panel; }
    ImportReport #report-keys { dock: bottom; height: 1; }
    """
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="import_report.close")]

    def __init__(self, heading: str, summary: list[str], lines: list[str]) -> None:
        super().__init__()
        self.heading = heading
        self.summary = summary
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(wording.one_line(self.heading)), id="report-heading")
            yield Static(Content("\n".join(wording.one_line(line) for line in self.summary)), id="report-summary")
            # Log draws each line as plain text (no markup), a screenful at a time: fit for 10,000 lines.
            yield Log(id="report-lines", auto_scroll=False)
            yield Static(Content.styled("escape or enter close · ↑↓ scroll · ←→ long lines", "dim"), id="report-keys")

    def on_mount(self) -> None:
        log = self.query_one(Log)
        log.write_lines([wording.one_line(line) for line in self.lines] or ["(no files)"])
        log.scroll_home(animate=False)
        log.focus()

    def action_close(self) -> None:
        self.dismiss(None)
