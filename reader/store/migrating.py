"""The migration runner: which steps a library has had, and applying the rest all or nothing.

What a library has had is read straight from the `_sqlite_migrations` table (the layout sqlite-utils
gave it, kept for libraries it created).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

MIGRATION_SET = "reader"
TABLE = "_sqlite_migrations"


@dataclass(frozen=True)
class Migration:
    """One step of the schema: a name and a function of the connection."""

    name: str
    fn: Callable[[sqlite3.Connection], None]

    @property
    def light(self) -> bool:
        """True for a step that changes no row (it replaces triggers): no backup is taken before it."""
        return getattr(self.fn, "light", False)


def light(fn: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    """Mark a migration that replaces triggers and changes no row, so that an upgrade to it alone
    is not preceded by a backup and an integrity check of the whole library (minutes at a million)."""
    fn.light = True  # type: ignore[attr-defined]
    return fn


@dataclass(frozen=True)
class Applied:
    """A migration a library has had, and when."""

    name: str
    applied_at: str


class Migrations:
    """The ordered migrations of the library, and what a library has had of them."""

    def __init__(self, *steps: Callable[[sqlite3.Connection], None]):
        self._steps: list[Migration] = [Migration(fn.__name__, fn) for fn in steps]

    @property
    def names(self) -> tuple[str, ...]:
        """Every migration's name, in order."""
        return tuple(m.name for m in self._steps)

    def register(self, fn: Callable[[sqlite3.Connection], None], name: str | None = None) -> None:
        """Add a migration after the others (what a newer reader ships; the tests simulate one)."""
        self._steps.append(Migration(name or fn.__name__, fn))

    def unregister(self, name: str) -> None:
        """Remove a registered migration again."""
        self._steps = [m for m in self._steps if m.name != name]

    def applied(self, conn) -> list[Applied]:
        """The migrations a library has had, in the order they ran; reads only."""
        conn = getattr(conn, "conn", conn)  # a sqlite-utils Database, too
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone()
        if not exists:
            return []
        return [
            Applied(r[0], r[1])
            for r in conn.execute(
                f"SELECT name, applied_at FROM {TABLE} WHERE migration_set = ? ORDER BY rowid", (MIGRATION_SET,)
            )
        ]

    def unknown(self, conn) -> list[str]:
        """Applied migrations this code does not know: the library was written by a newer reader."""
        known = set(self.names)
        return [a.name for a in self.applied(conn) if a.name not in known]

    def pending(self, conn) -> list[Migration]:
        """The migrations a library has not had yet; reads only."""
        done = {a.name for a in self.applied(conn)}
        return [m for m in self._steps if m.name not in done]

    def apply(self, conn, *, stop_before: str | Iterable[str] = ()) -> list[str]:
        """Apply the pending migrations (each with its record, all or nothing); returns their names.

        The caller holds the write lock (BEGIN IMMEDIATE), so two programs never upgrade at once.
        """
        conn = getattr(conn, "conn", conn)
        stop = {stop_before} if isinstance(stop_before, str) else set(stop_before)
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT, applied_at TEXT)"
        )
        conn.execute(
            f"CREATE UNIQUE INDEX IF NOT EXISTS idx_{TABLE}_migration_set_name ON {TABLE} (migration_set, name)"
        )
        done = []
        for migration in self.pending(conn):
            if migration.name in stop:
                break
            conn.execute("SAVEPOINT reader_migration")
            try:
                migration.fn(conn)
                conn.execute(
                    f"INSERT INTO {TABLE} (migration_set, name, applied_at) VALUES (?, ?, ?)",
                    (MIGRATION_SET, migration.name, str(datetime.now(UTC))),
                )
            except BaseException:
                conn.execute("ROLLBACK TO reader_migration")
                conn.execute("RELEASE reader_migration")
                raise
            conn.execute("RELEASE reader_migration")
            done.append(migration.name)
        return done
