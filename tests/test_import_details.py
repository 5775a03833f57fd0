"""`reader import` details (issue 12): what a folder import skipped, plurals, --encoding, the size refusal."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from reader import text, wording
from reader.cli import main
from reader.store import Library


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "cli.db"

    def invoke(*args):
        return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)

    invoke.db = db
    return invoke


def _story(path, title="A title", body="Some text."):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")


def test_a_folder_import_names_what_it_skipped(run, tmp_path):
    folder = tmp_path / "in"
    _story(folder / "a.txt", "Kept one")
    _story(folder / "sub" / "b.txt", "Kept two")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")
    (folder / "sub" / "scan.pdf").write_bytes(b"%PDF")
    (folder / "sub" / "other.pdf").write_bytes(b"%PDF")
    (folder / "README").write_text("no extension")
    _story(folder / ".draft.txt", "Hidden file")
    _story(folder / ".git" / "x.txt", "Inside a dot-folder")
    os.symlink(tmp_path / "nowhere.md", folder / "gone.md")
    outside = tmp_path / "elsewhere"
    _story(outside / "c.txt", "Behind a folder link")
    os.symlink(outside, folder / "linked")
    result = run("import", str(folder))
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-2]] == ["imported", "imported"]
    assert lines[-2] == (
        "skipped: 4 files of other kinds (.pdf, no extension, .jpg), "
        f"1 broken link ({folder / 'gone.md'}), "
        f"1 link to a folder (not followed) ({folder / 'linked'}), "
        f"2 hidden files and folders ({folder / '.draft.txt'}, {folder / '.git'})"
    )
    assert lines[-1] == "2 files: 2 imported, 0 updated, 0 unchanged, 0 refused"
    with Library(run.db) as library:
        assert sorted(s.title for s in library.list_articles()) == ["Kept one", "Kept two"]


def test_nothing_skipped_says_nothing_and_one_file_is_one_file(run, tmp_path):
    _story(tmp_path / "in" / "a.txt")
    lines = run("import", str(tmp_path / "in")).stdout.splitlines()
    assert len(lines) == 2 and not any(line.startswith("skipped") for line in lines)
    assert lines[-1] == "1 file: 1 imported, 0 updated, 0 unchanged, 0 refused"


def test_a_dot_file_named_on_the_command_line_is_imported(run, tmp_path):
    _story(tmp_path / ".notes.md", "Asked for by name")
    result = run("import", str(tmp_path / ".notes.md"))
    assert result.stdout.splitlines()[-1] == "1 file: 1 imported, 0 updated, 0 unchanged, 0 refused"


def test_encoding_forces_the_codec_even_for_bytes_that_read_as_utf8(run, tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Café title\n\nDéjà vu.\n".encode())  # valid UTF-8; as Latin-1 it is "CafÃ©"
    assert run("import", "--encoding", "latin-1", str(path)).exit_code == 0
    with Library(run.db) as library:
        [summary] = library.list_articles()
        assert summary.title == "CafÃ© title"
    other = tmp_path / "utf8.txt"
    other.write_bytes("Café again\n\nDéjà vu.\n".encode())
    assert run("import", str(other)).exit_code == 0  # without it, UTF-8 as before
    with Library(run.db) as library:
        assert "Café again" in {s.title for s in library.list_articles()}


def test_a_forced_codec_that_does_not_fit_is_refused(run, tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes("Hà Nội\n\ntext\n".encode())
    result = run("import", "--encoding", "ascii", str(path))
    assert result.exit_code == 1
    assert "refused    " in result.stdout and "cannot decode as ascii (bad bytes at offset 1)" in result.stdout


def test_forced_utf16_and_a_utf8_bom_under_forced_utf8():
    assert text.decode("Tiêu đề\n".encode("utf-16"), "utf-16", force=True) == "Tiêu đề\n"
    assert text.decode(b"\xef\xbb\xbfHi\n", "utf-8", force=True) == "Hi\n"


def test_the_size_refusal_shows_two_sizes_that_differ(run, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as file:
        file.truncate(text.MAX_BYTES + 400 * 1024)  # sparse: nothing is written
    result = run("import", str(big))
    assert result.exit_code == 1
    assert "file is 20.4 MB; the limit is 20.0 MB" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 file: 0 imported, 0 updated, 0 unchanged, 1 refused"


@pytest.mark.parametrize("extra", [1, 100, 1024, 30_000, 52_429, 52_430, 60_000])
def test_sizes_just_over_the_limit_never_read_as_the_limit(extra):
    message = text.too_large(text.MAX_BYTES + extra)
    shown, limit = message.removeprefix("file is ").split("; the limit is ")
    assert shown != limit.split(" (")[0], message


def test_plural():
    assert [wording.plural(n, "file") for n in (0, 1, 2, 1000)] == ["0 files", "1 file", "2 files", "1,000 files"]
    assert wording.plural(1, "link to a folder", "links to folders") == "1 link to a folder"
