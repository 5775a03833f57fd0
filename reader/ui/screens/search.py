"""Search on the main screen: queries run in a worker, results fill the list, hits are marked in the reader.

Kept apart from main.py as a mixin of MainScreen, which provides `library`, `sort`, `article`,
`article_list`, `reading`, `load_list`, `focus_pane` and `_mark_current_pane`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.content import Content
from textual.message import Message
from textual.worker import get_current_worker

from reader.model import SearchResult
from reader.store import Library, LibraryError
from reader.ui.list_source import ResultsWindow
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.search_bar import SearchBar

SEARCH_LIMIT = 200


@dataclass
class SearchFinished(Message):
    """A worker's answer to one query: results, or an error for the user."""

    generation: int
    query: str
    results: list[SearchResult] | None
    error: str | None
    left_out: str = ""  # a short last word searched without, because with it nothing matched


def still_typed(query: str) -> tuple[str, str] | None:
    """(the query without its last word, that word) when the last word is too short to match as the
    start of longer words ("Tô Lâ": "Lâ" may become "Lâm"), and other words come before it."""
    from reader.query import MIN_PREFIX

    head, _, last = query.rpartition(" ")  # a query ending in a space has no word being typed
    plain = last.isalnum()  # not a phrase's end, a filter (tag:), an exclusion (-word) or a prefix (word*)
    if head.strip() and plain and len(last) < MIN_PREFIX:
        return head, last
    return None


def search_in_thread(
    path: Path, query: str, limit: int, accents: str = "smart"
) -> tuple[list[SearchResult] | None, str | None, str]:
    """Run one search on a connection of this thread's own: (results, None, "") or (None, message, "").

    While the last word is too short to match longer words, a search it leaves empty is run without
    it (the third item names it): results do not vanish and come back at every letter of "Lâm".
    """
    from reader.query import QueryError  # the query language loads with the first search, not at start

    try:
        library = Library(path)
    except LibraryError as error:
        return None, f"The library could not be opened for searching: {error}", ""
    try:
        results = library.search(query, limit=limit, prefix_last=True, accents=accents)
        typed = still_typed(query) if not results else None
        if typed is not None:
            fewer = library.search(typed[0], limit=limit, prefix_last=False, accents=accents)
            if fewer:
                return fewer, None, typed[1]
        return results, None, ""
    except QueryError as error:
        return None, str(error), ""
    except LibraryError as error:
        return None, str(error), ""
    except Exception as error:  # a worker must answer: an unexpected failure is shown, not lost
        return None, f"The search failed: {error}", ""
    finally:
        library.close()


class SearchMixin:
    """`/` opens the bar; results update as you type; enter goes to them; escape clears."""

    search_window: ResultsWindow | None = None
    _search_generation: int = 0
    _search_row: int | None = None  # the row to keep when the same query runs again (rerun_search)

    def rerun_search(self) -> None:
        """Run the query shown again (an article was deleted or restored), the cursor kept on its row."""
        self._search_row = self.article_list.cursor
        self.search_bar.post_message(SearchBar.QueryChanged(self.search_bar.value, self.search_bar.accents))

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def searching(self) -> bool:
        """True while the list shows search results."""
        return self.search_window is not None and self.article_list.window is self.search_window

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_search":
            return self.searching or bool(self.search_bar.display)
        return True

    # -- the bar ---------------------------------------------------------------------------

    async def action_search(self) -> None:
        self._mark_current_pane(self.article_list)
        await self.search_bar.open()
        self.refresh_bindings()

    def on_search_bar_query_changed(self, message: SearchBar.QueryChanged) -> None:
        message.stop()
        self._search_generation += 1
        if not self.search_bar.display:
            return  # the bar was closed while this query was settling
        query, accents = message.query, message.accents
        if not query.strip():
            self.search_bar.set_message("")
            if self.searching:
                self._show_full_list()
            return
        generation = self._search_generation
        path = self.library.path

        def work() -> None:
            results, error, left_out = search_in_thread(path, query, SEARCH_LIMIT, accents)
            if not get_current_worker().is_cancelled:
                self.post_message(SearchFinished(generation, query, results, error, left_out))

        # Only the newest query matters: starting one cancels the one before (its answer is dropped).
        self.run_worker(work, thread=True, group="search", exclusive=True, exit_on_error=False)

    def on_search_finished(self, message: SearchFinished) -> None:
        message.stop()
        if message.generation != self._search_generation or not self.search_bar.display:
            return  # an answer to a query the user has typed past
        if message.error is not None:
            self.search_bar.set_message(message.error, error=True)
            return
        results = message.results or []
        self.search_window = ResultsWindow(results, self.library)
        row, self._search_row = self._search_row, None
        self.article_list.cursor = min(row, max(len(results) - 1, 0)) if row is not None else 0
        self.article_list.set_window(self.search_window, f"Nothing matches “{message.query}”.")
        count = f"{len(results)}{'+' if len(results) >= SEARCH_LIMIT else ''}"
        noun = "article" if len(results) == 1 else "articles"
        hint = f" · enter: go to {'it' if len(results) == 1 else 'them'} · esc: clear" if results else " · esc: clear"
        if message.left_out:  # said, so the list is not taken for the answer to the whole query
            hint = f" without “{message.left_out}”, still being typed{hint}"
        self.search_bar.set_message(f"{count} {noun}{hint}")
        self.query_one("#list-pane").border_title = Content(f"Search ({count})")
        self.refresh_bindings()

    def on_search_bar_submitted(self, message: SearchBar.Submitted) -> None:
        message.stop()
        self.focus_pane(self.article_list)

    def on_search_bar_closed(self, message: SearchBar.Closed) -> None:
        message.stop()
        self.action_clear_search()

    def action_clear_search(self) -> None:
        """Close the bar, unmark the hits and show the whole list again."""
        self._search_generation += 1
        self.search_bar.close()
        self.reading.set_hits([])
        self._show_full_list()
        self.focus_pane(self.article_list)
        self.refresh_bindings()

    def _show_full_list(self) -> None:
        self.search_window = None
        self.load_list()

    # -- results ---------------------------------------------------------------------------

    def show_hits(self, article_id: int) -> None:
        """After opening an article from the results: mark its hits, cursor on the first."""
        if not self.searching or self.article is None or self.article.id != article_id:
            return
        result = self.search_window.result_for(article_id)
        if result is None:
            return
        size = len(self.article.body)
        hits = [(start, end) for start, end in result.body_hits if end <= size]
        self.reading.set_hits(hits)
        if hits:
            self.reading.go_to_hit(0)

    # -- sorting ---------------------------------------------------------------------------

    def on_article_list_sort_requested(self, message: ArticleList.SortRequested) -> None:
        message.stop()
        if self.searching:
            self.notify("Search results are in order of relevance; escape clears the search.")
            return
        self.sort = self.sort.next()
        self.load_list()
        self.notify(f"Articles {self.sort.label}.")
