"""Tag identity, defined once: what makes two tag names one tag, and what `tag:` compares."""

from __future__ import annotations

from collections.abc import Iterable

from reader import text


def tidy_tag(name: str) -> str:
    """A tag name as stored: clean text (sanitised, NFC), its runs of white space made one space."""
    return " ".join(text.clean(name).split())


def tag_key(name: str) -> str:
    """The identity of a tag: the tidy name, case-insensitively ("Kinh tế" and " KINH  TẾ" are one)."""
    return tidy_tag(name).casefold()


def clean_tags(names: Iterable[str]) -> list[str]:
    """Tidy and de-duplicate tag names (by tag_key), keeping the first spelling; empty names dropped."""
    seen: dict[str, str] = {}
    for name in names:
        name = tidy_tag(name)
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def tag_match_key(name: str) -> str:
    """What `tag:` compares: the tag's words, folded ("Kinh tế", "kinh-te" and "KINH TE" agree)."""
    # reader.query owns the tokenizer (the index's); it imports this module, so the import waits.
    from reader.query import tokens

    return " ".join(tokens(name)) or text.fold(" ".join(name.split()))
