"""Plain RSS 2.0 and Atom 1.0 read with lxml, giving for them what feedparser gives; None for anything else.

feedparser reads every feed, broken ones too, but it walks each document in Python (about 1 ms an
entry, most of a feed update). A well-formed RSS 2.0 or Atom 1.0 document in the common shape is
read here in C instead. Anything this reader does not know exactly how feedparser would read (a
DTD, markup inside a title, xml:base, relative or several links, an e-mail in an author, xhtml
content, a date feedparser's own parser refuses, ...) returns None, and feedparser reads the whole
document as before. tests/test_feed_fast.py checks both give the same entries.
"""

from __future__ import annotations

import re

ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC = "{http://purl.org/dc/elements/1.1/}"
# Names feedparser reads into the fields used here, in whatever namespace: an unknown namespace
# carrying one of them (media:title, itunes:summary, ...) might change what feedparser says.
_FIELDS = frozenset(
    [
        "title",
        "link",
        "id",
        "guid",
        "author",
        "creator",
        "name",
        "email",
        "summary",
        "description",
        "content",
        "encoded",
        "category",
        "date",
        "published",
        "updated",
        "pubdate",
        "issued",
        "modified",
        "created",
        "subtitle",
        "keywords",
    ]
)
# Pictures beside an entry (media:content), which feedparser keeps apart from the entry's content.
_MEDIA = "{http://search.yahoo.com/mrss/}"
_HARMLESS = frozenset([_MEDIA + "content", _MEDIA + "thumbnail"])
_DECLARED = re.compile(rb"""(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_TEXT_TYPES = (None, "text", "html", "text/html", "text/plain")


class _NotPlain(Exception):
    """The document is not in the shape this reader gives exactly as feedparser does."""


def parse(data: bytes) -> tuple[dict, list[dict]] | None:
    """(feed fields, entries) as feedparser's dicts would hold them, or None to let feedparser read it."""
    from lxml import etree

    declared = _DECLARED.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None  # feedparser weighs a declaration against the bytes (a wrong one is common)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        return None  # entity declarations: feedparser's business
    try:
        if root.tag == "rss" and root.get("version") == "2.0":
            return _rss(root)
        if root.tag == ATOM + "feed":
            return _atom(root)
    except _NotPlain:
        return None
    return None


def _text(el) -> str:
    if len(el) or el.get("{http://www.w3.org/XML/1998/namespace}base") is not None:
        raise _NotPlain  # markup or a comment inside: feedparser keeps it in ways of its own
    return (el.text or "").strip()


def _date(value: str):
    import feedparser.datetimes

    parsed = feedparser.datetimes._parse_date(value)
    if parsed is None:
        raise _NotPlain
    return parsed


def _once(found: dict, key: str, value) -> None:
    if key in found:
        raise _NotPlain  # two of a field: which one feedparser keeps is its own rule
    found[key] = value


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _check_foreign(el, fields: frozenset = _FIELDS) -> None:
    """An element read by none of the fields here: refuse it if feedparser might read it into one."""
    for node in el.iter():
        tag = node.tag
        if not isinstance(tag, str):
            raise _NotPlain  # a comment or processing instruction between the fields
        if tag not in _HARMLESS and _local(tag) in fields:
            raise _NotPlain


_FEED_FIELDS = frozenset(["title", "link"])  # of the feed itself: its description, image, id... say nothing here


def _check_feed_level(el) -> None:
    if isinstance(el.tag, str) and el.tag.startswith("{") and _local(el.tag) in _FEED_FIELDS:
        raise _NotPlain  # atom:link, media:title... in a channel: feedparser's business


def _rss(root) -> tuple[dict, list[dict]]:
    channel = root.find("channel")
    if channel is None or len(root) != 1:
        raise _NotPlain
    feed: dict = {}
    entries = []
    for el in channel:
        tag = el.tag
        if tag == "title":
            _once(feed, "title", _text(el))
        elif tag == "link":
            _once(feed, "link", _text(el))
        elif tag == "item":
            entries.append(_rss_item(el))
        else:
            _check_feed_level(el)
    return feed, entries


def _rss_item(item) -> dict:
    entry: dict = {}
    permalink = True
    for el in item:
        tag = el.tag
        if tag == "title":
            _once(entry, "title", _text(el))
        elif tag == "link":
            _once(entry, "link", _text(el))
        elif tag == "guid":
            _once(entry, "id", _text(el))
            permalink = el.get("isPermaLink", "true") != "false"
        elif tag == "pubDate":
            _once(entry, "published_parsed", _date(_text(el)))
        elif tag == _DC + "date":
            _once(entry, "updated_parsed", _date(_text(el)))
        elif tag in ("author", _DC + "creator"):
            author = _text(el)
            if "@" in author or "(" in author or "<" in author:
                raise _NotPlain  # feedparser splits names and addresses its own way
            _once(entry, "author", author)
        elif tag == "category":
            entry.setdefault("tags", []).append({"term": _text(el)})
        elif tag == "description":
            _once(entry, "summary", _text(el))
        elif tag == _CONTENT:
            _once(entry, "content", [{"value": _text(el)}])
        else:
            _check_foreign(el)
    if "link" not in entry and entry.get("id") and permalink:
        entry["link"] = entry["id"]  # feedparser: a permanent guid is the link
    if "published_parsed" in entry:
        entry.setdefault("updated_parsed", entry["published_parsed"])
    return entry


def _atom_text(el) -> str:
    if el.get("type") not in _TEXT_TYPES or el.get("src") is not None:
        raise _NotPlain  # xhtml, or content elsewhere
    return _text(el)


def _atom_link(el, found: dict) -> None:
    if el.get("rel", "alternate") != "alternate":
        return
    href = (el.get("href") or "").strip()
    if not href.lower().startswith(("http://", "https://")):
        raise _NotPlain  # relative: feedparser resolves it against a base of its own
    _once(found, "link", href)


def _atom(root) -> tuple[dict, list[dict]]:
    if root.get("{http://www.w3.org/XML/1998/namespace}base") is not None:
        raise _NotPlain
    feed: dict = {}
    entries = []
    for el in root:
        tag = el.tag
        if tag == ATOM + "title":
            _once(feed, "title", _atom_text(el))
        elif tag == ATOM + "link":
            _atom_link(el, feed)
        elif tag == ATOM + "entry":
            entries.append(_atom_entry(el))
        elif tag == ATOM + "id":
            _once(feed, "id", _text(el))
        else:
            _check_feed_level(el)
    if "link" not in feed and feed.get("id"):
        feed["link"] = feed["id"]  # feedparser: a feed without a link is linked by its id
    return feed, entries


def _atom_entry(item) -> dict:
    entry: dict = {}
    for el in item:
        tag = el.tag
        if tag == ATOM + "title":
            _once(entry, "title", _atom_text(el))
        elif tag == ATOM + "link":
            _atom_link(el, entry)
        elif tag == ATOM + "id":
            _once(entry, "id", _text(el))
        elif tag == ATOM + "published":
            _once(entry, "published_parsed", _date(_text(el)))
        elif tag == ATOM + "updated":
            _once(entry, "updated_parsed", _date(_text(el)))
        elif tag == ATOM + "author":
            _once(entry, "author", _atom_author(el))
        elif tag == ATOM + "category":
            entry.setdefault("tags", []).append({"term": (el.get("term") or "").strip()})
        elif tag == ATOM + "summary":
            _once(entry, "summary", _atom_text(el))
        elif tag == ATOM + "content":
            _once(entry, "content", [{"value": _atom_text(el)}])
        else:
            _check_foreign(el)
    if "link" not in entry and entry.get("id"):
        entry["link"] = entry["id"]  # feedparser: an entry without a link is linked by its id
    return entry


def _atom_author(el) -> str:
    parts: dict = {}
    for child in el:
        if child.tag in (ATOM + "name", ATOM + "email"):
            _once(parts, child.tag, _text(child))
        else:
            raise _NotPlain
    name, email = parts.get(ATOM + "name", ""), parts.get(ATOM + "email", "")
    if email and not name:
        raise _NotPlain
    return f"{name} ({email})" if email else name
