"""Annotations: article notes and highlights (read with their tags in one query per page of rows)."""

from __future__ import annotations

from collections.abc import Iterable

from reader import anchoring, text
from reader.model import Anchor, Highlight
from reader.store import rows
from reader.store.articles import fits, now
from reader.store.errors import LibraryError
from reader.store.tags import tagged_articles
from reader.tags import clean_tags, tag_key


def _check_color(color: int) -> int:
    if not 1 <= int(color) <= 5:
        raise LibraryError(f"colour must be 1 to 5, not {color}")
    return int(color)


class Annotations:
    """The annotations room of the Library."""

    def set_article_note(self, article_id: int, note: str) -> str:
        """Write the article-level note; returns it as stored."""
        note = text.clean(note)
        with self.write() as unit:
            unit.execute("UPDATE articles SET note = ?, note_modified = ? WHERE id = ?", (note, now(), article_id))
        return note

    def _highlights_from(self, found) -> list[Highlight]:
        tags = rows.names_by_owner(self.conn, "highlight_tags", "highlight_id", [r["id"] for r in found])
        return [rows.highlight(r, tags.get(r["id"], [])) for r in found]

    def highlights(self, article_id: int) -> list[Highlight]:
        """An article's highlights in reading order, orphans last."""
        if not fits(article_id):
            return []
        found = self.conn.execute(
            'SELECT * FROM highlights WHERE article_id = ? ORDER BY orphan, start, "end", id', (article_id,)
        ).fetchall()
        return self._highlights_from(found)

    def get_highlight(self, highlight_id: int) -> Highlight | None:
        """One highlight, or None."""
        if not fits(highlight_id):
            return None
        found = self.conn.execute("SELECT * FROM highlights WHERE id = ?", (highlight_id,)).fetchall()
        return self._highlights_from(found)[0] if found else None

    def _current_anchor(self, article_id: int, anchor: Anchor, content_hash: str | None) -> Anchor:
        """The anchor on the article as it is now (inside the write): re-anchored if the text changed."""
        row = self.conn.execute("SELECT body, content_hash FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no article with id {article_id}")
        body = rows.text_of(row["body"])
        if content_hash in (None, row["content_hash"]) and body[anchor.start : anchor.end] == anchor.quote:
            return anchor
        # The article changed since the caller read it (re-imported meanwhile): find the passage again.
        moved = anchoring.reanchor(body, anchor)
        if moved is None:
            raise LibraryError(
                f"article {article_id} changed since it was opened and the passage is no longer in it; "
                "nothing was saved (open the article again)"
            )
        return moved

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
        content_hash: str | None = None,
    ) -> Highlight:
        """Create a highlight (committed before this returns).

        The span is checked against the article inside the transaction (and against `content_hash`,
        the hash of the text the caller saw, if given): a changed article gets the passage re-anchored,
        or the highlight is refused with a LibraryError.
        """
        stamp = now()
        with self.write() as unit:
            if not orphan:
                anchor = self._current_anchor(article_id, anchor, content_hash)
            cursor = unit.execute(
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
        return self.get_highlight(highlight_id)

    def _update_highlight(self, highlight_id: int, sql: str, params: tuple) -> Highlight:
        with self.write() as unit:
            cursor = unit.execute(
                f"UPDATE highlights SET {sql}, modified = ? WHERE id = ?", (*params, now(), highlight_id)
            )
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
        with self.write() as unit:
            unit.execute("DELETE FROM highlight_tags WHERE highlight_id = ?", (highlight_id,))
            self._add_tags("highlight_tags", "highlight_id", highlight_id, clean_tags(names))
            return self._update_highlight(highlight_id, "note = note", ())

    def set_note_if(
        self, note: str, *, expected: str, article_id: int | None = None, highlight_id: int | None = None
    ) -> bool:
        """Write an article's (or a highlight's) note only if it still reads `expected`; False, nothing written, if not."""
        table, owner = ("highlights", highlight_id) if highlight_id is not None else ("articles", article_id)
        with self.write() as unit:  # read and write in one transaction: no other program can slip between
            row = unit.execute(f"SELECT note FROM {table} WHERE id = ?", (owner,)).fetchone()
            if row is None:
                raise LibraryError(f"no {table[:-1]} {owner}")
            if rows.text_of(row[0]) != expected:
                return False
            if highlight_id is not None:
                self.set_highlight_note(highlight_id, note)
            else:
                self.set_article_note(article_id, note)
        return True

    def change_tags(
        self,
        add: Iterable[str],
        remove: Iterable[str],
        *,
        article_id: int | None = None,
        highlight_id: int | None = None,
    ) -> list[str]:
        """Add and remove tags on an article (or a highlight), keeping every other tag it has now; returns them."""
        removed = {tag_key(name) for name in clean_tags(remove)}
        with self.write():
            if highlight_id is not None:
                highlight = self.get_highlight(highlight_id)
                if highlight is None:
                    raise LibraryError(f"no highlight {highlight_id}")
                current = highlight.tags
            else:
                current = self.article_tags(article_id)
            names = [t for t in current if tag_key(t) not in removed] + list(add)
            if highlight_id is not None:
                return self.set_highlight_tags(highlight_id, names).tags
            return self.set_article_tags(article_id, names)

    def delete_highlight(self, highlight_id: int) -> Highlight:
        """Delete a highlight; returns it, so that it can be restored."""
        highlight = self.get_highlight(highlight_id)
        if highlight is None:
            raise LibraryError(f"no highlight {highlight_id}")
        with self.write() as unit:
            unit.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,))
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

    def annotated_article_ids(self, tag: str | None = None, since: str | None = None) -> list[int]:
        """Articles with something to export (highlights, a note or tags), newest first.

        With a tag: articles carrying it, or holding a highlight that carries it.
        With a date: only what was made or changed on or after it.
        """
        params: list = []
        if tag:
            sql, values = tagged_articles(tag_key(tag), on_highlights=True)
            where = f"id IN ({sql})"
            params += values
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
