"""Outside text never becomes markup in the TUI, nor escape sequences on the CLI's terminal (issue 14, S1 and S2)."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from click.testing import CliRunner
from textual.command import CommandList, CommandPalette

from reader.cli import main
from reader.store import Library
from reader.ui.app import make_app
from tests.tui_helpers import library_with

CLICK = "[@click=app.screenshot('PWNED.svg','{dir}')]Click me[/]"
LINK = 'zz[link="https://evil.example/x"]site[/link]'
BROKEN = "[/nope]"
PLAIN = "kinh tế"
ESCAPES = "\x1b]0;PWNTITLE\x07\x1b]52;c;UFdORUQ=\x07\x1b[2J"


def _palette_prompts(app) -> list[str]:
    results = app.screen.query_one(CommandList)
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


async def test_tag_names_in_the_palette_are_plain_text(tmp_path):
    library = library_with(tmp_path)
    click_tag = CLICK.format(dir=tmp_path)
    tags = [click_tag, LINK, BROKEN, PLAIN]
    library.set_article_tags(1, tags)
    app = make_app(library)
    async with app.run_test(size=(180, 50)) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Show articles tagged")
        for _ in range(40):  # the palette searches in the background
            await pilot.pause(0.05)
            prompts = _palette_prompts(app)
            if sum("Show articles tagged" in p for p in prompts) == len(tags):
                break
        # Every tag is listed, exactly as written: a broken tag hides no later one.
        for tag in tags:
            assert any(p.startswith(f"Show articles tagged {tag}") for p in prompts), (tag, prompts)
        results = app.screen.query_one(CommandList)
        for i in range(results.option_count):
            prompt = results.get_option_at_index(i).prompt
            for span in getattr(prompt, "spans", []):
                assert "@click" not in str(span.style) and "link" not in str(span.style), span
        # Choosing the "Click me" command filters by that tag; it runs no action hidden in the name.
        index = next(i for i, p in enumerate(_palette_prompts(app)) if click_tag in p)
        results.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.tag_filter == click_tag
        assert not (tmp_path / "PWNED.svg").exists()
        assert app.is_running


def _evil_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"news{ESCAPES}.txt").write_text(" date 2025-01-01 HÀ NỘI — Hello there. More. — VNA/VNS\n")
    (folder / f"bad{ESCAPES}.txt").write_bytes(b"\x00binary")
    return folder


def _no_escapes(output: str) -> None:
    for byte in ("\x1b", "\x07", "\x9b", "\x9d"):
        assert byte not in output, repr(output)


def test_file_names_never_reach_the_terminal_raw(tmp_path):
    folder = _evil_folder(tmp_path)
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "l.db"), "import", str(folder)])
    _no_escapes(result.output)
    assert "imported" in result.output and "refused" in result.output
    assert result.exit_code == 1


def test_queries_and_click_errors_are_sanitised(tmp_path):
    db = str(tmp_path / "l.db")
    Library(db).close()
    runner = CliRunner()
    result = runner.invoke(main, ["--db", db, "search", f"nothing{ESCAPES}"])
    _no_escapes(result.output)
    assert "No article matches" in result.output
    missing = runner.invoke(main, ["--db", db, "import-annotations", str(tmp_path / f"x{ESCAPES}.json")])
    _no_escapes(missing.output)
    assert missing.exit_code == 2
    unknown = runner.invoke(main, ["--db", db, f"nope{ESCAPES}"])
    _no_escapes(unknown.output)
    assert "No such command" in unknown.output


def test_a_file_name_that_is_not_utf8_is_refused_and_the_rest_imported(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    if sys.platform == "darwin":  # macOS file systems refuse such names
        return
    with open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), "wb") as file:
        file.write(b"A title\n\nSome text.\n")
    (folder / "zz-good.txt").write_text("Good title\n\nSome text.\n")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "l.db"), "import", str(folder)])
    assert "not valid UTF-8" in result.output
    assert "imported" in result.output and "Good title" in result.output
    assert "Traceback" not in result.output
    assert result.exit_code == 1


def test_pipes_and_devices_are_refused_without_reading_them(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    big = tmp_path / "sparse.txt"
    with open(big, "wb") as file:
        file.truncate(3 * 1024**3)  # 3 GB of nothing, allocated lazily
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "s.txt"))
    paths = [str(fifo), "/dev/zero", str(big), str(tmp_path / "s.txt")]
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "l.db"), "import", *paths])
    sock.close()
    assert result.output.count("refused    ") == 4, result.output
    assert result.output.count("not a regular file") == 3
    assert "the limit is 20.0 MB" in result.output


async def test_a_library_error_quoting_hostile_text_reaches_the_toast_as_plain_text(tmp_path):
    """A tampered library's trigger message (S3's OSC 52) goes through the workers' one error handler."""
    from tests.tui_helpers import settle

    library = library_with(tmp_path)
    hostile = f"{ESCAPES}{LINK}"
    library.conn.execute(
        "CREATE TRIGGER hostile BEFORE INSERT ON highlights BEGIN SELECT RAISE(ABORT, ?); END".replace(
            "?", "'" + hostile.replace("'", "''") + "'"
        )
    )
    app = make_app(library)
    async with app.run_test(size=(180, 50)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        from textual.widgets._toast import Toast

        shown = [str(Toast(n).render()) for n in app._notifications]
        refused = [t for t in shown if "Highlight not saved" in t]
        assert refused, shown
        assert all("\x1b" not in t and "\x07" not in t for t in shown)
        assert any('[link="https://evil.example/x"]site[/link]' in t for t in refused)
