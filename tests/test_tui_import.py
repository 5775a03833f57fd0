"""Import from inside the TUI (issue 12): i asks for a path (with completion), a worker imports, a report shows."""

from __future__ import annotations

import sys

import pytest

from reader.store import Library
from reader.ui.app import make_app
from reader.ui.screens.help import HelpScreen, help_content
from reader.ui.screens.importing import ImportPathDialog, ImportReport, complete_in
from reader.ui.widgets.article_list import ArticleList
from tests.tui_helpers import library_with, settle, widget_text

SMALL = (80, 24)


def _story(path, title, body="HÀ NỘI — Some text."):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")


async def _import_done(pilot) -> None:
    """Wait for the import worker and the report it opens."""
    app = pilot.app
    for _ in range(200):
        await pilot.pause(0.02)
        if isinstance(app.screen, ImportReport):
            break
    await settle(pilot)


def _report_text(screen: ImportReport) -> str:
    summary = str(screen.query_one("#report-summary").render())
    return summary + "\n" + "\n".join(screen.query_one("#report-lines").lines)


async def test_the_empty_library_says_press_i_and_i_imports_a_typed_folder(tmp_path):
    folder = tmp_path / "news"
    _story(folder / "a.txt", "Bão số 3 đổ bộ Quảng Ninh")
    _story(folder / "sub" / "b.txt", "Giá vàng tăng [bold]mạnh[/bold]")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")
    library = Library(tmp_path / "lib.db")
    app = make_app(library)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert "press i to import" in widget_text(app.screen.query_one(ArticleList))
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImportPathDialog)
        await pilot.press(*str(folder), "enter")
        await _import_done(pilot)
        assert isinstance(app.screen, ImportReport)
        shown = _report_text(app.screen)
        assert "2 files: 2 imported, 0 updated, 0 unchanged, 0 refused" in shown
        assert "skipped: 1 file of another kind (.jpg)" in shown
        assert "imported   " in shown and "Giá vàng tăng [bold]mạnh[/bold]" in shown  # as plain text
        screen_text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        assert "escape or enter close" in screen_text
        assert app.screen.query_one("#report-keys").region.bottom <= SMALL[1]  # the close key is on screen
        await pilot.press("escape")
        await pilot.pause()
        listed = widget_text(app.screen.query_one(ArticleList))
        assert "Bão số 3 đổ bộ Quảng Ninh" in listed and "Giá vàng tăng [bold]mạnh[/bold]" in listed
        assert app.screen.query_one("#list-pane").border_title == "Articles (2)"
    library.close()


async def test_the_cursor_stays_on_its_article_after_an_import(tmp_path):
    library = library_with(tmp_path)  # the two samples, 2025-11-25 and 2025-04-03
    newer = tmp_path / "newer.md"
    newer.write_text("---\ntitle: Newest of all\ndate: 2026-01-01\n---\n\nText.\n", encoding="utf-8")
    app = make_app(library)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("j")  # the older sample
        await pilot.pause()
        before = app.screen.article_list.current
        await pilot.press("i", *str(newer), "enter")
        await _import_done(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.article_list.cursor == 2  # the new article came first
        assert app.screen.article_list.current.id == before.id
    library.close()


async def test_a_refused_file_is_in_the_report(tmp_path):
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"abc\x00def")
    library = Library(tmp_path / "lib.db")
    app = make_app(library)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("i", *str(bad), "enter")
        await _import_done(pilot)
        shown = _report_text(app.screen)
        assert "refused    " in shown and "binary file (NUL byte at offset 3)" in shown
        assert "1 file: 0 imported, 0 updated, 0 unchanged, 1 refused" in shown
    library.close()


async def test_a_path_that_is_not_there_is_said_in_the_dialog(tmp_path):
    library = Library(tmp_path / "lib.db")
    app = make_app(library)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("i", *str(tmp_path / "nope"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportPathDialog)
        assert "Nothing at" in str(app.screen.query_one("#editor-status").render())
        await pilot.press("backspace")  # edited, the path is not the one refused: the keys again
        await pilot.pause()
        assert str(app.screen.query_one("#editor-status").render()).startswith("enter import")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ImportPathDialog)
    library.close()


async def test_tab_completes_the_path(tmp_path):
    (tmp_path / "reports-2025").mkdir()
    _story(tmp_path / "reports-2025" / "one.txt", "One")
    library = Library(tmp_path / "lib.db")
    app = make_app(library)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("i", *str(tmp_path / "rep"))
        await pilot.pause(0.1)
        await pilot.press("tab")
        await pilot.pause(0.1)
        assert app.screen.query_one("#import-path").value == str(tmp_path / "reports-2025") + "/"
        await pilot.press("o")
        await pilot.pause(0.1)
        await pilot.press("tab")
        assert app.screen.query_one("#import-path").value == str(tmp_path / "reports-2025" / "one.txt")
    library.close()


def test_completion_skips_dot_files_until_a_dot_is_typed(tmp_path):
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "visible.txt").write_text("x")
    folder = str(tmp_path)
    assert complete_in(folder, "", folder + "/") == folder + "/visible.txt"
    assert complete_in(folder, ".h", folder + "/.h") == folder + "/.hidden/"
    assert complete_in(folder, "zzz", folder + "/zzz") is None
    assert complete_in(str(tmp_path / "missing"), "a", "a") is None


@pytest.mark.parametrize("size", [SMALL, (160, 48)])
async def test_help_the_key_bar_and_the_palette_offer_import(tmp_path, size):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert "i Import" in str(app.screen.query_one("#key-bar").render())  # at 80 columns too
        assert "Import" in str(help_content(app.help_sections()))
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Import files")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportPathDialog)
    library.close()


def test_the_worker_posts_progress_then_the_report(tmp_path, monkeypatch):
    from reader.ui import imports as tui_imports

    monkeypatch.setattr(tui_imports, "PROGRESS_EVERY", 0.0)
    folder = tmp_path / "news"
    for i in range(3):
        _story(folder / f"{i}.txt", f"Story {i}")
    Library(tmp_path / "lib.db").close()
    posted = []
    tui_imports.import_in_thread(tmp_path / "lib.db", folder, posted.append)
    progress = [m.line for m in posted if isinstance(m, tui_imports.ImportProgress)]
    assert [line.split(" · ")[0] for line in progress] == [f"importing {n}/3 files" for n in (1, 2, 3)]
    assert all(line.endswith(" left") and " MB/s · " in line for line in progress)
    [finished] = [m for m in posted if isinstance(m, tui_imports.ImportFinished)]
    assert finished.summary == ["3 files: 3 imported, 0 updated, 0 unchanged, 0 refused"]
    assert [line.split(" → ")[0] for line in finished.lines] == [f"imported   {i}.txt" for i in range(3)]
    assert finished.imported == 3 and not finished.problem


async def test_hostile_file_names_are_shown_as_plain_text(tmp_path):
    folder = tmp_path / "news"
    name = "x[@click=app.quit]y [bold]z[/bold]\x1b]0;evil\x07.txt"
    _story(folder / name, "Plain")
    library = Library(tmp_path / "lib.db")
    app = make_app(library)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("i", *str(folder), "enter")
        await _import_done(pilot)
        assert isinstance(app.screen, ImportReport)  # the click action did not quit the app
        [line] = app.screen.query_one("#report-lines").lines
        assert line.startswith("imported   x[@click=app.quit]y [bold]z[/bold].txt → #1 Plain")
        assert "\x1b" not in line and "evil" not in line
    library.close()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
@pytest.mark.parametrize("case", ["telex 0x7f", "telex 0x08 one burst", "decomposed"])
def test_a_vietnamese_folder_name_typed_through_an_input_method_is_found(tmp_path, case):
    from tests.test_typing_vietnamese import CASES, _run

    bursts, meant = CASES[case]
    folder = tmp_path / f"tin {meant}"
    _story(folder / "a.txt", "Một bài")
    db = tmp_path / "vi.db"
    Library(db).close()
    steps = [
        (None, b"Articles (0)"),
        (b"i", b"enter import"),
        ((str(tmp_path) + "/tin ").encode(), None),
        *[(burst, None) for burst in bursts],
        (b"\r", b"1 file: 1 imported"),
        (b"\r", None),  # enter closes the report (escape then q could read as alt+q)
        (b"q", None),
    ]
    _run(db, tmp_path, steps)
    with Library(db, read_only=True) as library:
        assert [s.title for s in library.list_articles()] == ["Một bài"]


async def test_a_large_import_in_the_tui_parses_in_a_second_process(tmp_path, monkeypatch):
    import concurrent.futures

    from reader.services import import_files

    folder = tmp_path / "many"
    n = import_files.PARSE_AHEAD_FROM + 24
    for i in range(n):
        _story(folder / f"{i:04d}.txt", f"Tin {i} từ Huế", f"HUẾ — Bài {i} về Đà Nẵng.")
    answered: list[bool] = []  # one per chunk: True when the other process parsed it

    class Counting(concurrent.futures.ProcessPoolExecutor):
        def submit(self, *args, **kwargs):
            future = super().submit(*args, **kwargs)
            future.add_done_callback(lambda f: answered.append(f.exception() is None))
            return future

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counting)
    library = Library(tmp_path / "lib.db")
    app = make_app(library)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("i", *str(folder), "enter")
        for _ in range(6000):  # up to two minutes on a loaded machine; it ends as soon as the report shows
            await pilot.pause(0.02)
            if isinstance(app.screen, ImportReport) and app.screen.query("#report-summary"):
                break
        await settle(pilot)  # pushed is not yet mounted: its lines are written on mount
        assert f"{n:,} files: {n:,} imported, 0 updated, 0 unchanged, 0 refused" in _report_text(app.screen)
    assert answered and all(answered)  # started under Textual (whose stderr has no descriptor) and answered
    assert library.count_articles() == n and len(library.search("Huế", limit=2000)) == n
    library.close()
