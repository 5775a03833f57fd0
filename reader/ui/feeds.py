"""Feeds on the main screen: F picks the view, R/r update in a worker, o opens the URL, L lists the links.

Kept apart from main.py as a mixin of MainScreen, which provides `library`, `article`, `article_list`,
`load_list`, `open_article`, `focus_pane` and `notify`; its BINDINGS include FEED_BINDINGS.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding
from textual.content import Content
from textual.message import Message

from reader.store import Library, LibraryError
from reader.store.feeds import FeedStore
from reader.ui.list_source import ArticleWindow
from reader.wording import plural

FEED_BINDINGS = [
    Binding("F", "pick_view", "Feeds and views", id="feeds.pick"),
    Binding("R", "update_feeds", "Update all feeds", id="feeds.update_all", show=False),
    Binding("r", "update_feed", "Update this feed", id="feeds.update_one", show=False),
    Binding("o", "open_url", "Open the original", id="feeds.open_url", show=False),
    Binding("L", "links", "Links", id="feeds.links", show=False),
]


@dataclass(frozen=True)
class View:
    """What the list shows: 'all', 'unread', 'feed' (with its id and name) or 'pages'."""

    kind: str = "all"
    feed_id: int | None = None
    name: str = ""


class FeedsProgress(Message):
    """One feed of an update finished (posted by the worker)."""

    def __init__(self, done: int, total: int, name: str, error: str) -> None:
        self.done, self.total, self.name, self.error = done, total, name, error
        super().__init__()


class FeedsUpdated(Message):
    """An update finished: how many new and updated articles, how many feeds failed, or why it could not run."""

    def __init__(self, new: int, updated: int, failed: int, problem: str = "") -> None:
        self.new, self.updated, self.failed, self.problem = new, updated, failed, problem
        super().__init__()


def update_in_thread(path: Path, feed_id: int | None, post) -> None:
    """Run a feed update on a library connection and an HTTP client of this thread's own, posting progress."""
    from reader.fetch import Fetcher
    from reader.services import feeds as feed_service

    new = updated = failed = 0
    try:
        library = Library(path)
    except LibraryError as error:
        post(FeedsUpdated(0, 0, 0, f"The library could not be opened for the update: {error}"))
        return
    try:
        store = FeedStore(library)
        feeds = None
        if feed_id is not None:
            feed = store.feed(feed_id)
            feeds = [feed] if feed else []
        with Fetcher() as fetcher:
            for result in feed_service.update(library, fetcher, feeds):
                new += result.new
                updated += result.updated
                failed += bool(result.error)
                post(FeedsProgress(result.done, result.total, result.feed.name, result.error))
        post(FeedsUpdated(new, updated, failed))
    except Exception as error:  # a worker must answer: an unexpected failure is shown, not lost
        post(FeedsUpdated(new, updated, failed, f"The update failed: {error}"))
    finally:
        library.close()


class FeedsMixin:
    """The feed keys of the main screen."""

    view: View = View()
    updating: bool = False

    # -- views -----------------------------------------------------------------------------

    def action_pick_view(self) -> None:
        store = FeedStore(self.library)
        total, unread, pages = store.counts()
        choices: list[tuple[str, View]] = [
            (f"All articles ({total})", View()),
            (f"Unread ({unread})", View("unread")),
            (f"Pages added by hand ({pages})", View("pages")),
        ]
        for feed in store.feeds():
            state = f" — last error: {feed.last_error}" if feed.last_error else ""
            gone = " — gone" if feed.gone else ""
            choices.append(
                (
                    f"{feed.name} ({feed.unread} unread of {feed.articles}){gone}{state}",
                    View("feed", feed.id, feed.name),
                )
            )
        current = next((i for i, (_, v) in enumerate(choices) if v == self.view), 0)
        from reader.ui.screens.picker import PickerScreen

        self.app.push_screen(
            PickerScreen("Show in the list (R updates every feed, r the one shown):", choices, current), self.show_view
        )

    def show_view(self, view: View | None) -> None:
        """Show a view in the list (None: leave it as it is)."""
        if view is None:
            return
        self.view = view
        self.refresh_view()
        self.focus_pane(self.article_list)

    def refresh_view(self, keep_cursor: bool = False) -> None:
        """Reload the list of the current view, keeping the cursor on the same article if asked."""
        current = self.article_list.current if keep_cursor else None
        if self.view.kind == "all":
            self.load_list()
        else:
            # Keyset pages like the main list: a feed of 100k articles opens at once (m009's index).
            window = ArticleWindow(self.library, view=(self.view.kind, self.view.feed_id))
            if not keep_cursor:
                self.article_list.cursor = 0
            self.article_list.set_window(window, "Nothing here. Press F for another view, R to update the feeds.")
            self._title_view(len(window))
        if current is not None:
            index = self.article_list.window.index_of(current.id)
            if index is not None:
                self.article_list.cursor = index

    def _title_view(self, count: int, progress: str = "") -> None:
        label = {"unread": "Unread", "pages": "Pages", "feed": self.view.name}.get(self.view.kind, "Articles")
        self.query_one("#list-pane").border_title = Content(f"{label} ({count:,}){progress}")

    # -- updates ---------------------------------------------------------------------------

    def action_update_feeds(self) -> None:
        self._start_update(None)

    def action_update_feed(self) -> None:
        if self.view.kind == "feed":
            self._start_update(self.view.feed_id)
            return
        article = self._web_article()
        feed_id = FeedStore(self.library).article_feed_id(article.id) if article else None
        if feed_id is None:
            self.notify("Pick a feed with F first (R updates every feed).", severity="warning")
            return
        self._start_update(feed_id)

    def _start_update(self, feed_id: int | None) -> None:
        if self.updating:
            self.notify("An update is running already.")
            return
        if not FeedStore(self.library).feeds():
            self.notify("No feeds yet. Subscribe with: reader feed add URL", severity="warning")
            return
        self.updating = True
        path = self.library.path
        self.query_one("#list-pane").border_subtitle = Content("updating…")
        # A thread of its own, not a Textual worker: those are joined when the app ends, and quitting
        # must not wait for the slowest server (see reader.cli.run_app). post_message is thread-safe.
        import threading

        threading.Thread(
            target=update_in_thread, args=(path, feed_id, self.post_message), name="reader-feeds", daemon=True
        ).start()

    def on_feeds_progress(self, message: FeedsProgress) -> None:
        message.stop()
        self.query_one("#list-pane").border_subtitle = Content(f"updating {message.done}/{message.total}")

    def on_feeds_updated(self, message: FeedsUpdated) -> None:
        message.stop()
        self.updating = False
        self.query_one("#list-pane").border_subtitle = Content("")
        if message.problem:
            self.notify(message.problem, severity="error")
            return
        failed = f", {plural(message.failed, 'feed')} failed (F shows why)" if message.failed else ""
        self.notify(f"Feeds updated: {message.new} new, {message.updated} updated{failed}.", timeout=6)
        self.refresh_view(keep_cursor=True)

    # -- the article's web side ------------------------------------------------------------

    def _web_article(self):
        if self.article is None:
            current = self.article_list.current
            article_id = current.id if current else None
        else:
            article_id = self.article.id
        return FeedStore(self.library).get(article_id) if article_id is not None else None

    def action_open_url(self) -> None:
        article = self._web_article()
        if article is None or not article.url:
            self.notify("This article has no web address.", severity="warning")
            return
        self.app.open_url(article.url)

    def action_links(self) -> None:
        article = self._web_article()
        links = article.links if article else []
        if not links:
            self.notify("This article has no links.", severity="warning")
            return
        from reader.ui.screens.picker import PickerScreen

        choices = [(f"{article.body[s.start : s.end]} — {s.url}", s.url) for s in links]

        def chosen(url: str | None) -> None:
            if url:
                self.app.open_url(url)

        self.app.push_screen(PickerScreen(f"Links in “{article.title}” (enter opens one):", choices), chosen)
