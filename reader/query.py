"""The search query language, and finding its hits in text: pure Python, no SQL, no Textual.

A query is words (all must match), "quoted phrases", `-word` to leave out, and filters:
`tag:NAME`, `place:NAME`, `source:NAME`, `title:WORDS`, `before:DATE`, `after:DATE` (a value with
spaces goes in quotes: `place:"Hà Nội"`). Everything is folded as the index is (NFD, no marks,
đ → d, casefold), so "Ha Noi", "HÀ NỘI" and "Hà Nội" are one query.

User text never reaches FTS5 as syntax: the MATCH expression is built here from folded tokens,
each of which holds only letters and digits, inside double quotes.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import regex

from reader import text
from reader.tags import tag_match_key  # noqa: F401  (re-exported: the tag room defines it)

# What FTS5's unicode61 tokenizer keeps as token characters (categories L*, N*, Co); everything
# else separates tokens.
_TOKEN_CHARS = r"\p{L}\p{N}\p{Co}"
_TOKEN = regex.compile(f"[{_TOKEN_CHARS}]+")
_MARK = regex.compile(r"\p{Mn}")
_FILTER = regex.compile(r"([A-Za-z]+):")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "＂": '"'})

COLUMNS = ("title", "place", "source", "body", "tags", "notes")
TEXT_FILTERS = {"place": "place", "source": "source", "title": "title"}
FILTERS = {"tag", "before", "after", *TEXT_FILTERS}
MAX_TERMS = 40
MIN_PREFIX = 3  # a shorter last word is matched whole while typing: "h*" would read half the index
SNIPPET_WIDTH = 100
SNIPPET_LEAD = 30  # characters of context kept before the first hit

EXAMPLES = 'Try: ha noi  "Đà Nẵng"  tag:economy  place:"Hà Nội"  source:VNS  after:2024-01-01  -football'


class QueryError(ValueError):
    """A query that cannot be run; the message is fit to show the user as is."""


def tokens(s: str) -> tuple[str, ...]:
    """The folded search tokens of a string, as the index sees them."""
    return tuple(_TOKEN.findall(text.fold(s)))


@dataclass(frozen=True)
class Term:
    """Words that must appear together, in order (one word is a one-token phrase)."""

    tokens: tuple[str, ...]
    prefix: bool = False  # the last token may be the start of a longer word
    column: str | None = None  # None: any column
    negated: bool = False

    def fts(self) -> str:
        """This term as an FTS5 phrase (tokens are letters and digits only, so quoting is safe)."""
        phrase = '"' + " ".join(self.tokens) + '"' + (" *" if self.prefix else "")
        return f"{self.column} : {phrase}" if self.column else phrase


@dataclass(frozen=True)
class Query:
    """A parsed query: text terms for the index, and filters for SQL."""

    terms: tuple[Term, ...] = ()
    tags: tuple[str, ...] = ()  # folded tag names the article (or one of its highlights) must carry
    not_tags: tuple[str, ...] = ()
    before: str | None = None  # ISO date prefix; the article's date must be earlier
    after: str | None = None  # the article's date must be later than every day this prefix covers
    source_text: str = field(default="", compare=False)

    # Derived once per query (cached_property writes the instance dict, which frozen allows).
    @functools.cached_property
    def positive(self) -> tuple[Term, ...]:
        """The terms that must match."""
        return tuple(t for t in self.terms if not t.negated)

    @functools.cached_property
    def negative(self) -> tuple[Term, ...]:
        """The terms that must not match."""
        return tuple(t for t in self.terms if t.negated)

    def match_expression(self) -> str | None:
        """The FTS5 MATCH expression of the positive terms (minus the negative ones), or None."""
        if not self.positive:
            return None
        expression = " AND ".join(t.fts() for t in self.positive)
        if self.negative:
            expression = f"({expression}) NOT ({self.exclusion_expression()})"
        return expression

    def exclusion_expression(self) -> str | None:
        """A MATCH expression for what must not match, or None."""
        if not self.negative:
            return None
        return " OR ".join(t.fts() for t in self.negative)

    def hit_pattern(self, column: str | None = None) -> HitFinder | None:
        """What finds this query's positive hits in the folded text of a column (None: the body)."""
        finders = self.__dict__.setdefault("_finders", {})
        if column not in finders:
            finders[column] = _finder(tuple(t for t in self.positive if t.column in (None, column)))
        return finders[column]


class HitFinder:
    """Finds the terms of a query in folded text the way FTS5 matched them: whole tokens, in order.

    Each term's first token is looked for with str.find (fast, in C) and only there is the
    term's pattern tried; a regex scan of every body of every result would cost more than the
    FTS5 query itself.
    """

    def __init__(self, terms: tuple[Term, ...]):
        self.terms = []
        for term in terms:
            body = f"[^{_TOKEN_CHARS}]+".join(regex.escape(tok) for tok in term.tokens)
            tail = f"[{_TOKEN_CHARS}]*" if term.prefix else f"(?![{_TOKEN_CHARS}])"
            self.terms.append((term.tokens[0], regex.compile(f"(?<![{_TOKEN_CHARS}]){body}{tail}")))

    def spans(self, folded: str) -> list[tuple[int, int]]:
        """Every hit in folded text, in order (overlapping hits of different terms included)."""
        spans: list[tuple[int, int]] = []
        for first, pattern in self.terms:
            i = folded.find(first)
            while i >= 0:
                m = pattern.match(folded, i)
                if m:
                    spans.append(m.span())
                    i = folded.find(first, m.end())
                else:
                    i = folded.find(first, i + 1)
        spans.sort()
        return spans


@functools.lru_cache(maxsize=64)
def _finder(terms: tuple[Term, ...]) -> HitFinder | None:
    return HitFinder(terms) if terms else None


# --------------------------------------------------------------------------- parsing


def _date_value(name: str, value: str) -> str:
    """An ISO date, year-month or year, checked; or a QueryError."""
    parts = value.split("-")
    try:
        if not 1 <= len(parts) <= 3 or len(parts[0]) != 4 or any(len(p) != 2 for p in parts[1:]):
            raise ValueError
        numbers = [int(p) for p in parts]
        date(numbers[0], *(numbers[1:] + [1] * (3 - len(numbers))))
    except ValueError:
        raise QueryError(f"{name}: needs a date like 2024-05-31 (or 2024-05, or 2024), not “{value}”.") from None
    return value


def _read_quoted(s: str, i: int) -> tuple[str, int]:
    """The text between the quote at s[i] and the closing one, and the index after it."""
    close = s.find('"', i + 1)
    if close < 0:
        raise QueryError('A quote is not closed: add the closing " (or remove the opening one).')
    return s[i + 1 : close], close + 1


def _read_word(s: str, i: int) -> tuple[str, int]:
    """A bare word: up to white space or a quote."""
    j = i
    while j < len(s) and not s[j].isspace() and s[j] != '"':
        j += 1
    return s[i:j], j


def parse(query: str, *, prefix_last: bool = False) -> Query:
    """Parse a query typed by a person; raise QueryError (with a message for them) if it cannot run.

    With `prefix_last` (while typing), the last bare word also matches longer words it begins.
    """
    s = text.clean(query).translate(_QUOTES)
    if not s.strip():
        raise QueryError("Type something to search for. " + EXAMPLES)
    terms: list[Term] = []
    tags: list[str] = []
    not_tags: list[str] = []
    before: str | None = None
    after: str | None = None
    last_bare: int | None = None  # the index in `terms` of a bare word that ends the query
    dangling_dash = False
    i, n = 0, len(s)
    while i < n:
        if s[i].isspace():
            i += 1
            continue
        negated = False
        if s[i] == "-":
            i += 1
            if i == n or s[i].isspace():
                # A dash between words ("Bà Rịa - Vũng Tàu"), or one being typed: nothing to leave out.
                dangling_dash = True
                continue
            negated = True
        last_bare = None
        m = _FILTER.match(s, i)
        if m and m.group(1).lower() in FILTERS:
            name = m.group(1).lower()
            i = m.end()
            quoted = i < n and s[i] == '"'
            value, i = _read_quoted(s, i) if quoted else _read_word(s, i)
            value = " ".join(value.split())
            if not value:
                raise QueryError(f"{name}: needs a value, e.g. {name}:{_FILTER_EXAMPLES[name]}")
            if name in ("before", "after"):
                if negated:
                    raise QueryError(
                        f"-{name}: is not needed: use {'after' if name == 'before' else 'before'}: instead."
                    )
                checked = _date_value(name, value)
                if name == "before":
                    before = min(before, checked) if before else checked
                else:
                    after = max(after, checked) if after else checked
            elif name == "tag":
                (not_tags if negated else tags).append(tag_match_key(value))
            else:
                found = tokens(value)
                if not found:
                    raise QueryError(f"{name}: needs letters or digits, e.g. {name}:{_FILTER_EXAMPLES[name]}")
                terms.append(Term(found, column=TEXT_FILTERS[name], negated=negated))
                if not quoted and i == n:
                    last_bare = len(terms) - 1
        elif s[i] == '"':
            phrase, i = _read_quoted(s, i)
            prefix = i < n and s[i] == "*"
            i += prefix
            found = tokens(phrase)
            if found:
                terms.append(Term(found, prefix=prefix, negated=negated))
        else:
            word, i = _read_word(s, i)
            prefix = word.endswith("*")
            found = tokens(word)
            if found:
                terms.append(Term(found, prefix=prefix, negated=negated))
                if i == n and not prefix:
                    last_bare = len(terms) - 1
        if len(terms) > MAX_TERMS:
            raise QueryError(f"That is more than {MAX_TERMS} words; search for fewer.")
    if prefix_last and last_bare is not None and not terms[last_bare].negated:
        term = terms[last_bare]
        if len(term.tokens[-1]) >= MIN_PREFIX:
            terms[last_bare] = Term(term.tokens, prefix=True, column=term.column)
    if not terms and not tags and not not_tags and before is None and after is None:
        if dangling_dash:
            raise QueryError("A “-” leaves out the word right after it, e.g. -football; there is none.")
        raise QueryError("Nothing to search for: a search looks for words and numbers. " + EXAMPLES)
    if before and after and after_bound(after) >= before:
        raise QueryError(f"No date is both after {after} and before {before}.")
    return Query(tuple(terms), tuple(tags), tuple(not_tags), before, after, source_text=query)


_FILTER_EXAMPLES = {
    "tag": "economy",
    "place": '"Hà Nội"',
    "source": "VNS",
    "title": "tourism",
    "before": "2024-05-31",
    "after": "2024-01-01",
}


def after_bound(value: str) -> str:
    """What an `after:` date must exceed: a string just above every ISO date the prefix covers."""
    return value + "~"  # "2024~" > "2024-12-31", and "~" sorts after every digit and "-"


# --------------------------------------------------------------------------- hits and snippets


def folds_exactly(original: str) -> bool:
    """True if every character folds to exactly one: offsets in the folded text are offsets in this.

    So it is for NFC Vietnamese. Not for "ß" (→ "ss") or a lone combining mark (→ nothing).
    """
    return original.isascii() or (len(text.fold(original)) == len(original) and not _MARK.search(original))


def find_hits(
    original: str, finder: HitFinder | None, folded: str | None = None, exact: bool | None = None
) -> list[tuple[int, int]]:
    """Where a query's terms are in a text, as (start, end) offsets into the original (unfolded) text.

    `folded` is text.fold(original) and `exact` is folds_exactly(original), when the caller has
    them (the search index stores both, so a search folds nothing).
    """
    if finder is None or not original:
        return []
    if folded is None:
        folded = text.fold(original)
    spans = finder.spans(folded)
    if not spans:
        return []
    if exact is None:
        exact = len(folded) == len(original) and (original.isascii() or not _MARK.search(original))
    if not exact:
        _, offsets = text.fold_with_offsets(original)
        last = len(offsets) - 1
        spans = [(offsets[min(a, last)], offsets[min(b - 1, last)] + 1) for a, b in spans if b > a and last >= 0]
        spans = [(a, min(b, len(original))) for a, b in spans if a < len(original)]
    out: list[tuple[int, int]] = []
    for start, end in spans:
        # A hit ends where a token ends; marks that belong to its last letter go with it.
        if end < len(original) and original[end] >= "\u0300" and _extends(original[end]):
            end = text.snap_to_grapheme(original, end, forward=True)
        if out and (start <= out[-1][1] or original[out[-1][1] : start].isspace()):
            out[-1] = (out[-1][0], max(end, out[-1][1]))  # "Hà Nội" is one hit for `ha noi`, not two
        else:
            out.append((start, end))
    return out


def _extends(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")


def snippet(
    original: str, hits: list[tuple[int, int]], width: int = SNIPPET_WIDTH
) -> tuple[str, list[tuple[int, int]]]:
    """A one-line excerpt around the first hit, with the hits inside it as offsets into the excerpt."""
    if not original:
        return "", []
    if hits:
        start = max(0, hits[0][0] - SNIPPET_LEAD)
        if start > 0:  # begin at a word
            space = original.find(" ", start, hits[0][0])
            start = space + 1 if space >= 0 else text.snap_to_grapheme(original, start)
    else:
        start = 0
    end = min(len(original), start + width)
    if end < len(original):
        space = original.rfind(" ", max(start, hits[0][1] if hits else start), end)
        end = space if space > start else text.snap_to_grapheme(original, end)
        if hits and end < hits[0][1]:
            end = hits[0][1]
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(original) else ""
    excerpt = original[start:end].replace("\n", " ").replace("\t", " ")
    shift = len(lead) - start
    inside = [(max(s, start) + shift, min(e, end) + shift) for s, e in hits if s < end and e > start]
    return lead + excerpt + tail, inside
