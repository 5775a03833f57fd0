"""Helpers the format modules share: paragraphs, lead sentences, titles, the final clean pass."""

from __future__ import annotations

import dataclasses
import re
from pathlib import PurePath

from reader import segment, text, wording
from reader.model import Article

TITLE_MAX = 90

_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def paragraphs(s: str) -> str:
    """Reflow plain text: paragraphs split at blank lines, lines inside one joined by a space."""
    paras = []
    for block in _BLANK_LINES.split(s):
        # Wire text is one line per paragraph; hard-wrapped text becomes one line again.
        lines = [line.strip() for line in block.split("\n")]
        para = " ".join(line for line in lines if line)
        if para:
            paras.append(para)
    return "\n\n".join(paras)


def tidy_lines(s: str) -> str:
    """Keep line structure (Markdown needs it) but strip trailing blanks and collapse blank runs."""
    s = "\n".join(line.rstrip() for line in s.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", s).strip("\n")


def lead_sentence(s: str) -> str:
    """The first sentence of `s`, as the reading pane splits it (one splitter for titles and the cursor)."""
    spans = segment.sentence_spans(s)
    if not spans:
        return s.strip()
    start, end = spans[0]
    return s[start:end]


def shorten(s: str, limit: int = TITLE_MAX) -> str:
    """A title cut to `limit` characters (wording.shorten)."""
    return wording.shorten(s, limit)


def title_from_body(body: str, name: str) -> str:
    """A title for an article without a headline: its lead sentence, else the file name."""
    first = body.split("\n\n", 1)[0].strip()
    if not first:
        return name_title(name)
    sentence = lead_sentence(first)
    # Headlines carry no full stop; a question or exclamation mark says something, so it stays.
    if sentence.endswith(".") and not sentence.endswith("..."):
        sentence = sentence[:-1]
    return shorten(sentence)


def name_title(name: str) -> str:
    """A last-resort title made from a file name."""
    stem = PurePath(name).stem if name else ""
    return text.clean(stem).strip() or "Untitled"


def finish(article: Article, *, body_is_clean: bool = False) -> Article:
    """Run every string field through text.clean once more, so none escapes the invariant.

    `body_is_clean`: the caller made the body from clean text in ways that keep it clean.
    """
    changes = {}
    for f in dataclasses.fields(article):
        value = getattr(article, f.name)
        if f.name == "body" and body_is_clean:
            continue
        if isinstance(value, str):
            value = text.clean(value)
            if f.name in _ONE_LINE:
                value = one_line(value)
            changes[f.name] = value
        elif isinstance(value, list):
            changes[f.name] = [one_line(text.clean(v)) if isinstance(v, str) else v for v in value]
    return dataclasses.replace(article, **changes)


# Shown in list rows and headers: a newline or tab in one would break the layout.
_ONE_LINE = frozenset({"title", "dateline", "place", "source"})


def one_line(s: str) -> str:
    """Collapse every run of whitespace (newlines included) to one space and trim."""
    return " ".join(s.split())
