"""Never lose your place: what the main screen remembers when the app closes, and restores at the next launch.

Kept apart from main.py as a mixin of MainScreen, which provides `library`, `jobs`, `sort`,
`tag_filter`, `article`, the three panes, `load_list`, `open_article` and `focus_pane`. The values
live in the library (its `ui_places` table), so each library file has its own place.
"""

from __future__ import annotations

from functools import partial

from reader.store import Library, LibraryError
from reader.ui.jobs import Job
from reader.ui.session import SortOrder

PANES = ("list", "reading", "notes")


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


class PlacesMixin:
    """Save the open article, the focused pane, the sort order, the tag filter and the list's row; restore them."""

    _pane_name = "list"
    _saved_places: dict[str, str | None] | None = None

    def restore_places(self, *, open_article: bool = True) -> None:
        """Put the screen back where the last session left it (called once, on mount)."""
        try:
            places = self.library.places()
        except LibraryError:
            places = {}
        if places.get("sort") in {s.value for s in SortOrder}:
            self.sort = SortOrder(places["sort"])
        self.tag_filter = places.get("filter") or None
        self.load_list()
        self._saved_places = dict(places)
        row_id = _number(places.get("row"))
        if row_id is not None:
            self.cursor_to(row_id)
        article_id = _number(places.get("article"))
        pane = places.get("pane") if places.get("pane") in PANES else "list"
        if open_article and article_id is not None:
            self.open_article(article_id, quiet=True)
        if pane != "list" and (article_id is not None or pane == "notes"):
            chosen = {"reading": self.reading, "notes": self.notes}[pane]
            self.focus_pane(chosen)
            # On a narrow terminal the first layout sends the pane a Hide event, which takes its focus
            # away: the keys then went nowhere. Given again if nothing else took it meanwhile.
            self.call_after_refresh(lambda: self.app.focused is None and self.focus_pane(chosen))

    _pending_row: int | None = None

    def cursor_to(self, article_id: int) -> None:
        """Put the list's cursor on an article, its row found in a worker (counting the rows before it takes a moment at 1M)."""
        find = partial(Library.row_of, article_id=article_id, tag=self.tag_filter, sort=self.sort.value)
        self.jobs.read(Job(find, done=self._restore_row, quiet=True))

    def _restore_row(self, row: int | None) -> None:
        window = self.article_list.window
        if row is None or window is None:
            return
        if row < len(window):
            self.article_list.cursor = row
        elif not getattr(window, "exact", True):
            self._pending_row = row  # beyond the rows read so far: once the list is counted

    def counted_rows(self) -> None:
        """The list has its full length now: a row waiting for it gets the cursor."""
        row, self._pending_row = self._pending_row, None
        if row is not None:
            self._restore_row(row)

    def _places_now(self) -> dict[str, str | None]:
        current = self._list.current if self._list.window is not None else None
        return {
            "article": str(self.article.id) if self.article is not None else None,
            "pane": self._pane_name,
            "sort": self.sort.value,
            "filter": self.tag_filter,
            "row": str(current.id) if current is not None else None,
        }

    def note_pane(self, name: str) -> None:
        """Remember which pane has focus (the widgets are gone by the time the screen unmounts)."""
        self._pane_name = name

    def save_places(self, *, now: bool = False) -> None:
        """Remember where the reader is (in a worker; `now`: on this thread, at exit)."""
        places = self._places_now()
        if places == self._saved_places:
            return
        self._saved_places = places
        if not now:
            self.jobs.write(Job(partial(Library.set_places, values=places), quiet=True))
            return
        try:
            self.library.set_places(places)
        except LibraryError:
            pass  # losing the place is harmless; never block leaving
