"""Full disk: a write that cannot be stored fails cleanly, says why, and leaves earlier work intact.

Two ways to fill the disk: SQLite's `PRAGMA max_page_count` (SQLITE_FULL, what a full disk gives
inside SQLite), and a real OS refusal for a child process (RLIMIT_FSIZE: write() fails, as on a
full disk or an exhausted quota). The note editor's case (the text stays in the editor, the
status line says why) is tested in tests/test_tui_annotate.py.
"""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

import reader.cli
import reader.store
from reader.model import Anchor, Article
from reader.store import Library, WriteError
from tests.helpers import SAMPLES, cli

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("uses RLIMIT_FSIZE (POSIX)", allow_module_level=True)


class FullLibrary(Library):
    """A library whose disk is full: not one more page can be added."""

    def __init__(self, path, **kwargs):
        super().__init__(path, **kwargs)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages}")


@pytest.fixture
def library(tmp_path) -> Library:
    library = Library(tmp_path / "lib.db")
    for i in range(3):
        library.add_article(Article(title=f"Bài {i}", body=f"Hà Nội và Đà Nẵng, bài {i}. " * 10))
    library.add_highlight(1, Anchor(0, 6, "Hà Nội"), note="ghi chú cũ")
    yield library
    library.close()


def fill(library: Library) -> None:
    pages = library.conn.execute("PRAGMA page_count").fetchone()[0]
    library.conn.execute(f"PRAGMA max_page_count = {pages}")


def unfill(library: Library) -> None:
    library.conn.execute("PRAGMA max_page_count = 1073741823")


def test_store_writes_on_a_full_disk_fail_cleanly_and_the_connection_recovers(library):
    before = library.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    fill(library)
    big = "Quảng Ninh " * 20_000
    with pytest.raises(WriteError, match="disk is full; nothing was saved"):
        library.add_articles_bulk(Article(title=f"T{i}", body=big + str(i)) for i in range(20))
    with pytest.raises(WriteError, match="disk is full"):
        library.set_article_note(1, big)
    with pytest.raises(WriteError, match="disk is full"):
        library.add_highlight(2, Anchor(0, 6, "Hà Nội"), note=big)
    with pytest.raises(WriteError, match="disk is full"):
        library.set_highlight_note(1, big)
    assert library.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == before
    assert library.get_article(1).note == ""
    assert [h.note for h in library.highlights(1)] == ["ghi chú cũ"] and library.highlights(2) == []
    assert library.get_highlight(1).note == "ghi chú cũ"
    assert not library.conn.in_transaction
    assert library.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Room again: the same connection saves the same text.
    unfill(library)
    library.set_article_note(1, big)
    assert library.get_article(1).note.startswith("Quảng Ninh Quảng Ninh")


@pytest.mark.parametrize(
    "args, expected",
    [
        (
            ["highlight", "1", "Hà Nội", "--occurrence", "1", "--note", "x" * 50_000],
            "Error: the disk is full; nothing was saved",
        ),
        (["tag", "1", *(f"chủ đề {i} " + "y" * 2000 for i in range(30))], "Error: the disk is full; nothing was saved"),
    ],
)
def test_cli_on_a_full_disk_says_so_without_a_traceback(library, monkeypatch, args, expected):
    monkeypatch.setattr(reader.store, "Library", FullLibrary)
    before = [(h.id, h.note) for h in library.highlights(1)], library.article_tags(1)
    result = CliRunner().invoke(reader.cli.main, ["--db", str(library.path), *args], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.strip() == expected
    assert ([(h.id, h.note) for h in library.highlights(1)], library.article_tags(1)) == before


def test_cli_import_on_a_full_disk_refuses_each_file_and_stores_no_part(library, monkeypatch, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.md").write_text(
            f"---\ntags: [kinh tế]\n---\n# Tin {i}\n\n" + f"Nội dung {i}. " * 5000, encoding="utf-8"
        )
    monkeypatch.setattr(reader.store, "Library", FullLibrary)
    result = CliRunner().invoke(
        reader.cli.main, ["--db", str(library.path), "import", str(folder)], catch_exceptions=False
    )
    assert result.exit_code == 1
    refused = [line for line in result.output.splitlines() if line.startswith("refused")]
    assert len(refused) == 3 and all(line.endswith("the disk is full; nothing was saved") for line in refused)
    assert library.count_articles() == 3 and library.tags() == []


def test_a_real_write_failure_in_a_child_process(tmp_path):
    db = tmp_path / "lib.db"
    assert cli(db, "import", str(SAMPLES)).returncode == 0
    # A note too big for the space left: refused with the reason, and the library stays sound.
    failed = cli(db, "highlight", "1", "Việt Nam", "--occurrence", "1", "--note", "x" * 120_000, max_bytes=100_000)
    assert failed.returncode == 1
    assert (
        failed.stderr.strip()
        == "Error: the library file could not be written (disk I/O error: is the disk full?); nothing was saved"
    )
    check = cli(db, "check")
    assert check.returncode == 0 and "highlights  0" in check.stdout
    # The next write, with room, works.
    assert cli(db, "highlight", "1", "Việt Nam", "--occurrence", "1", "--note", "ok").returncode == 0
    # A backup that does not fit: refused, no half-written file left behind.
    target = tmp_path / "copies" / "b.db"
    target.parent.mkdir()
    failed = cli(db, "backup", str(target), max_bytes=50_000)
    assert failed.returncode == 1
    assert failed.stderr.startswith(f"Error: the backup to {target} failed:") and "Traceback" not in failed.stderr
    assert list(target.parent.iterdir()) == []
