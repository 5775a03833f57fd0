"""The reading pane's keys and colours (and how highlights are painted), kept apart from the widget that draws them."""

from __future__ import annotations

from dataclasses import replace

from rich.style import Style
from textual.binding import Binding

from reader.model import COLOUR_NAMES, Highlight
from reader.ui.session import age

# Background colours of highlight colours 1-5, readable on dark and light themes with black text.
HIGHLIGHT_COLOURS = {1: "#f2d65c", 2: "#8fd694", 3: "#8cc4f2", 4: "#f29ac0", 5: "#c6a8f0"}
# The text colour where a newer highlight covers an older one: the older one's colour, dark enough to read.
OVERLAP_TEXT = {1: "#6e5500", 2: "#135e1c", 3: "#0b4a8c", 4: "#8c1450", 5: "#51248f"}

CURSOR_STYLE = Style(underline=True, bold=True)
SELECTION_STYLE = Style(reverse=True)
HIT_STYLE = Style(bgcolor="#ff8c00", color="black", bold=True)
CURRENT_HIT_STYLE = Style(bgcolor="#ff5f00", color="white", bold=True, underline=True)
WORD_STYLE = Style(bold=True, underline=True, bgcolor="#4a4a6a", color="white")
NOTE_MARK = "▎"  # in the margin, beside the lines of a highlight that carries a note
MARGIN = 1

# How the structure of a page shows (reader.model BLOCK_KINDS and SPAN_KINDS): styles only, so the
# text on screen is the body exactly (offsets, selection and the mouse stay true); marks go in the margin.
STRUCTURE_STYLES = {
    "heading": Style(bold=True, color="bright_cyan"),
    "quote": Style(italic=True),
    "preformatted": Style(color="green"),
    "emphasis": Style(italic=True),
    "strong": Style(bold=True),
    "link": Style(underline=True, color="bright_blue"),
}
MARGIN_MARKS = {"list item": "•", "quote": "│"}  # on a block's first line (a quote: every line)


def colour_key_description(n: int, name: str) -> str:
    """What key n does: colour n, by its name."""
    return f"Colour {n}: {name} (highlighting the selection, if there is one)"


READING_BINDINGS = [
    Binding("j,down", "cursor_down", "Next sentence", id="reading.down", show=False),
    Binding("k,up", "cursor_up", "Previous sentence", id="reading.up", show=False),
    Binding(
        "right_curly_bracket",
        "next_paragraph",
        "Next paragraph",
        key_display="}",
        id="reading.next_paragraph",
        show=False,
    ),
    Binding(
        "left_curly_bracket",
        "previous_paragraph",
        "Previous paragraph",
        key_display="{",
        id="reading.previous_paragraph",
        show=False,
    ),
    Binding("g,home", "first", "First sentence", id="reading.first", show=False),
    Binding("G,end", "last", "Last sentence", id="reading.last", show=False),
    Binding("pagedown,space", "page_down", "Page down", id="reading.page_down", show=False),
    Binding("pageup", "page_up", "Page up", id="reading.page_up", show=False),
    Binding(
        "right,full_stop",
        "next_word",
        "Word cursor: next word",
        key_display="→ / .",
        id="reading.next_word",
        show=False,
    ),
    Binding(
        "left,comma",
        "previous_word",
        "Word cursor: previous word",
        key_display="← / ,",
        id="reading.previous_word",
        show=False,
    ),
    Binding("v", "toggle_selection", "Select", id="reading.select"),
    Binding("escape", "cancel_selection", "Cancel selection", id="reading.cancel", show=False),
    Binding("escape", "clear_hits", "Clear the search hits (n is Note again)", id="reading.clear_hits", show=False),
    Binding("w", "extend_word", "Extend by word", id="reading.extend_word", show=False),
    Binding("b", "shrink_word", "Shrink by word", id="reading.shrink_word", show=False),
    Binding("h", "highlight", "Highlight", id="reading.highlight"),
    # While search hits are marked, n/N step through them; escape clears them and n is Note again.
    Binding("n", "next_hit", "Next hit", id="reading.next_hit"),
    Binding("N", "previous_hit", "Previous hit", id="reading.previous_hit"),
    Binding("n", "note", "Note", id="reading.note"),
    Binding("t", "tags", "Tags", id="reading.tags", show=False),
    Binding(
        "right_square_bracket",
        "next_highlight",
        "Next highlight",
        key_display="]",
        id="reading.next_highlight",
        show=False,
    ),
    Binding(
        "left_square_bracket",
        "previous_highlight",
        "Previous highlight",
        key_display="[",
        id="reading.previous_highlight",
        show=False,
    ),
    Binding("c", "reshape", "Change the highlight's passage (c again keeps it)", id="reading.reshape", show=False),
    Binding("y", "copy", "Copy the passage", id="reading.copy", show=False),
    Binding("d", "delete", "Delete highlight", id="reading.delete", show=False),
    Binding("u", "undo", "Undo delete", id="reading.undo", show=False),
    *[
        Binding(str(n), f"color({n})", colour_key_description(n, COLOUR_NAMES[n]), id=f"reading.color{n}", show=False)
        for n in range(1, 6)
    ],
]


def colour_bindings(bindings: list[Binding], names: dict[int, str]) -> list[Binding]:
    """The bindings with the colour keys 1-5 described by these colour names (as help lists them)."""
    out = []
    for binding in bindings:
        if binding.id and binding.id.startswith("reading.color"):
            n = int(binding.id.removeprefix("reading.color"))
            binding = replace(binding, description=colour_key_description(n, names.get(n, COLOUR_NAMES[n])))
        out.append(binding)
    return out


def highlight_ranges(highlights: list[Highlight], current: Highlight | None) -> list[tuple[int, int, Style]]:
    """The styled ranges of highlights: the newer on top; where two overlap, the text takes the colour of
    the one beneath (dark), so both show. The one the keys act on is bold and italic."""
    placed = sorted((h for h in highlights if not h.orphan), key=age)
    ranges = []
    for h in placed:
        style = Style(bgcolor=HIGHLIGHT_COLOURS.get(h.color, HIGHLIGHT_COLOURS[1]), color="black")
        if current is not None and h is current:
            style += Style(bold=True, italic=True)
        ranges.append((h.start, h.end, style))
    pairs = []  # (lower, upper) of every two that overlap, found in order of their starts
    by_start = sorted(placed, key=lambda h: h.start)
    for k, a in enumerate(by_start):
        for b in by_start[k + 1 :]:
            if b.start >= a.end:
                break
            pairs.append((a, b) if age(a) < age(b) else (b, a))
    # In the order of the upper one, so where three overlap the text shows the middle one.
    for lower, upper in sorted(pairs, key=lambda pair: (age(pair[1]), age(pair[0]))):
        start, end = max(lower.start, upper.start), min(lower.end, upper.end)
        ranges.append((start, end, Style(color=OVERLAP_TEXT.get(lower.color, OVERLAP_TEXT[1]))))
    return ranges
