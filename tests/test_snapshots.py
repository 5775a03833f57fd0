"""What the user sees, as SVG snapshots: the main screen, the note editor, help and the palette at 80×24 and 160×48.

A snapshot that differs fails with a report (snapshot_report.html) showing both pictures. When a
change to the screen is intended, look at the new pictures first, then accept them with
`.venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update` (see README, Development).
"""

from __future__ import annotations

import pytest

from reader.ui.app import make_app
from tests.tui_helpers import library_with, settle

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])


@pytest.fixture
def app(tmp_path):
    library = library_with(tmp_path)
    yield make_app(library)
    library.close()


async def open_second(pilot) -> None:
    """Open the Hà Nội article (the second in the list) and move the cursor to its second sentence."""
    await pilot.press("j", "enter")
    await settle(pilot)
    await pilot.press("j")
    await settle(pilot)


async def settled(pilot) -> None:
    await settle(pilot)


@SIZES
def test_the_list_on_a_first_look(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=settled)


@SIZES
def test_an_article_open_with_a_highlight(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await open_second(pilot)
        await pilot.press("h", "3")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_the_note_editor(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await open_second(pilot)
        await pilot.press("n", *"Ghi chú: Tô Lâm")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_help(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, press=["question_mark"], run_before=settled)


@SIZES
def test_the_command_palette(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("ctrl+p", *"export")
        # The palette gathers its commands in a worker: wait until that search is over.
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
