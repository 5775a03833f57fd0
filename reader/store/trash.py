"""The trash: a deleted article kept whole (its highlights, notes, tags, reading state) until restored or emptied.

Deleting moves the article's rows into one JSON snapshot in the `trash` table, so every other query
of the library stays as it is: a trashed article is simply not in `articles`. Restoring puts the
rows back under their own ids (a vault note and a `reader://` link keep pointing at them): since
m008 and m011 no id is given out twice, so they are free unless the library reused one before.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.store import rows
from reader.store.articles import fits, now
from reader.store.errors import LibraryError

# The tables that hold an article's own rows, and the column naming the article.
_ARTICLE_TABLES = (("articles", "id"), ("reading_state", "article_id"), ("article_raw", "article_id"))


@dataclass(frozen=True)
class TrashEntry:
    """One article in the trash, as `reader trash` lists it."""

    id: int
    title: str
    deleted_at: str
    highlights: int


@dataclass(frozen=True)
class Restored:
    """What restoring put back: the article's id now (its old one if it was free) and its title."""

    id: int
    old_id: int
    title: str
    highlights: int


def _plain(row) -> dict:
    """A row as JSON-ready values (bytes as base64 in a one-key object)."""
    import base64  # the trash's modules load when it is used, not with every command (5 ms)

    return {k: ({"base64": base64.b64encode(v).decode()} if isinstance(v, bytes) else v) for k, v in dict(row).items()}


def _value(value):
    import base64

    return base64.b64decode(value["base64"]) if isinstance(value, dict) else value


class Trash:
    """The trash room of the Library."""

    def trash_article(self, article_id: int) -> TrashEntry:
        """Move an article, with everything attached to it, into the trash."""
        import json

        with self.write() as unit:
            row = (
                unit.execute("SELECT id, title FROM articles WHERE id = ?", (article_id,)).fetchone()
                if fits(article_id)
                else None
            )
            if row is None:
                raise LibraryError(f"no article with id {article_id}")
            snapshot: dict = {}
            for table, column in _ARTICLE_TABLES:
                found = unit.execute(f"SELECT * FROM {table} WHERE {column} = ?", (article_id,)).fetchall()
                snapshot[table] = [_plain(r) for r in found]
            snapshot["article_tags"] = self.article_tags(article_id)
            highlights = unit.execute("SELECT * FROM highlights WHERE article_id = ? ORDER BY id", (article_id,))
            snapshot["highlights"] = [_plain(r) for r in highlights.fetchall()]
            ids = [h["id"] for h in snapshot["highlights"]]
            snapshot["highlight_tags"] = {
                str(k): v for k, v in rows.names_by_owner(self.conn, "highlight_tags", "highlight_id", ids).items()
            }
            article = snapshot["articles"][0]
            unit.execute(
                """INSERT OR REPLACE INTO trash (article_id, title, deleted_at, feed_id, entry_id, url, highlights,
                   snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    article_id,
                    row["title"],
                    now(),
                    article.get("feed_id"),
                    article.get("entry_id"),
                    article.get("url") or "",
                    len(ids),
                    json.dumps(snapshot, ensure_ascii=False),
                ),
            )
            unit.execute("DELETE FROM articles WHERE id = ?", (article_id,))  # the rest cascades
        return self._entry(article_id)

    def _entry(self, article_id: int) -> TrashEntry:
        row = self.conn.execute(
            "SELECT article_id, title, deleted_at, highlights FROM trash WHERE article_id = ?", (article_id,)
        ).fetchone()
        return TrashEntry(rows.int_of(row[0]), rows.text_of(row[1]), rows.text_of(row[2]), rows.int_of(row[3]))

    def trashed(self) -> list[TrashEntry]:
        """The articles in the trash, the most recently deleted first."""
        found = self.conn.execute("SELECT article_id FROM trash ORDER BY deleted_at DESC, article_id DESC")
        return [self._entry(r[0]) for r in found.fetchall()]

    def trashed_entry_ids(self, feed_id: int) -> set[str]:
        """The feed entries whose articles are in the trash: a feed update does not bring them back."""
        found = self.conn.execute("SELECT entry_id FROM trash WHERE feed_id = ? AND entry_id IS NOT NULL", (feed_id,))
        return {rows.text_of(r[0]) for r in found.fetchall()}

    def restore_article(self, article_id: int) -> Restored:
        """Bring an article back from the trash with its highlights, notes, tags and reading state."""
        import json

        with self.write() as unit:
            row = (
                unit.execute("SELECT snapshot FROM trash WHERE article_id = ?", (article_id,)).fetchone()
                if fits(article_id)
                else None
            )
            if row is None:
                raise LibraryError(f"no article with id {article_id} in the trash (see `reader trash`)")
            snapshot = json.loads(row[0])
            article = dict(snapshot["articles"][0])
            twin = unit.execute("SELECT id FROM articles WHERE content_hash = ?", (article["content_hash"],)).fetchone()
            if twin is not None:
                raise LibraryError(
                    f"the library holds the same text already as #{twin[0]} (imported again since?); article "
                    f"{article_id} stays in the trash. To have it back with its notes, delete #{twin[0]} first"
                )
            if unit.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
                article["id"] = self._new_article_id()  # taken (a library from before m011): a new one
            if (
                article.get("feed_id") is not None
                and not unit.execute("SELECT 1 FROM feeds WHERE id = ?", (article["feed_id"],)).fetchone()
            ):
                article["feed_id"] = None  # the feed was removed meanwhile: the article stays, unlinked
            new_id = self._put("articles", article)
            for table, column in _ARTICLE_TABLES[1:]:
                for values in snapshot.get(table, []):
                    self._put(table, {**values, column: new_id})
            self._add_tags("article_tags", "article_id", new_id, snapshot.get("article_tags", []))
            for values in snapshot.get("highlights", []):
                old = values["id"]
                values = {**values, "article_id": new_id}
                if unit.execute("SELECT 1 FROM highlights WHERE id = ?", (old,)).fetchone():
                    values["id"] = self._new_highlight_id()  # never one another highlight had
                highlight_id = self._put("highlights", values)
                self._add_tags(
                    "highlight_tags", "highlight_id", highlight_id, snapshot["highlight_tags"].get(str(old), [])
                )
            self._index_new(new_id)
            unit.execute("DELETE FROM trash WHERE article_id = ?", (article_id,))
        return Restored(new_id, article_id, rows.text_of(article["title"]), len(snapshot.get("highlights", [])))

    def _put(self, table: str, values: dict) -> int:
        """Insert one row of a snapshot (the columns this library has); returns its id."""
        known = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})").fetchall()}
        columns = [c for c in values if c in known]
        quoted = ", ".join(f'"{c}"' for c in columns)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({quoted}) VALUES ({rows.marks(columns)})", [_value(values[c]) for c in columns]
        )
        return cursor.lastrowid

    def empty_trash(self, article_ids: list[int] | None = None) -> int:
        """Remove articles from the trash for good (all of them, or the ones given); returns how many."""
        with self.write() as unit:
            if article_ids is None:
                return unit.execute("DELETE FROM trash").rowcount
            wanted = [i for i in article_ids if fits(i)]
            return sum(unit.execute("DELETE FROM trash WHERE article_id = ?", (i,)).rowcount for i in wanted)
