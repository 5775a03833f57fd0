"""Feeds and pages as whole actions: subscribe (with discovery), update with progress, add one page by URL."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from reader import text
from reader.exporters import opml as opml_export
from reader.fetch import Fetcher, FetchError, Response, check_url
from reader.importers import feed as feed_format
from reader.importers import html
from reader.importers import opml as opml_format
from reader.model import Article, Feed
from reader.store import Library, LibraryError, now
from reader.store.feeds import FULL_TEXT_MODES, FeedStore

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_TYPES = ("text/html", "application/xhtml+xml", "")


class FeedError(Exception):
    """A feed or page action that could not be done, worded for the user."""


@dataclass(frozen=True)
class FeedUpdate:
    """What one feed's update did; `done` of `total` feeds are finished when it is yielded."""

    feed: Feed
    done: int
    total: int
    new: int = 0
    updated: int = 0
    error: str = ""
    warning: str = ""
    not_modified: bool = False
    new_ids: tuple[int, ...] = ()


def _parse_feed(response: Response) -> feed_format.ParsedFeed:
    try:
        return feed_format.parse(response.content, response.url)
    except text.InputError as error:
        if not feed_format.looks_like_feed(response.content) and response.content_type in PAGE_TYPES[:2]:
            raise FeedError(f"{response.url} answered with a web page, not a feed") from None
        raise FeedError(f"{response.url}: {error}") from None


def discover(fetcher: Fetcher, url: str) -> tuple[str, Response, feed_format.ParsedFeed]:
    """The feed at `url`, or the one a web page there announces with <link rel="alternate">."""
    try:
        response = fetcher.get(url, accept=FEED_ACCEPT)
    except FetchError as error:
        raise FeedError(str(error)) from None
    if not feed_format.looks_like_feed(response.content) and response.content_type not in (
        "application/rss+xml",
        "application/atom+xml",
    ):
        page = html.decode_page(response.content, response.charset) if response.content else ""
        found = feed_format.discover(page, response.url)
        if not found:
            raise FeedError(f"no feed found at {url}: it is not a feed and the page names none")
        try:
            response = fetcher.get(found[0], accept=FEED_ACCEPT)
        except FetchError as error:
            raise FeedError(f"the page names the feed {found[0]}, but {error}") from None
    return response.url, response, _parse_feed(response)


def subscribe(
    library: Library,
    fetcher: Fetcher,
    url: str,
    *,
    name: str = "",
    tags: Iterable[str] = (),
    full_text: str = "auto",
) -> Feed:
    """Find the feed (discovering it from a page if need be) and subscribe to it; the first update is separate."""
    if full_text not in FULL_TEXT_MODES:
        raise FeedError(f"unknown full-text mode {full_text!r}; use one of: {', '.join(FULL_TEXT_MODES)}")
    feed_url, _response, parsed = discover(fetcher, text.clean(url).strip())
    store = FeedStore(library)
    if store.find(feed_url):
        raise FeedError(f"already subscribed to {feed_url}")
    name = text.clean(name).strip() or parsed.title or feed_url
    return store.add_feed(feed_url, name, list(tags), full_text, parsed.site_url)


def update(
    library: Library, fetcher: Fetcher, feeds: list[Feed] | None = None, *, force: bool = False
) -> Iterator[FeedUpdate]:
    """Fetch feeds concurrently (all that are not gone, by default) and store their entries; one result per feed.

    A failure is recorded on its feed and the others go on; `force` skips the conditional GET.
    """
    store = FeedStore(library)
    if feeds is None:
        feeds = [f for f in store.feeds() if not f.gone]
    by_id = {f.id: f for f in feeds}
    requests = [(f.id, f.url, "" if force else f.etag, "" if force else f.last_modified) for f in feeds]
    done = 0
    # A feed is parsed in a thread of its own while the one before is stored: lxml, zlib and SQLite
    # work without the GIL, so the two overlap on a second core.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-parse") as parser:
        for feed_id, outcome, parsing in _parsed_ahead(fetcher.get_many(requests), parser):
            done += 1
            yield _update_one(store, fetcher, by_id[feed_id], outcome, parsing, done, len(feeds))


def _parsed_ahead(results, parser: ThreadPoolExecutor, ahead: int = 2):
    """(key, outcome, its parse as a future or None) of each fetch, parsed up to `ahead` feeds in advance."""
    waiting: deque = deque()
    for key, outcome in results:
        fresh = isinstance(outcome, Response) and not outcome.not_modified
        waiting.append((key, outcome, parser.submit(_parse_feed, outcome) if fresh else None))
        if len(waiting) > ahead:
            yield waiting.popleft()
    yield from waiting


def _update_one(
    store: FeedStore, fetcher: Fetcher, feed: Feed, outcome, parsing: Future | None, done: int, total: int
) -> FeedUpdate:
    """Store one fetched feed (or record why it failed): its FeedUpdate."""
    # A failed fetch forgets the validators: the next one is answered in full, never "not modified",
    # so a "not modified" always follows a fetch that worked, and keeps what that one said.
    if isinstance(outcome, FetchError):
        store.record_fetch(feed.id, error=str(outcome), gone=outcome.gone, etag="", last_modified="")
        return FeedUpdate(store.feed(feed.id) or feed, done, total, error=str(outcome))
    try:
        result = _store_feed(store, fetcher, feed, outcome, parsing)
    except FeedError as error:
        store.record_fetch(feed.id, error=str(error), etag="", last_modified="")
        return FeedUpdate(store.feed(feed.id) or feed, done, total, error=str(error))
    return replace(result, feed=store.feed(feed.id) or feed, done=done, total=total)


def _store_feed(
    store: FeedStore, fetcher: Fetcher, feed: Feed, response: Response, parsing: Future | None = None
) -> FeedUpdate:
    moved = response.url if response.permanent_redirect and response.url != feed.url else None
    if response.not_modified:  # the warnings of the fetch it answers (a page that failed) still hold
        store.record_fetch(feed.id, url=moved, error=None)
        return FeedUpdate(feed, 0, 0, not_modified=True)
    parsed = parsing.result() if parsing is not None else _parse_feed(response)  # raises its FeedError
    known = store.entry_hashes(feed.id)
    trashed = store.library.trashed_entry_ids(feed.id)  # deleted by the user: not brought back
    wanted: list[feed_format.Entry] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        if entry.entry_id in seen or entry.entry_id in trashed:
            continue  # the same entry twice in one document (the first one counts), or one in the trash
        seen.add(entry.entry_id)
        needs_page = feed.full_text == "always" or (feed.full_text == "auto" and entry.summary_only)
        if needs_page and entry.entry_id in known:
            continue  # its full text was fetched before; the summary in the feed says nothing new
        if known.get(entry.entry_id) == entry.article.content_hash:
            continue  # unchanged
        wanted.append(entry)
    articles, failures = _full_texts(fetcher, feed, wanted)
    new_ids, updated = [], 0
    fresh: list[tuple[str, Article]] = []
    with store.library.write():
        for entry, article in zip(wanted, articles):
            if not article.body:
                continue
            article.tags = list(feed.tags)
            article.feed = feed.name
            if entry.entry_id not in known and not (article.url and store.article_by_url(article.url, feed.id)):
                fresh.append((entry.entry_id, article))  # new to the library: stored in bulk below
                continue
            status, stored = store.save(article, feed_id=feed.id, entry_id=entry.entry_id)
            if status == "imported":
                new_ids.append(stored.id)
            elif status == "updated":
                updated += 1
        new_ids += store.add_new_entries(feed.id, fresh)
        if feed.name == feed.url and parsed.title:
            store.rename(feed.id, parsed.title)
        warnings = [w for w in (parsed.warning, _failures(failures)) if w]
        store.record_fetch(
            feed.id,
            error="; ".join(warnings),
            etag=response.etag,
            last_modified=response.last_modified,
            url=moved,
            site_url=parsed.site_url or None,
        )
    return FeedUpdate(
        feed, 0, 0, new=len(new_ids), updated=updated, warning="; ".join(warnings), new_ids=tuple(new_ids)
    )


def _failures(failures: list[str]) -> str:
    if not failures:
        return ""
    return f"{len(failures)} full text(s) could not be fetched, the feed's summary was kept (first: {failures[0]})"


def _full_texts(fetcher: Fetcher, feed: Feed, entries: list[feed_format.Entry]) -> tuple[list[Article], list[str]]:
    """Each entry's article: the linked page's full text where the feed's mode asks for it, else the entry."""
    articles = [e.article for e in entries]
    requests = []
    for i, entry in enumerate(entries):
        needs_page = feed.full_text == "always" or (feed.full_text == "auto" and entry.summary_only)
        if needs_page and entry.article.url:
            requests.append((i, entry.article.url, "", ""))
    failures: list[str] = []
    for i, outcome in fetcher.get_many(requests):
        entry = entries[i]
        if isinstance(outcome, FetchError):
            failures.append(str(outcome))
            continue
        try:
            page = _page_article(outcome)
        except FeedError as error:
            failures.append(str(error))
            continue
        # The feed knows the entry's title, author and date; the page fills what it does not say.
        page.title = entry.article.title or page.title
        page.author = entry.article.author or page.author
        page.date = entry.article.date or page.date
        page.source = entry.article.source or page.source
        page.url = entry.article.url
        page.content_hash = text.content_hash(page.title + "\n" + page.body)
        articles[i] = page
    return articles, failures


def _page_article(response: Response) -> Article:
    if response.content_type not in PAGE_TYPES:
        raise FeedError(f"{response.url} is not a web page ({response.content_type})")
    try:
        return html.parse(response.content, response.url, url=response.url, charset=response.charset)
    except text.InputError as error:
        raise FeedError(f"{response.url}: {error}") from None


def add_page(library: Library, fetcher: Fetcher, url: str) -> tuple[str, Article]:
    """Fetch one web page and save its article (read it later, annotate it): ('imported'|'updated'|'unchanged', article)."""
    try:
        response = fetcher.get(text.clean(url).strip())
    except FetchError as error:
        raise FeedError(str(error)) from None
    if feed_format.looks_like_feed(response.content):
        raise FeedError(f"{response.url} is a feed, not a page: subscribe with `reader feed add {response.url}`")
    article = _page_article(response)
    article.url = response.url
    store = FeedStore(library)
    existing = store.article_by_url(article.url)
    old = store.get(existing) if existing is not None and store.article_feed_id(existing) else None
    if old is not None:  # a feed's article: what the feed gave stays, as on its update
        _keep_what_was_given(article, old)
    try:
        return store.save(article, content_type=response.content_type)
    except LibraryError as error:
        raise FeedError(str(error)) from None


def remove(library: Library, name_or_url: str) -> tuple[Feed, int]:
    """Unsubscribe from a feed by name or URL; its articles stay. Returns the feed and how many articles stayed."""
    store = FeedStore(library)
    feed = store.find(name_or_url)
    if feed is None:
        raise FeedError(f"no feed named {name_or_url!r} (see `reader feed list`)")
    return feed, store.remove(feed.id)


def find(library: Library, name_or_url: str) -> Feed:
    """The feed with this name or URL; raises FeedError if there is none."""
    feed = FeedStore(library).find(name_or_url)
    if feed is None:
        raise FeedError(f"no feed named {name_or_url!r} (see `reader feed list`)")
    return feed


def read_opml(data: bytes) -> list:
    """The subscriptions of an OPML file; FeedError if it is not one."""
    try:
        return opml_format.parse(data)
    except text.InputError as error:
        raise FeedError(str(error)) from None


def import_opml(library: Library, subscriptions: list) -> Iterator[tuple[str, str]]:
    """Subscribe to every feed read from an OPML file, without fetching: (url, status) for each."""
    store = FeedStore(library)
    for sub in subscriptions:
        try:
            check_url(sub.url)  # what `feed add` refuses is not subscribed from a file either
        except FetchError:
            yield sub.url, "refused (not an http or https address with a host)"
            continue
        if store.find(sub.url):
            yield sub.url, "already there"
            continue
        store.add_feed(sub.url, sub.name or sub.url, sub.tags, sub.full_text or "auto")
        yield sub.url, "added"


def export_opml(library: Library) -> str:
    """Every subscription as an OPML 2.0 document."""
    return opml_export.render(FeedStore(library).feeds(), created=now())


def _keep_what_was_given(new: Article, old: Article) -> None:
    """A page's article made to keep the title, author, date and source the stored one has (a feed's or
    the user's), where it has them; its content hash follows the title kept."""
    new.title, new.author = old.title or new.title, old.author or new.author
    new.date, new.source = old.date or new.date, old.source or new.source
    new.content_hash = text.content_hash(new.title + "\n" + new.body)


def reextract(library: Library, ids: Iterable[int] | None = None) -> Iterator[tuple[int, str, str]]:
    """Extract kept pages again (after an upgrade): (id, 'updated'|'unchanged'|'refused', title or reason).

    The article is updated in place and its highlights re-anchored, as on any re-import.
    """
    store = FeedStore(library)
    for article_id in list(ids) if ids is not None else store.raw_article_ids():
        old = store.get(article_id)
        kept = store.raw(article_id)
        if old is None:
            yield article_id, "refused", "there is no article with this id (see `reader list`)"
            continue
        if kept is None:
            yield article_id, "refused", "no page is kept for this article (only fetched or imported pages are)"
            continue
        try:
            new = html.parse(kept[0], old.path or old.url, url=old.url)
        except text.InputError as error:
            yield article_id, "refused", str(error)
            continue
        # What the feed or the user gave stays; the body and its structure are extracted anew.
        _keep_what_was_given(new, old)
        new.url, new.path, new.feed = old.url or new.url, old.path, old.feed
        try:
            status, stored = store.save(new, content_type=kept[1])
        except LibraryError as error:
            yield article_id, "refused", str(error)
            continue
        yield article_id, status, stored.title
