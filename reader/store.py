"""The Library: the one place that reads and writes SQL; rows in, model objects out."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database

from reader import anchoring, text
from reader.migrations import migrations
from reader.model import Anchor, Article, ArticleSummary, Highlight, Tag

DB_FILENAME = "library.db"
BUSY_TIMEOUT_MS = 10_000


class LibraryError(Exception):
    """A problem with the library, worded for the user."""


class WriteError(LibraryError):
    """A write that did not happen (locked, disk full, read-only); nothing was changed."""


def data_dir() -> Path:
    """Where the library lives: $READER_HOME, else the platform's user data directory."""
    home = os.environ.get("READER_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("reader", appauthor=False))


def default_db_path() -> Path:
    """The default library file."""
    return data_dir() / DB_FILENAME


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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
    return f"the library could not be written ({error}); nothing was saved"


class Library:
    """A SQLite library of articles, tags, highlights and notes."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except (OSError, sqlite3.Error) as error:
            raise LibraryError(f"cannot open library {self.path}: {error}") from error
        self.conn = conn
        conn.row_factory = sqlite3.Row
        self.db = Database(conn)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")  # a confirmed note survives power loss too
            self._migrate()
        except sqlite3.DatabaseError as error:
            conn.close()
            raise LibraryError(f"{self.path} is not a usable library: {error}") from error
        except LibraryError:
            conn.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------

    def _migrate(self) -> None:
        known = {m.name for m in migrations._migrations}
        applied = {m.name for m in migrations.applied(self.db)}
        unknown = sorted(applied - known)
        if unknown:
            raise LibraryError(
                f"{self.path} was written by a newer version of reader (schema {unknown[-1]}); "
                "upgrade reader to open it. The file was not changed."
            )
        if migrations.pending(self.db):
            with self.write():
                migrations.apply(self.db)

    def schema_version(self) -> str:
        """The name of the last applied migration."""
        applied = migrations.applied(self.db)
        return applied[-1].name if applied else ""

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
                content_hash, article.path, article.title, article.body, article.date or "",
                article.dateline, article.place, article.source, now(),
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
                status = "imported"
            if article.tags:
                self._add_tags("article_tags", "article_id", article_id, clean_tags(article.tags))
        return status, self.get_article(article_id)

    def add_articles_bulk(self, articles: Iterable[Article]) -> int:
        """Insert many new articles in one transaction (no re-anchoring); returns how many were added."""
        stamp = now()
        rows = (
            (a.content_hash or text.content_hash(a.title + "\n" + a.body), a.path, a.title, a.body,
             a.date or "", a.dateline, a.place, a.source, stamp, stamp)
            for a in articles
        )
        with self.write() as conn:
            before = conn.total_changes
            conn.executemany(
                """INSERT OR IGNORE INTO articles (content_hash, path, title, body, date, dateline,
                   place, source, updated_at, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)""",
                rows,
            )
            return conn.total_changes - before

    def _reanchor(self, article_id: int, body: str) -> None:
        """Move every highlight of an article onto its new text, or mark it an orphan."""
        for highlight in self.highlights(article_id):
            found = anchoring.reanchor(body, highlight.anchor)
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
            id=row["id"], content_hash=row["content_hash"], path=row["path"], title=row["title"],
            body=row["body"], date=row["date"] or None, dateline=row["dateline"], place=row["place"],
            source=row["source"], note=row["note"], tags=self.article_tags(article_id),
        )

    def count_articles(self, tag: str | None = None) -> int:
        """How many articles there are (with the tag, if given)."""
        where, params = self._tag_filter(tag)
        return self.conn.execute(f"SELECT count(*) FROM articles {where}", params).fetchone()[0]

    def _tag_filter(self, tag: str | None) -> tuple[str, tuple]:
        if not tag:
            return "", ()
        return (
            "WHERE id IN (SELECT article_id FROM article_tags JOIN tags ON tags.id = tag_id WHERE key = ?)",
            (tag_key(tag),),
        )

    def page_articles(
        self,
        *,
        after: tuple[str, int] | None = None,
        before: tuple[str, int] | None = None,
        from_key: tuple[str, int] | None = None,
        limit: int = 100,
        tag: str | None = None,
    ) -> list[ArticleSummary]:
        """A page of the list, newest first, by keyset: rows after, before or from the key (date, id)."""
        where, params = self._tag_filter(tag)
        clauses = [where[len("WHERE "):]] if where else []
        order = "DESC"
        if after is not None:
            clauses.append("(date, id) < (?, ?)")
            params += tuple(after)
        elif from_key is not None:
            clauses.append("(date, id) <= (?, ?)")
            params += tuple(from_key)
        elif before is not None:
            clauses.append("(date, id) > (?, ?)")
            params += tuple(before)
            order = "ASC"
        where_sql = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.conn.execute(
            f"""SELECT id, title, date, place, source FROM articles {where_sql}
                ORDER BY date {order}, id {order} LIMIT ?""",
            (*params, limit),
        ).fetchall()
        if order == "ASC":
            rows.reverse()
        return self._summaries(rows)

    def key_at(self, index: int, tag: str | None = None) -> tuple[str, int] | None:
        """The sort key of the row at a position, for a jump into the middle of a long list.

        Keyset paging cannot jump; this walks the (date, id) index only, never the rows.
        """
        where, params = self._tag_filter(tag)
        row = self.conn.execute(
            f"SELECT date, id FROM articles {where} ORDER BY date DESC, id DESC LIMIT 1 OFFSET ?",
            (*params, index),
        ).fetchone()
        return (row["date"], row["id"]) if row else None

    def _summaries(self, rows: list[sqlite3.Row]) -> list[ArticleSummary]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        read = {
            r[0] for r in self.conn.execute(
                f"SELECT article_id FROM reading_state WHERE read = 1 AND article_id IN ({marks})", ids
            )
        }
        tags: dict[int, list[str]] = {}
        for r in self.conn.execute(
            f"""SELECT article_id, name FROM article_tags JOIN tags ON tags.id = tag_id
                WHERE article_id IN ({marks}) ORDER BY key""",
            ids,
        ):
            tags.setdefault(r[0], []).append(r[1])
        return [
            ArticleSummary(
                id=r["id"], title=r["title"], date=r["date"] or None, place=r["place"], source=r["source"],
                read=r["id"] in read, tags=tuple(tags.get(r["id"], ())),
            )
            for r in rows
        ]

    def list_articles(self, tag: str | None = None, page_size: int = 500) -> Iterator[ArticleSummary]:
        """Every article (with the tag), newest first, fetched a page at a time."""
        after = None
        while True:
            page = self.page_articles(after=after, limit=page_size, tag=tag)
            yield from page
            if len(page) < page_size:
                return
            after = (page[-1].date or "", page[-1].id)

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
            r[0] for r in self.conn.execute(
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
        return self.article_tags(article_id)

    def add_article_tags(self, article_id: int, names: Iterable[str]) -> list[str]:
        """Add tags to an article, keeping the ones it has."""
        with self.write():
            self._add_tags("article_tags", "article_id", article_id, clean_tags(names))
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
        return [Tag(r["name"], r["n"]) for r in rows]

    def rename_tag(self, old: str, new: str) -> str:
        """Rename a tag; if the new name exists already, merge the two. Returns 'renamed' or 'merged'."""
        new = (clean_tags([new]) or [""])[0]
        if not new:
            raise LibraryError("the new tag name is empty")
        with self.write() as conn:
            source = conn.execute("SELECT id FROM tags WHERE key = ?", (tag_key(old),)).fetchone()
            if source is None:
                raise LibraryError(f"no tag named {old!r}")
            target = conn.execute("SELECT id FROM tags WHERE key = ?", (new.casefold(),)).fetchone()
            if target is None or target["id"] == source["id"]:
                conn.execute("UPDATE tags SET name = ?, key = ? WHERE id = ?", (new, new.casefold(), source["id"]))
                return "renamed"
            for table, column in (("article_tags", "article_id"), ("highlight_tags", "highlight_id")):
                conn.execute(
                    f"""INSERT OR IGNORE INTO {table} ({column}, tag_id)
                        SELECT {column}, ? FROM {table} WHERE tag_id = ?""",
                    (target["id"], source["id"]),
                )
            conn.execute("DELETE FROM tags WHERE id = ?", (source["id"],))
            return "merged"

    def delete_tag(self, name: str) -> None:
        """Remove a tag from everything that carries it."""
        with self.write() as conn:
            cursor = conn.execute("DELETE FROM tags WHERE key = ?", (tag_key(name),))
            if cursor.rowcount == 0:
                raise LibraryError(f"no tag named {name!r}")

    # -- notes -----------------------------------------------------------------------------

    def set_article_note(self, article_id: int, note: str) -> str:
        """Write the article-level note; returns it as stored."""
        note = text.clean(note)
        with self.write() as conn:
            conn.execute("UPDATE articles SET note = ?, note_modified = ? WHERE id = ?", (note, now(), article_id))
        return note

    # -- highlights ------------------------------------------------------------------------

    def _highlight_from_row(self, row: sqlite3.Row) -> Highlight:
        tags = [
            r[0] for r in self.conn.execute(
                "SELECT name FROM highlight_tags JOIN tags ON tags.id = tag_id WHERE highlight_id = ? ORDER BY key",
                (row["id"],),
            )
        ]
        return Highlight(
            id=row["id"], article_id=row["article_id"],
            anchor=Anchor(row["start"], row["end"], row["quote"], row["prefix"], row["suffix"]),
            color=row["color"], note=row["note"], tags=tags, orphan=bool(row["orphan"]),
            created=row["created"], modified=row["modified"],
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
        self, article_id: int, anchor: Anchor, *, color: int = 1, note: str = "",
        tags: Iterable[str] = (), created: str | None = None, modified: str | None = None,
        orphan: bool = False,
    ) -> Highlight:
        """Create a highlight (committed before this returns)."""
        stamp = now()
        with self.write() as conn:
            cursor = conn.execute(
                """INSERT INTO highlights (article_id, start, "end", quote, prefix, suffix, color, note,
                   orphan, created, modified) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
                (article_id, anchor.start, anchor.end, anchor.quote, anchor.prefix, anchor.suffix,
                 _check_color(color), text.clean(note), int(orphan), created or stamp, modified or stamp),
            )
            highlight_id = cursor.lastrowid
            self._add_tags("highlight_tags", "highlight_id", highlight_id, clean_tags(tags))
        return self.get_highlight(highlight_id)

    def _update_highlight(self, highlight_id: int, sql: str, params: tuple) -> Highlight:
        with self.write() as conn:
            cursor = conn.execute(f"UPDATE highlights SET {sql}, modified = ? WHERE id = ?", (*params, now(), highlight_id))
            if cursor.rowcount == 0:
                raise LibraryError(f"no highlight {highlight_id}")
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
        return highlight

    def restore_highlight(self, highlight: Highlight) -> Highlight:
        """Put a deleted highlight back, with its note, tags and times."""
        return self.add_highlight(
            highlight.article_id, highlight.anchor, color=highlight.color, note=highlight.note,
            tags=highlight.tags, created=highlight.created, modified=highlight.modified,
            orphan=highlight.orphan,
        )


def _check_color(color: int) -> int:
    if not 1 <= int(color) <= 5:
        raise LibraryError(f"colour must be 1 to 5, not {color}")
    return int(color)

