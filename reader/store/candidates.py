"""Bounded search: the newest matches of one ranking tier that pass every condition, found window by window.

FTS5 walks a MATCH newest first and stops at a LIMIT cheaply; ranking every match (`ORDER BY rank`)
or checking each row against another index (a correlated MATCH per row) costs in proportion to the
library. So each condition is asked for the same window of rowids, and the windows widen until
enough rows pass (or the driver runs out).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

FIRST_WINDOW = 4096  # the newest rowids looked at first; each next window is 4× wider


@dataclass
class Tier:
    """One tier to take candidates from: a driving MATCH and the conditions its rows must meet."""

    driver: tuple[str, str]  # (FTS5 table, MATCH expression) walked newest first
    matches: list[tuple[str, str]] = field(default_factory=list)  # (table, MATCH) a row must be in
    any_of: list[list[tuple[str, str]]] = field(default_factory=list)  # each: the row is in one of these
    none_of: list[tuple[str, str]] = field(default_factory=list)  # (table, MATCH) a row must not be in
    clauses: list[str] = field(default_factory=list)  # SQL on `articles a`
    params: list = field(default_factory=list)
    floor: int = 0  # the driver's rowids below this are not looked at


def floor_of(conn: sqlite3.Connection, table: str, match: str, widest: int) -> int:
    """The rowid of the `widest`-th newest match (0 when there are fewer): where a narrower tier stops looking.

    Words together in no article cost FTS5 a look at the positions of every article holding all of
    them; among the newest `widest` of those, the cost stays bounded however large the library.
    """
    row = conn.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?", (match, widest - 1)
    ).fetchone()
    return row[0] if row else 0


def _key(match: str, named: dict) -> str:
    """A new named parameter holding `match`; its name."""
    key = f"m{len(named)}"
    named[key] = match
    return key


def _in_window(table: str, match: str, named: dict) -> str:
    """SQL for "rowid is in this index's matches within the window" (:low to :high); its MATCH goes into `named`."""
    key = _key(match, named)
    return f"rowid IN (SELECT rowid FROM {table} WHERE {table} MATCH :{key} AND rowid >= :low AND rowid < :high)"


def _may_have_rows(conn: sqlite3.Connection, tier: Tier) -> bool:
    """False when a condition holds for no row at all: the windows would otherwise walk every match to say so."""
    for table, match in [tier.driver, *tier.matches]:
        found = conn.execute(f"SELECT 1 FROM {table} WHERE {table} MATCH ? AND rowid >= ? LIMIT 1", (match, tier.floor))
        if not found.fetchone():
            return False
    for choices in tier.any_of:
        if not any(conn.execute(f"SELECT 1 FROM {t} WHERE {t} MATCH ? LIMIT 1", (m,)).fetchone() for t, m in choices):
            return False
    if tier.clauses:
        sql = f"SELECT 1 FROM articles a WHERE {' AND '.join(tier.clauses)} LIMIT 1"
        return conn.execute(sql, tier.params).fetchone() is not None
    return True


def _named(sql: str, count: int) -> str:
    """The clauses' positional ?s as :p0, :p1, … (one statement cannot mix the two kinds)."""
    parts = sql.split("?")
    if len(parts) - 1 != count:
        raise ValueError("the clauses and their parameters differ in number")
    return "".join(part + (f":p{i}" if i < count else "") for i, part in enumerate(parts))


def newest(conn: sqlite3.Connection, tier: Tier, wanted: int) -> tuple[list[int], bool]:
    """Up to `wanted` rowids of the tier, newest first, and whether they are all it has.

    Each window, a range of rowids, is one statement that returns the driver's rowids in it that
    pass every condition. Only those reach Python, so a window where few pass (a word whose matches
    nearly all hold an excluded one) costs what SQLite costs; a rare driver takes a few windows more.
    """
    if not _may_have_rows(conn, tier):
        return [], True
    table, match = tier.driver
    named: dict = {"driver": match}
    conditions = [_in_window(t, m, named) for t, m in tier.matches]
    conditions += ["(" + " OR ".join(_in_window(t, m, named) for t, m in choices) + ")" for choices in tier.any_of]
    if tier.clauses:
        named.update((f"p{i}", value) for i, value in enumerate(tier.params))
        where = _named(" AND ".join(tier.clauses), len(tier.params))
        conditions.append(f"rowid IN (SELECT a.id FROM articles a WHERE a.id >= :low AND a.id < :high AND {where})")
    # What must not match is taken away with EXCEPT: SQLite sorts both sides once, where a NOT IN
    # looks each row up (nearly 3× slower when the exclusion holds for most of a large window).
    excluded = "".join(
        f" EXCEPT SELECT rowid FROM {t} WHERE {t} MATCH :{_key(m, named)} AND rowid >= :low AND rowid < :high"
        for t, m in tier.none_of
    )
    kept_sql = (
        f"SELECT rowid FROM {table} WHERE {table} MATCH :driver AND rowid >= :low AND rowid < :high"
        + "".join(f" AND {sql}" for sql in conditions)
        + excluded
        + " ORDER BY 1 DESC LIMIT :need"
    )
    found: list[int] = []
    high = (conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1  # the window's end (not in it)
    span = FIRST_WINDOW
    while len(found) <= wanted and high > tier.floor:
        low = max(tier.floor, high - span)
        need = wanted + 1 - len(found)  # one more than wanted: whether there are more is known
        found += [r[0] for r in conn.execute(kept_sql, {**named, "low": low, "high": high, "need": need})]
        high, span = low, span * 4
    return found[:wanted], len(found) <= wanted and high <= tier.floor
