"""Vietnamese spelling rules: accent keys and tone placement, title case, and alphabetical order."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from reader.text import LazyRegex, fold

if TYPE_CHECKING:
    import regex

# --------------------------------------------------------------------------- accents kept

# Look-alikes of Đ that real text and keyboards produce: Icelandic eth and African D.
_D_FORMS = {"đ": "đ", "ð": "đ", "ɖ": "đ", "Đ": "Đ", "Ð": "Đ", "Ɖ": "Đ"}
_D_VARIANTS = {"đ": "đðɖ", "Đ": "ĐÐƉ"}
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# The open syllables whose tone the old and the new rules place differently: hòa/hoà, khỏe/khoẻ,
# thúy/thuý. Only a consonant onset may come before (not "qu", whose u belongs to the onset).
_OPEN_SYLLABLE = LazyRegex(
    r"(?<![\p{L}\p{M}\p{N}])((?i:[bcdđghklmnprstvx]{0,3}))"
    r"((?i:o[\u0300\u0301\u0303\u0309\u0323]?[ae]|u[\u0300\u0301\u0303\u0309\u0323]?y))"
    r"([\u0300\u0301\u0303\u0309\u0323]?)(?![\p{L}\p{M}\p{N}])"
)
_KEY_CACHE: dict[str, str] = {}


def _key_char(ch: str) -> str:
    key = _KEY_CACHE.get(ch)
    if key is None:
        lower = ch.lower()
        if len(lower) != 1:  # İ lowers to two code points: keep the length, keep the letter
            lower = ch
        key = _KEY_CACHE[ch] = _D_FORMS.get(lower, lower)
    return key


def _old_placement(m: regex.Match) -> str:
    onset, nucleus, tone = m.group(1), m.group(2), m.group(3)
    if len(nucleus) == 3:  # the tone sits on the first vowel already
        return m.group()
    return onset + nucleus[0] + tone + nucleus[1] if tone else m.group()


def tone_placement_old(s: str) -> str:
    """`s` (NFC) with the tone of every open oa/oe/uy syllable on its first vowel: hoà → hòa."""
    if s.isascii():
        return s
    decomposed = unicodedata.normalize("NFD", s)
    moved = _OPEN_SYLLABLE.sub(_old_placement, decomposed)
    return unicodedata.normalize("NFC", moved) if moved != decomposed else unicodedata.normalize("NFC", s)


def accent_key(s: str) -> str:
    """What accent-exact matching compares: NFC, lower case, Ð/Ɖ as Đ, tone placement unified.

    Same length as NFC `s` (each letter maps to one), so offsets in the key are offsets in `s`.
    """
    s = unicodedata.normalize("NFC", s)
    if s.isascii():
        return s.lower()
    return tone_placement_old("".join(_key_char(ch) for ch in s))


def has_diacritics(word: str) -> bool:
    """True if a word carries a mark (tone, breve, circumflex, horn, ...) or is spelt with đ."""
    if word.isascii():
        return False
    return any(ch in _D_FORMS for ch in word) or any(
        unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", word)
    )


def spelling_variants(word: str, limit: int = 16) -> list[str]:
    """The spellings of an NFC word that share its accent key, in its own case (hòa → hòa, hoà).

    At most `limit`: the forms of đ and the two tone placements multiply.
    """
    word = unicodedata.normalize("NFC", word)
    forms = [""]
    for ch in word:
        options = _D_VARIANTS.get(_D_FORMS.get(ch, ch), ch)
        forms = [f + o for f in forms for o in options][:limit]
    out: list[str] = []
    for form in forms:
        old = tone_placement_old(form)
        for spelling in (form, old, _new_placement(old)):
            if spelling not in out:
                out.append(spelling)
    return out[:limit]


def _new_placement(s: str) -> str:
    decomposed = unicodedata.normalize("NFD", s)

    def move(m: regex.Match) -> str:
        nucleus = m.group(2)
        if len(nucleus) != 3:
            return m.group()
        return m.group(1) + nucleus[0] + nucleus[2] + nucleus[1] + m.group(3)

    return unicodedata.normalize("NFC", _OPEN_SYLLABLE.sub(move, decomposed))


# --------------------------------------------------------------------------- title case

_WORD = LazyRegex(r"[\p{L}\p{M}]+")
_VOWELS = frozenset("aeiouy")


def _title_word(m: regex.Match) -> str:
    w = m.group()
    # An all-capital word without a vowel is an initialism (HCM, TP, ĐBSCL): every Vietnamese
    # syllable has a vowel, so lowering it could only spoil it.
    if w == w.upper() and not _VOWELS.intersection(fold(w)):
        return w
    return w[0].upper() + w[1:].lower()


def title_case_vi(s: str) -> str:
    """Title-case a (usually all-capital) Vietnamese name: "BÀ RỊA-VŨNG TÀU" → "Bà Rịa-Vũng Tàu"."""
    # NFC first: then every Vietnamese letter is one code point, so w[0] is a whole letter with
    # its marks (in NFD, "Ộ" is three code points and str.title() would treat marks as word breaks).
    return unicodedata.normalize("NFC", _WORD.sub(_title_word, unicodedata.normalize("NFC", s)))


# --------------------------------------------------------------------------- Vietnamese order

# The Vietnamese alphabet, with the Latin letters it lacks (f j w z) where ICU's `vi` puts them.
# A letter is (base, modifier): the breve, circumflex and horn make letters of their own.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_VI_LETTERS = [
    ("a", ""),
    ("a", _BREVE),
    ("a", _CIRCUMFLEX),
    ("b", ""),
    ("c", ""),
    ("d", ""),
    ("đ", ""),
    ("e", ""),
    ("e", _CIRCUMFLEX),
    ("f", ""),
    ("g", ""),
    ("h", ""),
    ("i", ""),
    ("j", ""),
    ("k", ""),
    ("l", ""),
    ("m", ""),
    ("n", ""),
    ("o", ""),
    ("o", _CIRCUMFLEX),
    ("o", _HORN),
    ("p", ""),
    ("q", ""),
    ("r", ""),
    ("s", ""),
    ("t", ""),
    ("u", ""),
    ("u", _HORN),
    ("v", ""),
    ("w", ""),
    ("x", ""),
    ("y", ""),
    ("z", ""),
]
# Primary weights as characters that compare in alphabet order, above digits (0x30-0x39) and below
# every non-ASCII letter, which keeps its own code point.
_VI_PRIMARY = {letter: chr(0x41 + rank) for rank, letter in enumerate(_VI_LETTERS)}
# Tones, ordered as ICU's `vi` tailoring does: ngang < huyền < hỏi < ngã < sắc < nặng.
_VI_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SORT_CACHE: dict[str, tuple[str, str, str]] = {}
_WORD_CACHE: dict[tuple[str, bool], tuple[str, str, str]] = {}
_LEVEL = "\x01"  # between the levels: lower than any weight, so a shorter string sorts first
_SPACE_WEIGHT = "\x02"
_PUNCT_WEIGHT = "\x03"  # followed by the character itself; punctuation < digits < letters, as in ICU


def _sort_unit(base: str, marks: str) -> tuple[str, str, str]:
    """(primary, secondary, tertiary) weights of one letter with its combining marks."""
    lower = base.lower()
    if len(lower) != 1:
        lower = base
    modifier = next((m for m in marks if m in (_BREVE, _CIRCUMFLEX, _HORN) and (lower, m) in _VI_PRIMARY), "")
    primary = _VI_PRIMARY.get((lower, modifier))
    if primary is None:
        if lower.isspace():
            primary = _SPACE_WEIGHT
        elif not lower.isalnum():
            primary = _PUNCT_WEIGHT + lower
        else:
            primary = lower  # ASCII digits, and letters of other alphabets by code point
    others = [m for m in marks if m != modifier and m not in _VI_TONES]
    if others:  # marks no Vietnamese letter has (ü, ç, ...): after every tone
        secondary = chr(0x100 + ord(others[0]))
    else:
        secondary = chr(0x30 + next((_VI_TONES[m] for m in marks if m in _VI_TONES), 0))
    tertiary = "1" if base != lower else "0"
    return primary, secondary, tertiary


def vi_sort_key(s: str) -> str:
    """A key whose plain code-point order is Vietnamese alphabetical order (as ICU's `vi` collation).

    Three levels, as a collation has: letters (a < ă < â < b ... d < đ ...), then tones
    (Ha < Hà < Hả < Hã < Há < Hạ), then case (lower first). Runs of white space count as one.
    """
    # Word by word, each word's levels remembered: titles repeat their words, and a word's
    # letters need not be weighed again (the same key as weighing the whole line letter by letter).
    words = [_word_levels(word, k == 0) for k, word in enumerate(s.split())]
    return (
        _SPACE_WEIGHT.join(w[0] for w in words)
        + _LEVEL
        + "0".join(w[1] for w in words)
        + _LEVEL
        + "0".join(w[2] for w in words)
    )


def _word_levels(word: str, first: bool) -> tuple[str, str, str]:
    """The three levels of one word; after a space, marks the space carries (a stray mark) weigh nothing."""
    levels = _WORD_CACHE.get((word, first))
    if levels is not None:
        return levels
    decomposed = unicodedata.normalize("NFD", word)
    i, n = 0, len(decomposed)
    if not first:  # the line's space before this word takes the marks that follow it
        while i < n and unicodedata.combining(decomposed[i]):
            i += 1
    primary: list[str] = []
    secondary: list[str] = []
    tertiary: list[str] = []
    while i < n:
        base = decomposed[i]
        j = i + 1
        while j < n and unicodedata.combining(decomposed[j]):
            j += 1
        marks = decomposed[i + 1 : j]
        unit = _SORT_CACHE.get(base + marks)
        if unit is None:
            unit = _SORT_CACHE[base + marks] = _sort_unit(base, marks)
        primary.append(unit[0])
        secondary.append(unit[1])
        tertiary.append(unit[2])
        i = j
    levels = ("".join(primary), "".join(secondary), "".join(tertiary))
    if len(_WORD_CACHE) < 200_000:
        _WORD_CACHE[(word, first)] = levels
    return levels
