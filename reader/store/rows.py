"""Rows in, model objects out: the one mapper, which makes every value from the file safe.

Another program may have written the file: a text column can hold escape sequences, a BLOB or a
number, an integer column a string. Every text value is sanitised (reader.text) and every value
of the wrong type converted or replaced, so no read can forget and none can crash.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from reader import text
from reader.model import Anchor, Article, ArticleSummary, Block, Feed, Highlight, Span, Tag


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


def structure(value: object, body_length: int) -> tuple[list[Block], list[Span]]:
    """Blocks and spans back from their JSON; what is malformed or outside the body is dropped."""
    if not value or not isinstance(value, str):
        return [], []
    import json  # the structure of a web page only: not loaded with every command

    try:
        data = json.loads(value)
        blocks = [Block(text_of(k), int(s), int(e)) for k, s, e in data.get("blocks", [])]
        spans = [Span(text_of(k), int(s), int(e), text_of(u)) for k, s, e, u in data.get("spans", [])]
    except (ValueError, TypeError, AttributeError):
        return [], []

    def inside(x) -> bool:
        return 0 <= x.start <= x.end <= body_length

    return [b for b in blocks if inside(b)], [s for s in spans if inside(s)]


def article(row: sqlite3.Row, tags: list[str]) -> Article:
    """An Article from a full `articles` row (its web fields and structure too, where the row has them)."""
    found = Article(
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
    columns = row.keys()
    if "structure" in columns:  # the web side of an article (m003)
        found.url, found.author = text_of(row["url"]), text_of(row["author"])
        found.language, found.site = text_of(row["language"]), text_of(row["site"])
        found.blocks, found.spans = structure(row["structure"], len(found.body))
    return found


def feed(row: sqlite3.Row) -> Feed:
    """A Feed from a `feeds` row with its article counts."""
    import json

    try:
        tags = [t for t in json.loads(text_of(row["tags"]) or "[]") if isinstance(t, str)]
    except ValueError:
        tags = []
    return Feed(
        id=int_of(row["id"]),
        url=text_of(row["url"]),
        name=text_of(row["name"]),
        site_url=text_of(row["site_url"]),
        tags=[text_of(t) for t in tags],
        full_text=text_of(row["full_text"]),
        etag=text_of(row["etag"]),
        last_modified=text_of(row["last_modified"]),
        last_fetched=text_of(row["last_fetched"]),
        last_error=text_of(row["last_error"]),
        gone=bool(int_of(row["gone"])),
        articles=int_of(row["articles"]),
        unread=int_of(row["unread"]),
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
