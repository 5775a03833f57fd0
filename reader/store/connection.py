"""The connection (every SQLite error mapped to a LibraryError) and the unit of work.

A unit of work is one write transaction. Temporary triggers record every article a statement
touches (its row, its tags, its highlights and their tags), so the unit re-indexes exactly those,
once, before COMMIT, and drops tags nothing carries any more: no write can forget either.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from reader import text, vietnamese
from reader.store.errors import LibraryError, ReadError, WriteError, read_failed, write_failed
from reader.store.sorting import place_key

BUSY_TIMEOUT_MS = 10_000


class MappedCursor(sqlite3.Cursor):
    """A cursor whose SQLite errors, while running or while fetching, become ReadErrors."""

    library_path: object = ""

    def _failed(self, error: sqlite3.Error) -> ReadError:
        # Closed now: the error's traceback keeps this cursor alive, and an unfinished statement
        # would keep the connection from really closing (leaving its -wal and -shm behind).
        try:
            self.close()
        except sqlite3.Error:
            pass
        if (getattr(error, "sqlite_errorname", None) or "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            self.connection.damaged = True  # no write goes into it after this
        return read_failed(error, getattr(self.connection, "library_path", ""))

    def execute(self, sql, parameters=()):
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as error:
            raise self._failed(error) from error
        except OverflowError as error:  # a number from outside beyond SQLite's 64 bits
            raise LibraryError("a number is too large (the largest is 2**63 - 1)") from error

    def executemany(self, sql, seq):
        try:
            return super().executemany(sql, seq)
        except sqlite3.Error as error:
            raise self._failed(error) from error

    def fetchone(self):
        try:
            return super().fetchone()
        except sqlite3.Error as error:
            raise self._failed(error) from error

    def fetchmany(self, size=None):
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except sqlite3.Error as error:
            raise self._failed(error) from error

    def fetchall(self):
        try:
            return super().fetchall()
        except sqlite3.Error as error:
            raise self._failed(error) from error

    def __next__(self):
        try:
            return super().__next__()
        except sqlite3.Error as error:
            raise self._failed(error) from error


class MappedConnection(sqlite3.Connection):
    """A connection whose execute() returns MappedCursors: no read can leak a raw sqlite3 error."""

    library_path: object = ""
    damaged = False  # a read found the file damaged
    # text.fold of values about to be indexed, computed elsewhere (a large import's parse process):
    # reader_fold takes a value's fold from here once instead of folding it again. Set by connect().
    folded_ahead: dict[str, str]

    def execute(self, sql, parameters=()):
        return self.cursor(MappedCursor).execute(sql, parameters)

    def executemany(self, sql, seq):
        return self.cursor(MappedCursor).executemany(sql, seq)


def connect(path: Path, *, read_only: bool = False, immutable: bool = False) -> MappedConnection:
    """A connection to the library file (never creating one when read-only), with its pragmas."""
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
        conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, factory=MappedConnection
        )
    else:
        conn = sqlite3.connect(
            str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, factory=MappedConnection
        )
    conn.library_path = path
    conn.row_factory = sqlite3.Row
    # A damaged or foreign file may hold bytes that are not UTF-8 in a text column: read them marked
    # (U+FFFD), never as an exception half-way through a page of rows.
    conn.text_factory = _decode

    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")  # the unit of work's temporary table needs no disk
    conn.folded_ahead = {}
    register_functions(conn, conn.folded_ahead)
    return conn


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _fold_sql(value) -> str:
    return text.fold(value) if isinstance(value, str) and value else ""


def _fold_sql_ahead(folded_ahead: dict[str, str], value) -> str:
    folded = folded_ahead.pop(value, None) if isinstance(value, str) else None
    return _fold_sql(value) if folded is None else folded


def _sort_key_sql(value) -> str:
    return vietnamese.vi_sort_key(value if isinstance(value, str) else "")


def _place_key_sql(place, date) -> str:
    return place_key(place if isinstance(place, str) else None, date if isinstance(date, str) else None)


def _tag_key_sql(name) -> str:
    from reader.tags import tag_match_key  # loaded when a query first needs it: start-up stays light

    return tag_match_key(name) if isinstance(name, str) else ""


def _tag_matches_sql(name, pattern) -> int:
    from reader.tags import tag_matches  # loaded when a query first needs it: start-up stays light

    return int(isinstance(name, str) and isinstance(pattern, str) and tag_matches(name, pattern))


def _folds_exactly_sql(value) -> int:
    from reader.query import folds_exactly

    return int(folds_exactly(value if isinstance(value, str) else ""))


def register_functions(conn: sqlite3.Connection, folded_ahead: dict[str, str] | None = None) -> None:
    """The Python functions the schema relies on (migrations and index upkeep call them in SQL).

    Each takes what a tampered row may hold (a BLOB, a number, NULL) without raising. With
    `folded_ahead`, reader_fold takes a value's fold from it when it is there (and forgets it).
    """
    fold = _fold_sql if folded_ahead is None else partial(_fold_sql_ahead, folded_ahead)
    conn.create_function("reader_fold", 1, fold, deterministic=True)
    conn.create_function("reader_sort_key", 1, _sort_key_sql, deterministic=True)
    conn.create_function("reader_place_key", 2, _place_key_sql, deterministic=True)
    conn.create_function("reader_tag_key", 1, _tag_key_sql, deterministic=True)
    conn.create_function("reader_tag_matches", 2, _tag_matches_sql, deterministic=True)
    conn.create_function("reader_folds_exactly", 1, _folds_exactly_sql, deterministic=True)


# What each change means for the search index: the articles it touches (keys: their sort keys
# change too), and whether a tag may have lost its last user.
_TOUCH = "INSERT OR IGNORE INTO reader_touched (article_id) VALUES ({id});"
_KEYS = (
    "INSERT OR IGNORE INTO reader_touched (article_id) VALUES ({id}); "
    "UPDATE reader_touched SET keys = 1 WHERE article_id = {id};"
)
_UNLINKED = "INSERT OR IGNORE INTO reader_unlinked (x) VALUES (1);"
_HIGHLIGHT_ARTICLE = "(SELECT article_id FROM highlights WHERE id = {id})"
_TAG_ARTICLES = """INSERT OR IGNORE INTO reader_touched (article_id)
    SELECT article_id FROM article_tags WHERE tag_id = {id}
    UNION SELECT h.article_id FROM highlights h JOIN highlight_tags x ON x.highlight_id = h.id WHERE x.tag_id = {id};"""

_TRIGGERS = {
    "articles_insert": ("AFTER INSERT ON articles", _KEYS.format(id="new.id")),
    "articles_update": (
        "AFTER UPDATE OF title, body, date, dateline, place, source, note ON articles",
        _KEYS.format(id="new.id"),
    ),
    "articles_delete": ("AFTER DELETE ON articles", _UNLINKED),
    "article_tags_insert": ("AFTER INSERT ON article_tags", _TOUCH.format(id="new.article_id")),
    "article_tags_delete": ("AFTER DELETE ON article_tags", _TOUCH.format(id="old.article_id") + _UNLINKED),
    "highlights_insert": ("AFTER INSERT ON highlights", _TOUCH.format(id="new.article_id")),
    "highlights_update": (
        'AFTER UPDATE OF quote, note, article_id, start, "end", orphan ON highlights',
        _TOUCH.format(id="new.article_id") + _TOUCH.format(id="old.article_id"),
    ),
    "highlights_delete": ("AFTER DELETE ON highlights", _TOUCH.format(id="old.article_id") + _UNLINKED),
    "highlight_tags_insert": (
        "AFTER INSERT ON highlight_tags",
        _TOUCH.format(id=_HIGHLIGHT_ARTICLE.format(id="new.highlight_id")),
    ),
    "highlight_tags_delete": (
        "AFTER DELETE ON highlight_tags",
        "INSERT OR IGNORE INTO reader_touched (article_id) SELECT article_id FROM highlights "
        "WHERE id = old.highlight_id;" + _UNLINKED,
    ),
    "tags_rename": ("AFTER UPDATE OF name ON tags", _TAG_ARTICLES.format(id="new.id")),
    "tags_delete": ("BEFORE DELETE ON tags", _TAG_ARTICLES.format(id="old.id")),
}


def install_bookkeeping(conn: sqlite3.Connection) -> None:
    """The temporary table and triggers a unit of work reads (this connection only; never in the file)."""
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS reader_touched "
        "(article_id INTEGER PRIMARY KEY, keys INTEGER NOT NULL DEFAULT 0)"
    )
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS reader_unlinked (x INTEGER PRIMARY KEY)")
    for name, (when, body) in _TRIGGERS.items():
        conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS reader_{name} {when} BEGIN {body} END")


class UnitOfWork:
    """One write transaction; statements run through it like through the connection."""

    def __init__(self, conn: sqlite3.Connection, index, adopt):
        self.conn = conn
        self._index = index  # index(ids, keys=...): what the search room does with touched articles
        self._adopt = adopt  # adopt(): the search room indexes what another program added

    def start(self) -> None:
        """Begin: index the articles another program added since this library last wrote; called after BEGIN."""
        self._adopt()

    def execute(self, sql: str, parameters=()) -> sqlite3.Cursor:
        """Run one statement in the transaction."""
        return self.conn.execute(sql, parameters)

    def executemany(self, sql: str, seq) -> sqlite3.Cursor:
        """Run one statement for many rows in the transaction."""
        return self.conn.executemany(sql, seq)

    def __getattr__(self, name: str):
        return getattr(self.conn, name)  # total_changes, in_transaction, ...

    def forget(self, where: str, parameters=()) -> None:
        """Mark touched articles as indexed already (a bulk insert indexes its rows in one statement)."""
        self.conn.execute(f"DELETE FROM temp.reader_touched WHERE {where}", parameters)

    def finish(self) -> None:
        """Re-index every touched article once, and drop tags nothing carries; called before COMMIT."""
        # Articles set aside by m012's triggers are re-indexed too: another program's changes among them.
        # (`WHERE 1`: SQLite reads ON CONFLICT after a bare `SELECT … FROM t` as a join's ON.)
        self.conn.execute(
            """INSERT INTO temp.reader_touched (article_id, keys) SELECT article_id, 1 FROM search_stale WHERE 1
               ON CONFLICT (article_id) DO UPDATE SET keys = 1"""
        )
        touched = self.conn.execute("SELECT article_id, keys FROM temp.reader_touched").fetchall()
        if touched:
            self.conn.execute("DELETE FROM temp.reader_touched")
            self._index([r[0] for r in touched if r[1]], keys=True)
            self._index([r[0] for r in touched if not r[1]], keys=False)
            self.conn.execute("DELETE FROM temp.reader_touched")  # the sort keys' own updates
        if self.conn.execute("SELECT 1 FROM temp.reader_unlinked").fetchone():
            self.conn.execute(
                """DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM article_tags)
                   AND id NOT IN (SELECT tag_id FROM highlight_tags)"""
            )
            self.conn.execute("DELETE FROM temp.reader_unlinked")


class Connection:
    """The Library's connection room: the write transaction and its unit of work."""

    conn: MappedConnection
    path: Path
    read_only_reason: str | None = None  # why the library was opened read-only, if it was
    damaged: str | None = None  # what `check` found wrong, if a check ran and found something

    @property
    def read_only(self) -> bool:
        """True when the library was opened read-only (a read-only folder or file, a full disk)."""
        return self.read_only_reason is not None

    @contextmanager
    def roomy_cache(self, megabytes: int = 64) -> Iterator[None]:
        """A larger page cache while a bulk write runs, then the usual one again.

        With SQLite's 2 MB, a batch of a few MB of text (with its indexes, three times that) spills
        pages to the log before COMMIT, then writes them again: more disk, and slower.
        """
        before = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {-1024 * megabytes}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(before)}")

    @contextmanager
    def not_waiting(self) -> Iterator[None]:
        """Statements that give up at once where another program holds a lock, instead of waiting it out."""
        patience = self.conn.execute("PRAGMA busy_timeout").fetchone()[0]
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(patience)}")

    def data_version(self) -> int:
        """A number that changes when another connection commits to the library (SQLite's data_version)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        """One write transaction: BEGIN IMMEDIATE, the unit's upkeep, COMMIT; or ROLLBACK and a WriteError."""
        unit = self._unit
        if self.conn.in_transaction:  # nested: part of the outer transaction
            yield unit
            return
        if self.read_only_reason:
            raise WriteError(f"the library is open read-only ({self.read_only_reason}); nothing was saved")
        if self.conn.damaged:
            raise WriteError("the library file is damaged (a read found it so); nothing was saved. Run `reader check`")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except LibraryError as error:
            raise write_failed(error) from error
        try:
            unit.start()
            yield unit
            unit.finish()
            self.conn.execute("COMMIT")
        except (sqlite3.Error, ReadError) as error:
            self._rollback()
            raise write_failed(error) from error
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def part(self) -> Iterator[None]:
        """A part of the current write transaction undone alone when it fails (a savepoint).

        A batch of files in one transaction keeps "a file is stored whole or not at all" this way.
        """
        self.conn.execute("SAVEPOINT reader_part")
        try:
            yield
        except (sqlite3.Error, ReadError) as error:
            self._undo_part()
            raise write_failed(error) from error  # as write() says it: why, and that nothing was saved
        except BaseException:
            self._undo_part()
            raise
        self.conn.execute("RELEASE reader_part")

    def _undo_part(self) -> None:
        if self.conn.in_transaction:  # SQLite may have rolled the whole transaction back (a full disk)
            try:
                self.conn.execute("ROLLBACK TO reader_part")
                self.conn.execute("RELEASE reader_part")
            except LibraryError:
                pass

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except LibraryError:  # SQLite rolled back already (after a full disk, say)
                pass
            self.conn.execute("DELETE FROM temp.reader_touched")
            self.conn.execute("DELETE FROM temp.reader_unlinked")
