"""The reading pane's layout: the header, the body's lines wrapped a chunk at a time where the reader
looks, and the scroll that follows the cursor. A mixin of ReadingPane, which provides `article`,
`state`, `lines`, `_header`, `_wrapped_width`, `_shown_from` and `_realising`.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size

from reader.tags import tag_label
from reader.ui.layout import wrap_body
from reader.ui.lazy_lines import LazyLines
from reader.ui.sentence_index import chunk_bounds
from reader.ui.widgets.reading_keys import MARGIN


class LazyLayout:
    """Lines for the reading pane: only the chunks on screen (and a screen either side) are wrapped."""

    def on_resize(self) -> None:
        self._layout()

    def _layout(self) -> None:
        width = max(self.scrollable_content_region.width - 2 * MARGIN, 10)
        if width == self._wrapped_width:
            return
        self._wrapped_width = width
        self._header = self._build_header(width)
        body = self.article.body if self.article else ""
        self.lines = LazyLines(body, width, chunk_bounds(body, self._shown_from)) if body else []
        self._size_to_lines()
        self._realise_view()
        self._follow_cursor()
        self.refresh()

    def _size_to_lines(self) -> None:
        self.virtual_size = Size(self._wrapped_width, len(self._header) + len(self.lines) + 1)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._realise_view()

    def _realise_view(self) -> None:
        """Wrap the chunks on screen and a screen either side; lines above that gained or lost some
        move the scroll by as much, so what is on screen stays where it is."""
        lines = self.lines
        if self._realising or not isinstance(lines, LazyLines) or not len(lines):
            return
        height = self.scrollable_content_region.height or 1
        changed, shift = lines.realise_around(max(0, int(self.scroll_y) - len(self._header)), height)
        if changed:
            self._realising = True
            try:
                self._size_to_lines()
                if shift:
                    self.scroll_to(y=self.scroll_y + shift, animate=False, immediate=True)
            finally:
                self._realising = False

    def _build_header(self, width: int) -> list[list[Segment]]:
        article = self.article
        if article is None:
            return [
                [Segment("No article open.", Style(dim=True))],
                [],
                [Segment("Choose one in the list and press enter.", Style(dim=True))],
            ]
        rows: list[list[Segment]] = []
        for line in wrap_body(article.title, width):
            rows.append([Segment(article.title[line.start : line.end], Style(bold=True))])
        meta = " · ".join(p for p in (article.place, article.date, article.source) if p)
        if meta:
            rows.append([Segment(meta, Style(dim=True))])
        if article.tags:
            rows.append([Segment(" ".join(tag_label(t) for t in article.tags), Style(color="cyan"))])
        rows.append([Segment("─" * width, Style(dim=True))])
        return rows

    def _line_of(self, offset: int) -> int:
        """The virtual y of the display line holding a body offset."""
        return len(self._header) + self.lines.index_of(max(offset, self._shown_from))

    def _follow_cursor(self) -> None:
        self._report_place()
        span = self.state.in_view  # the cursor, or the moving end of the selection
        if span is None or not self.lines:
            return
        before = len(self.lines)
        height = self.scrollable_content_region.height or 1
        top, bottom = self._line_of(span[0]), self._line_of(max(span[0], span[1] - 1))
        if len(self.lines) != before:  # the cursor's chunk was wrapped just now
            self._size_to_lines()
        if top < self.scroll_y:
            self.scroll_to(y=max(0, top - 1), animate=False, immediate=True)
        elif bottom >= self.scroll_y + height:
            self.scroll_to(y=min(top, bottom - height + 2), animate=False, immediate=True)

    def _on_screen(self, spans: list[tuple[int, int, Style]]) -> list[tuple[int, int, Style]]:
        """The ranges that touch the lines on screen: each line then looks at a few, not all of a long article's."""
        if not self.lines:
            return spans
        height = self.scrollable_content_region.height or 1
        top = max(0, int(self.scroll_y) - len(self._header))
        last = len(self.lines) - 1
        lo, hi = self.lines[min(top, last)].start, self.lines[min(top + height, last)].end
        return [span for span in spans if span[0] <= hi and span[1] >= lo]

    def visible_offsets(self) -> tuple[int, int] | None:
        """(start, end) body offsets of the lines on screen, or None with no body: where the reader is,
        exact even where lines further away are still estimates (reading progress, a saved place)."""
        if not self.lines:
            return None
        height = self.scrollable_content_region.height or 1
        top = max(0, int(self.scroll_y) - len(self._header))
        last = len(self.lines) - 1
        return self.lines[min(top, last)].start, self.lines[min(top + height - 1, last)].end

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so that the line holding a body offset is the first on screen (the cursor stays)."""
        if self.lines:
            self.scroll_to(y=self._line_of(offset), animate=False, immediate=True)
