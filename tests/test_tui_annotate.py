"""Annotating by keyboard with Pilot: every key of the reading, notes and list panes, checked in the database."""

import pytest

from reader.store import Library
from reader.ui.app import make_app
from reader.ui.screens.editors import ConfirmDialog, NoteEditor, TagEditor
from reader.ui.widgets.notes_pane import NotesPane
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import library_with, settle, widget_lines, widget_text

WIDE = (180, 50)
FIRST = "Việt Nam consistently considers Japan as a top important partner"
SECOND = "The Vietnamese Party chief highlighted"


@pytest.fixture
def library(tmp_path):
    return library_with(tmp_path)


def hanoi_id(library: Library) -> int:
    return next(s.id for s in library.list_articles() if s.place == "Hà Nội")


async def open_hanoi(pilot):
    """From launch: move to the Hà Nội article (second in the list) and open it."""
    await pilot.press("j", "enter")
    await settle(pilot)
    await pilot.pause()


async def test_h_highlights_the_sentence_under_the_cursor(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("h")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        assert h.quote.startswith(FIRST) and h.quote.endswith("in Hà Nội on Thursday.")
        assert h.start == 0 and h.color == 1
        notes = widget_text(app.screen.query_one(NotesPane))
        assert "“Việt Nam consistently considers" in notes
        # Pressing h again on the same sentence does not make a twin.
        await pilot.press("h")
        await settle(pilot)
        assert len(library.highlights(hanoi_id(library))) == 1


async def test_v_j_selects_two_sentences_and_w_b_move_the_end_by_words(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("v", "j", "h")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        assert h.quote.startswith(FIRST)
        assert SECOND in h.quote and h.quote.endswith("partnership framework.")
        await pilot.press("j", "j", "v", "w", "w", "b", "h")
        await settle(pilot)
        h2 = library.highlights(hanoi_id(library))[1]
        assert h2.quote.startswith("To achieve the goal")
        assert h2.quote.endswith("private enterprises, including those from Japan and other countries.\n\nLâm")
        await pilot.press("v", "escape", "k")
        await settle(pilot)
        assert app.screen.query_one(ReadingPane).selection_span is None


async def test_colour_keys_and_paragraph_keys(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("right_curly_bracket", "right_curly_bracket", "h", "4")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        assert h.quote.startswith("Political trust has been further strengthened")
        assert h.color == 4
        await pilot.press("left_curly_bracket", "h", "2")
        await settle(pilot)
        quotes = {x.quote[:20]: x.color for x in library.highlights(hanoi_id(library))}
        assert quotes == {"The Vietnamese Party": 2, "Political trust has ": 4}


async def test_n_writes_a_note_in_vietnamese_and_ctrl_s_commits_it(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("n")  # no highlight yet: n creates it first
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"Ghi chú: Tổng Bí thư Tô Lâm")
        await settle(pilot)
        await pilot.press("enter", *"dòng hai")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        [h] = library.highlights(hanoi_id(library))
        assert h.note == "Ghi chú: Tổng Bí thư Tô Lâm\ndòng hai"
        assert "Ghi chú: Tổng Bí thư Tô Lâm" in widget_text(app.screen.query_one(NotesPane))
        # Edit it again: the editor starts with the saved note.
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("TextArea").text == h.note


@pytest.mark.parametrize(
    "keys", [["n", "escape"], ["t", "escape"], ["n", *"draft", "escape", "y"], ["n", "ctrl+s"], ["t", "enter"]]
)
async def test_an_editor_closed_without_saving_leaves_no_highlight_behind(library, keys):
    # n or t on a sentence with no highlight: closed, or saved with nothing in it, it makes none.
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert not isinstance(app.screen, (NoteEditor, TagEditor, ConfirmDialog))
        assert library.highlights(hanoi_id(library)) == []
        assert "Notes (0)" in str(app.screen.query_one("#notes-pane").border_title)
        assert not any(line.startswith("▎") for line in widget_lines(app.screen.query_one(ReadingPane)))
    library.close()


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (160, 48)])
async def test_the_note_editor_keeps_its_save_and_close_keys_in_sight(library, size):
    app = make_app(library)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        status = app.screen.query_one("#editor-status")
        dialog = app.screen.query_one("#dialog")
        assert "ctrl+s save" in widget_text(status)
        assert status.region.height == 1 and dialog.content_region.contains_region(status.region)
        assert dialog.region.bottom <= size[1]
    library.close()


async def test_escape_asks_before_discarding_unsaved_changes(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("h", "n", *"draft")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one("TextArea").text == "draft"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not isinstance(app.screen, (NoteEditor, ConfirmDialog))
        assert library.highlights(hanoi_id(library))[0].note == ""
        # With nothing changed, escape closes at once.
        await pilot.press("n", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)


async def test_a_failed_save_keeps_the_text_and_says_why(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("h", "n", *"nội dung quan trọng")
        await settle(pilot)
        pages = library.conn.execute("PRAGMA page_count").fetchone()[0]

        def full_disk(path):  # the disk is now "full" for the connection each save opens
            opened = Library(path)
            opened.conn.execute(f"PRAGMA max_page_count = {pages}")
            return opened

        app.jobs.connect = full_disk
        app.screen.query_one("TextArea").insert("x" * 100_000)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one("TextArea").text.startswith("nội dung quan trọng")
        assert "disk is full" in str(app.screen.query_one("#editor-status").render())
        assert library.highlights(hanoi_id(library))[0].note == ""
        app.jobs.connect = Library
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert library.highlights(hanoi_id(library))[0].note.startswith("nội dung quan trọng")


async def test_t_tags_a_highlight_with_suggestions(library):
    library.set_article_tags(hanoi_id(library), ["Ngoại giao"])
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagEditor)
        await pilot.press(*"kinh tế, ngo", "right")  # → accepts the suggestion "Ngoại giao"
        assert app.screen.query_one("Input").value == "kinh tế, Ngoại giao"
        await pilot.press("enter")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        assert h.tags == ["kinh tế", "Ngoại giao"]
        assert [t.name for t in library.tags()] == ["kinh tế", "Ngoại giao"]


async def test_the_tag_editor_offers_the_existing_spelling_of_a_tag_typed_without_accents(library):
    library.set_article_tags(hanoi_id(library), ["Kinh tế"])
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("t")
        await pilot.press(*"kinh t")
        await pilot.pause()
        await pilot.press("right")  # → takes "Kinh tế", not a second tag "kinh te"
        assert app.screen.query_one("Input").value == "Kinh tế"


async def test_d_deletes_and_u_undoes(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("h", "n", *"keep me", "ctrl+s")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert library.highlights(hanoi_id(library)) == []
        assert "No highlights yet" in widget_text(app.screen.query_one(NotesPane))
        await pilot.press("u")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        assert h.note == "keep me" and h.quote.startswith(FIRST)


async def test_notes_pane_enter_jumps_to_the_passage(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("G", "h", "g")
        await settle(pilot)
        reading = app.screen.query_one(ReadingPane)
        assert reading.cursor == 0
        await pilot.press("tab")
        await settle(pilot)
        assert isinstance(app.focused, NotesPane)
        await pilot.press("enter")  # the new highlight is already selected in the notes pane
        assert app.focused is reading
        assert reading.cursor_span[0] == library.highlights(hanoi_id(library))[0].start
        assert any("contributing to deepening" in line for line in widget_lines(reading))
        # n, t and d work from the notes pane too.
        await pilot.press("tab", "n", *"từ ghi chú", "ctrl+s")
        await settle(pilot)
        assert library.highlights(hanoi_id(library))[0].note == "từ ghi chú"
        await pilot.press("d")
        await settle(pilot)
        assert library.highlights(hanoi_id(library)) == []


async def test_list_t_tags_the_article_a_writes_its_note_and_f_filters(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "t", *"Ngoại giao, Nhật Bản", "enter")
        await settle(pilot)
        assert library.get_article(hanoi_id(library)).tags == ["Ngoại giao", "Nhật Bản"]
        await pilot.pause()
        assert "#Ngoại·giao #Nhật·Bản" in widget_text(app.screen.query_one("ArticleList"))
        await pilot.press("a", *"Bài quan trọng", "ctrl+s")
        await settle(pilot)
        assert library.get_article(hanoi_id(library)).note == "Bài quan trọng"
        await pilot.press("f", *"nhat ban", "enter")
        await settle(pilot)
        await pilot.pause()
        text = widget_text(app.screen.query_one("ArticleList"))
        assert "Hà Nội" in text and "Quảng Ninh" not in text
        assert "#Nhật·Bản" in str(app.screen.query_one("#list-pane").border_title)  # the tag, not what was typed
        await pilot.press("f", "ctrl+u", "enter")  # empty filter: all articles again
        await pilot.pause()
        assert "Quảng Ninh" in widget_text(app.screen.query_one("ArticleList"))


async def test_everything_is_there_after_a_relaunch(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("j", "h", "3", "n", *"ghi chú", "ctrl+s")
        await settle(pilot)
    library.close()
    again = make_app(Library(tmp_path / "tui.db"))
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)  # the relaunch opens the article that was open: no key needed
        await pilot.pause()
        notes = widget_text(again.screen.query_one(NotesPane))
        assert "“The Vietnamese Party chief" in notes and "ghi chú" in notes
        reading = again.screen.query_one(ReadingPane)
        assert reading.cursor == 1  # the reading position came back too
