"""Importers: bytes of a file in, one clean Article out; the format is picked from name and text."""

from __future__ import annotations

from reader import text
from reader.importers import html, markdown, plaintext, seed
from reader.model import Article

SUPPORTED_SUFFIXES = (".txt", ".md", *html.SUFFIXES)


def parse(data: bytes, name: str, encoding: str | None = None) -> Article:
    """Decode a file's bytes and parse them into an Article; raises text.InputError on refusal."""
    if name.lower().endswith(html.SUFFIXES):
        return html.parse(data, name, charset=encoding)
    decoded = text.decode(data, encoding)
    if name.lower().endswith(".md") or decoded.startswith("---\n"):
        article = markdown.parse_text(decoded, name)
    elif seed.matches(decoded):
        article = seed.parse_text(decoded, name)
    else:
        article = plaintext.parse_text(decoded, name)
    article.path = name
    article.content_hash = text.content_hash(decoded)
    # html.finish: a Markdown body has structure, whose offsets must still fit after the final clean.
    return html.finish(article)
