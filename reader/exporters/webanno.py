"""W3C Web Annotation Data Model (JSON-LD) export of highlights (`reader.importers.webanno` reads it back).

`render` writes one `AnnotationCollection` whose single embedded `AnnotationPage` holds every
highlight as an `Annotation`::

    {
      "@context": ["http://www.w3.org/ns/anno.jsonld", {"reader": "urn:reader:vocab#"}],
      "type": "AnnotationCollection",
      "label": "Reader highlights",
      "generated": "<exported_at>",
      "first": {"type": "AnnotationPage", "startIndex": 0, "items": [
        {
          "id": "urn:reader:highlight:<article content_hash>:<highlight id>",
          "type": "Annotation",
          "motivation": "highlighting",
          "created": "...", "modified": "...",            (left out when unknown)
          "body": [                                         (left out when there is nothing)
            {"type": "TextualBody", "value": "<note>", "format": "text/plain", "purpose": "commenting"},
            {"type": "TextualBody", "value": "<tag>", "purpose": "tagging"}
          ],
          "target": {
            "type": "SpecificResource",
            "source": {"id": "urn:reader:article:<content_hash>", "type": "Text", "format": "text/plain",
                       "dc:title": "<title>", "dc:date": "<date>"},
            "selector": [
              {"type": "TextQuoteSelector", "exact": "...", "prefix": "...", "suffix": "..."},
              {"type": "TextPositionSelector", "start": 10, "end": 42}
            ]
          },
          "reader:color": 1,
          "reader:orphan": false
        }
      ], "id": "...:page:1"},
      "total": 2,
      "id": "urn:reader:export:<digest of the annotations>"
    }

(The count and the id come last: the export is written as the articles are read.)

An article's own note and tags come first, as an annotation of the whole article: the same
`source`, no selector, `"reader:scope": "article"`, the note and tags as TextualBody.

Positions count NFC code points of the article body, as the W3C model asks (code points, not
UTF-16 units). `reader:color` (1-5) and `reader:orphan` (the passage was not found in the
article's current text) are extensions in the `reader:` namespace the second context defines;
`dc:title` and `dc:date` use the `dc` prefix the Web Annotation context already has. Highlights
come article by article, in reading order, orphans last. Same data → same bytes.

`parse` reads this format back and is lenient about the shapes the model allows elsewhere: a bare
Annotation, an AnnotationPage, a JSON list of annotations, single objects where lists are allowed,
`bodyValue`, string sources.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from functools import partial

from reader.exporters import reading_order
from reader.model import Article, Highlight
from reader.text import clean, content_hash

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
READER_NAMESPACE = "urn:reader:vocab#"
ARTICLE_PREFIX = "urn:reader:article:"
HIGHLIGHT_PREFIX = "urn:reader:highlight:"
ARTICLE_NOTE_PREFIX = "urn:reader:article-note:"


# --------------------------------------------------------------------------- render


def article_hash(article: Article) -> str:
    """The article's stable identity: its content hash (computed from the body if not set yet)."""
    return article.content_hash or content_hash(clean(article.body))


def _annotation(article: Article, digest: str, highlight: Highlight, number: int) -> dict:
    local = str(highlight.id) if highlight.id is not None else f"n{number}"
    anno: dict = {"id": f"{HIGHLIGHT_PREFIX}{digest}:{local}", "type": "Annotation", "motivation": "highlighting"}
    if highlight.created:
        anno["created"] = clean(highlight.created)
    if highlight.modified:
        anno["modified"] = clean(highlight.modified)
    body = _bodies(clean(highlight.note), highlight.tags)
    if body:
        anno["body"] = body
    source = _source(article, digest)
    quote: dict = {"type": "TextQuoteSelector", "exact": clean(highlight.quote)}
    if highlight.anchor.prefix:
        quote["prefix"] = clean(highlight.anchor.prefix)
    if highlight.anchor.suffix:
        quote["suffix"] = clean(highlight.anchor.suffix)
    position = {"type": "TextPositionSelector", "start": highlight.start, "end": highlight.end}
    anno["target"] = {"type": "SpecificResource", "source": source, "selector": [quote, position]}
    anno["reader:color"] = highlight.color
    anno["reader:orphan"] = bool(highlight.orphan)
    return anno


def _source(article: Article, digest: str) -> dict:
    source: dict = {
        "id": ARTICLE_PREFIX + digest,
        "type": "Text",
        "format": "text/plain",
        "dc:title": clean(article.title),
    }
    if article.date:
        source["dc:date"] = clean(article.date)
    return source


def _bodies(note: str, tags: list[str]) -> list[dict]:
    body = []
    if note:
        body.append({"type": "TextualBody", "value": note, "format": "text/plain", "purpose": "commenting"})
    for tag in tags:
        body.append({"type": "TextualBody", "value": clean(tag), "purpose": "tagging"})
    return body


def _article_annotation(article: Article, digest: str) -> dict | None:
    """The article's own note and tags, as an annotation on the whole article (no selector)."""
    body = _bodies(clean(article.note), article.tags)
    if not body:
        return None
    return {
        "id": f"{ARTICLE_NOTE_PREFIX}{digest}",
        "type": "Annotation",
        "motivation": "commenting" if article.note else "tagging",
        "body": body,
        "target": {"type": "SpecificResource", "source": _source(article, digest)},
        "reader:scope": "article",
    }


def render(items: Iterable[tuple[Article, list[Highlight]]], exported_at: str, *, pretty: bool = True) -> str:
    """Every highlight of the given articles as one W3C AnnotationCollection (JSON-LD text)."""
    return "".join(render_stream(items, exported_at, pretty=pretty))


def _annotations(items: Iterable[tuple[Article, list[Highlight]]]) -> Iterator[dict]:
    for article, highlights in items:
        digest = clean(article_hash(article))
        ordered = sorted(highlights, key=lambda h: (h.orphan, reading_order(h)))
        whole = _article_annotation(article, digest)
        if whole is not None:
            yield whole
        for n, h in enumerate(ordered, 1):
            yield _annotation(article, digest, h, n)


def render_stream(
    items: Iterable[tuple[Article, list[Highlight]]], exported_at: str, *, pretty: bool = True
) -> Iterator[str]:
    """render() piece by piece, an annotation at a time: the articles are read as it goes, never all held.

    Compact (not `pretty`): one annotation a line. The count and the collection's id (a digest of
    every annotation) are known only at the end, so they come after the items.
    """
    dump = partial(json.dumps, ensure_ascii=False)
    context = [ANNO_CONTEXT, {"reader": READER_NAMESPACE}]
    head = {"type": "AnnotationCollection", "label": "Reader highlights", "generated": clean(exported_at)}
    digest = hashlib.sha256(b"[")  # the same bytes as json.dumps(annotations, sort_keys=True) of the list
    if pretty:
        yield '{\n  "@context": ' + dump(context, indent=2).replace("\n", "\n  ") + ",\n"
        yield "".join(f"  {dump(k)}: {dump(v)},\n" for k, v in head.items())
        yield '  "first": {\n    "type": "AnnotationPage",\n    "startIndex": 0,\n    "items": ['
    else:
        yield '{"@context": ' + dump(context) + ", " + dump(head)[1:-1]
        yield ', "first": {"type": "AnnotationPage", "startIndex": 0, "items": ['
    total = 0
    for annotation in _annotations(items):
        if total:
            digest.update(b", ")
        digest.update(dump(annotation, sort_keys=True).encode("utf-8"))
        item = "      " + dump(annotation, indent=2).replace("\n", "\n      ") if pretty else dump(annotation)
        yield ("," if total else "") + "\n" + item
        total += 1
    digest.update(b"]")
    collection_id = "urn:reader:export:" + digest.hexdigest()[:32]
    page_id, collection_id = dump(collection_id + ":page:1"), dump(collection_id)
    if pretty:
        yield (
            "\n    ]" if total else "]"
        ) + f',\n    "id": {page_id}\n  }},\n  "total": {total},\n  "id": {collection_id}\n}}\n'
    else:
        yield ("\n" if total else "") + f'], "id": {page_id}}}, "total": {total}, "id": {collection_id}}}\n'
