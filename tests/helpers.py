"""Helpers shared by the test modules: where things are, NFD text, and the CLI run as a user runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from reader.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLES = ROOT / "sample_data"


def nfd(s: str) -> str:
    """The decomposed form of s, as a Mac file name or some keyboards give it."""
    return unicodedata.normalize("NFD", s)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python running this checkout (read now: it has this test's READER_HOME)."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
        **extra,
    }


def file_size_limit(max_bytes: int) -> Callable[[], None]:
    """For a child process: writes past max_bytes in any file fail (EFBIG), as on a full disk."""

    def preexec() -> None:
        import resource  # POSIX only, like the tests that use it

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the error code, not the signal that kills
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, resource.RLIM_INFINITY))

    return preexec


def run_reader(*args: str, env: dict | None = None, max_bytes: int | None = None) -> subprocess.CompletedProcess:
    """`reader ARGS` in its own process, as a user would type it (its writes capped at max_bytes if given)."""
    return subprocess.run(
        [sys.executable, "-m", "reader.cli", *args],
        cwd=ROOT,
        env=env or child_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        preexec_fn=file_size_limit(max_bytes) if max_bytes else None,
    )


def cli(db: Path, *args: str, max_bytes: int | None = None) -> subprocess.CompletedProcess:
    """`reader --db DB ARGS` in its own process."""
    return run_reader("--db", str(db), *args, max_bytes=max_bytes)


def invoke(*args: str) -> Result:
    """The CLI in-process; any exception that is not a clean click error fails the test."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
