"""The key bar names the keys of the focused pane, and quit and help everywhere on the main screen."""

from reader.ui.app import make_app
from reader.ui.widgets.key_bar import KeyBar
from tests.tui_helpers import library_with


async def test_key_bar_follows_the_focus(tmp_path):
    app = make_app(library_with(tmp_path))
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        line = str(bar.render())
        assert "⏎ Open" in line and "t Tag article" in line and "q Quit" in line and "? Help" in line
        await pilot.press("enter")
        await pilot.pause()
        line = str(bar.render())
        assert "h Highlight" in line and "n Note" in line and "⏎ Open" not in line
        await pilot.press("tab")
        await pilot.pause()
        assert "Go to passage" in str(bar.render())


async def test_quit_and_help_stay_in_sight_on_a_narrow_terminal(tmp_path):
    app = make_app(library_with(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        for keys in ((), ("enter",), ("tab",)):
            await pilot.press(*keys)
            await pilot.pause()
            line = str(bar.render())
            assert "q Quit" in line and "? Help" in line and "^p Commands" in line, line
            assert len(line) <= 80


async def test_a_narrow_key_bar_is_compact_before_it_drops_keys(tmp_path):
    app = make_app(library_with(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        assert str(bar.render()) == " ⏎ Open t Tags a Note s Sort / Search F Feeds i Import q Quit ? Help ^p Commands"
        await pilot.press("enter")
        await pilot.pause()
        line = str(bar.render())
        assert line.startswith(" v Select h Highlight n Note / Search") and "i Import" in line, line
    app = make_app(library_with(tmp_path / "wide"))
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        line = str(app.screen.query_one(KeyBar).render())
        assert "t Tag article  a Article note  s Sort: date/title/place  / Search  F Feeds and views" in line
        await pilot.resize_terminal(100, 40)
        await pilot.pause()
        line = str(app.screen.query_one(KeyBar).render())
        assert line == " ⏎ Open  t Tags  a Note  s Sort  / Search  F Feeds  i Import  q Quit  ? Help  ^p Commands"
