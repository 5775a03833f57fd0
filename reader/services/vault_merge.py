"""The three-way merges of a vault sync: one field, its hash when last written, and its two sides now."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from reader.exporters.markdown import obsidian_tag


def hash_of(value) -> str:
    """A short stable hash of a JSON-able value: what the state file remembers of a field."""
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def tag_forms(tags: list[str]) -> list[str]:
    return sorted({obsidian_tag(t).casefold() for t in tags} - {""})


# --------------------------------------------------------------------------- the three-way merges


@dataclass
class TextMerge:
    """A note's outcome: what the library takes (None: nothing), what the vault shows, the conflict's other side."""

    to_library: str | None
    shown: str
    theirs: str | None
    outcome: str  # same, library, vault, conflict
    base: str


def merge_text(base: str | None, vault: str | None, library: str, pending: bool = False) -> TextMerge:
    """Three-way merge of one text: `base` is the hash of what the reader last wrote."""
    if vault is None or vault == library and not pending:
        return TextMerge(None, library, None, "same", hash_of(library))
    if pending:  # a conflict the user has not resolved yet (both texts are still in the note)
        return TextMerge(None, vault, library, "conflict", hash_of(library))
    if hash_of(vault) == base:
        return TextMerge(None, library, None, "library", hash_of(library))
    if hash_of(library) == base:
        return TextMerge(vault, vault, None, "vault", hash_of(vault))
    return TextMerge(None, vault, library, "conflict", hash_of(library))


def merge_tags(base: str | None, vault: list[str] | None, library: list[str]) -> tuple[list[str] | None, str]:
    """Three-way merge of a tag set in Obsidian form: (the library's new tags or None, outcome).

    Changed on both sides: the union, so that no tag either side added is lost.
    """
    mine = tag_forms(library)
    if vault is None or tag_forms(vault) == mine:
        return None, "same"
    theirs = tag_forms(vault)
    kept = [t for t in library if obsidian_tag(t).casefold() in theirs]
    known = {obsidian_tag(t).casefold() for t in library}
    added = [t for t in vault if obsidian_tag(t).casefold() not in known]
    if hash_of(theirs) == base:
        return None, "library"
    if hash_of(mine) == base:
        return kept + added, "vault"
    return list(library) + added, "conflict"
