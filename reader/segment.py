"""Sentences, paragraphs and words of an article body, as code-point spans on grapheme boundaries."""

from __future__ import annotations

import regex

_GRAPHEME = regex.compile(r"\X")
_NONSPACE = regex.compile(r"\S")
_LAST_NONSPACE = regex.compile(r"(?r)\S")
_LAST_SPACE = regex.compile(r"(?r)\s")
_TOKEN_BEFORE = regex.compile(r"(?r)\S+")
_FIRST_TOKEN = regex.compile(r"\s*(\S*)")

# A word is a run of graphemes that start with a letter or digit (so "ệ" counts once however it is
# composed); an apostrophe or hyphen between two such runs keeps "Nam's" and "Nam-Japan" whole.
# The en dash is not a hyphen: "Việt Nam–Japan" is two words joined by punctuation.
_WORD_CHARS = r"(?:(?=[\p{L}\p{N}])\X)+"
_WORD = regex.compile(_WORD_CHARS + r"(?:['’\-‐‑]" + _WORD_CHARS + r")*")

# A candidate sentence end: terminal punctuation, closing quotes/brackets, whitespace, and then
# something that can open a sentence. Whether it really ends a sentence is decided in Python
# (abbreviations, initials), because that needs the word before the stop.
_BOUNDARY = regex.compile(
    r"(?P<stop>[.!?…‽]+)[\"'”’»)\]]*(?P<space>\s+)"
    r"(?=[\p{Lu}\p{Lt}\p{N}\"'“‘«(\[¿¡]|[—–―]\s)"
)

# Abbreviations after which a full stop does not end the sentence ("Mr. Lâm", "Jan. 5",
# "Sumitomo Corp. said"). Case matters: Vietnamese syllables such as "co", "sen" or "gen" end
# sentences all the time, so titles only count capitalised.
_ABBREVIATIONS = frozenset(
    [
        "PM",
        "Mr",
        "Mrs",
        "Ms",
        "Mx",
        "Dr",
        "Prof",
        "St",
        "Sr",
        "Jr",
        "Gen",
        "Col",
        "Lt",
        "Sgt",
        "Capt",
        "Maj",
        "Adm",
        "Cmdr",
        "Rep",
        "Sen",
        "Gov",
        "Pres",
        "Rev",
        "Hon",
        "Fr",
        "Mt",
        "Ft",
        "Messrs",
        "Mme",
        "Mlle",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Corp",
        "Inc",
        "Ltd",
        "Co",
        "Bros",
        "Plc",
        "Dept",
        "Univ",
        "Ave",
        "Blvd",
        "Rd",
        "vs",
        "cf",
        "approx",
        "al",
        "viz",
        "TP",
        "Tp",
        "TX",
        "TS",
        "ThS",
        "PGS",
        "GS",
        "BS",
        "KS",
    ]
)
# These abbreviate only before a number: "No. 5" but "He said no. Then".
_NUMBER_ABBREVIATIONS = frozenset(
    ["No", "no", "Nos", "nos", "Vol", "vol", "p", "pp", "Fig", "fig", "Art", "art", "Ch", "ch", "Sec", "sec"]
)
_INITIAL = regex.compile(r"\p{Lu}\p{M}*")
_INITIALISM = regex.compile(r"(?:\p{L}\p{M}*\.)+\p{L}\p{M}*")  # U.S, e.g, i.e
_LEADING_PUNCT = regex.compile(r"^[^\p{L}\p{N}]+")

# Hard-wrapped raw text (lines of at most this many characters) joins its lines back into
# sentences; in a body every paragraph is one line, so any other line break is deliberate
# (a byline, a list item) and ends the sentence.
_WRAP_MIN, _WRAP_MAX = 40, 100


# --- graphemes -------------------------------------------------------------------------------


def _safe_start(text: str, i: int) -> int:
    """A position at or before i that is certainly a grapheme boundary."""
    j = i
    while j > 0:
        a = text[j - 1]
        if a == "\n":
            return j  # nothing joins a line feed to what follows (GB4)
        b = text[j]
        # No grapheme rule joins two printable ASCII characters.
        if " " <= a <= "~" and " " <= b <= "~":
            return j
        j -= 1
    return 0


def _grapheme_around(text: str, i: int) -> tuple[int, int]:
    """The grapheme boundaries (b0, b1) with b0 <= i <= b1; b0 == b1 == i on a boundary."""
    if i <= 0:
        return 0, 0
    if i >= len(text):
        return len(text), len(text)
    for m in _GRAPHEME.finditer(text, _safe_start(text, i)):
        s, e = m.span()
        if s == i or e == i:
            return i, i
        if e > i:
            return s, e
    return len(text), len(text)  # unreachable: the last grapheme ends at len(text)


def is_grapheme_boundary(text: str, i: int) -> bool:
    """True if offset i does not fall inside a grapheme (a letter and its marks)."""
    return _grapheme_around(text, i)[0] == i


def grapheme_start(text: str, i: int) -> int:
    """The nearest grapheme boundary at or before offset i."""
    return _grapheme_around(text, i)[0]


def grapheme_end(text: str, i: int) -> int:
    """The nearest grapheme boundary at or after offset i."""
    return _grapheme_around(text, i)[1]


# --- paragraphs ------------------------------------------------------------------------------


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """The (start, end) of each paragraph, exactly as `body.split("\\n\\n")` (Article.paragraphs) cuts it."""
    if not body:
        return []
    spans = []
    pos = 0
    while True:
        i = body.find("\n\n", pos)
        if i < 0:
            spans.append((pos, len(body)))
            return spans
        spans.append((pos, i))
        pos = i + 2


def paragraph_index(body: str, offset: int) -> int:
    """The 0-based number of the paragraph holding offset (a separator counts with the paragraph before it)."""
    offset = max(0, min(offset, len(body)))
    # str.count scans left to right without overlaps, exactly as str.split does.
    return body.count("\n\n", 0, offset)


# --- sentences -------------------------------------------------------------------------------


def _lines(body: str, lo: int, hi: int):
    """(start, end) of each line in body[lo:hi], without its line feed."""
    pos = lo
    while pos <= hi:
        i = body.find("\n", pos, hi)
        if i < 0:
            yield pos, hi
            return
        yield pos, i
        pos = i + 1


def _is_blank(body: str, start: int, end: int) -> bool:
    return _NONSPACE.search(body, start, end) is None


def _blocks(body: str, lo: int, hi: int):
    """Runs of non-blank lines in body[lo:hi]: a sentence never crosses a blank line."""
    block = []
    for line in _lines(body, lo, hi):
        if _is_blank(body, *line):
            if block:
                yield block
                block = []
        else:
            block.append(line)
    if block:
        yield block


def _segments(body: str, lines: list[tuple[int, int]]):
    """Split a block at its hard line breaks; soft (wrapping) breaks stay inside a segment."""
    lengths = [len(body[s:e].rstrip()) for s, e in lines]
    width = max(lengths)
    wrapped = len(lines) > 1 and _WRAP_MIN <= width <= _WRAP_MAX
    seg_start = lines[0][0]
    for n in range(len(lines) - 1):
        soft = False
        if wrapped:
            nxt = lines[n + 1]
            word = _FIRST_TOKEN.match(body, nxt[0], nxt[1]).group(1)
            # A wrapper breaks a line when the next word would not fit; a line that stops well
            # short of the margin was broken on purpose.
            soft = lengths[n] + 1 + len(word) > 0.8 * width
        if not soft:
            yield seg_start, lines[n][1]
            seg_start = lines[n + 1][0]
    yield seg_start, lines[-1][1]


def _is_abbreviation(body: str, stop_at: int, lo: int, next_char: str) -> bool:
    """True if the full stop at stop_at closes an abbreviation or an initial, not a sentence."""
    m = _TOKEN_BEFORE.search(body, lo, stop_at)
    if m is None or m.end() != stop_at:
        return False
    token = _LEADING_PUNCT.sub("", m.group())
    if not token:
        return False
    if _INITIAL.fullmatch(token) or _INITIALISM.fullmatch(token):
        return True  # "Ito N. Naoki", "U.S. President", "e.g. Hà Nội"
    for word in {token, token.rsplit(".", 1)[-1]}:  # "PGS.TS. Nguyễn" abbreviates by its last part
        if word in _ABBREVIATIONS:
            return True
        if word in _NUMBER_ABBREVIATIONS and next_char.isdigit():
            return True
    return False


def _trim(body: str, start: int, end: int) -> tuple[int, int] | None:
    """body[start:end] without surrounding whitespace, widened to whole graphemes; None if blank."""
    first = _NONSPACE.search(body, start, end)
    if first is None:
        return None
    last = _LAST_NONSPACE.search(body, start, end)
    return grapheme_start(body, first.start()), grapheme_end(body, last.end())


def _segment_sentences(body: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Sentences of one segment (text with no hard line break in it)."""
    spans = []
    cur = lo
    for m in _BOUNDARY.finditer(body, lo, hi):
        stop = m.group("stop")
        next_char = body[m.end()]
        if stop == ".":
            if _is_abbreviation(body, m.start(), lo, next_char):
                continue
        elif set(stop) <= {".", "…"} and next_char.isdigit():
            # "14A-130... 23 lần": an ellipsis before a number is a gap in a list, not an end.
            continue
        span = _trim(body, cur, m.start("space"))
        if span:
            spans.append(span)
        cur = m.end()
    span = _trim(body, cur, hi)
    if span:
        spans.append(span)
    return spans


def _block_sentences(body: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = []
    for seg in _segments(body, lines):
        spans.extend(_segment_sentences(body, *seg))
    return spans


def sentence_spans(body: str) -> list[tuple[int, int]]:
    """Every sentence of the body in order, as (start, end) without surrounding whitespace."""
    return sentences_between(body, 0, len(body))


def sentences_between(body: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The sentences of body[lo:hi] as body offsets; the same as sentence_spans' there when lo and hi
    fall on paragraph breaks (a sentence never crosses a blank line)."""
    spans = []
    for block in _blocks(body, lo, hi):
        spans.extend(_block_sentences(body, block))
    return spans


def sentence_at(body: str, offset: int) -> tuple[int, int] | None:
    """The sentence containing offset (or ending exactly at it); None between sentences."""
    if not body or not 0 <= offset <= len(body):
        return None
    # Only the block of non-blank lines around offset matters: sentences never cross a blank line.
    start = body.rfind("\n", 0, offset) + 1
    end = body.find("\n", offset)
    end = len(body) if end < 0 else end
    if _is_blank(body, start, end):
        return None
    while start > 0:
        prev = body.rfind("\n", 0, start - 1) + 1
        if _is_blank(body, prev, start - 1):
            break
        start = prev
    while end < len(body):
        nxt = body.find("\n", end + 1)
        nxt = len(body) if nxt < 0 else nxt
        if _is_blank(body, end + 1, nxt):
            break
        end = nxt
    spans = _block_sentences(body, list(_lines(body, start, end)))
    for s, e in spans:
        if s <= offset < e:
            return s, e
    for s, e in spans:
        if e == offset:
            return s, e
    return None


# --- words -----------------------------------------------------------------------------------


def _run_start(body: str, pos: int) -> int:
    """Start of the whitespace-free run that reaches pos: no word starts earlier and reaches pos."""
    m = _LAST_SPACE.search(body, 0, pos)
    return m.end() if m else 0


def _words_from(body: str, pos: int):
    for m in _WORD.finditer(body, pos):
        # A word could only start inside a grapheme after a prepended mark (GB9b); widen it.
        yield grapheme_start(body, m.start()), m.end()


def word_spans(body: str) -> list[tuple[int, int]]:
    """Every word (letters, marks and digits; inner apostrophes and hyphens) as (start, end)."""
    return list(_words_from(body, 0))


def word_at(body: str, offset: int) -> tuple[int, int] | None:
    """The word with start <= offset < end, or None if offset is not inside a word."""
    offset = max(0, min(offset, len(body)))
    for s, e in _words_from(body, _run_start(body, offset)):
        if s > offset:
            return None
        if offset < e:
            return s, e
    return None


def next_word_end(body: str, pos: int) -> int:
    """End of the first word that ends after pos (pos itself if there is none): extends a selection."""
    pos = max(0, min(pos, len(body)))
    for _, e in _words_from(body, _run_start(body, pos)):
        if e > pos:
            return e
    return pos


def prev_word_end(body: str, pos: int, floor: int) -> int:
    """End of the last word that ends before pos, but never below floor: shrinks a selection."""
    pos = max(0, min(pos, len(body)))
    if floor >= pos:
        return floor
    width = 256
    while True:
        lo = max(floor, pos - width)
        best = None
        for _, e in _words_from(body, _run_start(body, lo)):
            if e >= pos:
                break
            best = e
        if best is not None:
            return max(best, floor)
        if lo <= floor:
            return floor
        width *= 4  # look further back only when a long stretch held no word
