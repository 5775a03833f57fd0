"""Tags, defined once: what makes two tag names one tag, and how a typed name matches a tag."""

from __future__ import annotations

from collections.abc import Iterable

from reader import text, vietnamese


def tidy_tag(name: str) -> str:
    """A tag name as stored: clean text (sanitised, NFC), its runs of white space made one space."""
    return " ".join(text.clean(name).split())


def tag_label(name: str) -> str:
    """A tag as the screen shows it among others: `#name`, its spaces as "·" so that one tag reads as one."""
    return "#" + "·".join(name.split())


def typed_tag(name: str) -> str:
    """A tag name as a person types it: `#tag` is how tags are shown, so a leading # is not part of it."""
    return name.strip().lstrip("#").strip()


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
    from reader.hits import tokens  # regex loads only for matching

    return " ".join(tokens(name)) or text.fold(" ".join(name.split()))


# --- matching a tag as a person types it (smart accents, as search does) ---------------------

_SEP = "\x1f"


def tag_pattern(value: str, accents: str = "smart") -> str:
    """What a typed tag name is compared with (see tag_matches): its words, each exact or folded.

    "kinh te" matches the tags Kinh tế, kinh te and KINH-TẾ; "Kinh tế" only Kinh tế (kinh tế,
    KINH TẾ); under smart accents, as search does.
    """
    from reader.hits import index_words, is_exact_word, tokens  # regex loads only for matching

    value = " ".join(text.clean(value).split())
    words = index_words(value)
    if not words:  # a tag of symbols only (🔥): the whole name, folded
        return "~" + text.fold(value)
    return _SEP.join(
        "=" + vietnamese.accent_key(w) if is_exact_word(w, accents) else "~" + "".join(tokens(w)) for w in words
    )


def tag_matches(name: str, pattern: str) -> bool:
    """True if a tag's name matches a typed name, given as tag_pattern(typed, accents)."""
    from reader.hits import index_words, tokens  # regex loads only for matching

    words = index_words(name)
    wanted = pattern.split(_SEP)
    if not words:
        return len(wanted) == 1 and wanted[0] == "~" + text.fold(" ".join(name.split()))
    if len(words) != len(wanted):
        return False
    for word, want in zip(words, wanted):
        got = vietnamese.accent_key(word) if want[0] == "=" else "".join(tokens(word))
        if got != want[1:]:
            return False
    return True


def tag_identity(name: str) -> str:
    """When two tag names are one tag: NFC, blanks collapsed, case, tone placement and Ð/Ɖ unified.

    Accents still count: "Kinh te" and "Kinh tế" are two tags (tags merge joins them).
    """
    return vietnamese.accent_key(" ".join(text.clean(name).split()))


def resolve_tag(typed: str, names: list[str], accents: str = "smart") -> list[str]:
    """The existing tags a typed name means: the one that is it (tag_identity), else all it matches.

    More than one means the name is ambiguous ("kinh te" with both Kinh tế and Kinh te): ask.
    """
    identity = tag_identity(typed)
    same = [n for n in names if tag_identity(n) == identity]
    if same:
        return same[:1]
    pattern = tag_pattern(typed, accents)
    return [n for n in names if tag_matches(n, pattern)]


def complete_tag(typed: str, known: list[str], accents: str = "smart") -> str | None:
    """The first existing tag that a half-typed name begins, word by word under the accent rule.

    `kinh t` and `Kinh t` complete to "Kinh tế"; `Kinh tê` does not. None if none, or if the
    name typed is that tag already.
    """
    from reader.hits import index_words, is_exact_word, tokens  # regex loads only for matching

    words = index_words(" ".join(text.clean(typed).split()))
    if not words:
        return None
    wants = [
        (is_exact_word(w, accents), vietnamese.accent_key(w) if is_exact_word(w, accents) else "".join(tokens(w)))
        for w in words
    ]
    identity = tag_identity(typed)
    for name in known:
        have = index_words(name)
        if len(have) < len(wants) or tag_identity(name) == identity:
            continue
        ok = True
        for i, ((exact, want), word) in enumerate(zip(wants, have)):
            got = vietnamese.accent_key(word) if exact else "".join(tokens(word))
            if not (got.startswith(want) if i == len(wants) - 1 else got == want):
                ok = False
                break
        if ok:
            return name
    return None
