"""Maintenance: the integrity check, `reader check`'s report, compaction, and backups (checked or raw)."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from reader.fs import clean_stale_temporaries, fsync_path, temporary_name
from reader.store import rows
from reader.store.connection import BUSY_TIMEOUT_MS, connect
from reader.store.errors import LibraryError, ReadError, WriteError, backup_reason, code, detail, write_failed
from reader.store.migrations import migrations


@dataclass(frozen=True)
class CheckReport:
    """What `reader check` found: integrity problems (none when sound), schema and counts."""

    path: Path
    problems: list[str]
    schema_version: str
    pending: list[str]
    articles: int | None
    highlights: int | None
    orphans: int | None
    tags: int | None
    size: int = 0  # bytes of the library file
    unused: int | None = None  # bytes of it in pages nothing uses (a compaction gives them back)

    @property
    def ok(self) -> bool:
        """True when SQLite found nothing wrong."""
        return not self.problems


def _same_file(a: Path, b: Path) -> bool:
    """True if two paths name the same file (or one of its -wal/-shm companions)."""
    try:
        if a.exists() and os.path.samefile(a, b):
            return True
    except OSError:
        pass
    a, b = a.resolve(), b.resolve()
    return a in (b, b.with_name(b.name + "-wal"), b.with_name(b.name + "-shm"), b.with_name(b.name + "-journal"))


def _place(tmp: Path, target: Path, force: bool) -> None:
    """Move the finished copy into place: replace with `force`, else never over an existing file."""
    exists = LibraryError(f"{target} already exists; nothing was written (use --force to replace it)")
    if force:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails, unlike a rename, if the target appeared meanwhile
    except FileExistsError:
        raise exists from None
    except OSError:  # a filesystem without hard links
        if os.path.lexists(target):
            raise exists from None
        os.replace(tmp, target)
    else:
        os.unlink(tmp)


def _sqlite_temporary_folder() -> Path:
    """Where SQLite writes its temporary files (a VACUUM's copy): as its unix VFS chooses."""
    for folder in (os.environ.get("SQLITE_TMPDIR"), os.environ.get("TMPDIR"), "/var/tmp", "/usr/tmp", "/tmp", "."):
        if folder and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            return Path(folder)
    return Path(".")


def _backup_target(library: Path, target: str | Path, force: bool) -> Path:
    """The backup's file, checked: not a folder, not the library, not over a file unless `force`."""
    target = Path(target).expanduser()
    if target.is_dir():
        raise LibraryError(f"{target} is a folder; give the name of the backup file to write")
    if _same_file(target, library):
        raise LibraryError(f"{target} is the library itself; choose another file")
    if not force and os.path.lexists(target):
        raise LibraryError(f"{target} already exists; nothing was written (use --force to replace it)")
    if any(os.path.lexists(f"{target}{suffix}") for suffix in ("-wal", "-shm", "-journal")):
        # Replacing a library under its log would mix the log into the new file, and a program
        # that has it open would go on writing to the old one.
        raise LibraryError(
            f"{target} is a library in use (or not closed cleanly: {target.name}-wal is beside it); "
            "close every reader using it (open and quit it once if it crashed) and try again"
        )
    if not target.parent.is_dir():
        raise LibraryError(f"there is no folder {target.parent}; nothing was written")
    clean_stale_temporaries(target.parent, target.name)
    return target


def _raw_copy(source: Path, target: Path, force: bool) -> Path:
    """The library file (and its -wal beside the copy, so nothing committed is left out), as it is."""
    import shutil  # only a raw copy needs it: not loaded with every command

    tmp = temporary_name(target)
    wal = Path(f"{source}-wal")
    try:
        shutil.copyfile(source, tmp)
        fsync_path(tmp)
        _place(tmp, target, force)  # first: a -wal is only ever written beside its own copy
        if wal.exists() and wal.stat().st_size:
            shutil.copyfile(wal, f"{target}-wal")
            fsync_path(Path(f"{target}-wal"))
        fsync_path(target.parent)
    except OSError as error:
        raise LibraryError(f"the copy to {target} failed: {backup_reason(error)}") from error
    finally:
        try:
            tmp.unlink()
        except OSError:
            pass
    return target


class Maintenance:
    """The maintenance room of the Library."""

    def integrity_problems(self, limit: int = 20, *, quick: bool = False) -> list[str]:
        """What SQLite's integrity and foreign-key checks find wrong; empty when the file is sound.

        `quick`: SQLite's quick_check, which leaves out comparing each index with its table.
        """
        if self.path.exists() and self.path.stat().st_size == 0:
            return ["the file is empty (0 bytes): it holds no library"]
        check = "quick_check" if quick else "integrity_check"
        try:
            problems = [rows.text_of(r[0]) for r in self.conn.execute(f"PRAGMA {check}({int(limit)})")]
            if problems == ["ok"]:
                problems = []
            problems += [
                f"row {rows.text_of(r[1])} of {rows.text_of(r[0])} points at a missing row of {rows.text_of(r[2])}"
                for r in self.conn.execute("PRAGMA foreign_key_check").fetchmany(limit)
            ]
        except ReadError as error:
            problems = [detail(error.cause) if error.cause else str(error)]
        return problems

    # Up to this many articles the whole list is read before the first screen (~40 ms per 100,000
    # warm, ten times that from a cold disk); beyond, after it, in a worker.
    WHOLE_LIST_FIRST_UP_TO = 100_000

    def check_readable(self) -> None:
        """Read what opening the reader reads first (schema, the first page, tags), and, in a small
        library, the list's whole index too.

        Raises a ReadError with a sentence for the user when the file is damaged, before a screen starts.
        A larger library's whole list is read by check_rest once the first screen is drawn.
        """
        self.applied_migrations()
        self.page_articles(limit=100)
        self.tags()
        if self._whole_list_first():
            self.check_whole_list()

    def check_rest(self) -> None:
        """What check_readable left for after the first screen: a large library's whole list."""
        if not self._whole_list_first():
            self.check_whole_list()

    def _whole_list_first(self) -> bool:
        largest = self.conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0  # one b-tree step
        return largest <= self.WHOLE_LIST_FIRST_UP_TO

    def check_whole_list(self) -> None:
        """Read the whole of the list's index, as scrolling will (a ReadError if damaged); the list counts on its own."""
        try:
            self.conn.execute(
                "SELECT count(*), sum(length(title)) FROM articles INDEXED BY articles_by_date WHERE date IS NOT NULL"
            ).fetchone()
        except ReadError as error:
            if code(error.cause) != "SQLITE_ERROR":  # SQLITE_ERROR: an older schema, without that index
                raise

    def check(self) -> CheckReport:
        """Integrity, schema version and counts, for `reader check`; reads only."""
        problems = self.integrity_problems()
        if problems and self.read_only_immutable and self._has_log():
            # Read as immutable, and a program started writing meanwhile: look again, as SQLite reads.
            self.conn.close()
            self.conn = connect(self.path, read_only=True)
            self.read_only_immutable = False
            problems = self.integrity_problems()
        if not problems and not self.applied_migrations():  # a blank SQLite file is not a sound library
            problems = ["the file holds no reader library (no schema)"]

        def count(sql: str) -> int | None:
            try:
                return self.conn.execute(sql).fetchone()[0]
            except LibraryError:  # a damaged table: the problems say why
                return None

        try:
            applied = self.applied_migrations()
            version = applied[-1] if applied else ""
            pending = [name for name in migrations.names if name not in applied]
        except LibraryError:
            version, pending = "unreadable", []
        return CheckReport(
            path=self.path,
            problems=problems,
            schema_version=version,
            pending=pending,
            articles=count("SELECT count(*) FROM articles"),
            highlights=count("SELECT count(*) FROM highlights"),
            orphans=count("SELECT count(*) FROM highlights WHERE orphan = 1"),
            tags=count("SELECT count(*) FROM tags"),
            size=self.path.stat().st_size,
            unused=self.unused_bytes(),
        )

    def unused_bytes(self) -> int | None:
        """Bytes of the file in pages nothing uses (left by deletions and upgrades); None if unreadable."""
        try:
            free = self.conn.execute("PRAGMA freelist_count").fetchone()[0]
            page = self.conn.execute("PRAGMA page_size").fetchone()[0]
        except LibraryError:
            return None
        return free * page

    def compact(self) -> tuple[int, bool]:
        """Rewrite the library without its unused pages (SQLite's VACUUM): the bytes given back, and
        whether the file is as small as it gets yet (False while another program has it open).

        SQLite builds the new file as a temporary copy, then writes it through the log: the disk
        must hold about two more copies of what the library uses. Refused, changing nothing, if not,
        and for a damaged library: the rewrite would drop whatever its damaged pages hide.
        """
        if self.read_only_reason:
            raise WriteError(f"the library is open read-only ({self.read_only_reason}); nothing was changed")
        problems = self.integrity_problems(1, quick=True)
        if problems:
            problem = " ".join(problems[0].split())  # SQLite's own report runs over several lines
            self.mark_damaged(problem)
            raise LibraryError(
                f"the library is damaged ({problem}); it was not compacted, which would lose what the damage "
                "hides. Keep the file as it is, make a copy with `reader backup --raw COPY`, and restore your "
                "latest good backup"
            )
        before = self.path.stat().st_size
        used = before - (self.unused_bytes() or 0)
        # The copy goes to SQLite's temporary folder, the log beside the library: one disk or two.
        here, temporary = self.path.parent, _sqlite_temporary_folder()
        if os.stat(temporary).st_dev == os.stat(here).st_dev:
            needs = [(here, 2 * used)]
        else:
            needs = [(here, used), (temporary, used)]
        import shutil  # only compacting and raw copies need it: not loaded with every command

        for folder, needed in needs:
            free = shutil.disk_usage(folder).free
            if free < needed:
                raise LibraryError(
                    f"compacting needs about {needed / 2**20:,.1f} MB of free disk space in {folder}, "
                    f"and {free / 2**20:,.1f} MB is free; nothing was changed"
                )
        try:
            self.conn.execute("VACUUM")
        except (sqlite3.Error, LibraryError) as error:
            raise write_failed(error) from error
        # The log holds the whole new file until a checkpoint copies it back, which waits for every
        # other program's read to end: not waited for here; the last program to close finishes it.
        try:
            with self.not_waiting():
                busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except LibraryError:
            busy = 1
        return before - self.path.stat().st_size, not busy

    def _backup_target(self, target: str | Path, force: bool) -> Path:
        return _backup_target(self.path, target, force)

    @staticmethod
    def copy_raw(source: str | Path, target: str | Path, *, force: bool = False) -> Path:
        """Copy a library file byte for byte, without opening it (the way to keep a damaged one as it is).

        Its -wal, if any, is copied beside the copy, so that nothing committed is left out.
        """
        source = Path(source)
        from reader.store.library import is_open_here

        if is_open_here(source):
            raise LibraryError(f"{source} is open in this program; close it before copying it byte for byte")
        return _raw_copy(source, _backup_target(source, target, force), force)

    def backup(self, target: str | Path, *, force: bool = False) -> Path:
        """Copy the library to `target` with SQLite's online backup: a consistent snapshot, safe
        while other programs use the library. Refuses an existing file unless `force`.

        A damaged library fails the copy's check: copy_raw() keeps it as it is instead.
        """
        target = self._backup_target(target, force)
        tmp = temporary_name(target)
        try:
            # A connection of its own: the backup API never finishes while its source connection
            # is inside a transaction (as it is during an upgrade), it retries forever.
            source = connect(self.path, read_only=True, immutable=self.read_only_immutable)
            try:
                copy = sqlite3.connect(str(tmp), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
                try:
                    source.backup(copy)  # one step: one read transaction, so one consistent snapshot
                    copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
                    verdict = rows.text_of(copy.execute("PRAGMA quick_check").fetchone()[0])
                finally:
                    copy.close()
            finally:
                source.close()
            if verdict != "ok":
                raise LibraryError(
                    f"the backup to {target} failed: the copy failed its check ({verdict}); "
                    "to keep the library as it is, copy it with `reader backup --raw`"
                )
            fsync_path(tmp)
            _place(tmp, target, force)
            fsync_path(target.parent)
            # A checked copy replaces what was there: a restored library is no longer known to be damaged.
            Path(f"{target}.damaged").unlink(missing_ok=True)
        except (OSError, sqlite3.Error, ReadError) as error:
            raise LibraryError(f"the backup to {target} failed: {backup_reason(error)}") from error
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
                try:
                    leftover.unlink()
                except OSError:  # mostly: it is not there, as it should be
                    pass
        return target
