"""The search query language, and finding its hits in text: pure Python, no SQL, no Textual.

A query is words (all must match), "quoted phrases", `-word` to leave out, and filters:
`tag:NAME`, `place:NAME`, `source:NAME`, `title:WORDS`, `before:DATE`, `after:DATE` (a value with
spaces goes in quotes: `place:"Hà Nội"`).

Smart accents, word by word: a word typed without any diacritic is folded as the index is (NFD, no
marks, đ → d, casefold), so `ha noi` finds "Hà Nội", "hà nội" and "HA NOI"; a word typed with
diacritics matches only that spelling, ignoring case, Unicode form, tone placement (hòa = hoà) and
the look-alikes Ð/Ɖ of Đ (reader.vietnamese.accent_key). `accents="exact"` makes every word exact,
`"ignore"` folds every word.

User text never reaches FTS5 as syntax: the MATCH expressions are built here from tokens, each of
which holds only letters, marks and digits, inside double quotes.
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import regex

from reader import text, vietnamese
from reader.hits import (  # noqa: F401  (find_hits, folds_exactly and snippet: re-exported)  # noqa: F401  (re-exported)
    TOKEN_CHARS,
    HitFinder,
    find_hits,
    folds_exactly,
    index_words,
    is_exact_word,
    snippet,
    tokens,
)
from reader.tags import (  # noqa: F401  (re-exported: the tag room defines them)
    complete_tag,
    resolve_tag,
    tag_identity,
    tag_match_key,
    tag_matches,
    tag_pattern,
)

_FILTER = regex.compile(r"([A-Za-z]+):")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "＂": '"'})

COLUMNS = ("title", "place", "source", "body", "tags", "notes")
TEXT_FILTERS = {"place": "place", "source": "source", "title": "title"}
FILTERS = {"tag", "before", "after", *TEXT_FILTERS}
MAX_TERMS = 40
ACCENT_MODES = ("smart", "exact", "ignore")
MAX_SPELLINGS = 16  # spellings of one exact phrase sent to the accent-kept index (Đ/Ð/Ɖ, tone placement)
NEAR_WINDOW = 8  # tokens: words this close count as near each other when ranking
MIN_PREFIX = 3  # a shorter last word is matched whole while typing: "h*" would read half the index

EXAMPLES = 'Try: ha noi  "Đà Nẵng"  tag:economy  place:"Hà Nội"  source:VNS  after:2024-01-01  -football'


class QueryError(ValueError):
    """A query that cannot be run; the message is fit to show the user as is."""


@dataclass(frozen=True)
class Term:
    """Words that must appear together, in order (one word is a one-token phrase)."""

    tokens: tuple[str, ...]
    prefix: bool = False  # the last token may be the start of a longer word
    column: str | None = None  # None: any column
    negated: bool = False
    # Per token: its spelling as typed (NFC) when it must match accent-exact, else None; () when none must.
    exact: tuple[str | None, ...] = ()
    bare: bool = False  # a word typed alone (not quoted, not a filter): ranking may join it to its neighbours

    def fts(self) -> str:
        """This term as an FTS5 phrase (tokens are letters and digits only, so quoting is safe)."""
        phrase = '"' + " ".join(self.tokens) + '"' + (" *" if self.prefix else "")
        return f"{self.column} : {phrase}" if self.column else phrase

    @property
    def fully_exact(self) -> bool:
        """Every token of this term must match accent-exact."""
        return bool(self.exact) and all(w is not None for w in self.exact)

    def exact_fts(self) -> str | None:
        """What the accent-kept index must match for this term (its runs of exact words), or None."""
        runs: list[tuple[list[str], bool]] = []
        run: list[str] = []
        for i, word in enumerate(self.exact):
            if word is not None:
                run.append(word)
            if run and (word is None or i == len(self.exact) - 1):
                runs.append((run, word is not None and self.prefix))
                run = []
        parts = []
        for words, prefix in runs:
            spellings = [""]
            for word in words:
                spellings = [f"{s} {v}".strip() for s in spellings for v in vietnamese.spelling_variants(word)]
                spellings = spellings[:MAX_SPELLINGS]
            # NFD too: text should be NFC, but one that is not keeps its marks apart in this index.
            spellings = list(dict.fromkeys(f for p in spellings for f in (p, unicodedata.normalize("NFD", p))))
            phrases = ['"' + p + '"' + (" *" if prefix else "") for p in spellings[:MAX_SPELLINGS]]
            parts.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
        if not parts:
            return None
        expression = " AND ".join(parts)
        return f"{self.column} : ({expression})" if self.column else expression


@dataclass(frozen=True)
class Query:
    """A parsed query: text terms for the index, and filters for SQL."""

    terms: tuple[Term, ...] = ()
    tags: tuple[str, ...] = ()  # tag_pattern()s of names the article (or one of its highlights) must carry
    not_tags: tuple[str, ...] = ()
    before: str | None = None  # ISO date prefix; the article's date must be earlier
    after: str | None = None  # the article's date must be later than every day this prefix covers
    source_text: str = field(default="", compare=False)
    accents: str = "smart"

    # Derived once per query (cached_property writes the instance dict, which frozen allows).
    @functools.cached_property
    def positive(self) -> tuple[Term, ...]:
        """The terms that must match."""
        return tuple(t for t in self.terms if not t.negated)

    @functools.cached_property
    def negative(self) -> tuple[Term, ...]:
        """The terms that must not match."""
        return tuple(t for t in self.terms if t.negated)

    @functools.cached_property
    def _folded_negative(self) -> tuple[Term, ...]:
        # An exact word left out is left out of the accent-kept index only: folded, `-Hà` would
        # also leave out every article with "ha" or "hạ".
        return tuple(t for t in self.negative if not t.fully_exact)

    def match_expression(self) -> str | None:
        """The FTS5 MATCH expression (folded index) of the positive terms minus the negative ones, or None."""
        return self.match_tiers()[-1]

    def match_tiers(self) -> tuple[str | None, ...]:
        """MATCH expressions to take results from in turn, each a subset of the next (the last is the query).

        Words typed alone rank first where they stand together in order ("Hà Nội" for `ha noi`),
        then where they are near each other, then anywhere.
        """
        if not self.positive:
            return (None,)
        bare = [t for t in self.positive if t.bare and t.column is None and len(t.tokens) == 1]
        others = [t.fts() for t in self.positive if t not in bare]
        tiers = []
        if len(bare) >= 2:
            words = " ".join(t.tokens[0] for t in bare)
            tiers.append(" AND ".join([*others, '"' + words + '"' + (" *" if bare[-1].prefix else "")]))
            if not any(t.prefix for t in bare):
                near = " ".join('"' + t.tokens[0] + '"' for t in bare)
                tiers.append(" AND ".join([*others, f"NEAR({near}, {NEAR_WINDOW})"]))
        tiers.append(" AND ".join(t.fts() for t in self.positive))
        if self._folded_negative:
            tiers = [f"({e}) NOT ({self.exclusion_expression()})" for e in tiers]
        return tuple(tiers)

    def exact_first(self) -> str | None:
        """For unaccented words typed alone (smart accents): the accent-kept phrase that ranks first.

        `ha noi` lists an article that writes "Ha Noi" so above one that writes "Hà Nội": both
        match, the first as typed.
        """
        bare = [t for t in self.positive if t.bare and t.column is None and len(t.tokens) == 1]
        if self.accents != "smart" or len(bare) < 2 or any(t.exact for t in bare) or bare[-1].prefix:
            return None
        return '"' + " ".join(t.tokens[0] for t in bare) + '"'

    def exclusion_expression(self) -> str | None:
        """A MATCH expression (folded index) for what must not match, or None."""
        if not self._folded_negative:
            return None
        return " OR ".join(t.fts() for t in self._folded_negative)

    def exact_expression(self) -> str | None:
        """A MATCH expression for the accent-kept index that every result must match, or None."""
        parts = [e for e in (t.exact_fts() for t in self.positive) if e]
        return " AND ".join(parts) or None

    def exact_clauses(self) -> list[tuple[str, bool]]:
        """Per term with exact words: (what the accent-kept index must match, whether tags and notes count)."""
        return [(e, t.column is None) for t in self.positive if (e := t.exact_fts())]

    def exact_exclusions(self) -> list[tuple[str, bool]]:
        """Per left-out term of exact words: (what the accent-kept index must not match, tags and notes too)."""
        return [(e, t.column is None) for t in self.negative if t.fully_exact and (e := t.exact_fts())]

    def exact_exclusion(self) -> str | None:
        """A MATCH expression for the accent-kept index that no result may match, or None."""
        parts = [t.exact_fts() for t in self.negative if t.fully_exact]
        return " OR ".join(f"({p})" for p in parts if p) or None

    def hit_pattern(self, column: str | None = None) -> HitFinder | None:
        """What finds this query's positive hits in the folded text of a column (None: the body)."""
        finders = self.__dict__.setdefault("_finders", {})
        if column not in finders:
            finders[column] = _finder(tuple(t for t in self.positive if t.column in (None, column)))
        return finders[column]


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


def _term(value: str, accents: str, **fields) -> Term | None:
    """The term for typed words (None if they hold no letter or digit), each exact or folded by the mode."""
    found = tokens(value)
    if not found:
        return None
    exact: tuple[str | None, ...] = ()
    words = index_words(value)
    # A word whose folding splits or joins tokens (rare outside NFC Vietnamese) stays folded.
    if accents != "ignore" and len(words) == len(found):
        marks = tuple(w if is_exact_word(w, accents) else None for w in words)
        if any(m is not None for m in marks):
            exact = marks
    return Term(found, exact=exact, **fields)


def parse(query: str, *, prefix_last: bool = False, accents: str = "smart") -> Query:
    """Parse a query typed by a person; raise QueryError (with a message for them) if it cannot run.

    With `prefix_last` (while typing), the last bare word also matches longer words it begins.
    `accents` is smart, exact or ignore (see the module's docstring).
    """
    if accents not in ACCENT_MODES:
        raise QueryError(f"Accents can be {', '.join(ACCENT_MODES)}; not “{accents}”.")
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
                (not_tags if negated else tags).append(tag_pattern(value, accents))
            else:
                term = _term(value, accents, column=TEXT_FILTERS[name], negated=negated)
                if term is None:
                    raise QueryError(f"{name}: needs letters or digits, e.g. {name}:{_FILTER_EXAMPLES[name]}")
                terms.append(term)
                if not quoted and i == n:
                    last_bare = len(terms) - 1
        elif s[i] == '"':
            phrase, i = _read_quoted(s, i)
            prefix = i < n and s[i] == "*"
            i += prefix
            term = _term(phrase, accents, prefix=prefix, negated=negated)
            if term:
                terms.append(term)
        else:
            word, i = _read_word(s, i)
            prefix = word.endswith("*")
            term = _term(word, accents, prefix=prefix, negated=negated, bare=True)
            if term:
                terms.append(term)
                if i == n and not prefix:
                    last_bare = len(terms) - 1
        if len(terms) > MAX_TERMS:
            raise QueryError(f"That is more than {MAX_TERMS} words; search for fewer.")
    if prefix_last and last_bare is not None and not terms[last_bare].negated:
        term = terms[last_bare]
        if len(term.tokens[-1]) >= MIN_PREFIX:
            terms[last_bare] = dataclasses.replace(term, prefix=True)
    if not terms and not tags and not not_tags and before is None and after is None:
        if dangling_dash:
            raise QueryError("A “-” leaves out the word right after it, e.g. -football; there is none.")
        raise QueryError("Nothing to search for: a search looks for words and numbers. " + EXAMPLES)
    if before and after and after_bound(after) >= before:
        raise QueryError(f"No date is both after {after} and before {before}.")
    return Query(tuple(terms), tuple(tags), tuple(not_tags), before, after, source_text=query, accents=accents)


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
