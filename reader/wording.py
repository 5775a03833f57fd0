"""How outside text reads for people: cut short at a word, on one printable line, counted in words."""

from __future__ import annotations

from reader.text import sanitise


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 file', '2 files', '0 files' (`nouns` for an irregular plural)."""
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"


def one_line(s: str) -> str:
    """Outside text (a file name, a title) as one printable line: sanitised, ␤ for a line break, ␉ for a tab."""
    return sanitise(s).replace("\n", "␤").replace("\t", "␉")  # sanitise removed \r already


def shorten(s: str, limit: int) -> str:
    """Cut `s` to at most `limit` characters at a word boundary, marking the cut with "…"."""
    s = " ".join(s.split())
    if len(s) <= limit:
        return s
    head = s[:limit]
    space = head.rfind(" ")
    if space > limit // 3:
        head = head[:space]
    else:
        from reader.segment import grapheme_start  # loads `regex`: only for a cut inside a word

        # One enormous word: cut inside it, but never between a letter and its marks.
        head = head[: grapheme_start(s, limit - 1)]
    return head.rstrip(" ,;:—–-") + "…"
