"""Hostile articles through a real pseudo-terminal: no payload reaches the terminal, the app survives.

The reader runs as a user would start it (`python -m reader.cli --db X`) on a pty with
TERM=xterm-256color and a 120x40 window; the test opens each article, moves through it,
highlights sentences (so the notes pane shows them too) and quits, reading every byte the program
writes. Textual's own output is CSI drawing sequences and one OSC (22: pointer shape); anything
else, and any payload marker, fails the test.
"""

from __future__ import annotations

import os
import re
import select
import signal
import struct
import sys
import time
from pathlib import Path

import pytest

from reader.services.imports import import_paths
from reader.store import Library
from tests.helpers import ROOT

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("needs a POSIX pty", allow_module_level=True)
import fcntl  # noqa: E402
import pty  # noqa: E402
import termios  # noqa: E402

COLS, ROWS = 120, 40
SHIFT_TAB = b"\x1b[Z"

# Each paragraph starts with a visible label, so the test can tell the article was really drawn.
HOSTILE_TXT = "\n\n".join(
    [
        "Tiêu đề độc \x1b]0;evil-title\x07 [bold]not bold[/] \u202eRLO",
        "P1 osc52 \x1b]52;c;ZXZpbC1jbGlwYm9hcmQ=\x07 after. P1b \x1b]52;p;?\x1b\\ query.",
        "P2 window \x1b]2;evil-window\x1b\\ and \x1b]1;evil-icon\x07 after.",
        "P3 link \x1b]8;;http://evil.example/osc8\x1b\\click me\x1b]8;;\x1b\\ after.",
        "P4 screen \x1b[2J\x1b[6666;7777H\x1b[31mred\x1b[0m \x1b[5n \x1b[21t \x1b[?1049l \x1bc \x1b7\x1b8 after.",
        "P5 dcs \x1bP1$qm\x1b\\ sixel \x1bPq#0;2;0;0;0#0!10~\x1b\\ after.",
        "P6 apc \x1b_Gf=100,a=T;AAAA\x1b\\ pm \x1b^privacy\x1b\\ sos \x1bXsos-string\x1b\\ after.",
        "P7 c1 \u009b2J \u009d0;evil-c1\u009c \u0090dcs-c1\u009c \u009fapc-c1\u009c \u0085nel after.",
        "P8 unterminated \x1b]0;evil-unterminated",
        "P9 bidi \u202ereversed\u202c \u2066isolate\u2069 zero\u200bwidth \u200fmark after.",
        "P10 markup [/] and [link=http://evil.example/markup]L[/link] after.",
        "P11 action [@click=app.quit]Q[/] [on red]x[/on red] \\[esc] after.",
        "P12 lone escapes \x1b[ \x1b] \x1bP \x1b",
    ]
)
HOSTILE_MD = """---
title: "MD \\x1b]0;evil-yaml\\x07 [link=http://evil.example/yaml]t[/link] \\u202Etitle"
date: 2030-01-01
place: "\\u202Eplace \\x1b]2;evil-place\\x07"
source: "\\x9b2J src \\x1b_apc-yaml\\x1b\\\\"
tags: ["evil\\x1b]52;c;dGFn\\x07tag", "[link=http://evil.example/tag]t[/link]", "[/]"]
---

Q1 yaml body \x1b]52;c;Ym9keQ==\x07 after.

Q2 [@click=app.bell]bell[/] \x1b[6666;7777H after.
"""
# Not UTF-8: the raw bytes 0x9b/0x9d are 8-bit CSI/OSC to a terminal in a legacy mode.
LATIN_BYTES = b"R1 latin \x9b2J caf\xe9 \x9d0;evil-latin\x9c after.\n\nR2 \x1b]0;evil-latin2\x07 done.\n"

MARKERS = [
    b"evil-title",
    b"evil-window",
    b"evil-icon",
    b"ZXZpbC1jbGlwYm9hcmQ",
    b"evil.example/osc8",
    b"evil-c1",
    b"evil-unterminated",
    b"evil-yaml",
    b"evil-place",
    b"apc-yaml",
    b"dGFn",
    b"Ym9keQ",
    b"evil-latin",
    b"sos-string",
    b"privacy",
    b"AAAA",
    b"\x1b[6666;7777H",
    b"\x1b[2J",
    b"\x1b[5n",
    b"\x1b[21t",
    b"\x1bc",
    b"\x1b7",
    b"\x1b8",
]
# What Textual itself sends: SGR, cursor moves, private modes and their queries, kitty keyboard.
ALLOWED_CSI = re.compile(rb"\x1b\[(?:[0-9;:]*m|\d+;\d+H|\?\d+[hl]|\?\d+\$p|[<>]\d*u)")
ALLOWED_OSC = (b"\x1b]22;",)  # pointer shape


def run_in_pty(argv: list[str], env: dict, steps, timeout: float = 60.0) -> tuple[bytes, int]:
    """Run argv on a new pty; perform steps [(keys, wait)]: send keys, then wait for what `wait` says.

    wait is bytes to see, or a test on the output so far, or None: a redraw (output that then stops
    for a moment), waited for up to a few seconds. Waiting on output rather than on the clock keeps
    the test quick on an idle machine and sure on a busy one.
    """
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the window, then become the program
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    out = bytearray()
    eof = False

    def pump(seconds: float, until=None, quiet: float | None = None) -> bool:
        """Read output for up to `seconds`, until `until(out)` holds or new output has paused for `quiet` s."""
        nonlocal eof
        deadline = time.monotonic() + seconds
        last = None  # when output last came
        while not eof:
            if until is not None and until(out):
                return True
            now = time.monotonic()
            if quiet is not None and last is not None and now - last >= quiet:
                return True
            left = deadline - now
            if left <= 0:
                break
            ready, _, _ = select.select([fd], [], [], min(left, quiet or 0.1))
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                if chunk:
                    out.extend(chunk)
                    last = time.monotonic()
                else:
                    eof = True
        return until is None or until(out)

    try:
        for keys, wait in steps:
            if keys:
                os.write(fd, keys)
            if wait is None:
                pump(5.0, quiet=0.05)
            else:
                test = (lambda seen, wanted=wait: wanted in seen) if isinstance(wait, bytes) else wait
                assert pump(timeout, test), f"never saw {wait!r}; the end of the output: {bytes(out[-3000:])!r}"
        pump(timeout)  # until the program closes the terminal
        deadline = time.monotonic() + 15
        while not (reaped := os.waitpid(pid, os.WNOHANG))[0]:
            assert time.monotonic() < deadline, "the reader did not exit after q"
            time.sleep(0.05)
        status = reaped[1]
    except BaseException:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
        raise
    finally:
        os.close(fd)
    return bytes(out), status


BODIES = (b"P1 osc52", b"Q1 yaml body", b"R2  done.")  # where each article's body begins


def articles_drawn(n: int):
    """A test on the output: the bodies of n of the three articles have been drawn."""
    return lambda out: sum(body in out for body in BODIES) >= n


def visible(out: bytes) -> str:
    """The output with escape sequences taken out: roughly the text that was drawn."""
    return re.sub(
        r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[^\[\]])", "", out.decode("utf-8", "replace")
    )


@pytest.fixture
def hostile_library(tmp_path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "a-hostile.txt").write_text(HOSTILE_TXT, encoding="utf-8")
    (folder / "b-hostile.md").write_text(HOSTILE_MD, encoding="utf-8")
    latin = tmp_path / "c-latin.txt"
    latin.write_bytes(LATIN_BYTES)
    db = tmp_path / "hostile.db"
    with Library(db) as library:
        # latin-1 maps 0x9b to U+009B: the 8-bit CSI itself, which must not survive.
        results = list(import_paths(library, [folder])) + list(import_paths(library, [latin], "latin-1"))
        assert [r.status for r in results] == ["imported"] * 3, results
    return db


def test_hostile_articles_never_reach_the_terminal(hostile_library, tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "READER_HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(ROOT),
    }
    # Each step waits for the screen to answer; opening an article waits for its body.
    read_an_article = [(key, None) for key in (b"j", b"h", b"j", b"j", b"h", b"j", SHIFT_TAB)]
    steps = [
        (None, b"Articles (3)"),
        (b"\r", articles_drawn(1)),
        *read_an_article,  # the first article in the list
        (b"j", None),
        (b"\r", articles_drawn(2)),
        *read_an_article,  # the second
        (b"j", None),
        (b"\r", articles_drawn(3)),
        *read_an_article,  # the third
        (b"q", None),
    ]
    out, status = run_in_pty([sys.executable, "-m", "reader.cli", "--db", str(hostile_library)], env, steps)
    text = visible(out)

    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, text[-3000:]
    assert "Traceback" not in text
    # The articles really were drawn (bodies, the notes pane) ...
    for label in ("P1 osc52", "P9 bidi", "Q1 yaml body", "R1 latin"):
        assert label in text, label
    assert "⟨U+202E⟩" in text  # a bidi override is shown, not obeyed
    assert "[/]" in text and "[@click=app.quit]Q[/]" in text  # markup stays text
    # ... and no payload came through as a control sequence.
    found = [marker for marker in MARKERS if marker in out]
    assert found == []
    for osc in re.finditer(rb"\x1b\]", out):
        assert out.startswith(ALLOWED_OSC, osc.start()), out[osc.start() : osc.start() + 40]
    for introducer in (b"\x1bP", b"\x1b_", b"\x1b^", b"\x1bX"):  # DCS, APC, PM, SOS
        assert introducer not in out
    for csi in re.finditer(rb"\x1b\[[0-?]*[ -/]*[@-~]", out):
        assert ALLOWED_CSI.fullmatch(csi.group()), csi.group()
    decoded = out.decode("utf-8", "replace")
    assert not re.search("[\u0080-\u009f]", decoded), "an 8-bit control reached the terminal"
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b-\u200f]", decoded), (
        "a raw bidi/zero-width mark reached the terminal"
    )
    # Only the escapes Textual sends: every ESC starts a CSI or an allowed OSC.
    for esc in re.finditer(rb"\x1b", out):
        assert out[esc.start() + 1 : esc.start() + 2] in (b"[", b"]"), out[esc.start() : esc.start() + 20]


def test_text_already_in_a_library_file_is_sanitised_on_the_way_out(tmp_path):
    import sqlite3

    from click.testing import CliRunner

    from reader.cli import main
    from reader.model import Article

    db = tmp_path / "foreign.db"
    with Library(db) as library:
        article_id = library.add_article(Article(title="x", body="clean"))[1].id
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE articles SET title = ?, body = ? WHERE id = ?",
        ("T \x1b]0;evil-title\x07", "B \x1b]52;c;ZXZpbA==\x07 \u202e \x9b2J", article_id),
    )
    conn.commit()
    conn.close()
    result = CliRunner().invoke(main, ["--db", str(db), "show", str(article_id)])
    assert result.exit_code == 0
    assert not re.search("[\x1b\u0080-\u009f\u202a-\u202e]", result.output)
