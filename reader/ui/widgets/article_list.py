"""The article list: a virtual list that draws only the visible rows, fetched a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.model import ArticleSummary, SearchResult
from reader.tags import tag_label

UNREAD_MARK, OPEN_MARK = "●", "▶"  # before a title: not read yet; open in the reading pane
ROW_HEIGHT = 2
RESULT_HEIGHT = 3  # a search result has a third line: the snippet
HIT_STYLE = Style(bold=True, underline=True, color="#ff8c00")


class ArticleList(ScrollView, can_focus=True):
    """Two lines per article (title; date · place · source · tags), over any window with len() and get()."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", id="list.down", show=False),
        Binding("k,up", "cursor_up", "Up", id="list.up", show=False),
        Binding("g,home", "first", "First", id="list.first", show=False),
        Binding("G,end", "last", "Last", id="list.last", show=False),
        Binding("pagedown,space", "page_down", "Page down", id="list.page_down", show=False),
        Binding("pageup", "page_up", "Page up", id="list.page_up", show=False),
        Binding("enter", "open", "Open", id="list.open"),
        Binding("t", "tags", "Tag article", id="list.tags"),
        Binding("a", "note", "Article note", id="list.note"),
        Binding("s", "sort", "Sort: date/title/place", id="list.sort"),
        Binding("D", "delete", "Delete article (to the trash)", id="list.delete", show=False),
        Binding("u", "undo_delete", "Undo the last delete", id="list.undo_delete", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class Opened(Message):
        """The user chose an article."""

        article_id: int

    @dataclass
    class TagsRequested(Opened):
        """The user wants to edit the tags of the article under the cursor."""

    @dataclass
    class NoteRequested(Opened):
        """The user wants to write the note of the article under the cursor."""

    @dataclass
    class DeleteRequested(Opened):
        """The user wants the article under the cursor moved to the trash."""

    @dataclass
    class UndoDeleteRequested(Message):
        """The user wants the last deleted article back."""

    @dataclass
    class SortRequested(Message):
        """The user wants the next sort order (date → title → place)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.window = None
        self.empty_message = "No articles."
        self.open_id: int | None = None  # the article shown in the reading pane
        self.row_height = ROW_HEIGHT

    def set_window(self, window, empty_message: str = "No articles.") -> None:
        """Show a new list (a window onto the library or onto search results)."""
        self.window = window
        self.empty_message = empty_message
        self.row_height = getattr(window, "row_height", ROW_HEIGHT)
        # No width of its own: rows are cut to the pane, so a resize never leaves a horizontal scrollbar.
        self.virtual_size = Size(0, len(window) * self.row_height)
        self.cursor = min(self.cursor, max(len(window) - 1, 0))
        self.refresh()

    @property
    def current(self) -> ArticleSummary | None:
        """The article under the cursor."""
        return self.window.get(self.cursor) if self.window is not None else None

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_visible()
        self.refresh()

    def _scroll_cursor_visible(self) -> None:
        top = self.cursor * self.row_height
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + self.row_height > self.scroll_y + height:
            self.scroll_to(y=top + self.row_height - height, animate=False, immediate=True)

    def _move(self, rows: int) -> None:
        if self.window is not None and len(self.window):
            self.cursor = max(0, min(len(self.window) - 1, self.cursor + rows))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_first(self) -> None:
        self._move(-self.cursor)

    def action_last(self) -> None:
        if self.window is not None:
            self._move(len(self.window))

    def action_page_down(self) -> None:
        self._move(max(1, self.scrollable_content_region.height // self.row_height))

    def action_page_up(self) -> None:
        self._move(-max(1, self.scrollable_content_region.height // self.row_height))

    def action_sort(self) -> None:
        self.post_message(self.SortRequested())

    def _post_for_current(self, message_type: type[Opened]) -> None:
        if self.current is not None:
            self.post_message(message_type(self.current.id))

    def action_open(self) -> None:
        self._post_for_current(self.Opened)

    def action_tags(self) -> None:
        self._post_for_current(self.TagsRequested)

    def action_note(self) -> None:
        self._post_for_current(self.NoteRequested)

    def action_delete(self) -> None:
        self._post_for_current(self.DeleteRequested)

    def action_undo_delete(self) -> None:
        self.post_message(self.UndoDeleteRequested())

    def on_click(self, event) -> None:
        row = (event.y + int(self.scroll_y)) // self.row_height
        if self.window is not None and 0 <= row < len(self.window):
            self.cursor = row
            if event.chain >= 2:
                self.action_open()

    def render_lines(self, crop):
        # The base style costs as much as drawing a row: work it out once per frame, not per line.
        self._base_style = self.rich_style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = getattr(self, "_base_style", None) or self.rich_style
        if self.window is None or not len(self.window):
            text = self.empty_message if y == 0 else ""
            return Strip([Segment(text, base + Style(dim=True))]).adjust_cell_length(width, base)
        index, sub = divmod(y + int(self.scroll_y), self.row_height)
        summary = self.window.get(index)
        if summary is None:
            return Strip.blank(width, base)
        selected = index == self.cursor
        style = base
        if selected:
            style += Style(reverse=True) if self.has_focus else Style(bgcolor="grey27")
        if sub == 0:
            marker = f"{OPEN_MARK} " if summary.id == self.open_id else ("  " if summary.read else f"{UNREAD_MARK} ")
            title_style = style + Style(bold=not summary.read)
            segments = [Segment(marker, style)]
            segments += _marked(summary.title, getattr(summary, "title_hits", ()), title_style)
        elif sub == 2 and isinstance(summary, SearchResult):
            label = "  ✎ " if summary.snippet_from == "notes" else "  "
            segments = [Segment(label, style + Style(dim=True))]
            segments += _marked(summary.snippet, summary.snippet_hits, style + Style(italic=True))
        else:
            meta = "  " + " · ".join(p for p in (summary.date, summary.place, summary.source) if p)
            segments = [Segment(meta, style + Style(dim=True))]
            if summary.tags:
                segments.append(
                    Segment("  " + " ".join(tag_label(t) for t in summary.tags), style + Style(color="cyan"))
                )
        strip = Strip(segments)
        if strip.cell_length > width and width > 1:  # cut with an ellipsis, as the border cuts a title
            strip = Strip([*strip.crop(0, width - 1), Segment("…", style + Style(dim=True))])
        return strip.crop(0, width).adjust_cell_length(width, style)


def _marked(text: str, hits, style: Style) -> list[Segment]:
    """Segments of `text`, with the hit spans in the hit style (text is never parsed as markup)."""
    segments, last = [], 0
    for start, end in hits:
        if start > last:
            segments.append(Segment(text[last:start], style))
        segments.append(Segment(text[start:end], style + HIT_STYLE))
        last = end
    if last < len(text):
        segments.append(Segment(text[last:], style))
    return segments
