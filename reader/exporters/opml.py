"""Subscriptions → OPML 2.0 text, one folder per first tag, every value escaped as XML attribute text."""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from reader.model import Feed


def _outline(feed: Feed, indent: str) -> str:
    attrs = {
        "type": "rss",
        "text": feed.name or feed.url,
        "title": feed.name or feed.url,
        "xmlUrl": feed.url,
    }
    if feed.site_url:
        attrs["htmlUrl"] = feed.site_url
    if feed.tags:
        attrs["category"] = ",".join(feed.tags)
    if feed.full_text != "auto":
        attrs["readerFullText"] = feed.full_text
    return indent + "<outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>"


def render(feeds: Iterable[Feed], title: str = "reader subscriptions", created: str = "") -> str:
    """An OPML 2.0 document listing the feeds."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{escape(title)}</title>",
    ]
    if created:
        lines.append(f"    <dateCreated>{escape(created)}</dateCreated>")
    lines += ["  </head>", "  <body>"]
    lines += [_outline(feed, "    ") for feed in feeds]
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
