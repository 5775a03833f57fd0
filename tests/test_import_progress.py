"""The import's progress bar: drawn on stderr when stderr is a terminal (a pty), never in piped output."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reader.cli.progress import bar_line
from reader.services.imports import Progress
from tests.helpers import ROOT, child_env

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("needs a POSIX pty", allow_module_level=True)
import pty  # noqa: E402

BAR = b" files \xc2\xb7 "  # " files · " in UTF-8


def _folder(tmp_path, n=30):
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:03d}.txt").write_text(f"Bài số {i}\n\nHÀ NỘI — Bài {i} về kinh tế.\n", encoding="utf-8")
    return folder


def _run(tmp_path, folder, *, stderr_tty: bool):
    """The CLI import with stdout a pipe and stderr a pty (or a pipe); what each received."""
    env = child_env(READER_PROGRESS_AFTER="0")
    argv = [sys.executable, "-m", "reader.cli", "--db", str(tmp_path / "lib.db"), "import", str(folder)]
    if not stderr_tty:
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, timeout=60)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
        os.close(slave)
        terminal = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the pty's other end: it has exited
                break
            if not chunk:
                break
            terminal += chunk
        out = proc.stdout.read()
        proc.wait(timeout=60)
        return proc.returncode, out, terminal
    finally:
        os.close(master)


def test_the_bar_goes_to_a_terminal_stderr_and_the_report_to_stdout(tmp_path):
    folder = _folder(tmp_path)
    code, out, terminal = _run(tmp_path, folder, stderr_tty=True)
    assert code == 0, terminal
    assert BAR in terminal and b"/30 files" in terminal and b"MB/s" in terminal and b" left" in terminal
    assert terminal.rstrip(b"\r\n").endswith(b"\r\x1b[K"), terminal[-200:]  # taken off its line at the end
    lines = out.decode().splitlines()
    assert sum(line.startswith("imported   ") for line in lines) == 30
    assert lines[-1] == "30 files: 30 imported, 0 updated, 0 unchanged, 0 refused"
    assert b"\r" not in out and b"\x1b" not in out and BAR not in out


def test_no_bar_when_stderr_is_piped(tmp_path):
    folder = _folder(tmp_path)
    code, out, err = _run(tmp_path, folder, stderr_tty=False)
    assert code == 0, err
    assert BAR not in err and b"\r" not in err and b"\x1b" not in err  # stderr may say the library was created
    assert BAR not in out and b"\x1b" not in out
    assert out.decode().splitlines()[-1] == "30 files: 30 imported, 0 updated, 0 unchanged, 0 refused"


def test_the_bar_line_says_files_megabytes_rate_and_time_left():
    progress = Progress(files_total=1000, bytes_total=10 * 1024 * 1024, files_done=250, bytes_done=2621440)
    two_seconds_later = progress.started + 2.0  # 2.5 MB in two seconds: 1.25 MB/s, 6 s left
    line = bar_line(progress, 120, now=two_seconds_later)
    assert line.startswith("[######------------------] 250/1,000 files · 2.5/10.0 MB · 1.2 MB/s · 0:06 left")
    assert len(bar_line(progress, 40, now=two_seconds_later)) == 39  # never the last column
