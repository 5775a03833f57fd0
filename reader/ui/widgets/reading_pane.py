"""The reading pane: the article wrapped to the pane, drawn line by line, with a sentence cursor."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.model import Article, Highlight
from reader.ui.layout import CHARS_PER_MINUTE, Line, pieces, place_line  # noqa: F401
from reader.ui.lazy_lines import LazyLines, shown_from
from reader.ui.reading_cursor import ReadingCursor
from reader.ui.widgets.reading_actions import AnnotatingKeys, MouseSelecting
from reader.ui.widgets.reading_keys import (  # noqa: F401 - the colours are the pane's public names
    COLOUR_NAMES,
    CURRENT_HIT_STYLE,
    CURSOR_STYLE,
    HIGHLIGHT_COLOURS,
    HIT_STYLE,
    MARGIN,
    MARGIN_MARKS,
    NOTE_MARK,
    READING_BINDINGS,
    SELECTION_STYLE,
    STRUCTURE_STYLES,
    WORD_STYLE,
    highlight_ranges,
)
from reader.ui.widgets.reading_layout import LazyLayout


def structure_ranges(article: Article | None) -> list[tuple[int, int, Style]]:
    """The styled ranges of an article's structure: its blocks, then its inline spans."""
    if article is None:
        return []
    marked = [*article.blocks, *article.spans]
    return [(m.start, m.end, STRUCTURE_STYLES[m.kind]) for m in marked if m.kind in STRUCTURE_STYLES]


class ReadingPane(AnnotatingKeys, MouseSelecting, LazyLayout, ScrollView, can_focus=True):
    """Shows one article; j/k move a sentence cursor, ←/→ a word cursor inside it, v selects, h highlights."""

    BINDINGS = READING_BINDINGS
    ALLOW_SELECT = False

    @dataclass
    class PlaceChanged(Message):
        """Where the reader is changed: the line for the pane's border (place, date, %, minutes left)."""

        line: str

    # the pane's own selection answers the mouse, not Textual's screen-wide text selection

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.highlights: list[Highlight] = []
        self.state = ReadingCursor()  # cursor, selection and hits: plain Python, see reader/ui/session.py
        self.lines: LazyLines | list[Line] = []  # wrapped a chunk at a time, where the reader looks
        self._shown_from = 0  # the body before it is not drawn (a heading repeating the title)
        self._realising = False
        self._header: list[list[Segment]] = []
        self._wrapped_width = 0
        self._drag_offset: int | None = None  # where a drag is, while the button is down
        self._structure_ranges: list[tuple[int, int, Style]] = []  # the article's, set with it
        self._blocks: list = []  # the article's blocks by start, for the margin marks
        self._block_starts: list[int] = []
        self._place_line = ""

    # -- data in ---------------------------------------------------------------------------

    def show(self, article: Article | None, highlights: list[Highlight], position: int = 0) -> None:
        """Show an article, its highlights, with the cursor on the sentence at `position`."""
        self.article = article
        self._structure_ranges = structure_ranges(article)
        self._sort_blocks()
        self.highlights = highlights
        self._shown_from = shown_from(article)
        self.state.load(article.body if article else "", position, self._shown_from)
        self.refresh_bindings()
        self._wrapped_width = 0
        self._layout()
        self.scroll_to(y=0, animate=False, immediate=True)
        self._follow_cursor()
        self.refresh()

    def set_article(self, article: Article) -> None:
        """Show new metadata (tags, note) of the open article without moving the cursor."""
        self.article = article
        self._structure_ranges = structure_ranges(article)
        self._sort_blocks()
        self._shown_from = shown_from(article)  # the same body: the cursor's sentences stay
        self._wrapped_width = 0
        self._layout()

    def _sort_blocks(self) -> None:
        self._blocks = sorted(self.article.blocks, key=lambda b: b.start) if self.article else []
        self._block_starts = [b.start for b in self._blocks]

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Replace the highlights drawn over the text."""
        self.highlights = highlights
        self.refresh()

    def set_hits(self, hits: list[tuple[int, int]]) -> None:
        """Mark search hits in the text; while there are some, n/N step through them."""
        self.state.set_hits(hits)
        self._report_place()
        self.refresh()
        self.refresh_bindings()

    def go_to_hit(self, index: int) -> None:
        """Put the cursor on a hit (the index wraps around) and bring it into view."""
        if self.hits:
            self.state.go_to_hit(index)
            self._follow_cursor()
            self.refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # n and escape mean something else while search hits are marked; the footer follows.
        if action in ("next_hit", "previous_hit", "clear_hits"):
            return bool(self.hits)
        if action == "note":
            return not self.hits
        if action == "cancel_selection":
            return self.selection_anchor is not None
        return True

    def action_next_hit(self) -> None:
        if self.hits and self.hit_index == len(self.hits) - 1:
            self.notify(
                "That was the only hit."
                if len(self.hits) == 1
                else f"That was the last of {len(self.hits)} hits: back to the first."
            )
        self.go_to_hit(self.hit_index + 1)

    def action_previous_hit(self) -> None:
        if self.hits and self.hit_index == 0:
            self.notify(
                "That was the only hit."
                if len(self.hits) == 1
                else f"That was the first of {len(self.hits)} hits: on to the last."
            )
        self.go_to_hit(self.hit_index - 1 if self.hit_index >= 0 else -1)

    def action_clear_hits(self) -> None:
        self.set_hits([])

    def move_to(self, offset: int) -> None:
        """Put the cursor on the sentence at a body offset and bring it into view."""
        self.state.move_to(offset)
        self._follow_cursor()
        self.refresh()

    # -- what the cursor is on (the state decides; these name it for the screen and tests) --

    @property
    def cursor(self) -> int:
        """The index of the sentence under the cursor."""
        return self.state.index

    @property
    def sentences(self) -> list[tuple[int, int]]:
        """The sentence spans of the body."""
        return self.state.sentences

    @property
    def hits(self) -> list[tuple[int, int]]:
        """The search hits marked in the text."""
        return self.state.hits

    @property
    def hit_index(self) -> int:
        """The hit n/N last went to (-1: none yet)."""
        return self.state.hit_index

    @property
    def selection_anchor(self) -> tuple[int, int] | None:
        """The sentence where the selection started, if there is one."""
        return self.state.anchor

    @property
    def cursor_span(self) -> tuple[int, int] | None:
        """The sentence under the cursor."""
        return self.state.span

    @property
    def selection_span(self) -> tuple[int, int] | None:
        """The selected passage, when a selection is active."""
        return self.state.selection

    @property
    def target_span(self) -> tuple[int, int] | None:
        """What `h` would highlight: the selection, else the cursor sentence."""
        return self.state.target

    @property
    def current_highlight(self) -> Highlight | None:
        """The highlight under the cursor (or overlapping the selection)."""
        return self.state.highlight_under(self.highlights)

    def _report_place(self) -> None:
        """Tell the screen where the reader is now, when that changed (the end of the cursor's sentence)."""
        span = self.state.span
        line = place_line(self.article, span[1] if span else None)
        if self.hits:  # stepping through search hits: which one of how many
            where = f"hit {self.hit_index + 1}/{len(self.hits)}" if self.hit_index >= 0 else f"{len(self.hits)} hits"
            line = f"{where} · {line}" if line else where
        if line != self._place_line:
            self._place_line = line
            self.post_message(self.PlaceChanged(line))

    # -- drawing ---------------------------------------------------------------------------

    def render_lines(self, crop):
        # The base style and the styled ranges are the same for every line of a frame.
        self._frame = (self.rich_style, self._on_screen(self._spans()))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base, spans = getattr(self, "_frame", None) or (self.rich_style, self._spans())
        vy = y + int(self.scroll_y)
        margin = Segment(" " * MARGIN, base)
        if vy < len(self._header):
            return Strip([margin, *(Segment(s.text, base + s.style) for s in self._header[vy])]).adjust_cell_length(
                width, base
            )
        index = vy - len(self._header)
        if index >= len(self.lines) or self.article is None:
            return Strip.blank(width, base)
        line = self.lines[index]
        if line.start == line.end:
            return Strip.blank(width, base)
        body = self.article.body
        segments = [self._margin(line, base)]
        for start, end, styles in pieces(line.start, line.end, spans):
            style = base
            for extra in styles:
                style += extra
            segments.append(Segment(body[start:end].replace("\t", " "), style))
        return Strip(segments).crop(0, width).adjust_cell_length(width, base)

    def _margin(self, line: Line, base: Style) -> Segment:
        """The margin of a line: a mark in the colour of a highlight with a note that the line shows,
        else a bullet on a list item's first line, a bar beside a quote."""
        for h in self.highlights:
            if h.note.strip() and not h.orphan and h.start < line.end and h.end > line.start:
                return Segment(NOTE_MARK, base + Style(color=HIGHLIGHT_COLOURS.get(h.color, HIGHLIGHT_COLOURS[1])))
        # The block starting last before the line's end: blocks are paragraphs, a line is in one.
        number = bisect_right(self._block_starts, line.end - 1) - 1
        for block in self._blocks[number : number + 1] if number >= 0 else ():
            mark = MARGIN_MARKS.get(block.kind)
            shows = block.start < line.end and block.end > line.start
            if mark and shows and (block.kind == "quote" or block.start >= line.start):
                return Segment(mark, base + Style(dim=True))
        return Segment(" " * MARGIN, base)

    def _spans(self) -> list[tuple[int, int, Style]]:
        """Every styled range of the body, lowest layer first (the page's structure at the bottom)."""
        spans: list[tuple[int, int, Style]] = list(self._structure_ranges)
        spans.extend(highlight_ranges(self.highlights, self.current_highlight))
        for number, (start, end) in enumerate(self.hits):
            spans.append((start, end, CURRENT_HIT_STYLE if number == self.hit_index else HIT_STYLE))
        if self.selection_span is not None:
            spans.append((*self.selection_span, SELECTION_STYLE))
        elif self.cursor_span is not None and self.has_focus:
            spans.append((*self.cursor_span, CURSOR_STYLE))
            if self.state.word is not None:
                spans.append((*self.state.word, WORD_STYLE))
        return spans

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- moving ----------------------------------------------------------------------------

    def _moved(self) -> None:
        self._follow_cursor()
        self.refresh()

    def action_cursor_down(self) -> None:
        self.state.step(1)
        self._moved()

    def action_cursor_up(self) -> None:
        self.state.step(-1)
        self._moved()

    def action_first(self) -> None:
        self.state.to_first()
        self._moved()

    def action_last(self) -> None:
        self.state.to_last()
        self._moved()

    def action_next_paragraph(self) -> None:
        self.state.next_paragraph()
        self._moved()

    def action_previous_paragraph(self) -> None:
        self.state.previous_paragraph()
        self._moved()

    def _page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_y + direction * height, animate=False, immediate=True)
        first_line = max(0, int(self.scroll_y) - len(self._header))
        if self.lines and self.state.span is not None:
            self.state.first_at_or_after(self.lines[min(first_line, len(self.lines) - 1)].start)
            self._report_place()
            self.refresh()

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    # -- selecting -------------------------------------------------------------------------

    def action_toggle_selection(self) -> None:
        self.state.toggle_selection()
        self.refresh()

    def action_cancel_selection(self) -> None:
        self.state.cancel_selection()
        self.refresh()

    def action_extend_word(self) -> None:
        self.state.extend_word()
        self._moved()

    def action_shrink_word(self) -> None:
        self.state.shrink_word()
        self._moved()

    def action_next_word(self) -> None:
        self.state.next_word()
        self._moved()

    def action_previous_word(self) -> None:
        self.state.previous_word()
        self._moved()

    def action_next_highlight(self) -> None:
        self._jump(1)

    def action_previous_highlight(self) -> None:
        self._jump(-1)

    def _jump(self, step: int) -> None:
        if self.state.next_highlight(self.highlights, step) is None:
            self.notify("No highlight after the cursor." if step > 0 else "No highlight before the cursor.")
        self._moved()
