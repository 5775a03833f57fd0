"""A progress bar on stderr for long commands (files, MB, rate, time left), only when stderr is a terminal."""

from __future__ import annotations

import os
import shutil
import sys
import time
from typing import TextIO

from reader.services.imports import Progress

REDRAW_EVERY = 0.1  # seconds: a terminal need not be written to faster than it is read
SHOW_AFTER = 0.5  # seconds: a short import ends before a bar would be worth drawing


def _show_after() -> float:
    """SHOW_AFTER, or READER_PROGRESS_AFTER's seconds (tests draw the bar for a short import)."""
    try:
        return max(0.0, float(os.environ["READER_PROGRESS_AFTER"]))
    except (KeyError, ValueError):
        return SHOW_AFTER


BAR_WIDTH = 24


def bar_line(progress: Progress, width: int, now: float | None = None) -> str:
    """'[######------]  120/1,000 files · 0.4/3.3 MB · 1.2 MB/s · 0:03 left', cut to `width`."""
    if progress.bytes_total:
        share = progress.bytes_done / progress.bytes_total
    else:
        share = progress.files_done / progress.files_total if progress.files_total else 0.0
    filled = int(BAR_WIDTH * min(1.0, share))
    line = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {progress.describe(now)}"
    return line[: max(0, width - 1)]  # never the last column: writing there wraps some terminals


class ProgressBar:
    """Draws a Progress on a terminal's stderr, out of the way of the lines printed to stdout.

    Nothing is written unless the stream is a terminal, so piped or redirected output never holds it.
    """

    def __init__(self, stream: TextIO | None = None, *, show_after: float | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        try:
            self.enabled = self.stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.show_after = _show_after() if show_after is None else show_after
        self._started = time.monotonic()
        self._drawn_at = 0.0
        self._shown = False
        self._last: Progress | None = None

    def update(self, progress: Progress) -> None:
        """Redraw (at most every REDRAW_EVERY seconds, once SHOW_AFTER seconds have passed)."""
        self._last = progress
        now = time.monotonic()
        if not self.enabled or now - self._started < self.show_after or now - self._drawn_at < REDRAW_EVERY:
            return
        self._draw(progress)
        self._drawn_at = now

    def _draw(self, progress: Progress) -> None:
        width = shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r" + bar_line(progress, width) + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Take the bar off its line (before a line is printed, and at the end)."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
            self._drawn_at = 0.0  # drawn again at the next update
