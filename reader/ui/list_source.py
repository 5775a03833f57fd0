"""A window onto the article list that fetches keyset pages from the library as rows are needed."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from reader.model import ArticleSummary, SearchResult
from reader.store import Library


class ArticleWindow:
    """Random access by row number over a sorted article list, a page at a time, with a small cache."""

    def __init__(
        self,
        library: Library,
        tag: str | None = None,
        page_size: int = 100,
        max_pages: int = 64,
        sort: str = "date",
        view: tuple[str, int | None] | None = None,
        count_later: bool = False,
        count: int | None = None,
    ):
        self.library = library
        self.tag = tag
        self.sort = sort  # "date" (newest first), "title" or "place"
        self.view = view  # a feed view ("feed", id), ("unread", None), ("pages", None); None: every article
        self.page_size = page_size
        self.max_pages = max_pages
        self._pages: OrderedDict[int, list[ArticleSummary]] = OrderedDict()
        self.exact = True  # False while `count` is only the rows read so far (count_later)
        if count is not None:  # counted already (a refresh that found the total changed)
            self.count = count
        elif count_later:
            # The first frame needs the first rows, not the total: counting a million rows takes
            # ~0.4 s from a cold disk, so the screen counts them in a worker and calls counted().
            self.count = page_size
            first = self._page(0)
            self.exact = len(first) < page_size
            self.count = len(first)
        else:
            self.count = library.count_articles(tag, view)

    def __len__(self) -> int:
        return self.count

    def counted(self, count: int) -> None:
        """The total, counted in a worker (count_later)."""
        self.count, self.exact = count, True

    def get(self, index: int) -> ArticleSummary | None:
        """The row at `index`, or None past the end."""
        if not 0 <= index < self.count:
            return None
        page_no, row = divmod(index, self.page_size)
        page = self._page(page_no)
        return page[row] if row < len(page) else None

    def invalidate(self) -> None:
        """Forget cached rows (after a change to tags or read marks), keeping the count."""
        self._pages.clear()

    def index_of(self, article_id: int) -> int | None:
        """The row number of an article among the cached pages, if it is there."""
        for page_no, page in self._pages.items():
            for row, summary in enumerate(page):
                if summary.id == article_id:
                    return page_no * self.page_size + row
        return None

    def _page(self, page_no: int) -> list[ArticleSummary]:
        if page_no in self._pages:
            self._pages.move_to_end(page_no)
            return self._pages[page_no]
        size = self.page_size
        previous, following = self._pages.get(page_no - 1), self._pages.get(page_no + 1)
        where = {"limit": size, "tag": self.tag, "sort": self.sort, "view": self.view}
        if page_no == 0:
            page = self.library.page_articles(**where)
        elif previous and len(previous) == size:  # keyset: the rows after the page above
            page = self.library.page_articles(after=self._key(previous[-1]), **where)
        elif following:  # keyset backwards: the rows before the page below
            page = self.library.page_articles(before=self._key(following[0]), **where)
        elif page_no == (self.count - 1) // size:  # the end (G): read the index backwards, no jump needed
            page = self.library.page_articles(last=True, **{**where, "limit": self.count - page_no * size})
        else:  # a jump (G, a scrollbar drag): find the page's first key on the index, keyset from there
            key = self.library.key_at(page_no * size, tag=self.tag, sort=self.sort, view=self.view)
            page = self.library.page_articles(from_key=key, **where) if key else []
        self._pages[page_no] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def _key(self, summary: ArticleSummary) -> tuple[str, int]:
        return self.library.summary_key(summary, self.sort)


class ResultsWindow:
    """Search results in the same shape as ArticleWindow (len/get), for the article list."""

    row_height = 3  # the list draws a snippet under each result

    def __init__(self, results: list[SearchResult], library: Library | None = None):
        self.results = list(results)
        self.library = library

    def __len__(self) -> int:
        return len(self.results)

    def get(self, index: int) -> SearchResult | None:
        """The result at `index`, or None past the end."""
        return self.results[index] if 0 <= index < len(self.results) else None

    def result_for(self, article_id: int) -> SearchResult | None:
        """The result for an article, if it is among them."""
        return next((r for r in self.results if r.id == article_id), None)

    def index_of(self, article_id: int) -> int | None:
        """The row number of an article among the results."""
        return next((i for i, r in enumerate(self.results) if r.id == article_id), None)

    def invalidate(self) -> None:
        """Re-read read marks and tags (the hits stay as found)."""
        if self.library is None or not self.results:
            return
        fresh = {s.id: s for s in self.library.get_summaries(r.id for r in self.results)}
        self.results = [
            replace(r, read=fresh[r.id].read, tags=fresh[r.id].tags) if r.id in fresh else r for r in self.results
        ]
