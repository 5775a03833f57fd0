"""The Textual app: app-wide keys, the command palette, and the one factory used by the CLI and tests."""

from __future__ import annotations

import gc
import unicodedata
from collections.abc import Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import Screen

from reader import text
from reader.locations import resource_dir
from reader.model import COLOUR_NAMES
from reader.store import Library, LibraryError
from reader.ui.jobs import Job, LibraryJobs
from reader.ui.messages import JobFailed, JobFinished
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.notes_pane import NotesPane
from reader.ui.widgets.reading_keys import colour_bindings
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.search_bar import SearchBar
from reader.ui.widgets.text_fields import deliver_backspace_in_order


def plain_highlight(matcher: Matcher, candidate: str) -> Content:
    """The candidate as plain text with the fuzzy match marked: unlike `Matcher.highlight`, no markup is parsed."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class TagCommands(Provider):
    """Palette commands "Show articles tagged …", one per tag.

    Tag names come from imported files: they are shown as plain text, never parsed as markup
    (Textual's system commands parse their titles, which let a tag plant clickable actions).
    """

    async def startup(self) -> None:
        # Read once when the palette opens, not on every key typed into it.
        self._tags = self.app.library.tags()

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(unicodedata.normalize("NFC", query))  # typed marks (NFD) meet stored NFC names
        app = self.app
        for tag in self._tags:
            title = f"Show articles tagged {tag.name}"
            score = matcher.match(title)
            if score > 0:
                # `help` is parsed as markup by the palette: it holds only a number here.
                yield Hit(
                    score,
                    plain_highlight(matcher, title),
                    partial(app.show_tag, tag.name),
                    text=title,
                    help=f"{tag.count} {'article or highlight' if tag.count == 1 else 'articles and highlights'}",
                )


# Browsers that run in the terminal: one started from here would take over the reader's own screen.
_CONSOLE_BROWSERS = frozenset({"www-browser", "links", "links2", "elinks", "lynx", "w3m"})


def _open_in_a_browser(url: str) -> bool:
    """Open a web address in a graphical browser; False if there is none (or it would not open)."""
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    if getattr(browser, "name", "") in _CONSOLE_BROWSERS:
        return False
    try:
        return bool(browser.open(url, new=2))
    except OSError:
        return False


class ReaderApp(App):
    """A terminal reader and annotator for news articles."""

    TITLE = "reader"
    COMMANDS = App.COMMANDS | {TagCommands}
    CSS_PATH = [str(resource_dir("styles") / "reader.tcss")]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("ctrl+p", "command_palette", "Commands", id="app.command_palette", show=False),
    ]

    def __init__(self, library: Library, open_at: tuple[int, int | None] | None = None) -> None:
        # The modules and classes loaded so far live as long as the app: out of the garbage collector's
        # sight, a full pass while the first screen is drawn costs ~1 ms instead of ~20.
        gc.freeze()
        super().__init__()
        self.library = library
        self.jobs = LibraryJobs(self, library.path, library)
        self._quitting = False
        self.open_at = open_at  # (article, highlight or None) to show first: `reader open URI`
        self.left_fetching = False  # quit while feeds were being fetched (see run_app)

    async def on_event(self, event: events.Event) -> None:
        # An input method's backspace must reach a text field in order with its letters (text_fields).
        if not deliver_backspace_in_order(self, event):
            await super().on_event(event)

    def get_default_screen(self) -> Screen:
        # The main screen is the first screen rather than pushed from on_mount: a screen pushed there
        # is laid out and drawn while Textual's start-up still holds its batch update, which drops
        # that frame (~70 ms of drawing), so the first screen the terminal saw was the second one drawn.
        return MainScreen(self.library)

    def on_mount(self) -> None:
        if self.open_at is not None:
            self.call_after_refresh(self._open_at, *self.open_at)
        # A large library's whole list is read for damage once the first screen is up (a small one's
        # was read before it: Maintenance.check_readable); damage found then closes the reader with
        # the sentence the CLI would have said before the screen.
        self.call_after_refresh(self._check_whole_list)

    damage: str | None = None  # why the reader closed: the library turned out damaged

    def _check_whole_list(self) -> None:
        def damaged(error: str) -> None:
            self.damage = error
            self.exit(return_code=1)

        self.jobs.read(Job(lambda library: library.check_rest(), on_error=damaged, failed="Not read"))

    def _open_at(self, article_id: int, highlight_id: int | None) -> None:
        main = self.main
        highlight = self.library.get_highlight(highlight_id) if highlight_id is not None else None
        placed = highlight is not None and highlight.article_id == article_id and not highlight.orphan
        main.open_article(article_id, at=highlight.start if placed else None)
        main.focus_pane(main.reading)

    # -- workers report here: results to their job, every failure through one handler -----

    def on_job_finished(self, message: JobFinished) -> None:
        self.jobs.finished(message)

    def on_job_failed(self, message: JobFailed) -> None:
        if self._quitting and message.job.writes and not message.job.quiet:
            self._quitting = False  # a change was refused: stay, so the user sees it and can try again
        self.jobs.failed(message)

    # -- quitting: never with a note unsaved or a change still being written ---------------

    async def action_quit(self) -> None:
        """Quit once every change is written; ask first if an editor holds unsaved text."""
        from reader.ui.screens.editors import ConfirmDialog

        editor = next((s for s in reversed(self.screen_stack) if getattr(s, "unsaved", False)), None)
        if editor is not None:
            if isinstance(self.screen, ConfirmDialog):
                return  # a question is on screen already: answer it first

            def answered(discard: bool | None) -> None:
                if discard:
                    editor.dismiss(None)
                    self.call_later(self.action_quit)

            self.push_screen(ConfirmDialog("Quit and discard what you typed in the editor?"), answered)
            return
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is not None:
            main.save_position()
            main.save_places()
            self.left_fetching = main.updating  # a fetch is no change of the user's: not waited for
        if not self.jobs.pending_writes:
            self.exit()
            return
        if self._quitting:
            return
        self._quitting = True
        count = self.jobs.pending_writes
        self.notify(f"Saving {count} change{'s' if count > 1 else ''} before quitting…", timeout=5)
        self.jobs.when_idle(self._quit_if_still_wanted)

    def _quit_if_still_wanted(self) -> None:
        if self._quitting:
            self.exit()

    def action_help_quit(self) -> None:
        """ctrl+c does not quit (it copies in a text field): say what does, in plain words."""
        self.notify("Press q to quit (ctrl+q in a text field).", title="Do you want to quit?")

    def notify(
        self, message: str, *, title: str = "", severity="information", timeout=None, markup: bool = False
    ) -> None:
        """Show a notification; its text is never parsed as markup, since it often quotes an article."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open a web address in the browser, and say so; any other scheme is refused.

        An article's addresses come from pages and feeds: a file:, javascript: or an application's own
        scheme would hand what a stranger wrote to a program on this machine.
        """
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme not in text.LINK_SCHEMES or any(c in url for c in "\r\n\t\x00"):
            self.notify(f"Not opened: {url} is not a web address.", severity="warning")
            return
        if self.is_web:  # served in a browser: the driver hands it to that browser
            super().open_url(url, new_tab=new_tab)
        elif not _open_in_a_browser(url):
            self.notify(f"No web browser to open {url} with.", severity="warning", timeout=8)
            return
        self.notify(f"Opening {url}")

    @property
    def main(self) -> MainScreen:
        """The main screen (under any dialog)."""
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def colour_names(self) -> dict[int, str]:
        """Every colour's name (1-5): the user's (`reader colors set`), else the default, read afresh."""
        try:
            named = self.library.colour_names()
        except LibraryError:
            named = {}
        return {color: named.get(color) or default for color, default in COLOUR_NAMES.items()}

    def help_sections(self) -> list[tuple[str, list[Binding]]]:
        """Every binding, grouped by where it works (the colour keys say the library's colour names)."""
        from reader.ui.screens.editors import NoteEditor, TagEditor
        from reader.ui.screens.importing import ImportPathDialog

        return [
            ("Everywhere", [*self.BINDINGS, *MainScreen.BINDINGS]),
            ("Article list", ArticleList.BINDINGS),
            ("Reading pane", colour_bindings(ReadingPane.BINDINGS, self.colour_names())),
            ("Search bar (/)", SearchBar.BINDINGS),
            ("Notes pane", NotesPane.BINDINGS),
            ("Note editor", [*NoteEditor.BINDINGS, Binding("enter", "", "A new line in the note")]),
            (
                "Tag editor",
                [
                    Binding("enter", "", "Save the tags"),
                    Binding("right", "", "Take the suggested tag", key_display="→"),
                    *TagEditor.BINDINGS,
                ],
            ),
            ("Questions (yes/no)", [Binding("y", "", "Yes"), Binding("n / escape", "", "No")]),
            ("Import path (i)", ImportPathDialog.BINDINGS),
        ]

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Keys":  # Textual's own lists generic scroll keys: this app's help instead
                yield SystemCommand("Keys", "Every key of this app, pane by pane (?)", self.action_help)
            else:
                yield command
        main = self.main
        yield SystemCommand("Import files", "A file or a folder of .txt, .md and .html (i)", main.action_import_files)
        yield SystemCommand("Filter by tag", "Show only the articles with one tag", main.action_filter_tag)
        yield SystemCommand("Search", "Find articles, highlights and notes, accents or not (/)", main.action_search)
        yield SystemCommand("Show all articles", "Clear the tag filter", self._show_all)
        yield SystemCommand("Export all notes", "Markdown, one file per article, in the export folder", main.export_all)
        yield SystemCommand("Export notes tagged …", "Markdown of the notes with one tag", main.export_tagged)
        yield SystemCommand("Export this article's notes", "Same as e", main.action_export_article)
        yield SystemCommand("Sync vault", "Update the notes in your vault and read your edits back", main.sync_vault)
        articles = main.article_list
        yield SystemCommand("Open the article", "The one under the cursor in the list (enter)", articles.action_open)
        yield SystemCommand("Sort the list", "Newest first, by title, by place (s)", articles.action_sort)
        yield SystemCommand(
            "Tag the article", "Edit the tags of the article under the cursor (t)", articles.action_tags
        )
        yield SystemCommand(
            "Delete the article", "Move the article under the cursor to the trash (D)", articles.action_delete
        )
        yield SystemCommand(
            "Undo the last delete", "Bring back the article deleted last (u in the list)", articles.action_undo_delete
        )

    def _show_all(self) -> None:
        self.show_tag(None)

    def show_tag(self, name: str | None) -> None:
        """Show the articles with this tag (None: every article)."""
        self.main.tag_filter = name
        self.main.load_list()


def make_app(library: Library, open_at: tuple[int, int | None] | None = None) -> ReaderApp:
    """Build the app on a library (opening an article, at a highlight, first): the CLI's and the tests' factory."""
    return ReaderApp(library, open_at)
