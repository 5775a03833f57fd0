"""Finding a query's hits in text, checking their accents, and the snippet that shows them: pure Python.

The index matched folded text; here the same words are found again in the folded text of each
result, mapped back to offsets in the original, and each hit of a word typed with accents is kept
only if it has them (reader.vietnamese.accent_key).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from typing import TYPE_CHECKING

import regex

from reader import text, vietnamese
from reader.segment import grapheme_end, grapheme_start

if TYPE_CHECKING:
    from reader.query import Term

# What FTS5's unicode61 tokenizer keeps as token characters (categories L*, N*, Co); everything
# else separates tokens.
TOKEN_CHARS = r"\p{L}\p{N}\p{Co}"
# What FTS5's unicode61 tokenizer keeps as token characters; everything else separates tokens.
_TOKEN = regex.compile(f"[{TOKEN_CHARS}]+")


def tokens(s: str) -> tuple[str, ...]:
    """The folded search tokens of a string, as the index sees them."""
    return tuple(_TOKEN.findall(text.fold(s)))


def is_exact_word(word: str, accents: str = "smart") -> bool:
    """Whether a typed word must match accent-exact under an accent mode (smart: if it has marks)."""
    return accents == "exact" or (accents == "smart" and vietnamese.has_diacritics(word))


_TOKEN_CHARS = TOKEN_CHARS
_MARK = regex.compile(r"\p{Mn}")
# What unicode61 with remove_diacritics 0 keeps as one token in accent-kept text: marks too.
_WORDS = regex.compile(r"[\p{L}\p{M}\p{N}\p{Co}]+")
SNIPPET_WIDTH = 100
SNIPPET_LEAD = 30  # characters of context kept before the first hit


def index_words(value: str) -> list[str]:
    """The words of a text as the accent-kept index sees them (shown invisibles read through)."""
    return _WORDS.findall(text.strip_markers(value))


class HitFinder:
    """Finds the terms of a query in folded text the way FTS5 matched them: whole tokens, in order.

    Each term's first token is looked for with str.find (fast, in C) and only there is the
    term's pattern tried; a regex scan of every body of every result would cost more than the
    FTS5 query itself.
    """

    def __init__(self, terms: tuple[Term, ...]):
        # The words typed alone, as one phrase, and the other terms: find_hits prefers the phrase.
        self.together: HitFinder | None = None
        self.rest: HitFinder | None = None
        bare = [t for t in terms if t.bare and t.column is None and len(t.tokens) == 1]
        if len(bare) >= 2:
            exact = tuple(t.exact[0] if t.exact else None for t in bare)
            phrase = dataclasses.replace(
                bare[0],
                tokens=tuple(t.tokens[0] for t in bare),
                prefix=bare[-1].prefix,
                exact=exact if any(exact) else (),
                bare=False,
            )
            self.together = HitFinder((phrase,))
            rest = tuple(t for t in terms if t not in bare)
            self.rest = HitFinder(rest) if rest else None
        self.terms = []
        # Per term: the accent keys its tokens must have (None: any accents), or None if no token must.
        self.exact: list[tuple[str | None, ...] | None] = []
        self.prefix: list[bool] = []
        for term in terms:
            body = f"[^{_TOKEN_CHARS}]+".join(regex.escape(tok) for tok in term.tokens)
            tail = f"[{_TOKEN_CHARS}]*" if term.prefix else f"(?![{_TOKEN_CHARS}])"
            self.terms.append((term.tokens[0], regex.compile(f"(?<![{_TOKEN_CHARS}]){body}{tail}")))
            keys = tuple(None if w is None else vietnamese.accent_key(w) for w in term.exact)
            self.exact.append(keys if term.exact else None)
            self.prefix.append(term.prefix)

    def spans(self, folded: str) -> list[tuple[int, int]]:
        """Every place in folded text where a term's words are, in order (accents not yet checked)."""
        return [(a, b) for a, b, _ in self.term_spans(folded)]

    def term_spans(self, folded: str) -> list[tuple[int, int, int]]:
        """(start, end, term index) of every folded hit, in order (overlapping hits of different terms included)."""
        spans: list[tuple[int, int, int]] = []
        for index, (first, pattern) in enumerate(self.terms):
            i = folded.find(first)
            while i >= 0:
                m = pattern.match(folded, i)
                if m:
                    spans.append((*m.span(), index))
                    i = folded.find(first, m.end())
                else:
                    i = folded.find(first, i + 1)
        spans.sort()
        return spans

    def accepts(self, index: int, original: str) -> bool:
        """True if `original` (the text of one folded hit of term `index`) has the accents it asks for."""
        keys = self.exact[index]
        if keys is None:
            return True
        words = index_words(vietnamese.accent_key(original))
        if len(words) != len(keys):
            return False
        last = len(keys) - 1
        for i, (word, key) in enumerate(zip(words, keys)):
            if key is not None and not (word == key or (i == last and self.prefix[index] and word.startswith(key))):
                return False
        return True


def folds_exactly(original: str, folded: str | None = None) -> bool:
    """True if every character folds to exactly one: offsets in the folded text are offsets in this.

    So it is for NFC Vietnamese. Not for "ß" (→ "ss") or a lone combining mark (→ nothing).
    `folded` is text.fold(original), when the caller has it.
    """
    if original.isascii():
        return True
    if folded is None:
        folded = text.fold(original)
    return len(folded) == len(original) and not _MARK.search(original)


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
    if exact is None:
        exact = len(folded) == len(original) and (original.isascii() or not _MARK.search(original))
    if finder.together is not None:
        # Where the words typed alone stand together, only those places are hits: `Da Nang` marks
        # "Đà Nẵng", not every "đã" and "nâng" around it.
        joined = _verified_spans(original, finder.together, folded, exact)
        if joined:
            rest = _verified_spans(original, finder.rest, folded, exact) if finder.rest else []
            return _merge(original, sorted(joined + rest))
    return _merge(original, _verified_spans(original, finder, folded, exact))


def _verified_spans(original: str, finder: HitFinder, folded: str, exact: bool) -> list[tuple[int, int]]:
    """The hits of a finder as offsets into the original, each with the accents its term asks for."""
    spans = finder.term_spans(folded)
    if not spans:
        return []
    if not exact:
        _, offsets = text.fold_with_offsets(original)
        last = len(offsets) - 1
        spans = [(offsets[min(a, last)], offsets[min(b - 1, last)] + 1, i) for a, b, i in spans if b > a and last >= 0]
        spans = [(a, min(b, len(original)), i) for a, b, i in spans if a < len(original)]
    out: list[tuple[int, int]] = []
    for start, end, index in spans:
        # A hit ends where a token ends; marks that belong to its last letter go with it.
        if end < len(original) and original[end] >= "\u0300" and _extends(original[end]):
            end = grapheme_end(original, end)
        if finder.accepts(index, original[start:end]):  # not so `Đà` in "đa": letters match, accents not
            out.append((start, end))
    return out


def _merge(original: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and (start <= out[-1][1] or original[out[-1][1] : start].isspace()):
            out[-1] = (out[-1][0], max(end, out[-1][1]))  # "Hà Nội" is one hit for `ha noi`, not two
        else:
            out.append((start, end))
    return out


def _extends(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")


_SPACE = regex.compile(r"\s")
_BREAK = regex.compile(r"[ \t]*\n\s*|\t")
PARAGRAPH_MARK = " ¶ "
WORD_SLACK = 24  # characters a snippet may run past its width to end at the end of a word


def snippet(
    original: str, hits: list[tuple[int, int]], width: int = SNIPPET_WIDTH
) -> tuple[str, list[tuple[int, int]]]:
    """A one-line excerpt around the first hit, with the hits inside it as offsets into the excerpt.

    It begins and ends at whole words, and shows a paragraph break as ¶.
    """
    if not original:
        return "", []
    if hits:
        start = max(0, hits[0][0] - SNIPPET_LEAD)
        if start > 0:  # begin at a word
            space = _SPACE.search(original, start, hits[0][0])
            start = space.end() if space else grapheme_start(original, start)
    else:
        start = 0
    end = min(len(original), start + width)
    if end < len(original):
        floor = max(start, hits[0][1] if hits else start)
        last = max((m.start() for m in _SPACE.finditer(original, floor, end)), default=-1)
        if last > start:
            end = last
        else:  # no break between the hit and the width: run on to the end of the word
            space = _SPACE.search(original, end, min(len(original), end + WORD_SLACK))
            end = space.start() if space else grapheme_start(original, end)
        if hits and end < hits[0][1]:
            end = hits[0][1]
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(original) else ""
    excerpt, shift = _one_line(original[start:end])
    hits_inside = [(max(s, start) - start, min(e, end) - start) for s, e in hits if s < end and e > start]
    inside = [(shift(a) + len(lead), shift(b) + len(lead)) for a, b in hits_inside]
    return lead + excerpt + tail, inside


def _one_line(s: str):
    """`s` on one line (a paragraph break as ¶, other breaks and tabs as a space), and a map of offsets."""
    pieces: list[str] = []
    moves: list[tuple[int, int]] = []  # (offset in s after a replaced run, how far later offsets move)
    last, moved = 0, 0
    for m in _BREAK.finditer(s):
        pieces.append(s[last : m.start()])
        replacement = PARAGRAPH_MARK if m.group().count("\n") >= 2 else " "
        pieces.append(replacement)
        moved += len(replacement) - (m.end() - m.start())
        moves.append((m.end(), moved))
        last = m.end()
    pieces.append(s[last:])

    def shift(offset: int) -> int:
        delta = 0
        for after, total in moves:
            if offset >= after:
                delta = total
            else:
                break
        return offset + delta

    return "".join(pieces), shift
