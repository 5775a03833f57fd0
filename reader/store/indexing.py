"""Indexing: both search indexes kept in step with the articles, whoever wrote them, and rebuilt."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable
from contextlib import nullcontext

from reader.store import rows as mapper
from reader.store.errors import LibraryError

# The folded index's row of an article (m012: contentless, so these values are also what it must be
# told to forget the row), from a source with the columns title, place, dateline, source, body, note
# (of the article) and tags, notes (as search_exact_notes holds them). Every column is folded
# (reader.text.fold). tags: the article's and its highlights'; notes: the article note and every
# highlight's quote and note.
FOLDED_NOTES = "reader_fold(note || char(10) || coalesce(notes, ''))"
_FOLDED_COLUMNS = f"""reader_fold(title) AS title,
    reader_fold(place) || CASE WHEN reader_fold(dateline) = reader_fold(place) THEN ''
                               ELSE ' ' || reader_fold(dateline) END AS place,
    reader_fold(source) AS source, reader_fold(body) AS body, reader_fold(coalesce(tags, '')) AS tags,
    {FOLDED_NOTES} AS notes"""
# An article as it is now, in those columns.
ARTICLE_NOW = """(SELECT a.id, a.title, a.place, a.dateline, a.source, a.body, a.note, n.tags, n.notes
    FROM articles a LEFT JOIN search_exact_notes n ON n.rowid = a.id)"""
FOLDED_NOW = f"SELECT id, {_FOLDED_COLUMNS} FROM {ARTICLE_NOW}"
_INDEX_SQL = f"INSERT INTO search_index (rowid, title, place, source, body, tags, notes) {FOLDED_NOW}"
# Tell the index to forget what it holds of the articles set aside in search_stale.
_FORGET_SQL = f"""INSERT INTO search_index (search_index, rowid, title, place, source, body, tags, notes)
    SELECT 'delete', article_id, {_FOLDED_COLUMNS} FROM search_stale"""
# Set aside the indexed state of articles that are not yet (as the triggers of m012 do).
_SET_ASIDE_SQL = (
    """INSERT INTO search_stale (article_id, title, place, dateline, source, body, note, tags, notes)
    SELECT id, title, place, dateline, source, body, note, tags, notes FROM """
    + ARTICLE_NOW
    + """
    WHERE id IN ({marks}) AND id NOT IN (SELECT article_id FROM search_stale)
      AND EXISTS (SELECT 1 FROM search_index WHERE rowid = id)"""
)

# New articles into the accent-kept index (changes and deletions: triggers of m003_accent_search).
_EXACT_INDEX_SQL = """INSERT INTO search_exact (rowid, title, place, source, body, note)
    SELECT id, title, place, source, body, note FROM articles"""

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


def folded_rows(conn: sqlite3.Connection, ids: list[int]) -> dict[int, sqlite3.Row]:
    """The folded index row of each article id (its columns by name), as the index was given it."""
    out: dict[int, sqlite3.Row] = {}
    for chunk in mapper.chunks(ids):
        for row in conn.execute(f"{FOLDED_NOW} WHERE id IN ({mapper.marks(chunk)})", chunk):
            out[row["id"]] = row
    return out


class Indexing:
    """The indexing room of the Library."""

    def _index(self, ids: Iterable[int], *, keys: bool = False) -> None:
        """Bring the search rows (and, with `keys`, the sort keys) of some articles up to date.

        The unit of work calls this before COMMIT with every article its statements touched, and
        every article set aside in search_stale (by this connection or another program).
        """
        for chunk in mapper.chunks(list(dict.fromkeys(ids))):
            marks = mapper.marks(chunk)
            if keys:
                self.conn.execute(
                    f"""UPDATE articles SET title_key = reader_sort_key(title),
                        place_key = reader_place_key(place, date) WHERE id IN ({marks})""",
                    chunk,
                )
            # The folded index forgets the values it was given, so it forgets before the notes change.
            self.conn.execute(_SET_ASIDE_SQL.format(marks=marks), chunk)
            self.conn.execute(_FORGET_SQL + f" WHERE article_id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM search_stale WHERE article_id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM search_exact_notes WHERE rowid IN ({marks})", chunk)
            self.conn.execute(_EXACT_NOTES_SQL.format(where=f"a.id IN ({marks})"), chunk)
            self.conn.execute(_INDEX_SQL + f" WHERE id IN ({marks})", chunk)

    # True once the library is open writable at the current schema: another program's new rows can be indexed.
    adopting = False

    def _new_rows_from(self) -> int | None:
        """The first id of the articles another program added, unindexed; None if there are none.

        Another program's INSERT reaches no index (only the reader can fold), and article ids only
        grow: its rows are the ones above the last that the folded index holds. Two b-tree lookups.
        """
        last_indexed = self.conn.execute("SELECT coalesce(max(id), 0) FROM search_index_docsize").fetchone()[0]
        last = self.conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
        return last_indexed + 1 if last > last_indexed else None

    def _adopt_new_rows(self) -> None:
        """(At the start of a write transaction.) Index the articles another program added, sort keys too."""
        if not self.adopting:
            return
        for chunk in mapper.chunks(self._reused_ids()):  # the folded index: as set aside, before COMMIT
            self.conn.execute(_EXACT_INDEX_SQL + f" WHERE id IN ({mapper.marks(chunk)})", chunk)
        if (first := self._new_rows_from()) is None:
            return
        ids = [r[0] for r in self.conn.execute("SELECT id FROM articles WHERE id >= ?", (first,))]
        # Never twice into the accent-kept index (an external-content index would then hold the row twice).
        self.conn.execute(
            _EXACT_INDEX_SQL + " WHERE id >= ? AND id NOT IN (SELECT id FROM search_exact_docsize WHERE id >= ?)",
            (first, first),
        )
        self._index(ids, keys=True)

    # At most this many are indexed while a library opens (about a second); more wait for its next write.
    ADOPT_AT_OPENING = 5000

    def adopt_new_rows(self, *, waiting: bool = True) -> bool:
        """Index now the articles another program added, if there are any; True if there were.

        Not `waiting` (opening a library): when another program holds the write lock, or when there
        are more than ADOPT_AT_OPENING, leave them for the next write.
        """
        if not self.adopting or self.read_only:
            return False
        try:
            first = self._new_rows_from()
            if first is None and not self._reused_ids():
                return False
            if not waiting and first is not None and self._backlog(first) > self.ADOPT_AT_OPENING:
                return False
            with self.not_waiting() if not waiting else nullcontext(), self.write():
                pass  # the transaction's start indexes them
        except LibraryError:  # locked, or damaged (the read that meets it says so, not the opening)
            if waiting:
                raise
            return False
        return True

    def _backlog(self, first: int) -> int:
        return self.conn.execute("SELECT count(*) FROM articles WHERE id >= ?", (first,)).fetchone()[0]

    def _reused_ids(self) -> list[int]:
        """Ids another program reused (it deleted the newest article, then inserted one).

        The deletion set the old row aside and took it out of the accent-kept index; the new row
        is in neither index. (search_stale is empty unless another program changed articles.)
        """
        return [
            r[0]
            for r in self.conn.execute(
                # EXISTS, row by row: `NOT IN (SELECT …)` would read the whole index's ids first.
                """SELECT s.article_id FROM search_stale s
                   WHERE EXISTS (SELECT 1 FROM articles a WHERE a.id = s.article_id)
                     AND NOT EXISTS (SELECT 1 FROM search_exact_docsize d WHERE d.id = s.article_id)"""
            )
        ]

    def _index_new_rows(self, last_id: int) -> None:
        """Index the new articles of a bulk insert (every id above `last_id`, none with tags or highlights).

        Both indexes are filled in one statement each from the rows just written. Having no tags,
        note or highlights, they have no row in search_exact_notes.
        """
        self.conn.execute(_INDEX_SQL + " WHERE id > ?", (last_id,))
        self.conn.execute(_EXACT_INDEX_SQL + " WHERE id > ?", (last_id,))

    def _index_new(self, article_id: int) -> None:
        """Put a new article in the accent-kept index (its changes and deletion: m005's triggers)."""
        self.conn.execute(_EXACT_INDEX_SQL + " WHERE id = ?", (article_id,))

    def _refold_if_unicode_changed(self) -> None:
        """Rebuild the folded index if this Python folds by another Unicode version than the one that built it.

        The index forgets a row only when given the folded values it holds: folded otherwise, they
        would leave words behind (and rarely, corrupt it). Seldom: a Python upgrade; it takes a while.
        """
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_fold'").fetchone():
            return  # not upgraded to m012 yet (a test stopping before it)
        row = self.conn.execute("SELECT unicode FROM search_fold").fetchone()
        if row is None or row[0] != unicodedata.unidata_version:
            self.rebuild_search_index()

    def rebuild_search_index(self) -> int:
        """Build the search index afresh from every article; returns how many rows it holds."""
        with self.write() as unit:
            unit.execute("INSERT INTO search_index (search_index) VALUES ('delete-all')")
            unit.execute("DELETE FROM search_stale")
            unit.execute("DELETE FROM search_exact_notes")
            unit.execute(_EXACT_NOTES_SQL.format(where="1"))
            unit.execute(_INDEX_SQL)
            # Merge the index into one b-tree: later queries read fewer segments.
            unit.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
            unit.execute("INSERT INTO search_exact (search_exact) VALUES ('rebuild')")
            unit.execute(
                "INSERT OR REPLACE INTO search_fold (one, unicode) VALUES (1, ?)", (unicodedata.unidata_version,)
            )
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
