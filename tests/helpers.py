"""Helpers shared by the test modules: where things are, NFD text, and the CLI run as a user runs it."""

from __future__ import annotations

import os
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


def cli(db: Path, *args: str, preexec_fn: Callable[[], None] | None = None) -> subprocess.CompletedProcess:
    """One run of the real command in its own process, as a user would type it."""
    return subprocess.run(
        [sys.executable, "-m", "reader.cli", "--db", str(db), *args],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        preexec_fn=preexec_fn,
    )


def invoke(*args: str) -> Result:
    """The CLI in-process; any exception that is not a clean click error fails the test."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
