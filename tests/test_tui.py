"""The TUI driven by keyboard with Pilot; assertions on what the panes show and on the database."""

import unicodedata

from reader.cli import open_library
from reader.ui.app import make_app
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.notes_pane import NotesPane
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import SAMPLES, library_with, settle, widget_lines, widget_text

WIDE = (180, 50)


async def test_first_launch_shows_the_sample_articles(reader_home):
    library = open_library(None)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = widget_text(app.screen.query_one(ArticleList))
        assert "Prime Minister Phạm Minh Chính" in text
        assert "2025-11-25 · Quảng Ninh · VNS" in text
        assert "2025-04-03 · Hà Nội · VNA/VNS" in text
        assert app.screen.query_one("#list-pane").border_title == "Articles (2)"
        notes = widget_text(app.screen.query_one(NotesPane))
        assert "Open an article" in notes


async def test_enter_opens_the_article_and_marks_it_read(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "enter")
        await settle(pilot)
        reading = app.screen.query_one(ReadingPane)
        assert app.focused is reading
        lines = widget_lines(reading)
        assert lines[0].strip().startswith("Việt Nam consistently considers Japan")
        assert any("Hà Nội · 2025-04-03 · VNA/VNS" in line for line in lines)
        assert any("Tô Lâm said" in line for line in lines)
        assert library.reading_state(reading.article.id)[0] is True
        # The reading position is kept when the app quits.
        await pilot.press("j", "j", "j", "q")
        await settle(pilot)
    position = library.reading_state(reading.article.id)[1]
    assert position > 0
    assert reading.article.body[position:].startswith("To achieve the goal")


async def test_tab_cycles_the_panes(tmp_path):
    app = make_app(library_with(tmp_path))
    async with app.run_test(size=WIDE) as pilot:
        seen = []
        for _ in range(4):
            seen.append(type(app.focused).__name__)
            await pilot.press("tab")
            await settle(pilot)
        assert seen == ["ArticleList", "ReadingPane", "NotesPane", "ArticleList"]
        # Focus is now on the reading pane (four tabs from the list); shift+tab goes back.
        await pilot.press("shift+tab")
        await settle(pilot)
        assert isinstance(app.focused, ArticleList)
        await pilot.press("shift+tab")
        await settle(pilot)
        assert isinstance(app.focused, NotesPane)


async def test_narrow_terminal_shows_the_current_pane_only(tmp_path):
    app = make_app(library_with(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        visible = [p.id for p in app.screen.query(".pane") if p.display]
        assert visible == ["list-pane"]
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause()
        visible = [p.id for p in app.screen.query(".pane") if p.display]
        assert visible == ["reading-pane"]
        assert app.screen.query_one(ReadingPane).size.width > 70
        await pilot.press("tab")
        await settle(pilot)
        await pilot.pause()
        assert [p.id for p in app.screen.query(".pane") if p.display] == ["notes-pane"]


async def test_help_lists_every_key(tmp_path):
    app = make_app(library_with(tmp_path))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.shown_text()
        for _, bindings in app.help_sections():
            for binding in bindings:
                assert binding.description in text
        for key in ("tab", "shift+tab", "j / down", "g / home", "pagedown / space", "enter", "?", "ctrl+p", "}", "{"):
            assert key in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_nfd_article_renders_exactly_like_its_nfc_twin(tmp_path):
    source = sorted(SAMPLES.glob("*.txt"))[0].read_text(encoding="utf-8")
    (tmp_path / "nfc").mkdir()
    (tmp_path / "nfd").mkdir()
    (tmp_path / "nfc" / "a.txt").write_text(unicodedata.normalize("NFC", source), encoding="utf-8")
    (tmp_path / "nfd" / "a.txt").write_text(unicodedata.normalize("NFD", source), encoding="utf-8")
    screens = []
    for name in ("nfc", "nfd"):
        app = make_app(library_with(tmp_path, tmp_path / name / "a.txt", name=f"{name}.db"))
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("enter")
            await settle(pilot)
            screens.append(widget_lines(app.screen.query_one(ReadingPane)))
    assert screens[0] == screens[1]
    assert any("Hà Nội" in line for line in screens[0])


async def test_a_hostile_article_renders_as_text(tmp_path):
    hostile = (
        "[bold]Markup[/] title [/]\n\n"
        "A body with [link=https://evil.example]a link[/link] and [@click=app.quit]click[/] and [/] "
        "and \x1b]52;c;aGVsbG8=\x07 a clipboard write and \x1b[2J a clear and \x9b31m C1 and \u202eevil.\n"
    )
    path = tmp_path / "hostile.txt"
    path.write_text(hostile, encoding="utf-8")
    app = make_app(library_with(tmp_path, path))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        text = widget_text(app.screen.query_one(ReadingPane))
        assert "[bold]Markup[/] title [/]" in text
        assert "[link=https://evil.example]a link[/link]" in text
        assert "[@click=app.quit]click[/]" in text
        assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
        assert "52;c" not in text
        await pilot.press("j", "j", "k")
        await settle(pilot)
        # Highlighting quotes the passage in a notification: it must not be parsed as markup either.
        await pilot.press("g", "h", "n", *"[/] [bold]", "ctrl+s")
        await settle(pilot)
        await pilot.pause()
        from textual.widgets._toast import Toast

        toasts = [str(Toast(n).render()) for n in app._notifications]  # what each toast shows
        assert any("Highlighted: “A body with [link=https://evil.example]" in t for t in toasts), toasts
        [h] = app.library.highlights(app.main.article.id)
        assert h.note == "[/] [bold]" and "[link=https://evil.example]" in h.quote
        assert app.is_running
