"""Honest failures: a damaged, foreign, newer, empty or unwritable library gets one sentence, is not
changed, can still be read and copied where possible; first launches at once all get the samples."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.model import Anchor, Article
from reader.store import Library, LibraryError, WriteError
from tests.helpers import ROOT, child_env
from tests.helpers import invoke as run
from tests.helpers import run_reader as cli


def sound(path: Path, n: int = 300, *, rollback: bool = True) -> Path:
    """A library of n articles and a highlight: in rollback-journal mode (as a backup is), or in WAL
    mode with everything checkpointed into the file (as the reader leaves it)."""
    with Library(path) as library:
        library.add_articles_bulk(
            Article(title=f"Bài {i}: Hà Nội", body=f"Nội dung {i}. " * 200, date=f"2025-01-{1 + i % 28:02d}")
            for i in range(n)
        )
        library.add_highlight(1, Anchor(0, 3, "Nội"), note="x", tags=["t"])
        library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if rollback:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
    return path


def truncated(path: Path) -> Path:
    data = sound(path, rollback=False).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def byte_flipped(path: Path) -> Path:
    """Page headers flipped in the last two thirds: the schema reads, the articles' pages do not."""
    data = bytearray(sound(path, rollback=False).read_bytes())
    pages = len(data) // 4096
    for page in range(pages // 3, pages):
        for k in range(8):
            data[page * 4096 + k] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def list_index_flipped(path: Path) -> Path:
    """The last leaf page of the list's date index flipped: the first page of the list still reads."""
    sound(path, 3000, rollback=False)
    conn = sqlite3.connect(path)
    leaves = conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'articles_by_date' AND pagetype = 'leaf' ORDER BY path"
    )
    last = leaves.fetchall()[-1][0]
    conn.close()
    data = bytearray(path.read_bytes())
    for k in range(8):
        data[(last - 1) * 4096 + k] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def not_sqlite(path: Path) -> Path:
    path.write_bytes(b"not an SQLite file at all " * 400)
    return path


DAMAGES = {"truncated": truncated, "byte-flipped": byte_flipped, "not SQLite": not_sqlite}


def companions(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


# ---------------------------------------------------------------------------- reads: one sentence


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("args", [["show", "250"], ["list"], ["search", "x"], ["search", "nội"]])
def test_reading_a_damaged_library_says_one_sentence(tmp_path, damage, args):
    db = DAMAGES[damage](tmp_path / "lib.db")
    before = db.read_bytes()
    result = run("--db", str(db), *args)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("Error: ") and "Traceback" not in result.output
    assert "not a usable library" in lines[-1] or "damaged" in lines[-1]
    assert db.read_bytes() == before and companions(db) == []


@pytest.mark.parametrize("damage", DAMAGES)
def test_the_tui_on_a_damaged_library_says_the_sentence_before_any_screen(tmp_path, damage, monkeypatch):
    db = DAMAGES[damage](tmp_path / "lib.db")
    import reader.ui.app

    def no_screen(library):
        raise AssertionError("the TUI was started on a damaged library")

    monkeypatch.setattr(reader.ui.app, "make_app", no_screen)
    monkeypatch.setattr("reader.cli._is_terminal", lambda stream: True)  # as if started in a terminal
    result = run("--db", str(db))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "not a usable library" in result.output


def test_a_large_damaged_library_shows_the_screen_then_closes_with_the_sentence(tmp_path, monkeypatch):
    # Beyond Library.WHOLE_LIST_FIRST_UP_TO articles the whole list is read once the first screen is
    # up (a million rows from a cold disk would hold it back by seconds): damage found then closes it.
    db = list_index_flipped(tmp_path / "lib.db")
    import reader.ui.app

    build, started = reader.ui.app.make_app, []

    def headless(library):
        app = build(library)
        started.append(app)
        run_app = app.run

        async def at_most_a_while(pilot) -> None:  # a reader that does not close fails, not hangs
            for _ in range(600):
                if pilot.app.damage:
                    return
                await asyncio.sleep(0.05)
            pilot.app.exit()

        monkeypatch.setattr(app, "run", lambda: run_app(headless=True, size=(100, 30), auto_pilot=at_most_a_while))
        return app

    monkeypatch.setattr(reader.ui.app, "make_app", headless)
    monkeypatch.setattr("reader.cli._is_terminal", lambda stream: True)
    result = run("--db", str(db))  # a small library: the sentence comes before any screen
    assert not started and result.exit_code == 1 and "not a usable library" in result.output
    monkeypatch.setattr(Library, "WHOLE_LIST_FIRST_UP_TO", 0)
    result = run("--db", str(db))
    assert started, "the screen was not started"
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "not a usable library" in result.output


def test_a_damaged_library_in_a_real_process(tmp_path):
    db = byte_flipped(tmp_path / "lib.db")
    for args in (["show", "250"], ["list"], ["search", "x"]):
        done = cli("--db", str(db), *args)
        assert done.returncode == 1, done
        assert done.stderr.startswith("Error: ") and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------------------- S14: refused means unchanged


def test_a_newer_library_in_rollback_mode_is_refused_without_a_byte_changed(tmp_path):
    db = sound(tmp_path / "lib.db", 5)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('reader', 'm999', 'x')")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(LibraryError, match="newer version"):
        Library(db)
    assert db.read_bytes() == before and before[18:20] == b"\x01\x01"
    assert companions(db) == []
    # In WAL mode, as the reader leaves it: refused without making a -wal or -shm either.
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    before = db.read_bytes()
    result = run("--db", str(db), "list")
    assert result.exit_code == 1 and "newer version" in result.output
    assert db.read_bytes() == before and companions(db) == []


def test_a_damaged_rollback_mode_library_is_opened_read_only_and_not_switched_to_wal(tmp_path):
    db = sound(tmp_path / "lib.db", 300)
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles_by_path'").fetchone()[0]
    conn.close()
    with open(db, "r+b") as f:  # one index page zeroed: the rows still read, the check fails
        f.seek((root - 1) * 4096)
        f.write(b"\xff" * 4096)
    before = db.read_bytes()
    with Library(db) as library:
        assert library.read_only and "damaged" in library.read_only_reason
        assert library.get_article(1).title == "Bài 0: Hà Nội"
        with pytest.raises(WriteError, match="read-only"):
            library.set_article_note(1, "x")
    assert db.read_bytes() == before


# ---------------------------------------------------------------------------- S15: cannot write, can read


def test_on_a_full_disk_the_library_opens_read_only_and_reads_work(tmp_path):
    db = tmp_path / "lib.db"
    assert cli("--db", str(db), "import", str(ROOT / "sample_data")).returncode == 0
    assert cli("--db", str(db), "highlight", "1", "Việt Nam", "--occurrence", "1").returncode == 0
    for args in (["list"], ["show", "1"], ["search", "viet", "nam"], ["export"], ["notes", "1"]):
        done = cli("--db", str(db), *args, max_bytes=1)
        assert done.returncode == 0, (args, done.stderr)
        assert done.stdout.strip() and "read-only" in done.stderr and "Traceback" not in done.stderr
    done = cli("--db", str(db), "check", max_bytes=1)
    assert done.returncode == 0 and "integrity   ok" in done.stdout
    refused = cli("--db", str(db), "tag", "1", "x", max_bytes=1)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1].startswith("Error: the library is open read-only")


# ---------------------------------------------------------------------------- S16: a damaged library


def corrupt_an_index(db: Path) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles_by_path'").fetchone()[0]
    conn.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * 4096)
        f.write(b"\xff" * 4096)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def test_check_then_copy_a_damaged_library_as_it_is_and_no_writes_into_it(tmp_path):
    db = sound(tmp_path / "lib.db")
    corrupt_an_index(db)
    result = run("--db", str(db), "check")
    assert result.exit_code == 1 and "backup --raw" in result.output
    # The usual backup refuses a copy that fails its check, and says what to do instead.
    refused = run("--db", str(db), "backup", str(tmp_path / "copy.db"))
    assert refused.exit_code == 1 and "--raw" in refused.output
    assert not (tmp_path / "copy.db").exists()
    copied = run("--db", str(db), "backup", "--raw", str(tmp_path / "raw.db"))
    assert copied.exit_code == 0, copied.output
    assert (tmp_path / "raw.db").read_bytes() == db.read_bytes()
    # Known to be damaged: reads go on, writes are refused with the reason.
    before = db.read_bytes()
    listed = run("--db", str(db), "list")
    assert listed.exit_code == 0 and "read-only" in listed.output
    written = run("--db", str(db), "tag", "1", "x")
    assert written.exit_code == 1 and "damaged" in written.output
    assert db.read_bytes() == before
    # Restoring a good backup over it ends that.
    good = sound(tmp_path / "good.db", 5)
    assert run("--db", str(good), "backup", str(db), "--force").exit_code == 0
    assert run("--db", str(db), "tag", "1", "x").exit_code == 0


def test_raw_copy_of_a_file_sqlite_cannot_open(tmp_path):
    db = not_sqlite(tmp_path / "lib.db")
    result = run("--db", str(db), "backup", "--raw", str(tmp_path / "raw.db"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "raw.db").read_bytes() == db.read_bytes()
    assert run("--db", str(db), "backup", "--raw", str(tmp_path / "raw.db")).exit_code == 1  # no overwrite


# ---------------------------------------------------------------------------- S17


def test_an_in_memory_library_is_refused(tmp_path):
    result = run("--db", ":memory:", "import", str(ROOT / "sample_data"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: --db :memory: is not a library file")


def test_a_zero_byte_library_is_not_integrity_ok(tmp_path):
    db = tmp_path / "library.db"
    db.write_bytes(b"")
    result = run("--db", str(db), "check")
    assert result.exit_code == 1 and "integrity   ok" not in result.output
    assert "empty" in result.output
    blank = tmp_path / "blank.db"
    sqlite3.connect(blank).execute("PRAGMA user_version = 1").connection.close()  # SQLite, no library
    result = run("--db", str(blank), "check")
    assert result.exit_code == 1 and "no schema" in result.output


def test_a_killed_backups_temporary_file_is_cleaned_on_the_next_run(tmp_path):
    db = sound(tmp_path / "lib.db", 3)
    folder = tmp_path / "copies"
    folder.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = folder / f".b.db.{dead.pid}-0badc0de.tmp"  # named as a backup names it, by a process now gone
    leftover.write_bytes(b"x" * 100_000)
    old = folder / ".b.db.0badc0de.tmp"
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    mine = folder / f".b.db.{os.getpid()}-12345678.tmp"  # a backup running now keeps its file
    mine.write_bytes(b"x")
    assert run("--db", str(db), "backup", str(folder / "b.db")).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(["b.db", mine.name])


def test_eight_first_launches_at_once_all_see_the_sample_articles(tmp_path):
    home = tmp_path / "home"
    env = child_env(READER_HOME=str(home))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "reader.cli", "list"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for _ in range(8)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    failed = [(p.returncode, err) for p, (_, err) in zip(procs, outputs) if p.returncode]
    assert not failed, failed  # each failed launch with what it said on stderr
    for out, _ in outputs:
        assert "No articles" not in out
        assert "Prime Minister Phạm Minh Chính" in out
    with Library(home / "library.db") as library:
        assert library.count_articles() == 2


def test_a_backup_after_writes_holds_them(tmp_path):
    """Opened from a closed WAL file (probed without a -wal), then written: the backup has the writes."""
    db = sound(tmp_path / "lib.db", 3, rollback=False)
    with Library(db) as library:
        library.set_article_note(1, "ghi chú mới")  # in lib.db-wal, not yet in the file
        library.backup(tmp_path / "b.db")
    with Library(tmp_path / "b.db") as copy:
        assert copy.get_article(1).note == "ghi chú mới"


def test_a_read_only_library_file_opens_read_only(tmp_path, monkeypatch):
    """A file SQLite can only read (as in a read-only folder): reads work, a write says why it cannot."""
    import reader.store.library as opening
    from reader.store.connection import connect as real_connect
    from reader.store.errors import ReadError

    db = sound(tmp_path / "lib.db", 3, rollback=False)
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("CREATE TABLE x (y)")
    except sqlite3.Error as error:
        readonly = error
    conn.close()
    assert readonly.sqlite_errorname == "SQLITE_READONLY"

    def connect(path, *, read_only=False, immutable=False):
        if not read_only:
            raise ReadError("attempt to write a readonly database", readonly)
        return real_connect(path, read_only=read_only, immutable=immutable)

    monkeypatch.setattr(opening, "connect", connect)
    result = run("--db", str(db), "show", "1")
    assert result.exit_code == 0 and "Bài 0: Hà Nội" in result.output
    assert "read-only (the library file is read-only)" in result.output
    result = run("--db", str(db), "tag", "1", "x")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: the library is open read-only (the library file is read-only); nothing was saved"
    )


def test_once_a_read_finds_damage_no_write_goes_in(tmp_path):
    db = byte_flipped(tmp_path / "lib.db")
    with Library(db) as library:
        with pytest.raises(LibraryError, match="damaged"):
            library.get_article(250)
        with pytest.raises(WriteError, match="damaged"):
            library.set_article_note(1, "không được ghi")


def test_no_raw_copy_of_a_library_this_program_has_open(tmp_path):
    """A byte copy open()s and close()s the file, which would drop this process's SQLite locks."""
    db = sound(tmp_path / "lib.db", 3, rollback=False)
    with Library(db), pytest.raises(LibraryError, match="open in this program"):
        Library.copy_raw(db, tmp_path / "raw.db")
    assert not (tmp_path / "raw.db").exists()
    assert Library.copy_raw(db, tmp_path / "raw.db") == tmp_path / "raw.db"


def test_another_programs_sqlite_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for args in (["list"], ["import", str(tmp_path)], ["check"], ["show", "1"]):
        out = run("--db", str(path), *args)
        assert out.exit_code == 1, out.output
        assert "is another program's SQLite database (its tables: invoices), not a reader library" in out.output
        assert "Traceback" not in out.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_check_on_a_file_too_damaged_to_open_says_so_itself(tmp_path):
    path = tmp_path / "lib.db"
    assert run("--db", str(path), "import", str(ROOT / "sample_data")).exit_code == 0
    with open(path, "r+b") as f:  # the schema page, after the 100-byte header
        f.seek(100)
        f.write(b"\xff" * 3000)
    out = run("--db", str(path), "check")
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "integrity   FAILED" in out.output and "too damaged to open" in out.output
    assert "Run `reader check`" not in out.output and "reader backup --raw COPY" in out.output
