"""The article list: counts, keyset pages in three sort orders, and list rows by id."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from reader.model import ArticleSummary
from reader.store import rows
from reader.store.sorting import sort_column
from reader.store.tags import tagged_articles

# A TUI view (kind, feed id): the articles it keeps. The unread test is the reading state's.
View = tuple[str, int | None]
_VIEWS = {
    "unread": "NOT EXISTS (SELECT 1 FROM reading_state r WHERE r.article_id = articles.id AND r.read = 1)",
    "feed": "feed_id = ?",
    "pages": "feed_id IS NULL AND url != ''",
}


def _plain_date(date: str | None) -> bool:
    """True for what reader itself stores as a date (empty or ISO digits), shown exactly as stored."""
    return not date or (date.isascii() and date.replace("-", "").isdigit())


class Listing:
    """The listing room of the Library."""

    def count_articles(self, tag: str | None = None, view: View | None = None) -> int:
        """How many articles there are (with the tag, in the view, if given)."""
        where, params = self._tag_filter(tag, view)
        return self.conn.execute(f"SELECT count(*) FROM articles {where}", params).fetchone()[0]

    def _tag_filter(self, tag: str | None, view: View | None = None) -> tuple[str, tuple]:
        clauses, params = [], ()
        if view is not None:
            kind, feed_id = view
            if kind not in _VIEWS:
                raise ValueError(f"unknown view {kind!r}")
            clauses.append(_VIEWS[kind])
            params = (feed_id,) if kind == "feed" else ()
        if tag:
            from reader.tags import tag_pattern  # the tag rules (and regex) load only for a tag filter

            # The tag as a person types it (smart accents), on the article or one of its highlights.
            sql, values = tagged_articles(tag_pattern(tag), on_highlights=True, pattern=True)
            clauses.append(f"id IN ({sql})")
            params += tuple(values)
        return (f"WHERE {' AND '.join(clauses)}", params) if clauses else ("", ())

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
        view: View | None = None,
    ) -> list[ArticleSummary]:
        """A page of the list by keyset: rows after, before or from a key (sort value, id), or the last rows.

        `sort` is "date" (newest first), "title" or "place" (Vietnamese alphabetical order;
        by place, newest first within a place); key_of() gives an article's key. `view` keeps
        the rows of a TUI view: ("unread", None), ("feed", feed id) or ("pages", None).
        """
        column, order = sort_column(sort)
        ahead, behind = ("<", ">") if order == "DESC" else (">", "<")
        where, params = self._tag_filter(tag, view)
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
        found = self.conn.execute(
            f"""SELECT id, title, date, place, source FROM articles {where_sql}
                ORDER BY {column} {order}, id {order} LIMIT ?""",
            (*params, limit),
        ).fetchall()
        if before is not None or last:
            found.reverse()
        return self._summaries(found)

    def key_at(
        self, index: int, tag: str | None = None, sort: str = "date", view: View | None = None
    ) -> tuple[str, int] | None:
        """The sort key of the row at a position, for a jump into the middle of a long list.

        Keyset paging cannot jump; this walks the (sort value, id) index only, never the rows.
        """
        column, order = sort_column(sort)
        where, params = self._tag_filter(tag, view)
        row = self.conn.execute(
            f"SELECT {column}, id FROM articles {where} ORDER BY {column} {order}, id {order} LIMIT 1 OFFSET ?",
            (*params, index),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def key_of(self, article_id: int, sort: str = "date") -> tuple[str, int] | None:
        """An article's keyset key in a sort order: what page_articles(after=...) takes."""
        column, _ = sort_column(sort)
        row = self.conn.execute(f"SELECT {column}, id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def row_of(self, article_id: int, tag: str | None = None, sort: str = "date") -> int | None:
        """The row number of an article in the list (with the tag filter), or None if it is not listed."""
        key = self.key_of(article_id, sort)
        where, params = self._tag_filter(tag)
        if key is None or (
            where
            and not self.conn.execute(f"SELECT 1 FROM articles {where} AND id = ?", (*params, article_id)).fetchone()
        ):
            return None
        column, order = sort_column(sort)
        ahead = "<" if order == "ASC" else ">"
        if key[0] is None:  # no date: after every dated row (NULLs sort last, newest first)
            clause, values = f"({column} IS NOT NULL OR id {ahead} ?)", (article_id,)
        else:
            clause, values = f"({column}, id) {ahead} (?, ?)", tuple(key)
        filters = f"{where} AND {clause}" if where else f"WHERE {clause}"
        return self.conn.execute(f"SELECT count(*) FROM articles {filters}", (*params, *values)).fetchone()[0]

    def summary_key(self, summary: ArticleSummary, sort: str = "date") -> tuple[str, int]:
        """The keyset key of a listed row: its date is shown; title and place keys are asked for."""
        if sort == "date" and _plain_date(summary.date):
            return (summary.date or "", summary.id)
        # The stored value, not the shown one (which was made safe to print, and may differ).
        return self.key_of(summary.id, sort) or ("", summary.id)

    def get_summaries(self, ids: Iterable[int]) -> list[ArticleSummary]:
        """List rows for the given articles, in the order given (missing ones left out)."""
        ids = list(ids)
        found: dict[int, sqlite3.Row] = {}
        for chunk in rows.chunks(ids):
            for row in self.conn.execute(
                f"SELECT id, title, date, place, source FROM articles WHERE id IN ({rows.marks(chunk)})", chunk
            ):
                found[row["id"]] = row
        return self._summaries([found[i] for i in ids if i in found])

    def _summaries(self, found: list[sqlite3.Row]) -> list[ArticleSummary]:
        if not found:
            return []
        ids = [r["id"] for r in found]
        read = {
            r[0]
            for r in self.conn.execute(
                f"SELECT article_id FROM reading_state WHERE read = 1 AND article_id IN ({rows.marks(ids)})", ids
            )
        }
        tags = rows.names_by_owner(self.conn, "article_tags", "article_id", ids)
        return [rows.summary(r, r["id"] in read, tags.get(r["id"], ())) for r in found]

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
