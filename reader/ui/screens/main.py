"""The main screen: list | reading | notes, and everything that turns key presses into library changes."""

from __future__ import annotations

import gc

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

from reader import anchoring
from reader.model import Article, Highlight
from reader.store import Library, LibraryError
from reader.ui.list_source import ArticleWindow
from reader.ui.messages import AnnotationRequest
from reader.ui.screens.search import SORT_NAMES, SearchMixin
from reader.ui.screens.sync import VaultSyncMixin
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.key_bar import KeyBar
from reader.ui.widgets.notes_pane import NotesPane, trim
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.search_bar import SearchBar

NARROW_WIDTH = 110  # below this, only the focused pane is shown


def _editors():
    """The dialogs, imported when first needed: TextArea is slow to import and not needed to start."""
    from reader.ui.screens import editors

    return editors


class MainScreen(SearchMixin, VaultSyncMixin, Screen):
    """Three panes side by side; on a narrow terminal, the focused one alone."""

    BINDINGS = [
        Binding("tab", "next_pane", "Next pane", id="main.next_pane", show=False),
        Binding("shift+tab", "previous_pane", "Previous pane", id="main.previous_pane", show=False),
        Binding("f", "filter_tag", "Filter by tag", id="main.filter_tag", show=False),
        Binding("e", "export_article", "Export notes", id="main.export", show=False),
        Binding("slash", "search", "Search", key_display="/", id="main.search"),
        Binding("escape", "clear_search", "Clear the search", id="main.clear_search", show=False),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.article: Article | None = None
        self.highlights: list[Highlight] = []
        self.deleted: list[Highlight] = []  # for undo, most recent last
        self.tag_filter: str | None = None

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
        self._reading = self.reading  # kept for on_unmount, when the widgets are already gone
        self.load_list()
        self.reading.show(None, [])
        self.notes.show(None, [])
        self.query_one("#reading-pane").border_title = Content("Reading")
        self.query_one("#notes-pane").border_title = Content("Notes")
        self.article_list.focus()
        self._mark_current_pane(self.article_list)
        # Everything built so far lives as long as the app: keep it out of the garbage collector's
        # full passes, which otherwise stall a keypress for ~100 ms every few dozen steps.
        self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        self.save_position()

    # -- the list --------------------------------------------------------------------------

    def load_list(self) -> None:
        """(Re)load the article list, filtered by tag if a filter is set."""
        window = ArticleWindow(self.library, tag=self.tag_filter, sort=self.sort)
        if self.tag_filter:
            empty = f"No article is tagged “{self.tag_filter}”. Press f to change the filter."
        else:
            empty = "No articles yet. Add some with: reader import PATH"
        self.article_list.set_window(window, empty)
        container = self.query_one("#list-pane")
        count = f"{len(window):,}"
        container.border_title = Content(
            f"Articles ({count})"
            + (f" · #{self.tag_filter}" if self.tag_filter else "")
            + (f" · {SORT_NAMES[self.sort]}" if self.sort != "date" else "")
        )

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        self.open_article(message.article_id)
        self.show_hits(message.article_id)  # opened from search results: hits marked, cursor on the first
        self.focus_pane(self.reading)

    def open_article(self, article_id: int) -> None:
        """Show an article in the reading pane, where the reader left it, and mark it read."""
        self.save_position()
        article = self.library.get_article(article_id)
        if article is None:
            self.notify("That article is no longer in the library.", severity="error")
            return
        self.article = article
        self.highlights = self.library.highlights(article_id)
        _, position = self.library.reading_state(article_id)
        self.reading.show(article, self.highlights, position)
        self.notes.show(article, self.highlights)
        self._title_notes()
        self.query_one("#reading-pane").border_title = Content(trim(article.title, 60))
        try:
            self.library.set_reading_state(article_id, read=True)
        except LibraryError as error:
            self.notify(f"Could not mark as read: {error}", severity="warning")
        self.article_list.open_id = article_id
        self.article_list.window.invalidate()  # the row's read mark changed
        self.article_list.refresh()

    def save_position(self) -> None:
        """Remember where the reader is in the open article."""
        span = self._reading.cursor_span
        if self.article is not None and span is not None:
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
            self.tag_filter = value.strip() or None
            self.load_list()
            self.focus_pane(self.article_list)

        self.app.push_screen(
            _editors().PromptDialog("Show only articles with the tag (empty for all):", self.tag_filter or "", known),
            chosen,
        )

    # -- export --------------------------------------------------------------------------

    def _export(self, article_ids: list[int] | None = None, tag: str | None = None) -> None:
        """Write Markdown notes into the export folder (a folder of its own for a tag), asking before replacing."""
        from reader.locations import export_dir
        from reader.services import export as exporting

        try:
            items = exporting.select(self.library, article_ids, tag=tag)
            if article_ids:
                items = [(a, h) for a, h in items if exporting.has_notes(a, h)]
            if not items:
                what = "this article has no highlights or notes yet" if article_ids else "no notes yet"
                self.notify(f"Nothing to export: {what}.", severity="warning")
                return
            folder = exporting.tag_folder(export_dir(), tag) if tag else export_dir()
            existing = [a for a, _ in items if exporting.file_path(a, folder, "markdown").exists()]
        except (OSError, ValueError) as error:
            self.notify(f"Export failed: {error}", severity="error")
            return

        def write(replace: bool | None = True) -> None:
            if not replace:
                self.notify("Not exported: the existing files were kept.")
                return
            try:
                written = exporting.write_files(
                    items, folder, "markdown", force=True, colour_names=self.library.colour_names()
                )
            except (OSError, ValueError) as error:
                self.notify(f"Export failed: {error}", severity="error")
                return
            where = str(written[0].path) if len(written) == 1 else f"{len(written)} files in {folder}"
            self.notify(f"Exported to {where}" + (f" (only the notes tagged “{tag}”)" if tag else ""), timeout=8)

        if not existing:
            write()
            return
        what = f"“{trim(existing[0].title, 60)}”" if len(existing) == 1 else f"{len(existing)} articles"
        self.app.push_screen(_editors().ConfirmDialog(f"The export of {what} exists in {folder}. Replace it?"), write)

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

        self.app.push_screen(_editors().PromptDialog("Export the notes tagged:", "", known), chosen)

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

    def _cycle(self, step: int) -> None:
        focused = self.focused
        index = self.panes.index(focused) if focused in self.panes else 0
        self.focus_pane(self.panes[(index + step) % len(self.panes)])

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_previous_pane(self) -> None:
        self._cycle(-1)

    # -- annotations -----------------------------------------------------------------------

    def _reload_annotations(self) -> None:
        if self.article is None:
            return
        self.highlights = self.library.highlights(self.article.id)
        self.reading.set_highlights(self.highlights)
        self.notes.show(self.article, self.highlights)
        self._title_notes()

    def _title_notes(self) -> None:
        count = sum(not h.orphan for h in self.highlights)
        self.query_one("#notes-pane").border_title = Content(f"Notes ({count})")

    def _highlight(self, highlight_id: int | None) -> Highlight | None:
        return next((h for h in self.highlights if h.id == highlight_id), None)

    def _create_highlight(self, span: tuple[int, int]) -> Highlight | None:
        """Highlight a passage of the open article; None (with a message) if it could not be saved."""
        existing = next((h for h in self.highlights if (h.start, h.end) == tuple(span) and not h.orphan), None)
        if existing is not None:
            return existing
        anchor = anchoring.make_anchor(self.article.body, *span)
        try:
            highlight = self.library.add_highlight(self.article.id, anchor)
        except LibraryError as error:
            self.notify(f"Highlight not saved: {error}", severity="error")
            return None
        self._reload_annotations()
        return highlight

    def on_annotation_request(self, request: AnnotationRequest) -> None:
        request.stop()
        handler = getattr(self, f"_request_{request.action}")
        handler(request)

    def _request_highlight(self, request: AnnotationRequest) -> None:
        if self.article is None or request.span is None:
            return
        before = len(self.highlights)
        highlight = self._create_highlight(request.span)
        if highlight is not None:
            if len(self.highlights) > before:
                self.notify(f"Highlighted: “{trim(highlight.quote, 50)}”")
            else:
                self.notify("Already highlighted.")
            self.notes.select_highlight(highlight.id)

    def _request_color(self, request: AnnotationRequest) -> None:
        try:
            self.library.set_highlight_color(request.highlight_id, request.value)
        except LibraryError as error:
            self.notify(f"Colour not saved: {error}", severity="error")
            return
        self._reload_annotations()

    def _target(self, request: AnnotationRequest) -> Highlight | None:
        """The highlight a request is about, creating it from the passage if there is none yet."""
        if request.highlight_id is not None:
            return self._highlight(request.highlight_id)
        if self.article is None or request.span is None:
            return None
        return self._create_highlight(request.span)

    def _saver(self, write, then, saved: str):
        """A save callback for an editor: write (committed), then refresh and confirm; or the reason it failed."""

        def save(value: str) -> str | None:
            try:
                write(value)
            except LibraryError as error:
                return str(error)
            then()
            self.notify(saved)
            return None

        return save

    def _request_note(self, request: AnnotationRequest) -> None:
        highlight = self._target(request)
        if highlight is None:
            return

        save = self._saver(
            lambda note: self.library.set_highlight_note(highlight.id, note), self._reload_annotations, "Note saved."
        )
        heading = f"Note on “{trim(highlight.quote, 120)}”"
        self.app.push_screen(_editors().NoteEditor(heading, highlight.note, save))

    def _request_tags(self, request: AnnotationRequest) -> None:
        highlight = self._target(request)
        if highlight is None:
            return

        save = self._saver(
            lambda value: self.library.set_highlight_tags(highlight.id, value.split(",")),
            self._reload_annotations,
            "Tags saved.",
        )
        known = [t.name for t in self.library.tags()]
        self.app.push_screen(
            _editors().TagEditor(f"Tags for “{trim(highlight.quote, 120)}”", highlight.tags, known, save)
        )

    def _request_delete(self, request: AnnotationRequest) -> None:
        try:
            deleted = self.library.delete_highlight(request.highlight_id)
        except LibraryError as error:
            self.notify(f"Not deleted: {error}", severity="error")
            return
        self.deleted.append(deleted)
        self._reload_annotations()
        self.notify(f"Deleted “{trim(deleted.quote, 50)}” — press u to undo.")

    def _request_undo(self, request: AnnotationRequest) -> None:
        if not self.deleted:
            self.notify("Nothing to undo.")
            return
        highlight = self.deleted[-1]
        try:
            restored = self.library.restore_highlight(highlight)
        except LibraryError as error:
            self.notify(f"Not restored: {error}", severity="error")
            return
        self.deleted.pop()
        if self.article is not None and restored.article_id == self.article.id:
            self._reload_annotations()
        self.notify(f"Restored “{trim(restored.quote, 50)}”.")

    def _request_jump(self, request: AnnotationRequest) -> None:
        highlight = self._highlight(request.highlight_id)
        if highlight is None:
            return
        if highlight.orphan:
            self.notify("This passage is no longer in the article's text.", severity="warning")
            return
        self.reading.move_to(highlight.start)
        self.focus_pane(self.reading)

    def _request_article_note(self, request: AnnotationRequest) -> None:
        if self.article is not None:
            self.edit_article_note(self.article.id)

    def _request_article_tags(self, request: AnnotationRequest) -> None:
        if self.article is not None:
            self.edit_article_tags(self.article.id)

    def edit_article_note(self, article_id: int) -> None:
        """Open the note editor on an article's own note."""
        article = self.library.get_article(article_id)
        if article is None:
            return

        save = self._saver(
            lambda note: self.library.set_article_note(article_id, note),
            lambda: self._article_changed(article_id),
            "Article note saved.",
        )
        self.app.push_screen(
            _editors().NoteEditor(f"Note on the article “{trim(article.title, 100)}”", article.note, save)
        )

    def edit_article_tags(self, article_id: int) -> None:
        """Open the tag editor on an article's tags."""
        article = self.library.get_article(article_id)
        if article is None:
            return

        save = self._saver(
            lambda value: self.library.set_article_tags(article_id, value.split(",")),
            lambda: self._article_changed(article_id),
            "Tags saved.",
        )
        known = [t.name for t in self.library.tags()]
        self.app.push_screen(_editors().TagEditor(f"Tags for “{trim(article.title, 100)}”", article.tags, known, save))

    def _article_changed(self, article_id: int) -> None:
        """Show an article's new note or tags everywhere they appear."""
        if self.article is not None and self.article.id == article_id:
            self.article = self.library.get_article(article_id)
            self.reading.set_article(self.article)
            self.notes.show(self.article, self.highlights)
        self.article_list.window.invalidate()
        self.article_list.refresh()
