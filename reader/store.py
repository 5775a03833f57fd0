"""The Library: the one place that reads and writes SQL; rows in, model objects out."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reader import anchoring, text
from reader.fs import fsync_path
from reader.locations import DB_FILENAME, data_dir, default_db_path  # noqa: F401  (re-exported)
from reader.model import Anchor, Article, ArticleSummary, Highlight, SearchResult, Tag
from reader.query import (
    Query,
    QueryError,
    after_bound,
    find_hits,
    folds_exactly,
    snippet,
    tag_match_key,
    tag_matches,
    tag_pattern,
)
from reader.query import parse as parse_query

# Every migration in reader.migrations, in order (a test keeps the two in step). Knowing the names
# here lets an up-to-date library open without importing sqlite-utils (~100 ms at start-up).
SCHEMA = ("m001_initial", "m002_search", "m003_accent_search")
BUSY_TIMEOUT_MS = 10_000


class LibraryError(Exception):
    """A problem with the library, worded for the user."""


class WriteError(LibraryError):
    """A write that did not happen (locked, disk full, read-only); nothing was changed."""


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


def _explain_backup(error: Exception) -> str:
    """Why a backup failed, for the user."""
    message = str(error).lower()
    if "full" in message or getattr(error, "errno", None) in (
        errno.ENOSPC,
        errno.EFBIG,
        getattr(errno, "EDQUOT", errno.ENOSPC),
    ):
        return "the disk is full"
    if "disk i/o error" in message:
        return "disk I/O error (is the disk full?)"
    if isinstance(error, PermissionError) or "readonly" in message or "unable to open" in message:
        return "cannot write there (permission denied or read-only)"
    return str(error)


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def tag_key(name: str) -> str:
    """The identity of a tag: NFC, trimmed, case-insensitive."""
    return text.clean(name).strip().casefold()


def clean_tags(names: Iterable[str]) -> list[str]:
    """Clean, trim and de-duplicate tag names (case-insensitively), keeping the first spelling."""
    seen: dict[str, str] = {}
    for name in names:
        name = " ".join(text.clean(name).split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def _explain(error: sqlite3.Error) -> str:
    """A sentence for the user about why a write failed."""
    message = str(error).lower()
    if "locked" in message or "busy" in message:
        return "the library is busy in another program; nothing was saved, try again"
    if "full" in message:
        return "the disk is full; nothing was saved"
    if "readonly" in message or "read-only" in message:
        return "the library file is read-only; nothing was saved"
    if "disk i/o error" in message:  # what a write refused by the OS (out of space, quota, file size limit) becomes
        return "the library file could not be written (disk I/O error: is the disk full?); nothing was saved"
    return f"the library could not be written ({error}); nothing was saved"


# -- search and sorting helpers -------------------------------------------------------------

SORT_ORDERS = ("date", "title", "place")
_SORTS = {"date": ("date", "DESC"), "title": ("title_key", "ASC"), "place": ("place_key", "ASC")}
_INVERT_DIGITS = str.maketrans("0123456789", "9876543210")
_NO_PLACE = "\U0010ffff"  # above every sort key: articles without a place come last

# The row the search index holds for an article, every column folded (reader.text.fold) so that
# offsets found in the folded body are offsets in the body. tags: the article's and its
# highlights'; notes: the article note and every highlight's quote and note.
_INDEX_SQL = """INSERT INTO search_index (rowid, title, place, source, body, tags, notes, body_exact)
    SELECT a.id, reader_fold(a.title),
           reader_fold(a.place) || CASE WHEN reader_fold(a.dateline) = reader_fold(a.place) THEN ''
                                        ELSE ' ' || reader_fold(a.dateline) END,
           reader_fold(a.source), reader_fold(a.body),
           reader_fold(coalesce((
               SELECT group_concat(name, ' ; ') FROM (
                   SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id
                   UNION
                   SELECT t.name FROM highlights h JOIN highlight_tags x ON x.highlight_id = h.id
                          JOIN tags t ON t.id = x.tag_id WHERE h.article_id = a.id)), '')),
           reader_fold(a.note || char(10) || coalesce((
               SELECT group_concat(h.quote || char(10) || h.note, char(10))
               FROM highlights h WHERE h.article_id = a.id), '')),
           reader_folds_exactly(a.body)
    FROM articles a"""

# New articles into the accent-kept index (changes and deletions: triggers of m003_accent_search).
_EXACT_INDEX_SQL = """INSERT INTO search_exact (rowid, title, place, source, body, note)
    SELECT id, title, place, source, body, note FROM articles"""

# Rows whose accented text (the accent-kept index) matches; and whose tags or highlights do.
_EXACT_IN = "a.id IN (SELECT rowid FROM search_exact WHERE search_exact MATCH ?)"
_EXACT_NOTES_IN = "a.id IN (SELECT rowid FROM search_exact_notes WHERE search_exact_notes MATCH ?)"
# The accent-kept text of an article's tags and highlights (quotes and notes), when it has any.
_EXACT_NOTES_SQL = """INSERT INTO search_exact_notes (rowid, tags, notes)
    SELECT id, tags, notes FROM (SELECT a.id,
        coalesce((SELECT group_concat(name, ' ; ') FROM (
            SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id
            UNION
            SELECT t.name FROM highlights h JOIN highlight_tags x ON x.highlight_id = h.id
                   JOIN tags t ON t.id = x.tag_id WHERE h.article_id = a.id)), '') AS tags,
        coalesce((SELECT group_concat(h.quote || char(10) || h.note, char(10))
                  FROM highlights h WHERE h.article_id = a.id), '') AS notes
    FROM articles a WHERE {where}) WHERE tags != '' OR notes != ''"""

# What a search result needs of `articles a`, read marks and tags included, in one statement.
_RESULT_COLUMNS = """a.id, a.title, a.date, a.place, a.source, a.body,
    (SELECT read FROM reading_state WHERE article_id = a.id) AS read,
    (SELECT group_concat(name, char(31)) FROM (
        SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id ORDER BY t.key
    )) AS tag_names"""

# Articles carrying a tag (matched as reader.query.tag_matches), themselves or on a highlight.
_TAGGED_SQL = """SELECT x.article_id FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE reader_tag_matches(t.name, ?)
    UNION SELECT h.article_id FROM highlights h JOIN highlight_tags x ON x.highlight_id = h.id
          JOIN tags t ON t.id = x.tag_id WHERE reader_tag_matches(t.name, ?)"""


def place_key(place: str | None, date: str | None) -> str:
    """The place sort key: places in Vietnamese order, newest first within a place, no place last."""
    head = text.vi_sort_key(place) if place else _NO_PLACE
    # Digits inverted, so that ascending order on the key is descending order on the date.
    return head + "\x01" + ((date or "").translate(_INVERT_DIGITS) or "~")


def _fold_sql(value: str | None) -> str:
    return text.fold(value) if value else ""


def _sort_key_sql(value: str | None) -> str:
    return text.vi_sort_key(value or "")


def _register_functions(conn: sqlite3.Connection) -> None:
    """The Python functions the schema relies on (migrations and index upkeep call them in SQL)."""
    conn.create_function("reader_fold", 1, _fold_sql, deterministic=True)
    conn.create_function("reader_sort_key", 1, _sort_key_sql, deterministic=True)
    conn.create_function("reader_place_key", 2, place_key, deterministic=True)
    conn.create_function("reader_tag_key", 1, tag_match_key, deterministic=True)
    conn.create_function("reader_tag_matches", 2, tag_matches, deterministic=True)
    conn.create_function("reader_folds_exactly", 1, lambda s: int(folds_exactly(s or "")), deterministic=True)


def _sort(sort: str) -> tuple[str, str]:
    """(column, direction) of a sort order."""
    try:
        return _SORTS[sort]
    except KeyError:
        raise LibraryError(f"unknown sort order {sort!r}; use one of: {', '.join(SORT_ORDERS)}") from None


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    """Lists of at most `size` ids: SQLite limits the number of parameters in one statement."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


class Library:
    """A SQLite library of articles, tags, highlights and notes."""

    def __init__(self, path: str | Path, *, look_only: bool = False):
        self.path = Path(path)
        self.upgrade_backup: Path | None = None  # the copy taken before an upgrade, if one ran
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except (OSError, sqlite3.Error) as error:
            raise LibraryError(f"cannot open library {self.path}: {error}") from error
        self.conn = conn
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not look_only:  # `reader check` looks without changing a byte, not even the journal mode
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")  # a confirmed note survives power loss too
            _register_functions(conn)
            if not look_only:
                self._migrate()
        except sqlite3.DatabaseError as error:
            conn.close()
            raise LibraryError(f"{self.path} is not a usable library: {error}") from error
        except LibraryError:
            conn.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def db(self):
        """The connection as a sqlite-utils Database (imported only when needed: it is slow to import)."""
        from sqlite_utils import Database

        return Database(self.conn)

    def applied_migrations(self) -> list[str]:
        """The names of the migrations this library has had, in order."""
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
        ).fetchone()
        if not exists:
            return []
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'reader' ORDER BY rowid"
            )
        ]

    def _migrate(self) -> None:
        applied = self.applied_migrations()
        unknown = sorted(set(applied) - set(SCHEMA))
        if unknown:
            raise LibraryError(
                f"{self.path} was written by a newer version of reader (schema {unknown[-1]}); "
                "upgrade reader to open it. The file was not changed."
            )
        if set(applied) == set(SCHEMA):
            return  # up to date: no need for sqlite-utils or the migration code
        from reader.migrations import migrations

        if migrations.pending(self.db):
            with self.write():
                # Asked again under the write lock: another process may have upgraded it meanwhile.
                pending = migrations.pending(self.db)
                if pending and migrations.applied(self.db):
                    self._before_upgrade(pending[0].name)
                migrations.apply(self.db)

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

    def schema_version(self) -> str:
        """The name of the last applied migration."""
        applied = self.applied_migrations()
        return applied[-1] if applied else ""

    def integrity_problems(self, limit: int = 20) -> list[str]:
        """What SQLite's integrity and foreign-key checks find wrong; empty when the file is sound."""
        try:
            problems = [r[0] for r in self.conn.execute(f"PRAGMA integrity_check({int(limit)})")]
            if problems == ["ok"]:
                problems = []
            problems += [
                f"row {r[1]} of {r[0]} points at a missing row of {r[2]}"
                for r in self.conn.execute("PRAGMA foreign_key_check").fetchmany(limit)
            ]
        except sqlite3.DatabaseError as error:
            problems = [str(error)]
        return problems

    def check(self) -> CheckReport:
        """Integrity, schema version and counts, for `reader check`; reads only."""
        problems = self.integrity_problems()

        def count(sql: str) -> int | None:
            try:
                return self.conn.execute(sql).fetchone()[0]
            except sqlite3.DatabaseError:  # a damaged table: the problems say why
                return None

        try:
            version = self.schema_version()
            pending = [name for name in SCHEMA if name not in self.applied_migrations()]
        except sqlite3.DatabaseError:
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
        )

    def backup(self, target: str | Path, *, force: bool = False) -> Path:
        """Copy the library to `target` with SQLite's online backup: a consistent snapshot, safe
        while other programs use the library. Refuses an existing file unless `force`."""
        target = Path(target).expanduser()
        if target.is_dir():
            raise LibraryError(f"{target} is a folder; give the name of the backup file to write")
        if _same_file(target, self.path):
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
        tmp = target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
        try:
            # A connection of its own: the backup API never finishes while its source connection
            # is inside a transaction (as it is during an upgrade), it retries forever.
            source = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                copy = sqlite3.connect(str(tmp), isolation_level=None)
                try:
                    source.backup(copy)  # one step: one read transaction, so one consistent snapshot
                    copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
                    verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
                finally:
                    copy.close()
            finally:
                source.close()
            if verdict != "ok":
                raise LibraryError(f"the backup to {target} failed: the copy failed its check ({verdict})")
            fsync_path(tmp)
            if force:
                os.replace(tmp, target)
            else:
                try:
                    os.link(tmp, target)  # fails, unlike a rename, if the target appeared meanwhile
                except FileExistsError:
                    raise LibraryError(
                        f"{target} already exists; nothing was written (use --force to replace it)"
                    ) from None
                except OSError:  # a filesystem without hard links
                    if os.path.lexists(target):
                        raise LibraryError(
                            f"{target} already exists; nothing was written (use --force to replace it)"
                        ) from None
                    os.replace(tmp, target)
                else:
                    os.unlink(tmp)
            fsync_path(target.parent)
        except (OSError, sqlite3.Error) as error:
            raise LibraryError(f"the backup to {target} failed: {_explain_backup(error)}") from error
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
                try:
                    leftover.unlink()
                except OSError:  # mostly: it is not there, as it should be
                    pass
        return target

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE, then COMMIT, or ROLLBACK and a WriteError."""
        if self.conn.in_transaction:  # nested: part of the outer transaction
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise WriteError(_explain(error)) from error
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise WriteError(_explain(error)) from error
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    # -- articles --------------------------------------------------------------------------

    def add_article(self, article: Article) -> tuple[str, Article]:
        """Store an article: 'imported', 'updated' (same path, new content) or 'unchanged'."""
        content_hash = article.content_hash or text.content_hash(article.title + "\n" + article.body)
        with self.write() as conn:
            row = conn.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
            if row:
                return "unchanged", self.get_article(row["id"])
            old = None
            if article.path:
                old = conn.execute(
                    "SELECT id FROM articles WHERE path = ? ORDER BY id LIMIT 1", (article.path,)
                ).fetchone()
            values = (
                content_hash,
                article.path,
                article.title,
                article.body,
                article.date or "",
                article.dateline,
                article.place,
                article.source,
                now(),
            )
            if old:
                conn.execute(
                    """UPDATE articles SET content_hash=?, path=?, title=?, body=?, date=?, dateline=?,
                       place=?, source=?, updated_at=? WHERE id=?""",
                    (*values, old["id"]),
                )
                article_id = old["id"]
                self._reanchor(article_id, article.body)
                status = "updated"
            else:
                cursor = conn.execute(
                    """INSERT INTO articles (content_hash, path, title, body, date, dateline, place,
                       source, updated_at, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)""",
                    (*values, values[-1]),
                )
                article_id = cursor.lastrowid
                conn.execute(_EXACT_INDEX_SQL + " WHERE id = ?", (article_id,))
                status = "imported"
            if article.tags:
                self._add_tags("article_tags", "article_id", article_id, clean_tags(article.tags))
            self._index([article_id], keys=True)
        return status, self.get_article(article_id)

    def add_articles_bulk(self, articles: Iterable[Article]) -> int:
        """Insert many new articles in one transaction (no re-anchoring); returns how many were added."""
        stamp = now()
        rows = (
            (
                a.content_hash or text.content_hash(a.title + "\n" + a.body),
                a.path,
                a.title,
                a.body,
                a.date or "",
                a.dateline,
                a.place,
                a.source,
                stamp,
                stamp,
                text.vi_sort_key(a.title),
                place_key(a.place, a.date),
            )
            for a in articles
        )
        with self.write() as conn:
            last_id = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
            cursor = conn.executemany(
                """INSERT OR IGNORE INTO articles (content_hash, path, title, body, date, dateline,
                   place, source, updated_at, imported_at, title_key, place_key)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
                rows,
            )
            added = cursor.rowcount  # rows inserted; total_changes would count the triggers' too
            # Insert first, index after, in one statement: per-row work on a bulk import is twice as
            # slow. Without AUTOINCREMENT a new row's id is above every existing one.
            conn.execute(_INDEX_SQL + " WHERE a.id > ?", (last_id,))
            conn.execute(_EXACT_INDEX_SQL + " WHERE id > ?", (last_id,))
            conn.execute(_EXACT_NOTES_SQL.format(where="a.id > ?"), (last_id,))
            return added

    def delete_article(self, article_id: int) -> None:
        """Delete an article with its highlights, notes and reading state (its search row goes too)."""
        with self.write() as conn:
            cursor = conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            if cursor.rowcount == 0:
                raise LibraryError(f"no article {article_id}")
            self._drop_unused_tags()

    def _reanchor(self, article_id: int, body: str) -> None:
        """Move every highlight of an article onto its new text, or mark it an orphan."""
        highlights = self.highlights(article_id)
        # One NFC pass over the body for all of them, not one per highlight.
        for highlight, found in zip(highlights, anchoring.reanchor_all(body, [h.anchor for h in highlights])):
            if found is None:
                self.conn.execute("UPDATE highlights SET orphan = 1 WHERE id = ?", (highlight.id,))
            else:
                self.conn.execute(
                    'UPDATE highlights SET start=?, "end"=?, quote=?, prefix=?, suffix=?, orphan=0 WHERE id=?',
                    (found.start, found.end, found.quote, found.prefix, found.suffix, highlight.id),
                )

    def get_article(self, article_id: int) -> Article | None:
        """One article with its tags and note, or None."""
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        return Article(
            id=row["id"],
            content_hash=row["content_hash"],
            path=row["path"],
            title=_safe(row["title"]),
            body=_safe(row["body"]),
            date=row["date"] or None,
            dateline=_safe(row["dateline"]),
            place=_safe(row["place"]),
            source=_safe(row["source"]),
            note=_safe(row["note"]),
            tags=self.article_tags(article_id),
        )

    def count_articles(self, tag: str | None = None) -> int:
        """How many articles there are (with the tag, if given)."""
        where, params = self._tag_filter(tag)
        return self.conn.execute(f"SELECT count(*) FROM articles {where}", params).fetchone()[0]

    def _tag_filter(self, tag: str | None) -> tuple[str, tuple]:
        if not tag:
            return "", ()
        # The tag as a person types it (smart accents), on the article or one of its highlights.
        pattern = tag_pattern(tag)
        return f"WHERE id IN ({_TAGGED_SQL})", (pattern, pattern)

    def page_articles(
        self,
        *,
        after: tuple[str, int] | None = None,
        before: tuple[str, int] | None = None,
        from_key: tuple[str, int] | None = None,
        last: bool = False,
        limit: int = 100,
        tag: str | None = None,
        sort: str = "date",
    ) -> list[ArticleSummary]:
        """A page of the list by keyset: rows after, before or from a key (sort value, id), or the last rows.

        `sort` is "date" (newest first), "title" or "place" (Vietnamese alphabetical order;
        by place, newest first within a place); key_of() gives an article's key.
        """
        column, order = _sort(sort)
        ahead, behind = ("<", ">") if order == "DESC" else (">", "<")
        where, params = self._tag_filter(tag)
        clauses = [where[len("WHERE ") :]] if where else []
        if after is not None:
            clauses.append(f"({column}, id) {ahead} (?, ?)")
            params += tuple(after)
        elif from_key is not None:
            clauses.append(f"({column}, id) {ahead}= (?, ?)")
            params += tuple(from_key)
        elif before is not None or last:
            if before is not None:
                clauses.append(f"({column}, id) {behind} (?, ?)")
                params += tuple(before)
            order = "ASC" if order == "DESC" else "DESC"
        where_sql = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.conn.execute(
            f"""SELECT id, title, date, place, source FROM articles {where_sql}
                ORDER BY {column} {order}, id {order} LIMIT ?""",
            (*params, limit),
        ).fetchall()
        if before is not None or last:
            rows.reverse()
        return self._summaries(rows)

    def key_at(self, index: int, tag: str | None = None, sort: str = "date") -> tuple[str, int] | None:
        """The sort key of the row at a position, for a jump into the middle of a long list.

        Keyset paging cannot jump; this walks the (sort value, id) index only, never the rows.
        """
        column, order = _sort(sort)
        where, params = self._tag_filter(tag)
        row = self.conn.execute(
            f"SELECT {column}, id FROM articles {where} ORDER BY {column} {order}, id {order} LIMIT 1 OFFSET ?",
            (*params, index),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def key_of(self, article_id: int, sort: str = "date") -> tuple[str, int] | None:
        """An article's keyset key in a sort order: what page_articles(after=...) takes."""
        column, _ = _sort(sort)
        row = self.conn.execute(f"SELECT {column}, id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def summary_key(self, summary: ArticleSummary, sort: str = "date") -> tuple[str, int]:
        """The keyset key of a listed row: its date is shown; title and place keys are asked for."""
        if sort == "date":
            return (summary.date or "", summary.id)
        return self.key_of(summary.id, sort) or ("", summary.id)

    def get_summaries(self, ids: Iterable[int]) -> list[ArticleSummary]:
        """List rows for the given articles, in the order given (missing ones left out)."""
        ids = list(ids)
        rows: dict[int, sqlite3.Row] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT id, title, date, place, source FROM articles WHERE id IN ({marks})", chunk
            ):
                rows[row["id"]] = row
        return self._summaries([rows[i] for i in ids if i in rows])

    def _summaries(self, rows: list[sqlite3.Row]) -> list[ArticleSummary]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        read = {
            r[0]
            for r in self.conn.execute(
                f"SELECT article_id FROM reading_state WHERE read = 1 AND article_id IN ({marks})", ids
            )
        }
        tags: dict[int, list[str]] = {}
        for r in self.conn.execute(
            f"""SELECT article_id, name FROM article_tags JOIN tags ON tags.id = tag_id
                WHERE article_id IN ({marks}) ORDER BY key""",
            ids,
        ):
            tags.setdefault(r[0], []).append(_safe(r[1]))
        return [
            ArticleSummary(
                id=r["id"],
                title=_safe(r["title"]),
                date=r["date"] or None,
                place=_safe(r["place"]),
                source=_safe(r["source"]),
                read=r["id"] in read,
                tags=tuple(tags.get(r["id"], ())),
            )
            for r in rows
        ]

    def list_articles(
        self, tag: str | None = None, page_size: int = 500, sort: str = "date"
    ) -> Iterator[ArticleSummary]:
        """Every article (with the tag), in a sort order (newest first by default), a page at a time."""
        after = None
        while True:
            page = self.page_articles(after=after, limit=page_size, tag=tag, sort=sort)
            yield from page
            if len(page) < page_size:
                return
            after = self.summary_key(page[-1], sort)

    # -- search ----------------------------------------------------------------------------

    def _index(self, ids: Iterable[int], *, keys: bool = False) -> None:
        """Bring the search rows (and, with `keys`, the sort keys) of some articles up to date.

        Called inside the write transaction that changed them, so the index never lags a commit.
        """
        for chunk in _chunks(list(dict.fromkeys(ids))):
            marks = ",".join("?" * len(chunk))
            if keys:
                self.conn.execute(
                    f"""UPDATE articles SET title_key = reader_sort_key(title),
                        place_key = reader_place_key(place, date) WHERE id IN ({marks})""",
                    chunk,
                )
            self.conn.execute(f"DELETE FROM search_index WHERE rowid IN ({marks})", chunk)
            self.conn.execute(_INDEX_SQL + f" WHERE a.id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM search_exact_notes WHERE rowid IN ({marks})", chunk)
            self.conn.execute(_EXACT_NOTES_SQL.format(where=f"a.id IN ({marks})"), chunk)

    def rebuild_search_index(self) -> int:
        """Build the search index afresh from every article; returns how many rows it holds."""
        with self.write() as conn:
            conn.execute("DELETE FROM search_index")
            conn.execute(_INDEX_SQL)
            # Merge the index into one b-tree: later queries read fewer segments.
            conn.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
            conn.execute("INSERT INTO search_exact (search_exact) VALUES ('rebuild')")
            conn.execute("DELETE FROM search_exact_notes")
            conn.execute(_EXACT_NOTES_SQL.format(where="1"))
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def search(
        self, query: str | Query, *, limit: int = 50, prefix_last: bool = False, accents: str = "smart"
    ) -> list[SearchResult]:
        """Articles matching a query (see reader.query), best first, each with a snippet and its hits.

        Raises QueryError, with a message for the user, when the query cannot be run.
        With `prefix_last` (search as you type) the last word also matches longer words;
        `accents` is smart, exact or ignore.
        """
        parsed = query if isinstance(query, Query) else parse_query(query, prefix_last=prefix_last, accents=accents)
        clauses, params = self._search_filters(parsed)
        rows: list[sqlite3.Row] = []
        seen: set[int] = set()
        tiers = parsed.match_tiers()
        first = parsed.exact_first()  # words together as typed, without accents, before with them
        if (
            first
            and not self.conn.execute(
                "SELECT 1 FROM search_exact WHERE search_exact MATCH ? LIMIT 1", (first,)
            ).fetchone()
        ):
            first = None  # none written so (in Vietnamese text, the usual case): no tier to rank
        plan = [(tiers[0], [*clauses, _EXACT_IN], [*params, first])] if first else []
        plan += [(match, clauses, params) for match in tiers]
        try:
            # Tier by tier (words together, near, anywhere), each best first, until `limit`: each
            # tier holds the one before, so its first `limit` rows bring every row still missing.
            for match, tier_clauses, tier_params in plan:
                for row in self._search_rows(match, tier_clauses, tier_params, limit):
                    if row["id"] not in seen and len(rows) < limit:
                        seen.add(row["id"])
                        rows.append(row)
                if len(rows) >= limit:
                    break
        except sqlite3.OperationalError as error:
            # The expression is built from quoted tokens only; this is a safety net, not a path.
            raise QueryError(f"That search could not be run ({error}).") from error
        return self._results(parsed, rows)

    def _search_rows(self, match: str | None, clauses: list[str], params: list, limit: int) -> list[sqlite3.Row]:
        """The first `limit` rows of one MATCH expression (folded index) under the query's filters."""
        if match and not clauses:
            # The ranked FTS5 query alone, then the rows of its top `limit`: ranking is the cost.
            return self.conn.execute(
                f"""SELECT {_RESULT_COLUMNS}, s.title AS title_folded, s.body AS body_folded,
                           s.notes AS notes_folded, s.body_exact, s.rank AS rank
                    FROM (SELECT rowid, title, body, notes, body_exact, rank FROM search_index
                          WHERE search_index MATCH ? ORDER BY rank LIMIT ?) s
                    JOIN articles a ON a.id = s.rowid ORDER BY s.rank""",
                (match, limit),
            ).fetchall()
        if match:  # filters on the articles apply before the limit
            return self.conn.execute(
                f"""SELECT {_RESULT_COLUMNS}, s.title AS title_folded, s.body AS body_folded,
                           s.notes AS notes_folded, s.body_exact, s.rank AS rank
                    FROM search_index s JOIN articles a ON a.id = s.rowid
                    WHERE search_index MATCH ? AND {" AND ".join(clauses)}
                    ORDER BY s.rank LIMIT ?""",
                (match, *params, limit),
            ).fetchall()
        # filters only: newest first
        return self.conn.execute(
            f"""SELECT {_RESULT_COLUMNS}, NULL AS title_folded, NULL AS body_folded,
                       NULL AS notes_folded, NULL AS body_exact, 0.0 AS rank
                FROM articles a WHERE {" AND ".join(clauses)}
                ORDER BY a.date DESC, a.id DESC LIMIT ?""",
            (*params, limit),
        ).fetchall()

    def _search_filters(self, query: Query) -> tuple[list[str], list]:
        """SQL conditions on `articles a` for a query's dates, tags and (alone) exclusions."""
        clauses: list[str] = []
        params: list = []
        if query.before:
            clauses.append("a.date != '' AND a.date < ?")
            params.append(query.before)
        if query.after:
            clauses.append("a.date > ?")
            params.append(after_bound(query.after))
        for name in query.tags:
            clauses.append(f"a.id IN ({_TAGGED_SQL})")
            params += [name, name]
        for name in query.not_tags:
            clauses.append(f"a.id NOT IN ({_TAGGED_SQL})")
            params += [name, name]
        if not query.positive and query.exclusion_expression():
            clauses.append("a.id NOT IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)")
            params.append(query.exclusion_expression())
        # Words typed with their accents: the accent-kept index must (or must not) hold them.
        for wanted, notes_too in query.exact_clauses():
            clauses.append(f"({_EXACT_IN} OR {_EXACT_NOTES_IN})" if notes_too else _EXACT_IN)
            params += [wanted] * (1 + notes_too)
        for unwanted, notes_too in query.exact_exclusions():
            clauses.append(f"NOT ({_EXACT_IN} OR {_EXACT_NOTES_IN})" if notes_too else f"NOT {_EXACT_IN}")
            params += [unwanted] * (1 + notes_too)
        return clauses, params

    def _results(self, query: Query, rows: list[sqlite3.Row]) -> list[SearchResult]:
        # The index holds the folded text: the hits are found in it, with no folding here.
        body_pattern = query.hit_pattern()
        title_pattern = query.hit_pattern("title")
        results = []
        for row in rows:
            body = _safe(row["body"])
            exact = None if row["body_exact"] is None else bool(row["body_exact"])
            body_hits = find_hits(body, body_pattern, row["body_folded"], exact)
            source, hits, where = body, body_hits, "body"
            if not body_hits and body_pattern is not None and body_pattern.spans(row["notes_folded"] or ""):
                # Found in a note (not in the body): show the note.
                notes = self._notes_text(row["id"])
                note_hits = find_hits(notes, body_pattern)
                if note_hits:
                    source, hits, where = notes, note_hits, "notes"
            excerpt, excerpt_hits = snippet(source, hits)
            results.append(
                SearchResult(
                    id=row["id"],
                    title=_safe(row["title"]),
                    date=row["date"] or None,
                    place=_safe(row["place"]),
                    source=_safe(row["source"]),
                    read=bool(row["read"]),
                    tags=tuple(_safe(t) for t in row["tag_names"].split("\x1f")) if row["tag_names"] else (),
                    snippet=excerpt,
                    snippet_hits=tuple(excerpt_hits),
                    title_hits=tuple(find_hits(_safe(row["title"]), title_pattern, row["title_folded"])),
                    body_hits=tuple(body_hits),
                    snippet_from=where,
                    rank=row["rank"] or 0.0,
                )
            )
        return results

    def _notes_text(self, article_id: int) -> str:
        """An article's note and its highlights' notes (and the quotes of orphans), as one text."""
        parts = [self.conn.execute("SELECT note FROM articles WHERE id = ?", (article_id,)).fetchone()[0]]
        for row in self.conn.execute(
            'SELECT quote, note, orphan FROM highlights WHERE article_id = ? ORDER BY start, "end", id', (article_id,)
        ):
            parts += [row["quote"] if row["orphan"] else "", row["note"]]
        return _safe(" · ".join(p for p in parts if p))

    # -- reading state ---------------------------------------------------------------------

    def reading_state(self, article_id: int) -> tuple[bool, int]:
        """(read, last position) for an article."""
        row = self.conn.execute(
            "SELECT read, position FROM reading_state WHERE article_id = ?", (article_id,)
        ).fetchone()
        return (bool(row["read"]), row["position"]) if row else (False, 0)

    def set_reading_state(self, article_id: int, *, read: bool | None = None, position: int | None = None) -> None:
        """Remember that an article was read and where the reader was."""
        old_read, old_position = self.reading_state(article_id)
        with self.write() as conn:
            conn.execute(
                """INSERT INTO reading_state (article_id, read, position, opened_at) VALUES (?,?,?,?)
                   ON CONFLICT(article_id) DO UPDATE SET read=excluded.read, position=excluded.position,
                   opened_at=excluded.opened_at""",
                (
                    article_id,
                    int(old_read if read is None else read),
                    old_position if position is None else position,
                    now(),
                ),
            )

    # -- tags ------------------------------------------------------------------------------

    def _tag_id(self, name: str) -> int:
        """The id of a tag, creating it (inside the current transaction) if new."""
        key = name.casefold()
        row = self.conn.execute("SELECT id FROM tags WHERE key = ?", (key,)).fetchone()
        if row:
            return row["id"]
        return self.conn.execute("INSERT INTO tags (name, key) VALUES (?, ?)", (name, key)).lastrowid

    def _add_tags(self, table: str, column: str, owner_id: int, names: list[str]) -> None:
        for name in names:
            self.conn.execute(
                f"INSERT OR IGNORE INTO {table} ({column}, tag_id) VALUES (?, ?)", (owner_id, self._tag_id(name))
            )

    def article_tags(self, article_id: int) -> list[str]:
        """The tags on an article, alphabetically."""
        return [
            _safe(r[0])
            for r in self.conn.execute(
                "SELECT name FROM article_tags JOIN tags ON tags.id = tag_id WHERE article_id = ? ORDER BY key",
                (article_id,),
            )
        ]

    def set_article_tags(self, article_id: int, names: Iterable[str]) -> list[str]:
        """Replace an article's tags; returns them as stored."""
        with self.write() as conn:
            conn.execute("DELETE FROM article_tags WHERE article_id = ?", (article_id,))
            self._add_tags("article_tags", "article_id", article_id, clean_tags(names))
            self._drop_unused_tags()
            self._index([article_id])
        return self.article_tags(article_id)

    def add_article_tags(self, article_id: int, names: Iterable[str]) -> list[str]:
        """Add tags to an article, keeping the ones it has."""
        with self.write():
            self._add_tags("article_tags", "article_id", article_id, clean_tags(names))
            self._index([article_id])
        return self.article_tags(article_id)

    def _drop_unused_tags(self) -> None:
        self.conn.execute(
            """DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM article_tags)
               AND id NOT IN (SELECT tag_id FROM highlight_tags)"""
        )

    def tags(self) -> list[Tag]:
        """Every tag with the number of articles and highlights that carry it."""
        rows = self.conn.execute(
            """SELECT name, key,
                 (SELECT count(*) FROM article_tags WHERE tag_id = tags.id)
               + (SELECT count(*) FROM highlight_tags WHERE tag_id = tags.id) AS n
               FROM tags ORDER BY key"""
        )
        return [Tag(_safe(r["name"]), r["n"]) for r in rows]

    def rename_tag(self, old: str, new: str) -> str:
        """Rename a tag; if the new name exists already, merge the two. Returns 'renamed' or 'merged'."""
        new = (clean_tags([new]) or [""])[0]
        if not new:
            raise LibraryError("the new tag name is empty")
        with self.write() as conn:
            source = conn.execute("SELECT id FROM tags WHERE key = ?", (tag_key(old),)).fetchone()
            if source is None:
                raise LibraryError(f"no tag named {old!r}")
            tagged = self._articles_with_tag(source["id"])
            target = conn.execute("SELECT id FROM tags WHERE key = ?", (new.casefold(),)).fetchone()
            if target is None or target["id"] == source["id"]:
                conn.execute("UPDATE tags SET name = ?, key = ? WHERE id = ?", (new, new.casefold(), source["id"]))
                self._index(tagged)
                return "renamed"
            for table, column in (("article_tags", "article_id"), ("highlight_tags", "highlight_id")):
                conn.execute(
                    f"""INSERT OR IGNORE INTO {table} ({column}, tag_id)
                        SELECT {column}, ? FROM {table} WHERE tag_id = ?""",
                    (target["id"], source["id"]),
                )
            conn.execute("DELETE FROM tags WHERE id = ?", (source["id"],))
            self._index(tagged)
            return "merged"

    def delete_tag(self, name: str) -> None:
        """Remove a tag from everything that carries it."""
        with self.write() as conn:
            row = conn.execute("SELECT id FROM tags WHERE key = ?", (tag_key(name),)).fetchone()
            tagged = self._articles_with_tag(row["id"]) if row else []
            cursor = conn.execute("DELETE FROM tags WHERE key = ?", (tag_key(name),))
            if cursor.rowcount == 0:
                raise LibraryError(f"no tag named {name!r}")
            self._index(tagged)

    def _articles_with_tag(self, tag_id: int) -> list[int]:
        """The articles that carry a tag themselves or on one of their highlights."""
        return [
            r[0]
            for r in self.conn.execute(
                """SELECT article_id FROM article_tags WHERE tag_id = ?
                   UNION SELECT h.article_id FROM highlights h JOIN highlight_tags x ON x.highlight_id = h.id
                   WHERE x.tag_id = ?""",
                (tag_id, tag_id),
            )
        ]

    # -- notes -----------------------------------------------------------------------------

    def set_article_note(self, article_id: int, note: str) -> str:
        """Write the article-level note; returns it as stored."""
        note = text.clean(note)
        with self.write() as conn:
            conn.execute("UPDATE articles SET note = ?, note_modified = ? WHERE id = ?", (note, now(), article_id))
            self._index([article_id])
        return note

    # -- highlights ------------------------------------------------------------------------

    def _highlight_from_row(self, row: sqlite3.Row) -> Highlight:
        tags = [
            _safe(r[0])
            for r in self.conn.execute(
                "SELECT name FROM highlight_tags JOIN tags ON tags.id = tag_id WHERE highlight_id = ? ORDER BY key",
                (row["id"],),
            )
        ]
        return Highlight(
            id=row["id"],
            article_id=row["article_id"],
            anchor=Anchor(row["start"], row["end"], _safe(row["quote"]), _safe(row["prefix"]), _safe(row["suffix"])),
            color=row["color"],
            note=_safe(row["note"]),
            tags=tags,
            orphan=bool(row["orphan"]),
            created=row["created"],
            modified=row["modified"],
        )

    def highlights(self, article_id: int) -> list[Highlight]:
        """An article's highlights in reading order, orphans last."""
        rows = self.conn.execute(
            'SELECT * FROM highlights WHERE article_id = ? ORDER BY orphan, start, "end", id', (article_id,)
        ).fetchall()
        return [self._highlight_from_row(r) for r in rows]

    def get_highlight(self, highlight_id: int) -> Highlight | None:
        """One highlight, or None."""
        row = self.conn.execute("SELECT * FROM highlights WHERE id = ?", (highlight_id,)).fetchone()
        return self._highlight_from_row(row) if row else None

    def add_highlight(
        self,
        article_id: int,
        anchor: Anchor,
        *,
        color: int = 1,
        note: str = "",
        tags: Iterable[str] = (),
        created: str | None = None,
        modified: str | None = None,
        orphan: bool = False,
    ) -> Highlight:
        """Create a highlight (committed before this returns)."""
        stamp = now()
        with self.write() as conn:
            cursor = conn.execute(
                """INSERT INTO highlights (article_id, start, "end", quote, prefix, suffix, color, note,
                   orphan, created, modified) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
                (
                    article_id,
                    anchor.start,
                    anchor.end,
                    anchor.quote,
                    anchor.prefix,
                    anchor.suffix,
                    _check_color(color),
                    text.clean(note),
                    int(orphan),
                    created or stamp,
                    modified or stamp,
                ),
            )
            highlight_id = cursor.lastrowid
            self._add_tags("highlight_tags", "highlight_id", highlight_id, clean_tags(tags))
            self._index([article_id])
        return self.get_highlight(highlight_id)

    def _update_highlight(self, highlight_id: int, sql: str, params: tuple) -> Highlight:
        with self.write() as conn:
            cursor = conn.execute(
                f"UPDATE highlights SET {sql}, modified = ? WHERE id = ?", (*params, now(), highlight_id)
            )
            if cursor.rowcount == 0:
                raise LibraryError(f"no highlight {highlight_id}")
            row = conn.execute("SELECT article_id FROM highlights WHERE id = ?", (highlight_id,)).fetchone()
            self._index([row[0]])
        return self.get_highlight(highlight_id)

    def set_highlight_note(self, highlight_id: int, note: str) -> Highlight:
        """Write a highlight's note."""
        return self._update_highlight(highlight_id, "note = ?", (text.clean(note),))

    def set_highlight_color(self, highlight_id: int, color: int) -> Highlight:
        """Change a highlight's colour (1-5)."""
        return self._update_highlight(highlight_id, "color = ?", (_check_color(color),))

    def set_highlight_tags(self, highlight_id: int, names: Iterable[str]) -> Highlight:
        """Replace a highlight's tags."""
        with self.write() as conn:
            conn.execute("DELETE FROM highlight_tags WHERE highlight_id = ?", (highlight_id,))
            self._add_tags("highlight_tags", "highlight_id", highlight_id, clean_tags(names))
            self._drop_unused_tags()
            return self._update_highlight(highlight_id, "note = note", ())

    def delete_highlight(self, highlight_id: int) -> Highlight:
        """Delete a highlight; returns it, so that it can be restored."""
        highlight = self.get_highlight(highlight_id)
        if highlight is None:
            raise LibraryError(f"no highlight {highlight_id}")
        with self.write() as conn:
            conn.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,))
            self._drop_unused_tags()
            self._index([highlight.article_id])
        return highlight

    def restore_highlight(self, highlight: Highlight) -> Highlight:
        """Put a deleted highlight back, with its note, tags and times."""
        return self.add_highlight(
            highlight.article_id,
            highlight.anchor,
            color=highlight.color,
            note=highlight.note,
            tags=highlight.tags,
            created=highlight.created,
            modified=highlight.modified,
            orphan=highlight.orphan,
        )

    # -- export ----------------------------------------------------------------------------

    def annotated_article_ids(self, tag: str | None = None, since: str | None = None) -> list[int]:
        """Articles with something to export (highlights, a note or tags), newest first.

        With a tag: articles carrying it, or holding a highlight that carries it.
        With a date: only what was made or changed on or after it.
        """
        params: list = []
        if tag:
            where = f"id IN ({_TAGGED_SQL})"  # the tag as typed (smart accents), as `tag:` matches it
            params += [tag_pattern(tag)] * 2
        else:
            where = """(id IN (SELECT article_id FROM highlights) OR note != ''
                       OR id IN (SELECT article_id FROM article_tags))"""
        if since:
            where += """ AND (id IN (SELECT article_id FROM highlights WHERE modified >= ?)
                         OR (note != '' AND note_modified >= ?))"""
            params += [since, since]
        return [
            r[0]
            for r in self.conn.execute(f"SELECT id FROM articles WHERE {where} ORDER BY date DESC, id DESC", params)
        ]

    def find_article_by_hash(self, content_hash: str) -> Article | None:
        """The article with this content hash, if the library holds it."""
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return self.get_article(row["id"]) if row else None


def _safe(value: str) -> str:
    """Text read back from the file: sanitised again, since another program may have written it.

    Everything reader stores is clean already (a no-op then); this keeps a tampered or foreign
    library from sending escape sequences to the terminal.
    """
    return text.sanitise(value) if value else value


def _check_color(color: int) -> int:
    if not 1 <= int(color) <= 5:
        raise LibraryError(f"colour must be 1 to 5, not {color}")
    return int(color)
