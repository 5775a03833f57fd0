"""The Library facade: opening a library file safely, then the rooms' methods on one object."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from reader.fs import write_atomic
from reader.store.annotations import Annotations
from reader.store.articles import Articles
from reader.store.connection import Connection, UnitOfWork, connect, install_bookkeeping
from reader.store.errors import LibraryError, ReadError, code, read_failed, reason
from reader.store.indexing import Indexing
from reader.store.listing import Listing
from reader.store.maintenance import Maintenance
from reader.store.migrations import migrations
from reader.store.places import Places
from reader.store.search import Search
from reader.store.tags import Tags
from reader.store.trash import Trash

# What makes writing impossible, so that the library is opened read-only instead of refused.
# Closing any descriptor of a database file drops every POSIX lock this process holds on it, SQLite's
# included ("How To Corrupt An SQLite Database File", 2.2): another connection may then think it is
# the last one and delete the -shm under a live one. So the header is read with a plain open() only
# while no Library of this process has the file open; paths open here are counted.
_OPEN_HERE: Counter[str] = Counter()


def _file_state(path: Path) -> tuple:
    """What changes when another program writes a library: its size and time, its -wal and -shm."""
    try:
        st = os.stat(path)
    except OSError:
        return ()
    logs = tuple(os.path.lexists(f"{path}{suffix}") for suffix in ("-wal", "-shm"))
    return (st.st_size, st.st_mtime_ns, *logs)


_CANNOT_WRITE = {"SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_PERM"}


def is_open_here(path: Path) -> bool:
    """True if a Library of this process has the file open."""
    return bool(_OPEN_HERE[str(Path(path).resolve())])


def damage_marker(path: Path) -> Path:
    """The file beside a library that says `reader check` found it damaged."""
    return path.with_name(path.name + ".damaged")


class Library(Connection, Articles, Listing, Indexing, Search, Tags, Annotations, Trash, Places, Maintenance):
    """A SQLite library of articles, tags, highlights and notes."""

    def __init__(
        self,
        path: str | Path,
        *,
        look_only: bool = False,
        read_only: bool = False,
        on_create: Callable[[Library], object] | None = None,
    ):
        """Open (or create) a library; `look_only` and `read_only` never write a byte.

        `on_create(library)` runs inside the transaction that creates a new library (the first-launch
        sample articles), so another program opening it at the same moment sees the result or waits.
        """
        self.path = Path(path)
        self.upgrade_backup: Path | None = None  # the copy taken before an upgrade, if one ran
        self.upgrade_undo: Path | None = None  # or, for a light upgrade, the SQL that undoes it
        self.read_only_reason: str | None = None
        self.read_only_immutable = False
        self._wal_header: bool | None = None
        self._unit = UnitOfWork(None, self._index, self._adopt_new_rows)
        self._on_create = on_create
        try:
            if self.path.exists() and self.path.stat().st_size > 0:
                self._open_existing_steadily(look_only=look_only, read_only=read_only)
            elif self.path.exists() and (look_only or read_only):
                raise LibraryError(f"{self.path} is empty (0 bytes): it holds no library")
            elif look_only or read_only:
                raise LibraryError(f"there is no library at {self.path}")
            else:
                self._open_writable(new=True)
        except OSError as error:
            raise LibraryError(f"cannot open library {self.path}: {error.strerror or error}") from error
        self._unit.conn = self.conn
        self._key = str(self.path.resolve())
        _OPEN_HERE[self._key] += 1

    # -- opening ---------------------------------------------------------------------------

    def _open_existing_steadily(self, *, look_only: bool, read_only: bool) -> None:
        """Open an existing file; if it changed under the first look (another program was creating
        or closing it: a checkpoint rewrites pages an immutable read trusts), look again."""
        for attempt in range(3):
            before = _file_state(self.path)
            try:
                self._open_existing(look_only=look_only, read_only=read_only)
                return
            except LibraryError:
                if attempt == 2 or _file_state(self.path) == before:
                    raise  # the file stood still: what was found is what it holds
                time.sleep(0.05)

    def _open_read_only(self) -> None:
        """Open without writing a byte, nor creating a -wal or -shm beside the file.

        A WAL file with neither beside it has nothing outside the main file: read it as immutable.
        Otherwise (or when that read fails: another program may be writing) read it as SQLite does,
        falling back to immutable when not even the -shm can be made (a read-only folder, a full disk).
        """
        if self._wal_header and not self._has_log():
            self.conn = connect(self.path, read_only=True, immutable=True)
            try:
                self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                self.read_only_immutable = True
                return
            except ReadError:
                self.conn.close()
                if not self._has_log():  # still alone: the file itself is what failed
                    raise
        self.conn = connect(self.path, read_only=True)
        try:
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except ReadError as error:
            self.conn.close()
            if code(error.cause) not in _CANNOT_WRITE:
                raise
            self.conn = connect(self.path, read_only=True, immutable=True)
            self.read_only_immutable = True

    def _open_existing(self, *, look_only: bool, read_only: bool) -> None:
        # Looked at read-only first: a library refused here (newer, not SQLite, damaged and due an
        # upgrade) is left exactly as it was, not even switched to WAL or given a -wal or -shm.
        self._wal_header = self._read_wal_header()  # before any connection of ours holds a lock on it
        self._open_read_only()
        try:
            self._refuse_another_programs_database()
            if look_only:
                self.read_only_reason = "opened to look only"
                return
            unknown = migrations.unknown(self.conn)
            if unknown:
                raise LibraryError(
                    f"{self.path} was written by a newer version of reader (schema {unknown[-1]}); "
                    "upgrade reader to open it. The file was not changed."
                )
            pending = migrations.pending(self.conn)
            # A light upgrade (triggers only) is not checked first: at a million articles that takes minutes.
            if pending and migrations.applied(self.conn) and not all(m.light for m in pending):
                problems = self.integrity_problems()
                if problems:
                    raise LibraryError(
                        f"{self.path} failed its integrity check ({problems[0]}), so it was not upgraded "
                        f"to {pending[0].name}; the file was not changed. Run `reader check` for details and "
                        "restore it from a backup."
                    )
            marker = damage_marker(self.path)
            if read_only or os.path.exists(marker):
                if not read_only:
                    self.read_only_reason = (
                        "`reader check` found it damaged; copy it with `reader backup --raw`, restore a good "
                        f"backup, and delete {marker.name}"
                    )
                else:
                    self.read_only_reason = "opened read-only"
                    if self.read_only_immutable:  # others may write meanwhile: read as SQLite does
                        self.conn.close()
                        self.conn = connect(self.path, read_only=True)
                        self.read_only_immutable = False
                return
        except ReadError as error:
            self.conn.close()
            raise self._unusable(error) from error
        except LibraryError:
            self.conn.close()
            raise
        probe = self.conn
        if not self._in_wal_mode():
            # Switching to WAL rewrites the header: a damaged file is opened read-only instead.
            problems = self.integrity_problems()
            if problems:
                self.read_only_reason = f"it is damaged ({problems[0]}); run `reader check`"
                return
        try:
            self._open_writable(new=False)
        except ReadError as error:
            if code(error.cause) not in _CANNOT_WRITE:
                probe.close()
                raise self._unusable(error) from error
            # Writing is impossible (read-only file or folder, full disk): reading is not.
            self.read_only_reason = reason(error.cause)
            self.conn = probe
            return
        except BaseException:
            probe.close()
            raise
        probe.close()
        self.read_only_immutable = False  # writable now, with a -wal that an immutable read would miss

    def _refuse_another_programs_database(self) -> None:
        """Refuse an SQLite file that holds tables but was never a library: the schema is not added to it."""
        if migrations.applied(self.conn):
            return
        tables = [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name"
            )
        ]
        if tables:
            shown = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
            raise LibraryError(
                f"{self.path} is another program's SQLite database (its tables: {shown}), not a reader library; "
                "the file was not changed. Give --db the name of a new file or of a library."
            )

    def _has_log(self) -> bool:
        """True if a -wal or -shm is beside the file (a program has it open, or one was killed)."""
        return any(os.path.lexists(f"{self.path}{suffix}") for suffix in ("-wal", "-shm"))

    def _read_wal_header(self) -> bool | None:
        """True if the file's header says WAL (bytes 18 and 19 are 2), read before SQLite opens it.

        None when a Library of this process has the file open (see _OPEN_HERE: never open() it then).
        """
        if is_open_here(self.path):
            return None
        try:
            with open(self.path, "rb") as f:
                header = f.read(20)
        except OSError:
            return False
        return header[18:20] == b"\x02\x02"

    def _in_wal_mode(self) -> bool:
        """True if the library is in WAL mode: from the header read before opening, else from SQLite."""
        if self._wal_header is not None:
            return self._wal_header
        return self.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    def _unusable(self, error: ReadError) -> LibraryError:
        if error.cause is None:
            return error
        return read_failed(error.cause, self.path)

    def _open_writable(self, *, new: bool) -> None:
        if new:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(self.path)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")  # a confirmed note survives power loss too
            self.conn = conn
            self._unit.conn = conn
            if migrations.pending(conn):
                self._migrate()
            install_bookkeeping(conn)
            self._refold_if_unicode_changed()
            self.adopting = True  # the schema has the indexes that adopting fills
            self.adopt_new_rows(waiting=False)
        except BaseException:
            conn.close()
            raise

    def _migrate(self) -> None:
        """Apply the pending migrations under the write lock (backed up first, if the library had data)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            # Asked again under the write lock: another process may have upgraded it meanwhile.
            if migrations.unknown(self.conn):
                raise LibraryError(f"{self.path} was written by a newer version of reader; upgrade reader to open it.")
            pending = migrations.pending(self.conn)
            created = bool(pending) and not migrations.applied(self.conn)
            light = bool(pending) and not created and all(m.light for m in pending)
            if pending and not created and not light:
                self._before_upgrade(pending[0].name)
            triggers = self._triggers()
            migrations.apply(self.conn)
            if light:  # instead of a copy of the whole library: the SQL that undoes the upgrade
                self._write_undo([m.name for m in pending], triggers)
            if created and self._on_create is not None:
                install_bookkeeping(self.conn)
                self._on_create(self)  # its writes join this transaction
                self._unit.finish()
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def _triggers(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())

    def _write_undo(self, names: list[str], before: dict[str, str]) -> None:
        """Beside the library, the SQL that puts back the triggers a light upgrade replaced (`sqlite3 FILE < UNDO`)."""
        after = self._triggers()
        lines = ["BEGIN IMMEDIATE;"]
        lines += [f"DROP TRIGGER IF EXISTS {name};" for name, sql in after.items() if before.get(name) != sql]
        lines += [f"{sql};" for name, sql in before.items() if after.get(name) != sql]
        marks = ", ".join(f"'{name}'" for name in names)  # migration names: our own identifiers
        lines += [f"DELETE FROM _sqlite_migrations WHERE migration_set = 'reader' AND name IN ({marks});", "COMMIT;"]
        target = self.path.with_name(f"{self.path.name}.undo-{names[-1]}.sql")
        try:
            write_atomic(target, "\n".join(lines) + "\n", force=True)
        except OSError as error:
            raise LibraryError(
                f"{self.path} was not upgraded to {names[-1]}, because the file that undoes it could not be "
                f"written ({error.strerror or error}); the file was not changed."
            ) from error
        self.upgrade_undo = target

    def _before_upgrade(self, migration: str) -> None:
        """Refuse to upgrade a damaged library; back up a sound one beside itself first."""
        problems = self.integrity_problems()
        if problems:
            raise LibraryError(
                f"{self.path} failed its integrity check ({problems[0]}), so it was not upgraded "
                f"to {migration}; the file was not changed. Run `reader check` for details and "
                "restore it from a backup."
            )
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.backup-before-{migration}-{stamp}")
        n = 1
        while os.path.lexists(target):
            n += 1
            target = self.path.with_name(f"{self.path.name}.backup-before-{migration}-{stamp}-{n}")
        try:
            self.backup(target)
        except LibraryError as error:
            raise LibraryError(
                f"{self.path} was not upgraded to {migration}, because the backup taken first failed "
                f"({error}); the file was not changed."
            ) from error
        self.upgrade_backup = target

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def db(self):
        """The connection as a sqlite-utils Database (imported only when needed: it is slow to import)."""
        from sqlite_utils import Database

        return Database(self.conn)

    def applied_migrations(self) -> list[str]:
        """The names of the migrations this library has had, in order."""
        return [a.name for a in migrations.applied(self.conn)]

    def schema_version(self) -> str:
        """The name of the last applied migration."""
        applied = self.applied_migrations()
        return applied[-1] if applied else ""

    def mark_damaged(self, problem: str) -> None:
        """Remember beside the file that a check found it damaged: later opens are read-only."""
        try:
            damage_marker(self.path).write_text(problem + "\n", encoding="utf-8")
        except OSError:
            pass  # a read-only folder: the check's own message still says it

    def clear_damage_mark(self) -> None:
        """Forget an earlier damage mark (a check found the file sound again)."""
        try:
            damage_marker(self.path).unlink()
        except OSError:
            pass

    def another(self) -> Library:
        """A second Library on the same file, with a connection of its own (for a worker thread)."""
        return Library(self.path, read_only=self.read_only and self.read_only_reason == "opened read-only")

    def close(self) -> None:
        """Close the connection."""
        if getattr(self, "_key", None) and _OPEN_HERE[self._key]:
            _OPEN_HERE[self._key] -= 1
            self._key = None
        self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
