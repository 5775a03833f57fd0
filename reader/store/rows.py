"""Rows in, model objects out: the one mapper, which makes every value from the file safe.

Another program may have written the file: a text column can hold escape sequences, a BLOB or a
number, an integer column a string. Every text value is sanitised (reader.text) and every value
of the wrong type converted or replaced, so no read can forget and none can crash.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from reader import text
from reader.model import Anchor, Article, ArticleSummary, Highlight, Tag


def text_of(value: object) -> str:
    """A text column's value, safe to show: sanitised; a BLOB decoded (undecodable bytes marked)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        value = str(value)
    return text.sanitise(value) if value else value


def optional_text(value: object) -> str | None:
    """A nullable text column: None (or empty) stays None."""
    return text_of(value) or None


def names_of(value: object) -> tuple[str, ...]:
    """Names joined with U+001F (group_concat), split first and then each made safe (the mapper drops U+001F)."""
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(text_of(name) for name in value.split("\x1f"))
    return (text_of(value),)


def int_of(value: object, default: int = 0) -> int:
    """An integer column's value; what is not an integer becomes `default`."""
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str | bytes):
        try:
            return int(value)
        except ValueError:
            return default
    return default


def chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    """Lists of at most `size` ids: SQLite limits the number of parameters in one statement."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def marks(ids: list) -> str:
    """The ?,?,? placeholders for a list."""
    return ",".join("?" * len(ids))


def names_by_owner(conn: sqlite3.Connection, link: str, owner: str, ids: Iterable[int]) -> dict[int, list[str]]:
    """The tag names of many owners (articles or highlights) in one query per 500: {owner id: names}."""
    found: dict[int, list[str]] = {}
    for chunk in chunks(list(dict.fromkeys(ids))):
        for row in conn.execute(
            f"SELECT x.{owner}, t.name FROM {link} x JOIN tags t ON t.id = x.tag_id "
            f"WHERE x.{owner} IN ({marks(chunk)}) ORDER BY t.key",
            chunk,
        ):
            found.setdefault(row[0], []).append(text_of(row[1]))
    return found


def article(row: sqlite3.Row, tags: list[str]) -> Article:
    """An Article from a full `articles` row."""
    return Article(
        id=int_of(row["id"]),
        content_hash=text_of(row["content_hash"]),
        path=optional_text(row["path"]),
        title=text_of(row["title"]),
        body=text_of(row["body"]),
        date=optional_text(row["date"]),
        dateline=text_of(row["dateline"]),
        place=text_of(row["place"]),
        source=text_of(row["source"]),
        note=text_of(row["note"]),
        tags=tags,
    )


def summary(row: sqlite3.Row, read: bool, tags: Iterable[str]) -> ArticleSummary:
    """A list row from (id, title, date, place, source)."""
    return ArticleSummary(
        id=int_of(row["id"]),
        title=text_of(row["title"]),
        date=optional_text(row["date"]),
        place=text_of(row["place"]),
        source=text_of(row["source"]),
        read=read,
        tags=tuple(tags),
    )


def highlight(row: sqlite3.Row, tags: list[str]) -> Highlight:
    """A Highlight from a full `highlights` row."""
    return Highlight(
        id=int_of(row["id"]),
        article_id=int_of(row["article_id"]),
        anchor=Anchor(
            int_of(row["start"]),
            int_of(row["end"]),
            text_of(row["quote"]),
            text_of(row["prefix"]),
            text_of(row["suffix"]),
        ),
        color=min(max(int_of(row["color"], 1), 1), 5),
        note=text_of(row["note"]),
        tags=tags,
        orphan=bool(int_of(row["orphan"])),
        created=text_of(row["created"]),
        modified=text_of(row["modified"]),
    )


def tag(row: sqlite3.Row) -> Tag:
    """A Tag from (name, n)."""
    return Tag(text_of(row["name"]), int_of(row["n"]))
