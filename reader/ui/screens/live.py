"""Changes made by another program (the CLI, a second reader, a feed update) show up within about a second.

Kept apart from main.py as a mixin of MainScreen, which provides `library`, `jobs`, `session`,
`article`, `article_list`, `reading`, `notes`, `refresh_view`, `_show_annotations` and `notify`.
SQLite's `PRAGMA data_version` changes when another connection commits: asking it each second
costs nothing, and only then is anything read again, in a worker. The app's own workers are other
connections too, so a refresh after its own change finds nothing new and changes nothing on screen.
"""

from __future__ import annotations

from functools import partial

from reader.store import Library, LibraryError
from reader.ui import work
from reader.ui.jobs import Job

CHECK_EVERY = 1.0  # seconds


class LiveMixin:
    """Watch the library for other programs' commits; refresh the list and the open article in place."""

    _data_version: int | None = None

    def watch_library(self) -> None:
        """Start checking for other programs' changes (called on mount)."""
        try:
            self._data_version = self.library.data_version()
        except LibraryError:
            return
        self.set_interval(CHECK_EVERY, self.check_for_changes)

    def check_for_changes(self) -> None:
        """Refresh what changed since the last look (nothing while this app's own work is under way)."""
        if self.jobs.busy or self.app.screen is not self:
            return  # a dialog is open, or a change of ours is being written: look again next time
        try:
            version = self.library.data_version()
        except LibraryError:
            return
        if version == self._data_version:
            return
        self._data_version = version
        self._refresh_list()
        if self.article is not None:
            article_id = self.article.id
            self.jobs.read(
                Job(
                    partial(work.open_article, article_id=article_id),
                    done=lambda opened: self._refresh_article(article_id, opened),
                    quiet=True,
                )
            )

    def _refresh_list(self) -> None:
        window = self.article_list.window
        if window is None:
            return
        if getattr(self, "search_window", None) is window:
            window.invalidate()  # search results stay as found; their read marks and tags are fresh
            self.article_list.refresh()
        elif self.view.kind != "all":
            self.refresh_view(keep_cursor=True)
        else:  # the whole list: counted in a worker (a million rows take a moment), reloaded only if it changed
            tag = self.tag_filter
            self.jobs.read(
                Job(partial(Library.count_articles, tag=tag), done=lambda n: self._recounted(window, n), quiet=True)
            )

    def _recounted(self, window, count: int) -> None:
        if self.article_list.window is not window:
            return  # reloaded meanwhile
        if count == len(window) and window.exact:
            window.invalidate()  # the same rows: titles, tags and read marks read again as they show
            self.article_list.refresh()
            return
        current = self.article_list.current
        self.load_list(count=count)
        if current is not None:  # the cursor stays on its article, wherever it is now
            self.cursor_to(current.id)

    def _refresh_article(self, article_id: int, opened: work.Opened | None) -> None:
        if not self.session.is_open(article_id):
            return  # another article was opened meanwhile
        if opened is None:
            self.close_article()
            self.notify("The open article was deleted by another program (see `reader trash`).", severity="warning")
            return
        article, before = opened.article, list(self.highlights)
        changed = article != self.article
        if changed:
            if article.body != self.article.body:  # re-imported with new text: the cursor stays where it was
                span = self.reading.cursor_span
                self.session.open(article, opened.highlights)
                self.reading.show(article, self.highlights, span[0] if span else 0)
            else:
                self.session.article = article
                self.reading.set_article(article)
        if self.session.reload(article_id, opened.highlights) and (changed or self.highlights != before):
            self._show_annotations()
