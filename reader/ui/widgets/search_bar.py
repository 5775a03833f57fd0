"""The search bar above the article list: an input, and a line under it for counts, errors and the accent mode."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

DEBOUNCE_SECONDS = 0.15
PLACEHOLDER = 'Search: words, "a phrase", -word, tag:…, place:…, source:…'  # fits at 80 columns
# What each accent mode means, as the bar shows it (ctrl+t goes to the next).
ACCENT_LABELS = {"smart": "accents: smart", "exact": "accents: exact", "ignore": "accents: ignored"}


class SearchBar(Vertical):
    """Posts QueryChanged a moment after typing stops, Submitted on enter, Closed on escape."""

    BINDINGS = [
        Binding("escape", "close", "Clear the search", id="search.close"),
        Binding("enter,down", "submit", "To the results", id="search.to_results", show=False),
        Binding(
            "ctrl+t",
            "next_accents",
            "Accents: smart (a word typed with accents matches only that spelling) → exact → ignored",
            id="search.accents",
        ),
    ]

    class QueryChanged(Message):
        """The query settled (typing paused), or its accent mode changed; the screen runs it."""

        def __init__(self, query: str, accents: str = "smart") -> None:
            self.query = query
            self.accents = accents
            super().__init__()

    class Submitted(Message):
        """enter: the user wants to go to the results."""

    class Closed(Message):
        """escape: the user wants the search gone and the whole list back."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None
        self.accents = "smart"  # reader.query's accent mode for the queries typed here

    def compose(self) -> ComposeResult:
        # Nothing until the first `/`: an Input costs ~40 ms of the first screen, and most
        # sessions start by reading, not searching.
        return iter(())

    @property
    def input(self) -> Input | None:
        """The text box, once the bar has been opened."""
        found = self.query("#search-input")
        return found.first(Input) if found else None

    @property
    def value(self) -> str:
        """The query as typed."""
        return self.input.value if self.input is not None else ""

    async def open(self) -> None:
        """Show the bar and put the cursor in it."""
        if self.input is None:
            from reader.ui.widgets.text_fields import TextInput

            await self.mount(
                Horizontal(
                    TextInput(placeholder=PLACEHOLDER, id="search-input", select_on_focus=False, compact=True),
                    Static(Content(ACCENT_LABELS[self.accents]), id="search-accents", markup=False),
                    id="search-row",
                ),
                Static("", id="search-message", markup=False),
            )
        self.display = True
        self.input.focus()

    def close(self) -> None:
        """Hide the bar and forget the query."""
        self._cancel_timer()
        if self.input is not None:
            self.input.value = ""
            self.set_message("")
        self.display = False

    def set_message(self, message: str, *, error: bool = False) -> None:
        """Show a count, or an error in words for the user (plain text, never markup)."""
        found = self.query("#search-message")
        if not found:
            return
        status = found.first(Static)
        status.update(Content(message))
        status.set_class(error, "-error")

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_timer()
        query = event.value
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._settled(query))

    def _settled(self, query: str) -> None:
        self._timer = None
        self.post_message(self.QueryChanged(query, self.accents))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        # A query typed and submitted at once must not wait for the pause.
        if self._timer is not None:
            self._cancel_timer()
            self.post_message(self.QueryChanged(self.value, self.accents))
        self.post_message(self.Submitted())

    def action_next_accents(self) -> None:
        """Smart → exact → ignored → smart; the query runs again at once."""
        from reader.query import ACCENT_MODES  # the query language loads with the first search, not at start

        self.accents = ACCENT_MODES[(ACCENT_MODES.index(self.accents) + 1) % len(ACCENT_MODES)]
        found = self.query("#search-accents")
        if found:
            found.first(Static).update(Content(ACCENT_LABELS[self.accents]))
        self._cancel_timer()
        self.post_message(self.QueryChanged(self.value, self.accents))

    def action_close(self) -> None:
        self.post_message(self.Closed())
