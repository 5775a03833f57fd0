"""Overlapping highlights and colour names in the TUI: each highlight visible, named, told apart; undo keeps ids."""

from __future__ import annotations

import pytest
from rich.style import Style

from reader.model import Anchor
from reader.store import Library
from reader.ui.app import make_app
from reader.ui.widgets.notes_pane import NotesPane
from reader.ui.widgets.reading_keys import HIGHLIGHT_COLOURS, OVERLAP_TEXT
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import library_with, settle, widget_text

WIDE = (180, 50)
PHRASE = "Việt Nam consistently considers Japan"


@pytest.fixture
def library(tmp_path) -> Library:
    return library_with(tmp_path)


def hanoi_id(library: Library) -> int:
    return next(s.id for s in library.list_articles() if s.place == "Hà Nội")


def add(library: Library, phrase: str, **kw):
    article_id = hanoi_id(library)
    body = library.get_article(article_id).body
    start = body.index(phrase)
    return library.add_highlight(article_id, Anchor(start, start + len(phrase), phrase), **kw)


async def open_hanoi(pilot):
    await pilot.press("j", "enter")
    await settle(pilot)
    await pilot.pause()


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def styles_of(pane: ReadingPane, word: str) -> list[Style]:
    """The style of every highlighted piece of text on screen that shows `word` (the title's not)."""
    found = []
    for y in range(pane.scrollable_content_region.height):
        for segment in pane.render_line(y):
            style = segment.style
            if word in segment.text and style is not None and colour(style, "bgcolor") in HIGHLIGHT_COLOURS.values():
                found.append(style)
    return found


def colour(style: Style, which: str) -> str:
    value = getattr(style, which)
    return value.triplet.hex if value is not None and value.triplet is not None else getattr(value, "name", "")


async def test_an_older_highlight_under_a_newer_one_shows_in_its_text(library):
    # The older highlight (yellow) covers the phrase; the newer (blue) covers two words inside it.
    add(library, PHRASE, color=1)
    add(library, "consistently considers", color=3)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("tab", "tab")  # the cursor's underline out of the way: the notes pane has focus
        await pilot.pause()
        reading = app.screen.query_one(ReadingPane)
        [inside] = styles_of(reading, "consistently considers")
        assert colour(inside, "bgcolor") == HIGHLIGHT_COLOURS[3]  # the newer on top
        assert colour(inside, "color") == OVERLAP_TEXT[1]  # and the older's colour in its letters
        [outside] = styles_of(reading, "Japan")
        assert colour(outside, "bgcolor") == HIGHLIGHT_COLOURS[1] and colour(outside, "color") == "black"


async def test_a_newer_long_highlight_over_an_older_short_one_leaves_it_visible(library):
    add(library, "Japan", color=2)
    add(library, PHRASE, color=4)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("tab", "tab")
        await pilot.pause()
        reading = app.screen.query_one(ReadingPane)
        [japan] = styles_of(reading, "Japan")
        assert colour(japan, "bgcolor") == HIGHLIGHT_COLOURS[4] and colour(japan, "color") == OVERLAP_TEXT[2]


async def test_the_notes_pane_names_colours_and_tells_look_alikes_apart(library):
    library.set_colour_name(3, "bằng chứng")
    add(library, PHRASE, color=3)
    add(library, PHRASE + " as a top important partner", color=1)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        notes = widget_text(app.screen.query_one(NotesPane))
        assert "bằng chứng · 5 words" in notes and "yellow · 10 words" in notes
        assert notes.count("“Việt Nam consistently considers Japan") == 2


async def test_help_lists_the_colour_keys_by_their_names(library):
    library.set_colour_name(1, "key claim")
    library.set_colour_name(2, "[b]evidence[/b]")  # a name is text, never markup
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.shown_text()
        assert "Colour 1: key claim" in text and "Colour 2: [b]evidence[/b]" in text
        assert "Colour 3: blue" in text


async def test_d_says_which_of_two_overlapping_highlights_it_deleted_and_u_brings_it_back_whole(library):
    older = add(library, PHRASE, color=1)
    newer = add(library, "Việt Nam", color=3, note="ghi chú", tags=["Đối ngoại"])
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("right")  # the word cursor on "Việt": the shortest highlight there is the blue one
        await pilot.pause()
        await pilot.press("d")
        await settle(pilot)
        assert [h.id for h in library.highlights(hanoi_id(library))] == [older.id]
        said = messages(app)[-1]
        assert said.startswith("Deleted the blue highlight “Việt Nam” (2 words)")
        assert "The yellow highlight over the same words stays." in said
        # Another highlight made before the undo does not take the deleted one's id.
        await pilot.press("G", "h")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        back = library.get_highlight(newer.id)
        assert back is not None and (back.note, back.tags, back.color) == ("ghi chú", ["Đối ngoại"], 3)
        assert back.created == newer.created
        assert "Restored the blue highlight “Việt Nam”." in messages(app)
        assert "blue · 2 words" in widget_text(app.screen.query_one(NotesPane))
