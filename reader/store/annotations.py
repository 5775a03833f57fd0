"""Annotations: article notes and highlights (read with their tags in one query per page of rows)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from reader import text
from reader.model import DEFAULT_CALLOUTS, HIGHLIGHT_FORMS, Anchor, Highlight, NoteStyle
from reader.store import rows
from reader.store.articles import fits, now
from reader.store.errors import LibraryError
from reader.store.tags import tagged_articles
from reader.tags import clean_tags, tag_key

# What `annotation_stamps` aggregates: article notes, highlights, highlight tags, article tags.
_STAMP_QUERIES = (
    """SELECT id, updated_at || ':' || coalesce(note_modified, '') || ':' || length(note) FROM articles
       WHERE note != '' OR id IN (SELECT article_id FROM highlights) OR id IN (SELECT article_id FROM article_tags)""",
    """SELECT article_id, count(*) || ':' || max(modified) || ':' || total(id * 7 + color * 3 + orphan + start * 5
       + "end" * 11) FROM highlights GROUP BY article_id""",
    """SELECT h.article_id, count(*) || ':' || total(x.tag_id * 13 + x.highlight_id) FROM highlight_tags x
       JOIN highlights h ON h.id = x.highlight_id GROUP BY h.article_id""",
    "SELECT article_id, group_concat(tag_id) FROM article_tags GROUP BY article_id",
)


_CALLOUT_TYPE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


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
        from reader import anchoring  # re-anchoring (and `regex` grapheme tables) only when text moves

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
        highlight_id: int | None = None,
    ) -> Highlight:
        """Create a highlight (committed before this returns).

        The span is checked against the article inside the transaction (and against `content_hash`,
        the hash of the text the caller saw, if given): a changed article gets the passage re-anchored,
        or the highlight is refused with a LibraryError. Its id is above every id a highlight ever had
        (ids are never reused), or `highlight_id`, a deleted one's own, if that is free.
        """
        stamp = now()
        with self.write() as unit:
            if not orphan:
                anchor = self._current_anchor(article_id, anchor, content_hash)
            if (
                highlight_id is None
                or unit.execute("SELECT 1 FROM highlights WHERE id = ?", (highlight_id,)).fetchone()
            ):
                highlight_id = self._new_highlight_id()
            cursor = unit.execute(
                """INSERT INTO highlights (id, article_id, start, "end", quote, prefix, suffix, color, note,
                   orphan, created, modified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
                (
                    highlight_id,
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

    def _new_highlight_id(self) -> int:
        """An id no highlight ever had (above the highest in use and the highest deleted): ids are never reused."""
        return self.conn.execute(
            """SELECT max(coalesce((SELECT max(id) FROM highlights), 0),
                          coalesce((SELECT highest FROM highlight_id_mark), 0)) + 1"""
        ).fetchone()[0]

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

    def set_highlight_range(self, highlight_id: int, anchor: Anchor, content_hash: str | None = None) -> Highlight:
        """Move a highlight onto another passage of its article, keeping its id, colour, note and tags.

        Checked like add_highlight (the passage re-anchored if the article changed); refused if another
        highlight already covers exactly that passage.
        """
        highlight = self.get_highlight(highlight_id)
        if highlight is None:
            raise LibraryError(f"no highlight {highlight_id}")
        with self.write():
            anchor = self._current_anchor(highlight.article_id, anchor, content_hash)
            twin = self.conn.execute(
                'SELECT id FROM highlights WHERE article_id = ? AND start = ? AND "end" = ? AND orphan = 0 AND id != ?',
                (highlight.article_id, anchor.start, anchor.end, highlight_id),
            ).fetchone()
            if twin is not None:
                raise LibraryError("another highlight covers exactly that passage")
            return self._update_highlight(
                highlight_id,
                'start = ?, "end" = ?, quote = ?, prefix = ?, suffix = ?, orphan = 0',
                (anchor.start, anchor.end, anchor.quote, anchor.prefix, anchor.suffix),
            )

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

    def colour_names(self) -> dict[int, str]:
        """The names the user gave colours (1-5); a colour not in it keeps its default name."""
        return {
            rows.int_of(r[0]): rows.text_of(r[1])
            for r in self.conn.execute("SELECT color, name FROM colour_names ORDER BY color")
        }

    def set_colour_name(self, color: int, name: str) -> str:
        """Name a colour ("key claim"); an empty name gives it back its default. Returns the name stored."""
        color = _check_color(color)
        name = " ".join(text.clean(name).split())[:60]
        with self.write() as unit:
            if name:
                unit.execute(
                    "INSERT INTO colour_names (color, name) VALUES (?, ?) ON CONFLICT(color) DO UPDATE SET name = ?",
                    (color, name, name),
                )
            else:
                unit.execute("DELETE FROM colour_names WHERE color = ?", (color,))
        return name

    def note_style(self) -> NoteStyle:
        """How notes show highlights (`reader colors style`, `reader colors callout`); defaults if never set."""
        found = {
            rows.text_of(r[0]): rows.text_of(r[1]) for r in self.conn.execute("SELECT key, value FROM note_settings")
        }
        form = found.get("form", "quote")
        callouts = tuple(
            (color, found[f"callout.{color}"]) for color in DEFAULT_CALLOUTS if found.get(f"callout.{color}")
        )
        return NoteStyle(form if form in HIGHLIGHT_FORMS else "quote", callouts)

    def set_note_form(self, form: str) -> None:
        """Write highlights in Markdown as `quote`, `callout` or `mark` from now on."""
        if form not in HIGHLIGHT_FORMS:
            raise LibraryError(f"the form is one of {', '.join(HIGHLIGHT_FORMS)}, not {form!r}")
        self._set_setting("form", form)

    def set_callout(self, color: int, callout: str) -> str:
        """A colour's Obsidian callout type ("tip"); an empty one gives back its default. Returns it as stored."""
        color = _check_color(color)
        callout = text.clean(callout).strip().lower()
        if callout and not _CALLOUT_TYPE.fullmatch(callout):
            raise LibraryError(
                f"a callout type is one word of ASCII letters, digits, - or _ (like tip or key-claim), not {callout[:40]!r}"
            )
        self._set_setting(f"callout.{color}", callout)
        return callout

    def _set_setting(self, key: str, value: str) -> None:
        with self.write() as unit:
            if value:
                unit.execute(
                    "INSERT INTO note_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
                    (key, value, value),
                )
            else:
                unit.execute("DELETE FROM note_settings WHERE key = ?", (key,))

    def annotation_stamps(self) -> dict[int, str]:
        """Per article with highlights, a note or tags: a text that changes whenever any of them changes.

        For `reader sync`, which skips a note whose article's stamp (and file) are what it last wrote.
        Aggregates, not the rows themselves: every edit of a highlight moves its `modified`, and
        what does not (a tag deleted, renamed or merged) moves a count or the digest of tag names.
        """
        import hashlib  # for sync only: not loaded with every command

        stamps: dict[int, list[str]] = {}
        names = self.conn.execute("SELECT count(*), group_concat(id || name, char(31)) FROM tags").fetchone()
        tags_digest = f"{names[0]}:{hashlib.sha256(rows.text_of(names[1]).encode()).hexdigest()[:16]}"
        for n, sql in enumerate(_STAMP_QUERIES):
            for row in self.conn.execute(sql):
                stamps.setdefault(row[0], []).append(f"{n}={row[1]}")
        return {article_id: tags_digest + "|" + "|".join(parts) for article_id, parts in stamps.items()}

    def delete_highlight(self, highlight_id: int) -> Highlight:
        """Delete a highlight; returns it, so that it can be restored."""
        highlight = self.get_highlight(highlight_id)
        if highlight is None:
            raise LibraryError(f"no highlight {highlight_id}")
        with self.write() as unit:
            unit.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,))
        return highlight

    def restore_highlight(self, highlight: Highlight) -> Highlight:
        """Put a deleted highlight back, with its id, note, tags and times."""
        return self.add_highlight(
            highlight.article_id,
            highlight.anchor,
            color=highlight.color,
            note=highlight.note,
            tags=highlight.tags,
            created=highlight.created,
            modified=highlight.modified,
            orphan=highlight.orphan,
            highlight_id=highlight.id,
        )

    def annotated_article_ids(self, tag: str | None = None, since: str | None = None) -> list[int]:
        """Articles with something to export (highlights, a note or tags), newest first.

        With a tag: articles carrying it, or holding a highlight that carries it.
        With a date: only what was made or changed on or after it.
        """
        params: list = []
        if tag:
            from reader.query import tag_pattern

            sql, values = tagged_articles(tag_pattern(tag), on_highlights=True, pattern=True)  # as `tag:` matches
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
