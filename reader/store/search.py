"""Search: queries over the two indexes (reader.store.indexing keeps them), with snippets and hits."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from reader.model import SearchResult
from reader.store import rows as mapper
from reader.store.candidates import Tier, floor_of, newest
from reader.store.errors import ReadError, detail
from reader.store.indexing import ARTICLE_NOW, FOLDED_NOTES, folded_rows
from reader.store.tags import tagged_articles

# Rows whose accented text (the accent-kept index) matches; and whose tags or highlights do.
_EXACT_IN = "a.id IN (SELECT rowid FROM search_exact WHERE search_exact MATCH ?)"
_EXACT_NOTES_IN = "a.id IN (SELECT rowid FROM search_exact_notes WHERE search_exact_notes MATCH ?)"
# What a search result needs of `articles a`, read marks and tags included, in one statement.
_RESULT_COLUMNS = """a.id, a.title, a.date, a.place, a.source, a.body,
    (SELECT read FROM reading_state WHERE article_id = a.id) AS read,
    (SELECT group_concat(name, char(31)) FROM (
        SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id ORDER BY t.key
    )) AS tag_names"""


if TYPE_CHECKING:
    from reader.query import Query


class Search:
    """The search room of the Library."""

    def search(
        self, query: str | Query, *, limit: int = 50, prefix_last: bool = False, accents: str = "smart"
    ) -> list[SearchResult]:
        """Articles matching a query (see reader.query), best first, each with a snippet and its hits.

        Raises QueryError, with a message for the user, when the query cannot be run.
        With `prefix_last` (search as you type) the last word also matches longer words;
        `accents` is smart, exact or ignore.
        """
        return list(self.search_results(query, limit=limit, prefix_last=prefix_last, accents=accents))

    def search_results(
        self, query: str | Query, *, limit: int = 50, prefix_last: bool = False, accents: str = "smart"
    ) -> Iterator[SearchResult]:
        """search() one result at a time, each made as it is read: a long result list is never held.

        A query that cannot be parsed raises QueryError here, before the first result.
        """
        # The query parser (and `regex`) loads with the first search, not with every command.
        from reader.query import Query
        from reader.query import parse as parse_query

        parsed = query if isinstance(query, Query) else parse_query(query, prefix_last=prefix_last, accents=accents)
        return self._stream_results(parsed, limit)

    def _stream_results(self, parsed: Query, limit: int) -> Iterator[SearchResult]:
        from reader.query import QueryError

        patterns = (parsed.hit_pattern(), parsed.hit_pattern("title"))
        try:
            if parsed.positive and limit <= self.BOUNDED_UP_TO_LIMIT and not self._rank_every_match():
                rows: Iterable = self._bounded_rows(parsed, limit)
            else:
                rows = self._ranked_rows(parsed, limit)
            for row in rows:
                yield self._result(row, *patterns)
        except ReadError as error:
            # The expression is built from quoted tokens only; this is a safety net, not a path.
            if error.cause is None or error.cause.sqlite_errorname != "SQLITE_ERROR":
                raise  # a damaged or unreadable library, not a bad query
            raise QueryError(f"That search could not be run ({detail(error.cause)}).") from error

    # Up to this many articles, SQLite ranks every match (≈10 ms at 10,000); beyond, each tier's
    # newest CANDIDATES matches are ranked (reader.ranking), so the first page does not grow with the
    # number of matches. Class attributes, so that a test can send a small library the bounded way.
    RANK_EVERY_MATCH_UP_TO = 20_000
    CANDIDATES = 200
    WIDEST = 20_000  # the newest articles holding every word that the tiers above "anywhere" look among
    BOUNDED_UP_TO_LIMIT = 1000  # a longer list (`reader search --limit 5000`) is streamed, every match ranked

    def _rank_every_match(self) -> bool:
        # max(id), not count(*): one b-tree lookup; deleted articles only make it err toward bounded.
        largest = self.conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
        return largest <= self.RANK_EVERY_MATCH_UP_TO

    def _exact_first(self, parsed: Query) -> str | None:
        """The accent-kept phrase of unaccented words typed alone, when some article writes it so."""
        first = parsed.exact_first()  # words together as typed, without accents, before with them
        if (
            first
            and self.conn.execute("SELECT 1 FROM search_exact WHERE search_exact MATCH ? LIMIT 1", (first,)).fetchone()
        ):
            return first
        return None  # none written so (in Vietnamese text, the usual case): no tier to rank

    def _ranked_rows(self, parsed: Query, limit: int) -> Iterator[sqlite3.Row]:
        """The first `limit` rows, every match of each tier ranked by SQLite, one at a time as read."""
        clauses, params = self._search_filters(parsed)
        seen: set[int] = set()
        tiers = parsed.match_tiers()
        first = self._exact_first(parsed)
        plan = [(tiers[0], [*clauses, _EXACT_IN], [*params, first])] if first else []
        plan += [(match, clauses, params) for match in tiers]
        # Tier by tier (words together, near, anywhere), each best first, until `limit`: each
        # tier holds the one before, so its first `limit` rows bring every row still missing.
        for match, tier_clauses, tier_params in plan:
            for row in self._search_rows(match, tier_clauses, tier_params, limit):
                if row["id"] not in seen:
                    seen.add(row["id"])
                    yield row
                    if len(seen) >= limit:
                        return

    def _bounded_rows(self, parsed: Query, limit: int) -> list[dict]:
        """The first `limit` rows, tier by tier, each tier's newest matches ranked in Python (large libraries).

        Tiers come in the same order as in _ranked_rows (as typed, together, near, anywhere), so
        the best kind of match is never lost: only which equals of one kind show is bounded.
        """
        from reader import ranking

        clauses, params = self._search_filters(parsed, exact=False)
        any_of = [
            [("search_exact", e), *([("search_exact_notes", e)] if notes else [])]
            for e, notes in parsed.exact_clauses()
        ]
        none_of = [
            pair
            for e, notes in parsed.exact_exclusions()
            for pair in [("search_exact", e), *([("search_exact_notes", e)] if notes else [])]
        ]
        conditions = {"any_of": any_of, "none_of": none_of, "clauses": clauses, "params": params}
        tiers = parsed.match_tiers()
        first = parsed.exact_first()  # an empty tier costs little: newest() looks above the floor only
        # The narrower tiers (words as typed, together, near) look among the newest WIDEST articles
        # that hold every word; the last tier (anywhere) is not bounded.
        floor = floor_of(self.conn, "search_index", tiers[-1], self.WIDEST) if len(tiers) > 1 else 0
        # Written as typed: rare, so that index drives and the folded phrase is the condition.
        plan = [Tier(("search_exact", first), [("search_index", tiers[0])], **conditions, floor=floor)] if first else []
        plan += [Tier(("search_index", match), **conditions, floor=floor) for match in tiers[:-1]]
        plan.append(Tier(("search_index", tiers[-1]), **conditions))
        chosen: list[tuple[int, float]] = []
        seen: set[int] = set()
        folded: dict[int, sqlite3.Row] = {}  # each candidate's folded row, folded once for every tier
        for tier in plan:
            # Enough that, once the rows already taken are left out, a page still remains.
            ids, _ = newest(self.conn, tier, max(self.CANDIDATES, limit) + len(seen))
            fresh = [i for i in ids if i not in seen]
            folded.update(folded_rows(self.conn, [i for i in fresh if i not in folded]))
            fresh = [i for i in fresh if i in folded]
            scores = ranking.bm25(parsed.positive, [folded[i] for i in fresh])
            # sorted() is stable: among equal scores the newest stays first.
            for k in sorted(range(len(fresh)), key=lambda k: -scores[k]):
                if len(chosen) < limit:
                    seen.add(fresh[k])
                    chosen.append((fresh[k], -scores[k]))
            if len(chosen) >= limit:
                break
        if not chosen:
            return []
        ids = [i for i, _ in chosen]
        articles = {
            row["id"]: row
            for row in self.conn.execute(
                f"SELECT {_RESULT_COLUMNS} FROM articles a WHERE a.id IN ({mapper.marks(ids)})", ids
            )
        }
        rows = []
        for article_id, rank in chosen:
            if article_id in articles:
                rows.append({**dict(articles[article_id]), "rank": rank})
        return rows

    def _search_rows(self, match: str | None, clauses: list[str], params: list, limit: int) -> Iterator[sqlite3.Row]:
        """The first `limit` rows of one MATCH expression (folded index) under the query's filters."""
        if match and not clauses:
            # The ranked FTS5 query alone, then the rows of its top `limit`: ranking is the cost.
            return self.conn.execute(
                f"""SELECT {_RESULT_COLUMNS}, s.rank AS rank
                    FROM (SELECT rowid, rank FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?) s
                    JOIN articles a ON a.id = s.rowid ORDER BY s.rank""",
                (match, limit),
            )
        if match:  # filters on the articles apply before the limit
            return self.conn.execute(
                f"""SELECT {_RESULT_COLUMNS}, s.rank AS rank
                    FROM search_index s JOIN articles a ON a.id = s.rowid
                    WHERE search_index MATCH ? AND {" AND ".join(clauses)}
                    ORDER BY s.rank LIMIT ?""",
                (match, *params, limit),
            )
        # filters only: newest first
        return self.conn.execute(
            f"""SELECT {_RESULT_COLUMNS}, 0.0 AS rank
                FROM articles a WHERE {" AND ".join(clauses)}
                ORDER BY a.date DESC, a.id DESC LIMIT ?""",
            (*params, limit),
        )

    def _search_filters(self, query: Query, *, exact: bool = True) -> tuple[list[str], list]:
        """SQL conditions on `articles a` for a query's dates, tags, (alone) exclusions and (`exact`) accents."""
        from reader.query import after_bound

        clauses: list[str] = []
        params: list = []
        if query.before:
            clauses.append("a.date != '' AND a.date < ?")
            params.append(query.before)
        if query.after:
            clauses.append("a.date > ?")
            params.append(after_bound(query.after))
        for name, negated in [(n, False) for n in query.tags] + [(n, True) for n in query.not_tags]:
            sql, values = tagged_articles(name, on_highlights=True, pattern=True)
            clauses.append(f"a.id {'NOT IN' if negated else 'IN'} ({sql})")
            params += values
        if not query.positive and query.exclusion_expression():
            clauses.append("a.id NOT IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)")
            params.append(query.exclusion_expression())
        if not exact:
            return clauses, params
        # Words typed with their accents: the accent-kept index must (or must not) hold them.
        for wanted, notes_too in query.exact_clauses():
            clauses.append(f"({_EXACT_IN} OR {_EXACT_NOTES_IN})" if notes_too else _EXACT_IN)
            params += [wanted] * (1 + notes_too)
        for unwanted, notes_too in query.exact_exclusions():
            clauses.append(f"NOT ({_EXACT_IN} OR {_EXACT_NOTES_IN})" if notes_too else f"NOT {_EXACT_IN}")
            params += [unwanted] * (1 + notes_too)
        return clauses, params

    def _result(self, row: sqlite3.Row, body_pattern, title_pattern) -> SearchResult:
        """One search row as a result: its snippet and hits (the query's patterns, for the body and title)."""
        from reader.query import find_hits, snippet

        body = mapper.text_of(row["body"])
        body_hits = find_hits(body, body_pattern)
        source, hits, where = body, body_hits, "body"
        if not body_hits and body_pattern is not None and self._notes_match(row["id"], body_pattern):
            # Found in a note (not in the body): show the note.
            notes = self._notes_text(row["id"])
            note_hits = find_hits(notes, body_pattern)
            if note_hits:
                source, hits, where = notes, note_hits, "notes"
        excerpt, excerpt_hits = snippet(source, hits)
        return SearchResult(
            id=row["id"],
            title=mapper.text_of(row["title"]),
            date=mapper.optional_text(row["date"]),
            place=mapper.text_of(row["place"]),
            source=mapper.text_of(row["source"]),
            read=bool(row["read"]),
            tags=mapper.names_of(row["tag_names"]),
            snippet=excerpt,
            snippet_hits=tuple(excerpt_hits),
            title_hits=tuple(find_hits(mapper.text_of(row["title"]), title_pattern)),
            body_hits=tuple(body_hits),
            snippet_from=where,
            rank=row["rank"] or 0.0,
        )

    def _notes_match(self, article_id: int, pattern) -> bool:
        """Whether the folded notes of an article (its note, its highlights) hold the pattern."""
        found = self.conn.execute(
            f"SELECT {FOLDED_NOTES} FROM {ARTICLE_NOW} WHERE id = ?",
            (article_id,),
        ).fetchone()
        return bool(found and pattern.spans(found[0] or ""))

    def _notes_text(self, article_id: int) -> str:
        """An article's note and its highlights' notes (and the quotes of orphans), as one text."""
        parts = [
            mapper.text_of(self.conn.execute("SELECT note FROM articles WHERE id = ?", (article_id,)).fetchone()[0])
        ]
        for row in self.conn.execute(
            'SELECT quote, note, orphan FROM highlights WHERE article_id = ? ORDER BY start, "end", id', (article_id,)
        ):
            parts += [mapper.text_of(row["quote"]) if row["orphan"] else "", mapper.text_of(row["note"])]
        return " · ".join(p for p in parts if p)
