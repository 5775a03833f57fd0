"""Two programs at once (issue 14, S5; S17's ctrl+q): editors never silently overwrite what another saved."""

from __future__ import annotations

from click.testing import CliRunner

from reader.cli import main as cli
from reader.store import Library
from reader.ui.app import make_app
from reader.ui.screens.editors import ConfirmDialog, NoteEditor, TagEditor
from tests.tui_helpers import library_with, settle

WIDE = (180, 50)


def hanoi_id(library: Library) -> int:
    return next(s.id for s in library.list_articles() if s.place == "Hà Nội")


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_hanoi(pilot):
    await pilot.press("j", "enter")
    await settle(pilot)


async def test_the_note_editor_opens_on_the_note_as_stored_now_not_as_the_screen_read_it(tmp_path):
    library = library_with(tmp_path)
    other = Library(library.path)  # a second TUI, or the CLI
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("h")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        other.set_highlight_note(h.id, "B viết trước")
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one("TextArea").text == "B viết trước"


async def test_a_note_saved_elsewhere_while_the_editor_is_open_is_kept_beside_ours(tmp_path):
    library = library_with(tmp_path)
    other = Library(library.path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("h", "n", *"gốc", "ctrl+s")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        assert h.note == "gốc"
        await pilot.press("n")  # A opens the editor on "gốc"
        other.set_highlight_note(h.id, "gốc + phần của B")  # B saves, and B was told it was saved
        await pilot.press(*" + phần của A", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        note = library.get_highlight(h.id).note
        assert note == "gốc + phần của B\n\ngốc + phần của A"
        assert any("changed in another program" in t and "both versions are kept" in t for t in toasts(app))


async def test_reader_tag_while_the_tag_editor_is_open_is_not_undone_by_the_save(tmp_path):
    library = library_with(tmp_path)
    article_id = hanoi_id(library)
    library.set_article_tags(article_id, ["Ngoại giao", "cũ"])
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "t")
        assert isinstance(app.screen, TagEditor)
        result = CliRunner().invoke(cli, ["--db", str(library.path), "tag", str(article_id), "cli-tag"])
        assert result.exit_code == 0, result.output
        await pilot.press("ctrl+u", *"Ngoại giao, mới", "enter")  # "cũ" removed, "mới" added
        await settle(pilot)
        assert not isinstance(app.screen, TagEditor)
    assert set(library.get_article(article_id).tags) == {"cli-tag", "mới", "Ngoại giao"}


async def test_a_highlight_tag_editor_applies_only_what_it_changed(tmp_path):
    library = library_with(tmp_path)
    other = Library(library.path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("h")
        await settle(pilot)
        [h] = library.highlights(hanoi_id(library))
        await pilot.press("t")
        other.set_highlight_tags(h.id, ["của B"])
        await pilot.press(*"của A", "enter")
        await settle(pilot)
    assert library.get_highlight(h.id).tags == ["của A", "của B"]


async def test_ctrl_q_in_a_note_editor_with_unsaved_text_asks_first(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("h", "n", *"bản nháp")
        await settle(pilot)
        await pilot.press("ctrl+q")
        assert app.is_running
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one("TextArea").text == "bản nháp"
        await pilot.press("ctrl+q", "y")
        await settle(pilot)
        assert not app.is_running
    assert library.highlights(hanoi_id(library))[0].note == ""


async def test_ctrl_q_with_nothing_typed_quits_at_once(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await open_hanoi(pilot)
        await pilot.press("h", "n")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
