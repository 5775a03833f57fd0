"""Read W3C Web Annotation JSON (as `reader.exporters.webanno` writes it) back into ParsedAnnotations.

Lenient about the shapes the model allows elsewhere: a bare Annotation, an AnnotationPage, a JSON
list of annotations, single objects where lists are allowed, `bodyValue`, string sources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from reader.exporters.webanno import ARTICLE_PREFIX
from reader.model import Anchor
from reader.text import clean


@dataclass
class ParsedAnnotation:
    """One annotation read back: which article it belongs to, where, and what the user wrote.

    `anchor.start`/`anchor.end` are -1 when the annotation had no TextPositionSelector (re-anchor
    by the quote); `article_hash` is "" when the source is not one of our `urn:reader:article:` ids.
    """

    article_source: str
    article_hash: str
    anchor: Anchor
    note: str = ""
    tags: list[str] = field(default_factory=list)
    color: int = 1
    created: str = ""
    modified: str = ""
    orphan: bool = False
    id: str = ""
    article_title: str = ""
    scope: str = "highlight"  # or "article": the article's own note and tags, no passage


# --------------------------------------------------------------------------- parse


def _types(obj: dict) -> list[str]:
    kind = obj.get("type", obj.get("@type", []))
    kinds = kind if isinstance(kind, list) else [kind]
    # "oa:Annotation" and the full IRI name the same class as "Annotation".
    return [k.rsplit(":", 1)[-1].rsplit("#", 1)[-1] for k in kinds if isinstance(k, str)]


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _string(value, what: str) -> str:
    if value is None:
        raise ValueError(f"{what} is missing.")
    if not isinstance(value, str):
        raise ValueError(f"{what} should be text, not {type(value).__name__}.")
    return clean(value)


def _annotations_of(data) -> list:
    """The annotation objects of a collection, a page, a list or a single annotation."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise ValueError("Not a Web Annotation file: expected a JSON object or list at the top level.")
    kinds = _types(data)
    if "Annotation" in kinds:
        return [data]
    if "AnnotationPage" in kinds:
        return _page_items(data)
    if "AnnotationCollection" in kinds:
        page = data.get("first")
        if page is None:
            return []
        items = []
        while page is not None:
            if not isinstance(page, dict):
                raise ValueError(
                    "This annotation collection links to pages elsewhere; only embedded pages can be read."
                )
            items.extend(_page_items(page))
            page = page.get("next")
        return items
    raise ValueError("Not a Web Annotation file: expected an AnnotationCollection, AnnotationPage or Annotation.")


def _page_items(page: dict) -> list:
    items = page.get("items", [])
    if not isinstance(items, list):
        raise ValueError("Not a Web Annotation file: a page's items should be a list.")
    return items


# No article is longer than this (imports refuse files over 20 MB); it also keeps every number
# we pass to SQLite far below its 2**63 limit.
MAX_POSITION = 2**31


def _int(value, what: str, limit: int = MAX_POSITION) -> int:
    # bool is an int in Python, but `true` is not a position or a colour.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{what} should be a whole number.")
    if not -limit <= value <= limit:
        raise ValueError(f"{what} is out of range ({str(value)[:30]}{'…' if len(str(value)) > 30 else ''}).")
    return value


def _timestamp(value, what: str) -> str:
    """An ISO 8601 date-time as text ("" when missing); ValueError when it is not one."""
    stamp = _string(value, what) if value is not None else ""
    if stamp:
        try:
            datetime.fromisoformat(stamp)
        except ValueError:
            raise ValueError(f"{what} is not a date and time ({stamp[:40]!r}).") from None
    return stamp


def _parse_annotation(obj, n: int) -> ParsedAnnotation:
    where = f"Annotation {n}"
    if not isinstance(obj, dict) or "Annotation" not in _types(obj):
        raise ValueError(f'{where} is not a Web Annotation (no "type": "Annotation").')

    notes: list[str] = []
    tags: list[str] = []
    if "bodyValue" in obj:
        notes.append(_string(obj["bodyValue"], f"{where}: bodyValue"))
    for body in _as_list(obj.get("body")):
        if isinstance(body, str):
            continue  # a link to a body stored elsewhere: nothing we can show
        if not isinstance(body, dict):
            raise ValueError(f"{where}: a body should be an object.")
        if "value" not in body:
            continue
        value = _string(body["value"], f"{where}: a body's value")
        purposes = [p.rsplit(":", 1)[-1] for p in _as_list(body.get("purpose")) if isinstance(p, str)]
        (tags if "tagging" in purposes else notes).append(value)

    targets = [t for t in _as_list(obj.get("target")) if isinstance(t, dict)]
    target = next((t for t in targets if "selector" in t), None)
    whole_article = obj.get("reader:scope") == "article"
    if whole_article and targets:
        target = targets[0]
    elif target is None:
        raise ValueError(f"{where} does not point at a passage of text (no target with a selector).")
    source = target.get("source")
    if isinstance(source, dict):
        title = source.get("dc:title", source.get("title", ""))
        article_title = _string(title, f"{where}: the article title") if title else ""
        source = source.get("id", source.get("@id"))
    else:
        article_title = ""
    article_source = _string(source, f"{where}: the target's source") if source is not None else ""
    article_hash = article_source[len(ARTICLE_PREFIX) :] if article_source.startswith(ARTICLE_PREFIX) else ""

    if whole_article:
        return ParsedAnnotation(
            article_source=article_source,
            article_hash=article_hash,
            anchor=Anchor(-1, -1, ""),
            note="\n\n".join(notes),
            tags=tags,
            id=_string(obj.get("id", obj.get("@id", "")), f"{where}: id"),
            article_title=article_title,
            scope="article",
        )

    quote = prefix = suffix = None
    start = end = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            continue
        kinds = _types(selector)
        if "TextQuoteSelector" in kinds and quote is None:
            quote = _string(selector.get("exact"), f"{where}: the quote (exact)")
            if not quote:
                raise ValueError(f"{where}: the quote (exact) is empty.")
            prefix = _string(selector.get("prefix", ""), f"{where}: the quote's prefix")
            suffix = _string(selector.get("suffix", ""), f"{where}: the quote's suffix")
        elif "TextPositionSelector" in kinds and start is None:
            start = _int(selector.get("start"), f"{where}: the start position")
            end = _int(selector.get("end"), f"{where}: the end position")
            if not 0 <= start < end:
                raise ValueError(f"{where}: positions {start}-{end} are not a passage (0 ≤ start < end).")
    if quote is None and start is None:
        raise ValueError(f"{where} has neither a TextQuoteSelector nor a TextPositionSelector.")
    anchor = Anchor(
        start=-1 if start is None else start,
        end=-1 if end is None else end,
        quote=quote or "",
        prefix=prefix or "",
        suffix=suffix or "",
    )

    color = _int(obj.get("reader:color", 1), f"{where}: reader:color")
    if not 1 <= color <= 5:
        raise ValueError(f"{where}: reader:color should be 1 to 5, not {color}.")
    orphan = obj.get("reader:orphan", False)
    if not isinstance(orphan, bool):
        raise ValueError(f"{where}: reader:orphan should be true or false.")
    return ParsedAnnotation(
        article_source=article_source,
        article_hash=article_hash,
        anchor=anchor,
        note="\n\n".join(notes),
        tags=tags,
        color=color,
        created=_timestamp(obj.get("created"), f"{where}: created"),
        modified=_timestamp(obj.get("modified"), f"{where}: modified"),
        orphan=orphan,
        id=_string(obj.get("id", obj.get("@id", "")), f"{where}: id"),
        article_title=article_title,
    )


def parse(data: str) -> list[ParsedAnnotation]:
    """The annotations in a Web Annotation JSON document; ValueError with a readable reason if it is not one."""
    try:
        document = json.loads(data)
    except json.JSONDecodeError as e:
        raise ValueError(
            f"Not a Web Annotation file: invalid JSON at line {e.lineno}, column {e.colno} ({e.msg})."
        ) from None
    except RecursionError:
        raise ValueError("Not a Web Annotation file: the JSON is nested too deeply.") from None
    return [_parse_annotation(obj, n) for n, obj in enumerate(_annotations_of(document), 1)]
