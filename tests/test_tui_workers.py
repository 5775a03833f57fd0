"""Library work off the UI thread (issue 9): with another program holding the write lock, the TUI keeps moving."""

from __future__ import annotations

import subprocess
import sys

from reader.store import Library
from reader.ui.app import make_app
from reader.ui.widgets.notes_pane import NotesPane
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import library_with, settle, widget_text

WIDE = (180, 50)
FIRST = "Việt Nam consistently considers Japan as a top important partner"

# A second program: takes the write lock, says so, holds it, then lets go.
HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def hold_lock(path, seconds: float) -> subprocess.Popen:
    """Start a process that holds BEGIN IMMEDIATE on the library for `seconds`, once it has the lock."""
    process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE)
    assert process.stdout.readline() == b"locked\n"
    return process


def hanoi_id(library: Library) -> int:
    return next(s.id for s in library.list_articles() if s.place == "Hà Nội")


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def wait_for(pilot, condition) -> None:
    """Let the app run until `condition()` holds (the test's own timeout is the limit)."""
    while not condition():
        await pilot.pause(0.05)


async def test_h_waits_for_a_locked_library_while_j_still_moves_and_the_highlight_lands(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "enter")
        await settle(pilot)
        reading = app.screen.query_one(ReadingPane)
        assert reading.cursor == 0
        locker = hold_lock(library.path, 5)
        try:
            await pilot.press("h", "j")
            # The cursor moved at once, though the highlight is still waiting for the lock.
            assert reading.cursor == 1
            assert app.jobs.pending_writes == 1
            assert library.highlights(hanoi_id(library)) == []
            # The highlight is shown while it waits, and the app says what it is waiting for.
            assert "“Việt Nam consistently considers" in widget_text(app.screen.query_one(NotesPane))
            await wait_for(pilot, lambda: app.jobs.waiting)
            assert any("Waiting for the library" in t for t in toasts(app))
            await pilot.press("j")
            assert reading.cursor == 2
            await settle(pilot)  # returns once the lock is freed and the write committed
        finally:
            locker.wait()
        [h] = library.highlights(hanoi_id(library))
        assert h.quote.startswith(FIRST)
        assert "“Việt Nam consistently considers" in widget_text(app.screen.query_one(NotesPane))


async def test_a_write_refused_after_the_timeout_says_so_and_leaves_nothing_behind(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)

    def impatient(path):  # the busy timeout of every job's connection: 0.2 s, not 10 s
        opened = Library(path)
        opened.conn.execute("PRAGMA busy_timeout = 200")
        return opened

    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "enter")
        await settle(pilot)
        app.jobs.connect = impatient
        locker = hold_lock(library.path, 3)
        try:
            await pilot.press("h")
            await settle(pilot)
        finally:
            locker.wait()
        assert any("Highlight not saved: the library is busy in another program" in t for t in toasts(app))
        assert library.highlights(hanoi_id(library)) == []
        assert "No highlights yet" in widget_text(app.screen.query_one(NotesPane))
        assert app.screen.highlights == []


async def test_q_waits_for_a_pending_write_before_quitting(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "enter")
        await settle(pilot)
        locker = hold_lock(library.path, 5)
        try:
            await pilot.press("h", "q")
            assert app.is_running  # still there: the highlight is not written yet
            assert any("before quitting" in t for t in toasts(app))
            await wait_for(pilot, lambda: not app.is_running)
        finally:
            locker.wait()
    [h] = library.highlights(hanoi_id(library))
    assert h.quote.startswith(FIRST)


async def test_an_article_opens_while_the_library_is_locked_and_is_marked_read_once_it_frees(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        reading = app.screen.query_one(ReadingPane)
        locker = hold_lock(library.path, 5)
        try:
            await pilot.press("j", "enter")
            await wait_for(pilot, lambda: reading.article is not None)  # reading never waits for the lock
            assert reading.article.id == hanoi_id(library)
            assert library.reading_state(hanoi_id(library))[0] is False  # the read mark is still waiting
            await pilot.press("h", "4", "j")  # a colour for a highlight that is itself still waiting
            assert reading.cursor == 1
            await settle(pilot)
        finally:
            locker.wait()
        assert library.reading_state(hanoi_id(library))[0] is True
        [h] = library.highlights(hanoi_id(library))
        assert h.quote.startswith(FIRST) and h.color == 4


async def test_e_right_after_h_exports_the_highlight_that_was_still_waiting_for_the_lock(tmp_path, reader_home):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "enter")
        await settle(pilot)
        locker = hold_lock(library.path, 2)
        try:
            await pilot.press("h", "e")  # the export is asked for before the highlight is in the library
            assert app.jobs.pending_writes == 1  # the export's read waits in line, it is not a write
            await settle(pilot)
        finally:
            locker.wait()
        assert not any("Nothing to export" in t for t in toasts(app))
        [exported] = list((reader_home / "exports").iterdir())
        assert f"> {FIRST}" in exported.read_text(encoding="utf-8")
