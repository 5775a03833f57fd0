"""The main screen: list | reading | notes, and everything that turns key presses into library changes."""

from __future__ import annotations

import gc
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

from reader.model import Article, Highlight
from reader.store import Library, LibraryError
from reader.tags import tag_label
from reader.ui import work
from reader.ui.feeds import FEED_BINDINGS, FeedsMixin
from reader.ui.imports import IMPORT_BINDINGS, ImportMixin
from reader.ui.jobs import Job
from reader.ui.list_source import ArticleWindow
from reader.ui.screens.annotating import AnnotatingMixin, editors
from reader.ui.screens.live import LiveMixin
from reader.ui.screens.places import PlacesMixin
from reader.ui.screens.search import SearchMixin
from reader.ui.screens.sync import VaultSyncMixin
from reader.ui.screens.trash import TrashMixin
from reader.ui.session import Session, SortOrder
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.key_bar import KeyBar
from reader.ui.widgets.notes_pane import NotesPane, trim
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.search_bar import SearchBar

NARROW_WIDTH = 110  # below this, only the focused pane is shown


class MainScreen(
    LiveMixin, PlacesMixin, TrashMixin, FeedsMixin, ImportMixin, AnnotatingMixin, SearchMixin, VaultSyncMixin, Screen
):
    """Three panes side by side; on a narrow terminal, the focused one alone."""

    BINDINGS = [
        Binding("tab", "next_pane", "Next pane", id="main.next_pane", show=False),
        Binding("shift+tab", "previous_pane", "Previous pane", id="main.previous_pane", show=False),
        Binding("f", "filter_tag", "Filter by tag", id="main.filter_tag", show=False),
        Binding("e", "export_article", "Export notes", id="main.export", show=False),
        Binding("slash", "search", "Search", key_display="/", id="main.search"),
        Binding("escape", "clear_search", "Clear the search", id="main.clear_search", show=False),
        *FEED_BINDINGS,
        *IMPORT_BINDINGS,
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library  # this thread's connection, for reads that never wait (WAL): the list, editors
        self.session = Session()
        self._opening = 0  # which open_article() answer is awaited; older ones are dropped
        self._saved_position: tuple[int, int] | None = None

    # The screen's state lives in the session (plain Python, unit-tested); these name it.

    @property
    def article(self) -> Article | None:
        return self.session.article

    @property
    def highlights(self) -> list[Highlight]:
        return self.session.highlights

    @property
    def deleted(self) -> list[Highlight]:
        return self.session.deleted

    @property
    def tag_filter(self) -> str | None:
        return self.session.tag_filter

    @tag_filter.setter
    def tag_filter(self, value: str | None) -> None:
        self.session.tag_filter = value

    @property
    def sort(self) -> SortOrder:
        return self.session.sort

    @sort.setter
    def sort(self, value: SortOrder) -> None:
        self.session.sort = SortOrder(value)

    @property
    def jobs(self):
        """The app's library jobs (workers on their own connections)."""
        return self.app.jobs

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="list-pane", classes="pane"):
                yield SearchBar(id="search-bar")
                yield ArticleList(id="article-list")
            with Vertical(id="reading-pane", classes="pane"):
                yield ReadingPane(id="reading")
            with Vertical(id="notes-pane", classes="pane"):
                yield NotesPane(id="notes")
        yield KeyBar(id="key-bar")

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def reading(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    @property
    def notes(self) -> NotesPane:
        return self.query_one(NotesPane)

    @property
    def panes(self) -> list[Widget]:
        return [self.article_list, self.reading, self.notes]

    def on_mount(self) -> None:
        # Kept for on_unmount, when the widgets are already gone.
        self._reading, self._list = self.reading, self.article_list
        self.close_article()
        self.query_one("#notes-pane").border_title = Content("Notes")
        self.article_list.focus()
        self._mark_current_pane(self.article_list)
        self.restore_places(open_article=self.app.open_at is None)  # where the last session left off
        self.watch_library()  # other programs' changes show up within a second
        # Everything built so far lives as long as the app: keep it out of the garbage collector's
        # full passes, which otherwise stall a keypress for ~100 ms every few dozen steps.
        self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        # q saved these already through the jobs; this covers every other way out.
        self.save_position(now=True)
        self.save_places(now=True)

    # -- the list --------------------------------------------------------------------------

    def load_list(self, count: int | None = None) -> None:
        """(Re)load the article list, filtered by tag if a filter is set (`count`: its length, if known)."""
        window = ArticleWindow(self.library, tag=self.tag_filter, sort=self.sort, count_later=True, count=count)
        if self.tag_filter:
            empty = f"No article is tagged “{self.tag_filter}”. Press f to change the filter."
        else:
            empty = "No articles yet: press i to import a file or a folder."
        self.article_list.set_window(window, empty)
        self._title_list(window)
        if not window.exact:  # more rows than the first page: counted in a worker, shown when ready
            tag = self.tag_filter
            self.jobs.read(
                Job(
                    partial(Library.count_articles, tag=tag),
                    done=lambda count: self._counted(window, count, empty),
                    quiet=True,
                )
            )

    def _title_list(self, window: ArticleWindow) -> None:
        count = f"{len(window):,}" if window.exact else f"{len(window):,}+"
        self.query_one("#list-pane").border_title = Content(
            f"Articles ({count})"
            + (f" · {tag_label(self.tag_filter)}" if self.tag_filter else "")
            + (f" · {self.sort.label}" if self.sort != SortOrder.DATE else "")
        )

    def _counted(self, window: ArticleWindow, count: int, empty: str) -> None:
        if self.article_list.window is not window:
            return  # the list was reloaded meanwhile
        window.counted(count)
        self.article_list.set_window(window, empty)
        self._title_list(window)
        self.counted_rows()

    def close_article(self) -> None:
        """No article open: the reading and notes panes say how to open one."""
        self.session.close()
        self.article_list.open_id = None  # no ▶ in the list: nothing is open
        self.article_list.refresh()
        self.reading.show(None, [])
        self.notes.show(None, [])
        self.query_one("#reading-pane").border_title = Content("Reading")

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        self.open_article(message.article_id)
        self.focus_pane(self.reading)

    def open_article(self, article_id: int, at: int | None = None, *, quiet: bool = False) -> None:
        """Show an article in the reading pane, where the reader left it (or `at`), and mark it read (in workers).

        `quiet`: an article that is gone is not an error (the last session's, deleted since).
        """
        self.save_position()
        self._opening += 1
        generation = self._opening
        self.jobs.read(
            Job(
                partial(work.open_article, article_id=article_id),
                done=lambda opened: self._opened(generation, opened, at, quiet),
                failed="Could not open the article",
            )
        )

    def _opened(self, generation: int, opened: work.Opened | None, at: int | None = None, quiet: bool = False) -> None:
        if generation != self._opening:
            return  # the reader has opened another article since
        if opened is None:
            if quiet:  # the last session's article, deleted since: back to the list
                self.focus_pane(self.article_list)
                return
            self.notify("That article is no longer in the library.", severity="error")
            return
        article = opened.article
        self.session.open(article, opened.highlights)
        self.reading.show(article, self.highlights, opened.position)
        if at is not None:
            self.reading.move_to(at)
        span = self.reading.cursor_span
        self._saved_position = (article.id, span[0]) if span else None
        self.notes.show(article, self.highlights)
        self._title_notes()
        self.query_one("#reading-pane").border_title = Content(trim(article.title, 60))
        self.article_list.open_id = article.id
        self.article_list.refresh()
        self.show_hits(article.id)  # opened from search results: hits marked, cursor on the first
        self.save_places()  # a crash later still reopens this article
        self.jobs.write(
            Job(
                partial(work.mark_read, article_id=article.id), done=self._list_changed, failed="Could not mark as read"
            )
        )

    def on_reading_pane_place_changed(self, message: ReadingPane.PlaceChanged) -> None:
        # The border keeps the place, date and progress in sight wherever the text is scrolled.
        self.query_one("#reading-pane").border_subtitle = Content(message.line)

    def _list_changed(self, _result: object = None) -> None:
        if self.view.kind == "unread":  # the article read leaves the view: its rows and count change
            self.refresh_view(keep_cursor=True)
            return
        self.article_list.window.invalidate()  # a row's read mark, tags or note changed
        self.article_list.refresh()

    def save_position(self, *, now: bool = False) -> None:
        """Remember where the reader is in the open article (in a worker; `now`: on this thread, at exit)."""
        span = self._reading.cursor_span
        if self.article is None or span is None or self._saved_position == (self.article.id, span[0]):
            return
        self._saved_position = (self.article.id, span[0])
        if not now:
            self.jobs.write(Job(partial(work.save_position, article_id=self.article.id, position=span[0]), quiet=True))
            return
        try:
            self.library.set_reading_state(self.article.id, position=span[0])
        except LibraryError:
            pass  # losing a reading position is harmless; never block leaving

    def on_article_list_tags_requested(self, message: ArticleList.TagsRequested) -> None:
        self.edit_article_tags(message.article_id)

    def on_article_list_note_requested(self, message: ArticleList.NoteRequested) -> None:
        self.edit_article_note(message.article_id)

    def action_filter_tag(self) -> None:
        known = [t.name for t in self.library.tags()]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            from reader.tags import resolve_tag  # the tag rules load only for a filter

            meant = resolve_tag(value, known) if value.strip() else []
            # The tag's own name in the title when the typed one means exactly one ("kinh te" → Kinh tế).
            self.tag_filter = (meant[0] if len(meant) == 1 else value.strip()) or None
            self.load_list()
            self.focus_pane(self.article_list)

        self.app.push_screen(
            editors().PromptDialog("Show only articles with the tag (empty for all):", self.tag_filter or "", known),
            chosen,
        )

    # -- export --------------------------------------------------------------------------

    def _export(self, article_ids: list[int] | None = None, tag: str | None = None) -> None:
        """Write Markdown notes into the export folder (a folder of its own for a tag), asking before replacing."""
        from reader.locations import export_dir
        from reader.services import export as exporting

        folder = exporting.tag_folder(export_dir(), tag) if tag else export_dir()

        def plan(library: Library) -> tuple:  # in a worker: reading the notes and the folder can wait
            items = exporting.select(library, article_ids, tag=tag)
            if article_ids:
                items = [(a, h) for a, h in items if exporting.has_notes(a, h)]
            existing = [a for a, _ in items if exporting.file_path(a, folder, "markdown").exists()]
            return items, existing, library.colour_names(), library.note_style()

        def planned(result: tuple) -> None:
            items, existing, colour_names, style = result
            if not items:
                if article_ids:
                    what = "this article has no highlights or notes yet"
                elif tag:
                    what = f"no article or highlight tagged “{tag}” has notes"
                else:
                    what = "no notes yet"
                self.notify(f"Nothing to export: {what}.", severity="warning")
                return

            def write(replace: bool | None = True) -> None:
                if not replace:
                    self.notify("Not exported: the existing files were kept.")
                    return

                def run(library: Library) -> list:
                    return exporting.write_files(
                        items, folder, "markdown", force=True, colour_names=colour_names, style=style
                    )

                def done(written: list) -> None:
                    where = str(written[0].path) if len(written) == 1 else f"{len(written)} files in {folder}"
                    filtered = f" (only the notes tagged “{tag}”)" if tag else ""
                    self.notify(f"Exported to {where}{filtered}", timeout=8)

                self.jobs.read(Job(run, done=done, failed="Export failed"))

            if not existing:
                write()
                return
            what = f"“{trim(existing[0].title, 60)}”" if len(existing) == 1 else f"{len(existing)} articles"
            self.app.push_screen(
                editors().ConfirmDialog(f"The export of {what} exists in {folder}. Replace it?"), write
            )

        # After the writes queued so far: a note saved a moment ago is in the export.
        self.jobs.read_after_writes(Job(plan, done=planned, failed="Export failed"))

    def action_export_article(self) -> None:
        # The open article when reading it; in the list, the one under the cursor.
        in_list = self.focused is self.article_list or self.article is None
        current = self.article_list.current
        article_id = (current.id if current else None) if in_list else self.article.id
        if article_id is None:
            self.notify("No article to export: the list is empty.", severity="warning")
            return
        self._export([article_id])

    def export_all(self) -> None:
        """Export every annotated article."""
        self._export()

    def export_tagged(self) -> None:
        """Ask for a tag, then export the notes that carry it."""
        known = [t.name for t in self.library.tags()]

        def chosen(value: str | None) -> None:
            if value and value.strip():
                self._export(tag=value.strip())

        self.app.push_screen(editors().PromptDialog("Export the notes tagged:", "", known), chosen)

    # -- panes -----------------------------------------------------------------------------

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    def _mark_current_pane(self, pane: Widget) -> None:
        for container in self.query(".pane"):
            container.set_class(pane in container.children, "-current")

    def focus_pane(self, pane: Widget) -> None:
        """Focus a pane (showing it first, on a narrow terminal)."""
        self._mark_current_pane(pane)
        pane.focus()

    def on_descendant_focus(self, event) -> None:
        if event.widget in self.panes:
            self._mark_current_pane(event.widget)
            self.note_pane(("list", "reading", "notes")[self.panes.index(event.widget)])

    def _cycle(self, step: int) -> None:
        focused = self.focused
        index = self.panes.index(focused) if focused in self.panes else 0
        self.focus_pane(self.panes[(index + step) % len(self.panes)])

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_previous_pane(self) -> None:
        self._cycle(-1)
