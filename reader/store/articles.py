"""Articles: storing (identity by content, update in place by path), reading one, reading state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from datetime import UTC, datetime
from itertools import islice

from reader import text, vietnamese
from reader.model import Anchor, Article
from reader.store import rows
from reader.store.errors import LibraryError
from reader.store.sorting import place_key
from reader.tags import clean_tags

MAX_ID = 2**63 - 1  # SQLite's integers; an id from outside beyond them names nothing


# Articles a bulk insert holds at once (one statement and one index fill each).
_CHUNK = 2000


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fits(n: object) -> bool:
    """True if n can be an id in the file (an int within SQLite's 64 bits)."""
    return isinstance(n, int) and -MAX_ID - 1 <= n <= MAX_ID


def _hash(article: Article) -> str:
    return article.content_hash or text.content_hash(article.title + "\n" + article.body)


class Articles:
    """The articles room of the Library."""

    def add_article(self, article: Article) -> tuple[str, Article]:
        """Store an article: 'imported', 'updated' (same path, new content) or 'unchanged'."""
        content_hash = _hash(article)
        # Re-anchoring many highlights on a long text takes seconds: it is done before the write
        # lock is taken, and only checked (the highlights unchanged meanwhile) inside it.
        planned = self._plan_reanchor(article, content_hash)
        with self.write() as unit:
            row = unit.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
            if row:
                return "unchanged", self.get_article(row["id"])
            old = None
            if article.path:
                old = unit.execute(
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
                unit.execute(
                    """UPDATE articles SET content_hash=?, path=?, title=?, body=?, date=?, dateline=?,
                       place=?, source=?, updated_at=? WHERE id=?""",
                    (*values, old["id"]),
                )
                article_id = old["id"]
                self._reanchor(article_id, article.body, planned)
                status = "updated"
            else:
                article_id = self._new_article_id()
                unit.execute(
                    """INSERT INTO articles (id, content_hash, path, title, body, date, dateline, place,
                       source, updated_at, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
                    (article_id, *values, values[-1]),
                )
                self._index_new(article_id)
                status = "imported"
            if article.tags:
                self._add_tags("article_tags", "article_id", article_id, clean_tags(article.tags))
        return status, self.get_article(article_id)

    def _new_article_id(self) -> int:
        """An id no article ever had (above the highest in use and the highest deleted): ids are never reused."""
        return self.conn.execute(
            """SELECT max(coalesce((SELECT max(id) FROM articles), 0),
                          coalesce((SELECT highest FROM article_id_mark), 0)) + 1"""
        ).fetchone()[0]

    def _anchors_of(self, article_id: int) -> list[tuple[int, Anchor]]:
        return [(h.id, h.anchor) for h in self.highlights(article_id)]

    def _plan_reanchor(self, article: Article, content_hash: str):
        """(article id, its highlights' anchors, where they go in the new text), or None."""
        if not article.path:
            return None
        row = self.conn.execute(
            "SELECT id, content_hash FROM articles WHERE path = ? ORDER BY id LIMIT 1", (article.path,)
        ).fetchone()
        if row is None or row["content_hash"] == content_hash:
            return None
        anchors = self._anchors_of(row["id"])
        from reader import anchoring  # loaded only when a changed file has highlights to move

        found = anchoring.reanchor_all(article.body, [a for _, a in anchors]) if anchors else []
        return row["id"], anchors, found

    def _reanchor(self, article_id: int, body: str, planned=None) -> None:
        """Move every highlight of an article onto its new text, or mark it an orphan."""
        from reader import anchoring

        anchors = self._anchors_of(article_id)
        if planned and planned[0] == article_id and planned[1] == anchors:
            found = planned[2]
        else:  # a highlight changed since the plan (rare): compute again, under the lock
            found = anchoring.reanchor_all(body, [a for _, a in anchors]) if anchors else []
        orphans = [(hid,) for (hid, _), new in zip(anchors, found, strict=True) if new is None]
        moved = [
            (new.start, new.end, new.quote, new.prefix, new.suffix, hid)
            for (hid, _), new in zip(anchors, found, strict=True)
            if new is not None
        ]
        self.conn.executemany("UPDATE highlights SET orphan = 1 WHERE id = ?", orphans)
        self.conn.executemany(
            'UPDATE highlights SET start=?, "end"=?, quote=?, prefix=?, suffix=?, orphan=0 WHERE id=?', moved
        )

    def add_articles_bulk(self, articles: Iterable[Article], *, batch_size: int | None = None) -> int:
        """Insert many new articles (no re-anchoring); returns how many were added.

        By default in one transaction: all or nothing. With batch_size, each batch of that many
        articles is its own transaction (all or nothing per batch; the batches before a failure
        stay), so the write-ahead log stays the size of a batch instead of growing to the library's.
        Inside a caller's transaction the batches are part of it.
        """
        if batch_size is not None and batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        source = iter(articles)
        added = 0
        with self.roomy_cache(), self.write() if batch_size is None else nullcontext():
            # A chunk at a time even in one transaction: the articles of a chunk are held, not all.
            while batch := list(islice(source, batch_size or _CHUNK)):
                added += sum(i is not None for i in self._add_bulk(batch))
        return added

    def _add_bulk(self, articles: list[Article], folded: Mapping[str, str] | None = None) -> list[int | None]:
        """Insert new articles in one statement and index them in bulk; each one's id (None: a duplicate).

        `folded` may map some of their texts (titles, bodies) to text.fold of them, computed ahead:
        the index takes those folds instead of folding again.
        """
        stamp = now()
        hashes = [_hash(a) for a in articles]
        with self.write() as unit:
            last_id = unit.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
            first_id = self._new_article_id()
            values = (
                (
                    first_id + number,  # explicit: above every id an article ever had (a duplicate leaves a gap)
                    h,
                    a.path,
                    a.title,
                    a.body,
                    a.date or "",
                    a.dateline,
                    a.place,
                    a.source,
                    stamp,
                    stamp,
                    vietnamese.vi_sort_key(a.title),
                    place_key(a.place, a.date),
                )
                for number, (a, h) in enumerate(zip(articles, hashes, strict=True))
            )
            unit.executemany(
                """INSERT OR IGNORE INTO articles (id, content_hash, path, title, body, date, dateline,
                   place, source, updated_at, imported_at, title_key, place_key)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                values,
            )
            # The new rows are the ones above every id before. A content already stored was ignored:
            # the first of the list with that content is the one stored.
            found = unit.execute("SELECT content_hash, id FROM articles WHERE id > ?", (last_id,))
            new = {r[0]: r[1] for r in found}
            ids: list[int | None] = [new.pop(h, None) for h in hashes]
            # Insert first, index after, in bulk: per-row work on a bulk import is twice as slow.
            try:
                self.conn.folded_ahead.update(folded or ())
                self._index_new_rows(last_id)
            finally:
                self.conn.folded_ahead.clear()
            unit.forget("article_id > ?", (last_id,))
            return ids

    def plain_new(self, articles: list[Article]) -> list[bool]:
        """For each article, True if one plain INSERT stores it right: no tags, and neither its
        content nor its path is in the library or elsewhere in the list (no update, no re-anchoring)."""
        hashes = [_hash(a) for a in articles]
        paths = [a.path for a in articles if a.path]
        known: set = set()
        for column, values in (("content_hash", hashes), ("path", paths)):
            for chunk in rows.chunks(values):
                found = self.conn.execute(
                    f"SELECT {column} FROM articles WHERE {column} IN ({rows.marks(chunk)})", chunk
                )
                known.update(r[0] for r in found)
        counts: dict = {}
        for key in (*hashes, *paths):
            counts[key] = counts.get(key, 0) + 1
        return [
            not a.tags
            and h not in known
            and counts[h] == 1
            and not (a.path and (a.path in known or counts[a.path] > 1))
            for a, h in zip(articles, hashes, strict=True)
        ]

    def add_plain_new(self, articles: list[Article], folded: Mapping[str, str] | None = None) -> list[int]:
        """Insert articles plain_new() accepted, in one statement, indexed after; their ids, in order.

        `folded` may map some of their texts (titles, bodies) to text.fold of them, computed ahead.
        """
        ids = self._add_bulk(articles, folded)
        if None in ids:  # plain_new() said none is stored; another program stored one meanwhile
            raise LibraryError("an article was stored by another program meanwhile; try again")
        return ids

    def delete_article(self, article_id: int) -> None:
        """Delete an article with its highlights, notes and reading state (its search row goes too)."""
        with self.write() as unit:
            cursor = unit.execute("DELETE FROM articles WHERE id = ?", (article_id,)) if fits(article_id) else None
            if cursor is None or cursor.rowcount == 0:
                raise LibraryError(f"no article {article_id}")

    def get_article(self, article_id: int) -> Article | None:
        """One article with its tags and note, or None."""
        if not fits(article_id):
            return None
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        return rows.article(row, self.article_tags(article_id))

    def find_article_by_hash(self, content_hash: str) -> Article | None:
        """The article with this content hash, if the library holds it."""
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return self.get_article(row["id"]) if row else None

    def reading_state(self, article_id: int) -> tuple[bool, int]:
        """(read, last position) for an article."""
        if not fits(article_id):
            return (False, 0)
        row = self.conn.execute(
            "SELECT read, position FROM reading_state WHERE article_id = ?", (article_id,)
        ).fetchone()
        return (bool(rows.int_of(row["read"])), rows.int_of(row["position"])) if row else (False, 0)

    def set_reading_state(self, article_id: int, *, read: bool | None = None, position: int | None = None) -> None:
        """Remember that an article was read and where the reader was."""
        old_read, old_position = self.reading_state(article_id)
        with self.write() as unit:
            unit.execute(
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
