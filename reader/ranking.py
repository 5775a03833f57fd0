"""Ranking a bounded set of search candidates in plain Python: BM25 over the hits reader.hits finds.

A large library does not let SQLite rank every match (FTS5's bm25 reads every match of every
phrase, even to rank one row); the store hands over the newest few hundred and this orders them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import regex

from reader.hits import TOKEN_CHARS

if TYPE_CHECKING:
    from reader.query import Term

# The columns of the folded index and their weights: the index's own bm25 (m002).
WEIGHTS = {"title": 8.0, "place": 3.0, "source": 2.0, "body": 1.0, "tags": 4.0, "notes": 2.0}
K1 = 1.2  # FTS5's bm25 constants
B = 0.75


def bm25(terms: Sequence[Term], rows: Sequence[Mapping[str, str | None]]) -> list[float]:
    """A score per row (folded columns by name), higher first: BM25 with the index's column weights.

    Every candidate already holds every term, so each term counts alike (no inverse frequency);
    length is measured in characters, against the candidates' mean.
    """
    finders = [(_pattern(term), term.column) for term in terms]
    scores = []
    texts = [[(column, weight, row[column]) for column, weight in WEIGHTS.items() if row[column]] for row in rows]
    lengths = [sum(len(text) for _, _, text in columns) for columns in texts]
    mean = (sum(lengths) / len(lengths)) if lengths else 1.0
    for columns, length in zip(texts, lengths):
        norm = K1 * (1 - B + B * length / (mean or 1.0))
        score = 0.0
        for pattern, only in finders:
            freq = sum(
                weight * len(pattern.findall(text)) for column, weight, text in columns if only in (None, column)
            )
            score += freq * (K1 + 1) / (freq + norm)
        scores.append(score)
    return scores


def _pattern(term: Term) -> regex.Pattern:
    """A term's tokens as whole words in folded text, in order (the last one begun, for a prefix)."""
    body = f"[^{TOKEN_CHARS}]+".join(regex.escape(token) for token in term.tokens)
    tail = f"[{TOKEN_CHARS}]*" if term.prefix else f"(?![{TOKEN_CHARS}])"
    return regex.compile(f"(?<![{TOKEN_CHARS}]){body}{tail}")
