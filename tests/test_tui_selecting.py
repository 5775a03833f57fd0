"""Selecting and highlighting in the reading pane with Pilot (issue 12): the word cursor, the view
following the selection, colour keys on a selection, highlight jumps and note marks, copying, the mouse."""

import pytest
from rich.cells import cell_len

from reader.services.annotations import highlight_span
from reader.ui.app import make_app
from reader.ui.widgets.notes_pane import NotesPane
from reader.ui.widgets.reading_keys import NOTE_MARK
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import library_with, settle, widget_lines

WIDE = (180, 50)


@pytest.fixture
def library(tmp_path):
    return library_with(tmp_path)


def hanoi_id(library) -> int:
    return next(s.id for s in library.list_articles() if s.place == "Hà Nội")


async def open_hanoi(pilot) -> ReadingPane:
    await pilot.press("j", "enter")
    await settle(pilot)
    await pilot.pause()
    return pilot.app.screen.query_one(ReadingPane)


def shown_selection(pane: ReadingPane) -> str:
    """The text the pane draws reversed (the selection), visible lines joined by spaces."""
    parts = []
    for y in range(pane.scrollable_content_region.height):
        line = "".join(s.text for s in pane.render_line(y) if s.style is not None and s.style.reverse)
        if line:
            parts.append(line)
    return " ".join(parts)


def point_of(pane: ReadingPane, offset: int) -> tuple[int, int]:
    """Where a body offset is drawn in the pane (x, y in the pane's region)."""
    body = pane.article.body
    index = next(i for i, line in enumerate(pane.lines) if line.start <= offset < line.end)
    line = pane.lines[index]
    return 1 + cell_len(body[line.start : offset]), len(pane._header) + index - int(pane.scroll_y)


async def test_the_word_cursor_starts_and_ends_a_selection_on_any_word(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        pane = await open_hanoi(pilot)
        await pilot.press("right", "right")
        assert pane.article.body[slice(*pane.state.word)] == "Nam"
        await pilot.press("v", "full_stop", "full_stop")
        assert shown_selection(pane) == "Nam consistently considers"
        await pilot.press("comma")
        assert shown_selection(pane) == "Nam consistently"
        await pilot.press("h")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        assert h.quote == "Nam consistently"


async def test_b_first_takes_off_a_word_not_the_full_stop(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("v", "b", "h")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        assert h.quote.endswith("in Hà Nội on")


async def test_the_view_follows_the_selection_past_the_bottom(library):
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_hanoi(pilot)
        assert pane.scroll_y == 0
        await pilot.press("v", *["w"] * 150)
        body = pane.article.body
        end = pane.selection_span[1]
        last_word = body[:end].split()[-1]
        assert pane.scroll_y > 0
        assert shown_selection(pane).endswith(last_word)  # the end of the selection is on screen
        y = point_of(pane, end - 1)[1]
        assert 0 <= y < pane.scrollable_content_region.height


async def test_a_colour_key_with_a_selection_highlights_it_in_that_colour(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        pane = await open_hanoi(pilot)
        await pilot.press("right", "v", "right", "3")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        assert (h.quote, h.color) == ("Việt Nam", 3)
        assert pane.selection_span is None
        # The same passage selected again and another colour: the same highlight, recoloured.
        await pilot.press("left", "left", "v", "right", "5")
        await settle(pilot)
        [h2] = library.highlights(hanoi_id(library))
        assert (h2.id, h2.color) == (h.id, 5)


async def test_brackets_jump_between_highlights_and_a_note_shows_in_the_margin(library):
    article_id = hanoi_id(library)
    body = library.get_article(article_id).body
    japan = body.index("Japan")
    later = body.index("Political trust")
    noted, _ = highlight_span(library, article_id, later, later + len("Political trust"), note="kept")
    highlight_span(library, article_id, japan, japan + 5)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        pane = await open_hanoi(pilot)
        await pilot.press("right_square_bracket")
        assert pane.state.word[0] == japan
        await pilot.press("right_square_bracket")
        assert pane.state.word[0] == later
        _, y = point_of(pane, later)
        lines = widget_lines(pane)
        assert lines[y].startswith(NOTE_MARK + "Political trust")
        assert not lines[point_of(pane, japan)[1]].startswith(NOTE_MARK)  # no note, no mark
        await pilot.press("left_square_bracket")
        assert pane.state.word[0] == japan


async def test_y_copies_the_passage_and_in_the_notes_pane_the_note(library):
    article_id = hanoi_id(library)
    body = library.get_article(article_id).body
    highlight_span(library, article_id, 0, 8, note="ghi chú: Việt Nam")
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        pane = await open_hanoi(pilot)
        await pilot.press("y")
        assert app.clipboard == body[slice(*pane.sentences[0])]
        await pilot.press("right", "v", "right", "right", "y")
        assert app.clipboard == "Việt Nam consistently"
        notes = app.screen.query_one(NotesPane)
        notes.focus()
        await pilot.pause()
        await pilot.press("j", "y")
        assert app.clipboard == "ghi chú: Việt Nam"
        await pilot.press("k", "y")  # the article note is empty: nothing is copied
        assert app.clipboard == "ghi chú: Việt Nam"


async def test_the_mouse_places_the_cursor_drags_a_selection_and_double_click_selects_a_word(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        pane = await open_hanoi(pilot)
        body = pane.article.body
        japan, partner = body.index("Japan"), body.index("partner")
        await pilot.click(ReadingPane, offset=point_of(pane, japan + 2))
        assert body[slice(*pane.state.word)] == "Japan" and pane.selection_span is None
        await pilot.double_click(ReadingPane, offset=point_of(pane, partner + 1))
        assert shown_selection(pane) == "partner"
        assert app.screen.selections == {}  # not Textual's own select-all of the pane
        await pilot.mouse_down(ReadingPane, offset=point_of(pane, japan))
        await pilot.hover(ReadingPane, offset=point_of(pane, partner + 3))
        await pilot.mouse_up(ReadingPane, offset=point_of(pane, partner + 3))
        assert shown_selection(pane) == "Japan as a top important partner"
        await pilot.press("h")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        assert h.quote == "Japan as a top important partner"


async def test_c_changes_a_highlights_passage_keeping_its_note_tags_and_id(library):
    article_id = hanoi_id(library)
    body = library.get_article(article_id).body
    japan = body.index("Japan")
    h, _ = highlight_span(library, article_id, japan, japan + 5, note="đối tác", tags=["ngoại giao"], color=2)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        pane = await open_hanoi(pilot)
        await pilot.press("right_square_bracket", "c")
        assert shown_selection(pane) == "Japan"
        await pilot.press("w", "w", "right")  # grow: by words from the end, then the word cursor
        assert shown_selection(pane) == "Japan as a top"
        await pilot.press("c")
        await settle(pilot)
        [moved] = library.highlights(article_id)
        assert (moved.id, moved.quote, moved.note, moved.tags, moved.color) == (
            h.id,
            "Japan as a top",
            "đối tác",
            ["ngoại giao"],
            2,
        )
        assert pane.selection_span is None
        # Re-select and replace: a selection over the highlight, then c.
        await pilot.press("left", "left", "left", "left", "v", "right", "c")  # from "top" back to "considers"
        await settle(pilot)
        [again] = library.highlights(article_id)
        assert (again.id, again.quote, again.note) == (h.id, "considers Japan", "đối tác")
        # escape while changing leaves the highlight as it was.
        await pilot.press("c", "b", "escape")
        await settle(pilot)
        assert library.highlights(article_id)[0].quote == "considers Japan"


async def test_help_lists_the_selecting_keys(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.shown_text()
        for row in (
            "→ / .",
            "Word cursor: next word",
            "← / ,",
            "Word cursor: previous word",
            "Next highlight",
            "Previous highlight",
            "Copy the passage",
            "Change the highlight's passage",
            "highlighting the selection",
            "Copy the note",
        ):
            assert row in text, row
