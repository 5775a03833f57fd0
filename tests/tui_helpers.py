"""Helpers for Pilot tests: build an app on a library, and read what a widget shows as plain text."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reader.services.imports import import_paths
from reader.store import Library
from tests.helpers import SAMPLES


def widget_lines(widget) -> list[str]:
    """The visible lines of a Line-API widget, as the user sees them (trailing spaces trimmed)."""
    height = widget.scrollable_content_region.height
    return ["".join(seg.text for seg in widget.render_line(y)).rstrip() for y in range(height)]


def widget_text(widget) -> str:
    """The visible text of a Line-API widget."""
    return "\n".join(widget_lines(widget))


def library_with(tmp_path: Path, *paths: Path, name: str = "tui.db") -> Library:
    """A library holding the given files (the samples if none are given)."""
    library = Library(tmp_path / name)
    results = list(import_paths(library, list(paths) or [SAMPLES]))
    assert all(r.status == "imported" for r in results), results
    return library


async def settle(pilot, timeout: float = 60) -> None:
    """Wait until every library job the keys started (they run in workers) is done and shown.

    Not past the app's exit: a job still running when the app quits is cancelled with its worker
    and never reports, so waiting for it would wait for ever.
    """
    await pilot.pause()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while pilot.app.jobs.busy and pilot.app.is_running:
        if loop.time() > deadline:
            raise AssertionError(f"library jobs still running after {timeout:.0f} s")
        await asyncio.sleep(0.01)
    await pilot.pause()
