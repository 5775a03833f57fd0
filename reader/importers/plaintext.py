"""Generic plain text: the first non-empty line is the title, the rest is the body."""

from __future__ import annotations

from reader.importers import common
from reader.model import Article

# A first "line" longer than this is a paragraph, not a headline (a file without line breaks).
HEADLINE_MAX = 200


def parse_text(s: str, name: str) -> Article:
    """Parse plain text: title from the first non-empty line, paragraphs from the rest."""
    lines = s.lstrip().split("\n", 1)
    first = lines[0].strip()
    rest = lines[1] if len(lines) > 1 else ""
    if len(first) > HEADLINE_MAX:
        body = common.paragraphs(s)
        return Article(title=common.title_from_body(body, name), body=body)
    return Article(title=first or common.name_title(name), body=common.paragraphs(rest))
