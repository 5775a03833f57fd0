"""Tags: on articles and highlights, listed with counts, renamed, merged and deleted.

Identity is reader.tags.tag_key; tags nothing carries any more are dropped by the unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable

from reader.model import Tag
from reader.store import rows
from reader.store.errors import LibraryError
from reader.tags import clean_tags, tag_key


def tagged_articles(value: str, *, on_highlights: bool, pattern: bool = False) -> tuple[str, list[str]]:
    """SQL for the ids of the articles carrying a tag, and its parameters: the one definition.

    `on_highlights`: a highlight's tag counts for its article too. `pattern`: `value` is a
    reader.query.tag_pattern (a tag as a person types it, matched by smart accents), else a
    reader.tags.tag_key (identity).
    """
    where = "reader_tag_matches(t.name, ?)" if pattern else "t.key = ?"
    sql = f"SELECT x.article_id FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE {where}"
    if not on_highlights:
        return sql, [value]
    sql += f"""
        UNION SELECT h.article_id FROM highlights h JOIN highlight_tags x ON x.highlight_id = h.id
              JOIN tags t ON t.id = x.tag_id WHERE {where}"""
    return sql, [value, value]


class Tags:
    """The tags room of the Library."""

    def _tag_ids(self, names: list[str]) -> list[int]:
        """The ids of tags (tidy names), creating the new ones inside the current transaction."""
        keys = {tag_key(name): name for name in names}
        found: dict[str, int] = {}
        for chunk in rows.chunks(list(keys)):
            for row in self.conn.execute(f"SELECT key, id FROM tags WHERE key IN ({rows.marks(chunk)})", chunk):
                found[row[0]] = row[1]
        for key, name in keys.items():
            if key not in found:
                found[key] = self.conn.execute("INSERT INTO tags (name, key) VALUES (?, ?)", (name, key)).lastrowid
        return [found[key] for key in keys]

    def _add_tags(self, table: str, column: str, owner_id: int, names: list[str]) -> None:
        self.conn.executemany(
            f"INSERT OR IGNORE INTO {table} ({column}, tag_id) VALUES (?, ?)",
            [(owner_id, tag_id) for tag_id in self._tag_ids(names)],
        )

    def article_tags(self, article_id: int) -> list[str]:
        """The tags on an article, alphabetically."""
        return rows.names_by_owner(self.conn, "article_tags", "article_id", [article_id]).get(article_id, [])

    def set_article_tags(self, article_id: int, names: Iterable[str]) -> list[str]:
        """Replace an article's tags; returns them as stored."""
        with self.write() as unit:
            unit.execute("DELETE FROM article_tags WHERE article_id = ?", (article_id,))
            self._add_tags("article_tags", "article_id", article_id, clean_tags(names))
        return self.article_tags(article_id)

    def add_article_tags(self, article_id: int, names: Iterable[str]) -> list[str]:
        """Add tags to an article, keeping the ones it has."""
        with self.write():
            self._add_tags("article_tags", "article_id", article_id, clean_tags(names))
        return self.article_tags(article_id)

    def tags(self) -> list[Tag]:
        """Every tag with the number of articles and highlights that carry it."""
        found = self.conn.execute(
            """SELECT name, key,
                 (SELECT count(*) FROM article_tags WHERE tag_id = tags.id)
               + (SELECT count(*) FROM highlight_tags WHERE tag_id = tags.id) AS n
               FROM tags ORDER BY key"""
        )
        return [rows.tag(r) for r in found]

    def rename_tag(self, old: str, new: str) -> str:
        """Rename a tag; if the new name exists already, merge the two. Returns 'renamed' or 'merged'."""
        new = (clean_tags([new]) or [""])[0]
        if not new:
            raise LibraryError("the new tag name is empty")
        with self.write() as unit:
            source = unit.execute("SELECT id FROM tags WHERE key = ?", (tag_key(old),)).fetchone()
            if source is None:
                raise LibraryError(f"no tag named {old!r}")
            target = unit.execute("SELECT id FROM tags WHERE key = ?", (tag_key(new),)).fetchone()
            if target is None or target["id"] == source["id"]:
                unit.execute("UPDATE tags SET name = ?, key = ? WHERE id = ?", (new, tag_key(new), source["id"]))
                return "renamed"
            for table, column in (("article_tags", "article_id"), ("highlight_tags", "highlight_id")):
                unit.execute(
                    f"""INSERT OR IGNORE INTO {table} ({column}, tag_id)
                        SELECT {column}, ? FROM {table} WHERE tag_id = ?""",
                    (target["id"], source["id"]),
                )
            unit.execute("DELETE FROM tags WHERE id = ?", (source["id"],))
            return "merged"

    def delete_tag(self, name: str) -> None:
        """Remove a tag from everything that carries it."""
        with self.write() as unit:
            cursor = unit.execute("DELETE FROM tags WHERE key = ?", (tag_key(name),))
            if cursor.rowcount == 0:
                raise LibraryError(f"no tag named {name!r}")
