"""RSS and Atom (feedparser) → entries, each one becoming an Article; and feed discovery in HTML pages."""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from reader import text
from reader.importers import common, html
from reader.model import Article

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+xml", "application/rdf+xml")


@dataclass
class Entry:
    """One entry of a feed, already an Article; `summary_only` when the feed carried no full content."""

    entry_id: str
    article: Article
    summary_only: bool


@dataclass
class ParsedFeed:
    """A feed document: its title, its site, its entries, and a warning when it was malformed."""

    title: str
    site_url: str
    entries: list[Entry] = field(default_factory=list)
    warning: str = ""


def _line(value: object) -> str:
    return common.one_line(text.clean(str(value or "")))


def _plain(value: str) -> str:
    """Text of a title or author: feedparser may leave entities or tags in it; never keep them as markup."""
    if "<" in value or "&" in value:
        body, _, _ = html.structure_from_fragment(value)
        value = body.replace("\n\n", " ")
    return _line(value)


def _date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%d", parsed)
    return None


def entry_identity(entry) -> str:
    """An entry's stable identity: its GUID/id, else its link, else a hash of its title and date."""
    for key in ("id", "link"):
        value = _line(entry.get(key))
        if value:
            return value
    seed = _line(entry.get("title")) + "\n" + (_date(entry) or "")
    return "sha1:" + hashlib.sha1(seed.encode("utf-8")).hexdigest()


def looks_like_feed(data: bytes) -> bool:
    """True when the start of a document is an RSS, RDF or Atom root."""
    head = data[:4096].lower()
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf "))


def parse(data: bytes, url: str = "") -> ParsedFeed:
    """Parse a feed document; what parses is kept even when it is malformed. Raises text.InputError if nothing does."""
    from reader.importers import feed_fast

    fast = feed_fast.parse(data)  # plain RSS 2.0 or Atom 1.0, in C; None: feedparser reads it
    if fast is not None:
        feed_info, entries = fast
        warning = ""
    else:
        feed_info, entries, warning = _feedparser(data)
    result = ParsedFeed(
        title=_plain(feed_info.get("title", "")), site_url=_line(feed_info.get("link")), warning=warning
    )
    for entry in entries:
        result.entries.append(_entry(entry, url, result.title))
    return result


def _feedparser(data: bytes) -> tuple[dict, list, str]:
    """(feed fields, entries, warning) as feedparser reads any document, malformed ones too."""
    import feedparser

    # A stream, never a string: feedparser would fetch a string that looks like a URL.
    # Its HTML sanitiser and URI rewriting are not needed: nothing of an entry is ever rendered as
    # HTML (html.structure_from_fragment keeps text only, drops scripts and resolves links itself).
    # No response headers either: with them feedparser does base-URI work that is done here anyway;
    # the document's XML declaration (or detection) decides its encoding.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        if parsed.get("bozo"):
            raise text.InputError(f"this is not a feed that can be read ({_line(parsed.get('bozo_exception'))})")
        raise text.InputError("this is not an RSS or Atom feed")
    warning = ""
    if parsed.get("bozo"):
        warning = f"the feed is malformed ({_line(parsed.get('bozo_exception'))}); what could be read was kept"
    return parsed.get("feed", {}), parsed.entries, warning


def _entry(entry, feed_url: str, feed_title: str) -> Entry:
    url = html.link_url(entry.get("link") or "", feed_url, schemes=text.WEB_SCHEMES)
    base = url or feed_url
    contents = entry.get("content") or []
    if contents:
        value = max((c.get("value", "") for c in contents), key=len)
        summary_only = False
    else:
        value = entry.get("summary", "") or entry.get("description", "")
        summary_only = True
    body, blocks, spans = html.structure_from_fragment(value, base)
    title = _plain(entry.get("title", "")) or common.title_from_body(body, feed_title or "entry")
    author = _plain(entry.get("author", ""))
    article = Article(
        title=title,
        body=body,
        date=_date(entry),
        source=feed_title,
        author=author,
        url=url,
        blocks=blocks,
        spans=spans,
        tags=[_line(t.get("term")) for t in entry.get("tags", []) if t.get("term")][:10],
    )
    article.content_hash = text.content_hash(article.title + "\n" + article.body)
    return Entry(entry_identity(entry), html.finish(article), summary_only)


class _LinkFinder(HTMLParser):
    """Collects <link rel="alternate" type="...rss/atom..." href> of a page's head."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("link", "a"):
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        rels = a.get("rel", "").lower().split()
        if "alternate" in rels and a.get("type", "").lower().split(";")[0].strip() in FEED_TYPES and a.get("href"):
            self.found.append((a["href"], a.get("title", "")))


def discover(page: str, base_url: str) -> list[str]:
    """The feed URLs a page announces with <link rel="alternate">, absolute, in page order."""
    finder = _LinkFinder()
    try:
        finder.feed(page[:1_000_000])
        finder.close()
    except Exception:  # a page broken enough to stop the parser: keep what was found
        pass
    urls = []
    for href, _title in finder.found:
        url = urljoin(base_url, _line(href))
        if url not in urls and url.split(":", 1)[0].lower() in text.WEB_SCHEMES:
            urls.append(url)
    return urls
