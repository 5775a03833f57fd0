"""Import on the main screen: i asks for a path, a worker imports it, the list's border shows progress.

Kept apart from main.py as a mixin of MainScreen, which provides `library`, `article_list`,
`refresh_view`, `_restore_row`, `jobs`, `view`, `tag_filter`, `sort` and `notify`; its BINDINGS include IMPORT_BINDINGS.
"""

from __future__ import annotations

import time
from pathlib import Path

from textual.binding import Binding
from textual.content import Content
from textual.message import Message

from reader import text
from reader.store import Library, LibraryError

IMPORT_BINDINGS = [Binding("i", "import_files", "Import", id="main.import")]
PROGRESS_EVERY = 0.1  # seconds between progress messages: the border need not change faster


class ImportProgress(Message):
    """How far the import is, as one line (posted by the worker)."""

    def __init__(self, line: str) -> None:
        self.line = line
        super().__init__()


class ImportFinished(Message):
    """An import ended: its summary and per-file lines, or why it could not run."""

    def __init__(self, target: Path, summary: list[str], lines: list[str], imported: int, problem: str = "") -> None:
        self.target, self.summary, self.lines, self.imported, self.problem = target, summary, lines, imported, problem
        super().__init__()


def import_in_thread(db_path: Path, target: Path, post) -> None:
    """Import a path on a library connection of this thread's own, posting progress and then the report."""
    from reader.services.imports import ImportRun, result_line

    try:
        library = Library(db_path)
    except LibraryError as error:
        post(ImportFinished(target, [], [], 0, f"The library could not be opened for the import: {error}"))
        return
    lines: list[str] = []
    last = 0.0

    def progress(state) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY or state.files_done == state.files_total:
            last = now
            post(ImportProgress(f"importing {state.describe(now)}"))

    try:
        run = ImportRun([target], parse_ahead=True)  # a large one is parsed in a second process
        for result in run.results(library, on_progress=progress):
            lines.append(result_line(result, _shown(result.path, target)))
        imported = run.counts["imported"] + run.counts["updated"]
        post(ImportFinished(target, run.summary(), lines, imported))
    except Exception as error:  # a worker must answer: an unexpected failure is shown, not lost
        post(ImportFinished(target, [], lines, 0, f"The import failed: {error}"))
    finally:
        library.close()


def _shown(path: Path, target: Path) -> str:
    """A file's name as the report shows it: under the folder imported, relative to it (short at 80 columns)."""
    try:
        return str(path.relative_to(target)) if target.is_dir() else path.name
    except ValueError:
        return str(path)


class ImportMixin:
    """The i key of the main screen."""

    importing: bool = False

    def action_import_files(self) -> None:
        if self.importing:
            self.notify("An import is running already.")
            return
        from reader.ui.screens.importing import ImportPathDialog

        self.app.push_screen(ImportPathDialog(), self._import_path_chosen)

    def _import_path_chosen(self, target: Path | None) -> None:
        if target is None:
            return
        if str(self.library.path) == ":memory:":
            self.notify("This library lives in memory only: import with reader import PATH.", severity="warning")
            return
        self.importing = True
        self.query_one("#list-pane").border_subtitle = Content("importing…")
        path = self.library.path
        self.run_worker(
            lambda: import_in_thread(path, target, self.post_message),
            thread=True,
            group="import",
            exclusive=True,
            exit_on_error=False,
        )

    def on_import_progress(self, message: ImportProgress) -> None:
        message.stop()
        if self.importing:
            self.query_one("#list-pane").border_subtitle = Content(message.line)

    def on_import_finished(self, message: ImportFinished) -> None:
        message.stop()
        self.importing = False
        self.query_one("#list-pane").border_subtitle = Content("")
        if message.problem:
            self.notify(text.sanitise(message.problem), severity="error", timeout=10)
        if message.imported:
            self._reload_keeping_cursor()
        if message.summary or message.lines:
            from reader.ui.screens.importing import ImportReport

            self.app.push_screen(ImportReport(f"Import of {message.target}", message.summary, message.lines))

    def _reload_keeping_cursor(self) -> None:
        """Reload the list with the cursor on the article it was on (new rows may have come before it)."""
        current = self.article_list.current
        self.refresh_view(keep_cursor=True)
        if current is None or self.view.kind != "all":
            return
        self.cursor_to(current.id)
