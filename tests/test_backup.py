"""`reader backup`, `reader check`, and the backup and integrity check taken before an upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.model import Anchor, Article
from reader.store import Library, LibraryError
from reader.store.migrations import migrations
from tests.helpers import child_env
from tests.helpers import invoke as run


def filled(path: Path, n: int = 300) -> Library:
    """A library with n articles (enough for multi-page tables and indexes) and two highlights."""
    library = Library(path)
    library.add_articles_bulk(
        Article(
            title=f"Bài {i}: Hà Nội",
            body=f"Nội dung {i}. " * 20,
            date=f"2025-01-{1 + i % 28:02d}",
            path=f"/news/{i:05d}.txt",
        )
        for i in range(n)
    )
    library.add_highlight(1, Anchor(0, 7, "Nội dun"), note="giữ lại", tags=["ghi chú"])
    library.add_highlight(2, Anchor(0, 3, "Nội"), note="thứ hai")
    return library


def snapshot(path: Path) -> dict:
    """What a library holds, table by table (read with a plain connection)."""
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in ("articles", "highlights", "tags", "highlight_tags", "_sqlite_migrations")
        }
    finally:
        conn.close()


def corrupt_an_index(path: Path) -> None:
    """Zero one page of an index: integrity_check fails, yet the file opens and the schema reads."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")  # everything in the main file
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles_by_path'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * page_size)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")  # as the reader leaves it, so opening changes no byte
    conn.close()


class NewerReader:
    """A temporary migration after the shipped ones, as a newer reader would have."""

    name = "m900_fault_test"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def register(self) -> None:
        def m900_fault_test(db) -> None:
            self.calls.append(1)
            db.execute("ALTER TABLE highlights ADD COLUMN fault_test TEXT NOT NULL DEFAULT ''")

        migrations.register(m900_fault_test, self.name)

    def unregister(self) -> None:
        migrations.unregister(self.name)


@pytest.fixture
def newer():
    """Call newer.register() to turn this code into a "newer reader"; always undone afterwards."""
    newer = NewerReader()
    try:
        yield newer
    finally:
        newer.unregister()


def backups_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".backup-before-*"))


# ---------------------------------------------------------------------------- reader backup


def test_backup_writes_a_checked_single_file_copy_and_never_overwrites(tmp_path):
    db = tmp_path / "lib.db"
    filled(db).close()
    target = tmp_path / "copies" / "lib-backup.db"
    target.parent.mkdir()
    result = run("--db", str(db), "backup", str(target))
    assert result.exit_code == 0, result.output
    assert f"to {target}" in result.output and "300 articles, 2 highlights" in result.output
    assert snapshot(target) == snapshot(db)
    # A self-contained file: rollback-journal mode in its header, nothing beside it.
    assert target.read_bytes()[18:20] == b"\x01\x01"
    assert sorted(p.name for p in target.parent.iterdir()) == ["lib-backup.db"]
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # `reader check` on the backup reads it without changing a byte (not even its journal mode).
    before = target.read_bytes()
    result = run("--db", str(target), "check")
    assert result.exit_code == 0 and "articles    300" in result.output
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["lib-backup.db"]

    result = run("--db", str(db), "backup", str(target))
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    assert target.read_bytes() == before

    with Library(db) as library:
        library.set_highlight_note(1, "đã sửa")
    result = run("--db", str(db), "backup", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert snapshot(target)["highlights"][0][8] == "đã sửa"  # the note column
    assert sorted(p.name for p in target.parent.iterdir()) == ["lib-backup.db"]  # no temp files left


@pytest.mark.parametrize(
    "where, message",
    [
        ("self", "is the library itself"),
        ("wal", "is the library itself"),
        ("folder", "folder"),
        ("missing-folder", "no folder"),
    ],
)
def test_backup_refuses_bad_targets_with_a_clear_message(tmp_path, where, message):
    db = tmp_path / "lib.db"
    filled(db, 5).close()
    target = {
        "self": db,
        "wal": tmp_path / "lib.db-wal",
        "folder": tmp_path,
        "missing-folder": tmp_path / "nowhere" / "b.db",
    }[where]
    before = snapshot(db)
    result = run("--db", str(db), "backup", str(target), "--force")
    assert result.exit_code != 0
    assert message in result.output or "is a directory" in result.output  # click's own check for a folder
    assert "Traceback" not in result.output
    assert snapshot(db) == before


def test_backup_refuses_to_replace_a_library_that_is_open(tmp_path):
    db, other = tmp_path / "lib.db", tmp_path / "other.db"
    filled(db, 5).close()
    with Library(other) as library:  # open: other.db-wal exists
        library.add_article(Article(title="mine", body="do not clobber"))
        result = run("--db", str(db), "backup", str(other), "--force")
        assert result.exit_code == 1 and "in use" in result.output
        assert library.count_articles() == 1


def test_backup_while_another_program_holds_a_write_transaction(tmp_path):
    db = tmp_path / "lib.db"
    filled(db, 20).close()
    app = Library(db)  # the reader, open, in the middle of a write
    app.conn.execute("BEGIN IMMEDIATE")
    app.conn.execute("UPDATE highlights SET note = 'not yet committed' WHERE id = 1")
    try:
        result = run("--db", str(db), "backup", str(tmp_path / "b.db"))
        assert result.exit_code == 0, result.output
    finally:
        app.conn.execute("COMMIT")
    copy = snapshot(tmp_path / "b.db")
    assert copy["highlights"][0][8] == "giữ lại"  # a consistent snapshot: committed data only
    assert len(copy["articles"]) == 20
    app.close()


# ---------------------------------------------------------------------------- reader check


def test_check_reports_a_sound_library(tmp_path):
    db = tmp_path / "lib.db"
    with filled(db, 10) as library:
        library.conn.execute("UPDATE highlights SET orphan = 1 WHERE id = 2")
        version = library.schema_version()
    result = run("--db", str(db), "check")
    assert result.exit_code == 0, result.output
    lines = dict(line.split(None, 1) for line in result.output.splitlines())
    assert lines["integrity"] == "ok"
    assert lines["schema"] == version
    assert lines["articles"] == "10"
    assert lines["highlights"] == "2 (1 orphaned: passage no longer found)"
    assert lines["tags"] == "1"


def test_check_fails_on_a_damaged_library_and_changes_nothing(tmp_path):
    db = tmp_path / "lib.db"
    filled(db).close()
    corrupt_an_index(db)
    before = db.read_bytes()
    result = run("--db", str(db), "check")
    assert result.exit_code == 1
    assert "integrity   FAILED" in result.output
    assert "restore" in result.output and "Traceback" not in result.output
    assert db.read_bytes() == before


def test_check_of_a_missing_or_foreign_file(tmp_path):
    result = run("--db", str(tmp_path / "none.db"), "check")
    assert result.exit_code == 1 and "no library at" in result.output
    assert not (tmp_path / "none.db").exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all " * 300)
    result = run("--db", str(junk), "check")
    assert result.exit_code == 1 and "not a usable library" in result.output


def test_check_does_not_upgrade(tmp_path, newer):
    db = tmp_path / "lib.db"
    filled(db, 5).close()
    newer.register()
    before = snapshot(db)
    result = run("--db", str(db), "check")
    assert result.exit_code == 0
    assert "1 upgrade pending: m900_fault_test" in result.output
    assert snapshot(db) == before and backups_of(db) == []


# ---------------------------------------------------------------------------- before an upgrade


def test_an_upgrade_backs_up_the_library_first(tmp_path, newer):
    db = tmp_path / "lib.db"
    filled(db).close()
    before = snapshot(db)
    newer.register()
    with Library(db) as library:
        assert library.schema_version() == "m900_fault_test"
        assert "fault_test" in library.db["highlights"].columns_dict
        (backup,) = backups_of(db)
        assert library.upgrade_backup == backup
    assert backup.name.startswith("lib.db.backup-before-m900_fault_test-")
    assert snapshot(backup) == before  # the library exactly as it was, at the old schema
    assert "fault_test" not in [r[1] for r in sqlite3.connect(backup).execute("PRAGMA table_info(highlights)")]
    # Opening again: nothing pending, no second backup.
    Library(db).close()
    assert len(backups_of(db)) == 1


def test_the_cli_says_where_the_pre_upgrade_backup_is(tmp_path, newer):
    db = tmp_path / "lib.db"
    filled(db, 3).close()
    newer.register()
    result = CliRunner().invoke(main, ["--db", str(db), "list"], catch_exceptions=False)
    assert result.exit_code == 0
    (backup,) = backups_of(db)
    assert str(backup) in result.output  # stderr is mixed into output by CliRunner


def test_a_new_library_is_created_without_a_backup(tmp_path):
    Library(tmp_path / "new.db").close()
    assert backups_of(tmp_path / "new.db") == []


def test_an_old_schema_library_is_backed_up_before_the_shipped_upgrades(tmp_path):
    """Built with the first migration only, then opened by this code (whatever it ships after m001)."""
    later = list(migrations.names[1:])
    if not later:
        pytest.skip("only one migration is shipped")
    db = tmp_path / "old.db"
    from sqlite_utils import Database

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    old = Database(conn)
    migrations.apply(old, stop_before=later)
    conn.execute(
        "INSERT INTO articles (content_hash, title, body, date, imported_at, updated_at) "
        "VALUES ('h1', 'Đà Nẵng', 'Thân bài.', '2025-01-01', 'x', 'x')"
    )
    conn.commit()
    conn.close()
    with Library(db) as library:
        assert library.schema_version() == migrations.names[-1]
        assert library.get_article(1).title == "Đà Nẵng"
    (backup,) = backups_of(db)
    assert backup.name.startswith(f"old.db.backup-before-{later[0]}-")
    names = [r[0] for r in sqlite3.connect(backup).execute("SELECT name FROM _sqlite_migrations")]
    assert names == ["m001_initial"]


def test_a_damaged_library_is_not_upgraded_and_not_touched(tmp_path, newer):
    db = tmp_path / "lib.db"
    filled(db).close()
    corrupt_an_index(db)
    newer.register()
    before = db.read_bytes()
    with pytest.raises(LibraryError, match="failed its integrity check.*not upgraded to m900_fault_test.*not changed"):
        Library(db)
    assert newer.calls == []  # the migration never ran
    assert db.read_bytes() == before
    assert backups_of(db) == []
    # The CLI says the same, without a traceback.
    result = run("--db", str(db), "list")
    assert result.exit_code == 1 and "failed its integrity check" in result.output
    assert db.read_bytes() == before


def test_a_failed_backup_stops_the_upgrade(tmp_path, newer, monkeypatch):
    db = tmp_path / "lib.db"
    filled(db, 5).close()
    newer.register()
    before = snapshot(db)

    def no_room(self, target, *, force=False):
        raise LibraryError(f"the backup to {target} failed: the disk is full")

    monkeypatch.setattr(Library, "backup", no_room)
    with pytest.raises(LibraryError, match="not upgraded to m900_fault_test, because the backup taken first failed"):
        Library(db)
    assert newer.calls == [] and snapshot(db) == before


def test_two_programs_opening_an_old_library_at_once_upgrade_it_once(tmp_path):
    import subprocess
    import sys
    import textwrap

    db = tmp_path / "lib.db"
    filled(db, 50).close()
    code = textwrap.dedent("""
        import sys, time
        from reader.store.migrations import migrations
        def m900_fault_test(db):
            time.sleep(0.3)  # a slow upgrade, so that the other program arrives during it
            db.execute("ALTER TABLE highlights ADD COLUMN fault_test TEXT NOT NULL DEFAULT ''")
        migrations.register(m900_fault_test)
        from reader.store import Library
        with Library(sys.argv[1]) as library:
            print(library.schema_version(), library.upgrade_backup is not None)
    """)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert sorted(out.strip() for out, _ in results) == ["m900_fault_test False", "m900_fault_test True"]
    assert len(backups_of(db)) == 1
