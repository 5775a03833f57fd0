"""Bounded search: the newest matches of one ranking tier that pass every condition, found window by window.

FTS5 walks a MATCH newest first and stops at a LIMIT cheaply; ranking every match (`ORDER BY rank`)
or checking each row against another index (a correlated MATCH per row) costs in proportion to the
library. So each condition is asked for the same window of rowids, and the windows widen until
enough rows pass (or the driver runs out).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

FIRST_WINDOW = 512  # rowids taken from the driver at first; each next window is 4× wider


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


def _in_window(conn: sqlite3.Connection, table: str, match: str, low: int, high: int) -> set[int]:
    rows = conn.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ?", (match, low, high)
    )
    return {r[0] for r in rows}


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


def newest(conn: sqlite3.Connection, tier: Tier, wanted: int) -> tuple[list[int], bool]:
    """Up to `wanted` rowids of the tier, newest first, and whether they are all it has."""
    if not _may_have_rows(conn, tier):
        return [], True
    table, match = tier.driver
    found: list[int] = []
    below = None
    window = max(FIRST_WINDOW, 2 * wanted)
    while len(found) < wanted:
        ids = [
            r[0]
            for r in conn.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid >= ?"
                + (" AND rowid < ?" if below is not None else "")
                + " ORDER BY rowid DESC LIMIT ?",
                (match, tier.floor, *([below] if below is not None else []), window),
            )
        ]
        if not ids:
            return found, True
        low, high = ids[-1], ids[0]
        keep = set(ids)
        for other_table, other in tier.matches:
            keep &= _in_window(conn, other_table, other, low, high)
        for choices in tier.any_of:
            keep &= set().union(*(_in_window(conn, t, m, low, high) for t, m in choices))
        for other_table, other in tier.none_of:
            keep -= _in_window(conn, other_table, other, low, high)
        if tier.clauses and keep:
            rows = conn.execute(
                f"SELECT a.id FROM articles a WHERE a.id BETWEEN ? AND ? AND {' AND '.join(tier.clauses)}",
                (low, high, *tier.params),
            )
            keep &= {r[0] for r in rows}
        found += [i for i in ids if i in keep]
        if len(ids) < window:
            return found[:wanted], len(found) <= wanted
        below = low
        window *= 4
    return found[:wanted], False
