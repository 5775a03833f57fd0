"""Importers: bytes of a file in, one clean Article out; the format is picked from name and text."""

from __future__ import annotations

from reader import text
from reader.importers import html, markdown, plaintext, seed
from reader.model import Article

SUPPORTED_SUFFIXES = (".txt", ".md", *html.SUFFIXES)


def parse(data: bytes, name: str, encoding: str | None = None) -> Article:
    """Decode a file's bytes and parse them into an Article; raises text.InputError on refusal.

    `encoding` is the user's word: it decodes the file even where the bytes would read as UTF-8.
    """
    if name.lower().endswith(html.SUFFIXES):
        return html.parse(data, name, charset=encoding, force=encoding is not None)
    decoded = text.decode(data, encoding, force=True)
    # A plain text's or wire story's body is the decoded (clean) text's lines, stripped and joined
    # by spaces, which keeps it clean (tests/test_import_bulk.py): it is not scanned a second time.
    body_is_clean = True
    if name.lower().endswith(".md") or decoded.startswith("---\n"):
        article = markdown.parse_text(decoded, name)
        body_is_clean = False
    elif seed.matches(decoded):
        article = seed.parse_text(decoded, name)
    else:
        article = plaintext.parse_text(decoded, name)
    article.path = name
    article.content_hash = text.content_hash(decoded)
    # html.finish: a Markdown body has structure, whose offsets must still fit after the final clean.
    return html.finish(article, body_is_clean=body_is_clean)
