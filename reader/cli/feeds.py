"""Commands for feeds and web pages: feed add/update/list/remove/import/export, add, reextract, show --json."""

from __future__ import annotations

from pathlib import Path

import click

from reader import text
from reader.cli import FileName, ReaderGroup, _article, _library, main, needs_library, plural, say, shown_path


def _fetcher(ctx: click.Context):
    """The one HTTP client of this invocation, closed when the command ends."""
    root = ctx.find_root()
    if "fetcher" not in root.meta:
        from reader.fetch import Fetcher

        root.meta["fetcher"] = fetcher = Fetcher()
        root.call_on_close(fetcher.close)
    return root.meta["fetcher"]


def _feed_error(error: Exception) -> click.ClickException:
    return click.ClickException(str(error))


def show_json(ctx: click.Context, article_id: int) -> None:
    """`reader show ID --json`: the article with its web fields, the body as plain text."""
    import json

    from reader.store.feeds import FeedStore

    library = _library(ctx)
    _article(library, article_id)
    article = FeedStore(library).get(article_id)
    fields = ("id", "title", "date", "place", "source", "url", "author", "feed", "tags", "body")
    say(json.dumps({name: getattr(article, name) for name in fields}, ensure_ascii=False, indent=2))


def _say_update(result) -> None:
    feed = result.feed
    if result.error:
        say(f"[{result.done}/{result.total}] {feed.name}: failed: {result.error}")
        return
    if result.not_modified:
        say(f"[{result.done}/{result.total}] {feed.name}: not modified")
        return
    line = f"[{result.done}/{result.total}] {feed.name}: {result.new} new, {result.updated} updated"
    say(line + (f" ({result.warning})" if result.warning else ""))


def _run_update(ctx: click.Context, feeds) -> None:
    from reader.services import feeds as feed_service

    totals = {"new": 0, "updated": 0, "failed": 0}
    for result in feed_service.update(_library(ctx), _fetcher(ctx), feeds):
        _say_update(result)
        totals["new"] += result.new
        totals["updated"] += result.updated
        totals["failed"] += bool(result.error)
    say(f"{totals['new']} new, {totals['updated']} updated, {totals['failed']} failed")
    if totals["failed"]:
        ctx.exit(1)


@main.group("feed", cls=ReaderGroup)
def feed_group() -> None:
    """Subscribe to RSS/Atom feeds and fetch their articles (in full, when an entry is only a summary)."""


@feed_group.command("add")
@click.argument("url")
@click.option("--tag", "tags", multiple=True, help="Tag every article of this feed (repeatable).")
@click.option(
    "--full-text",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Fetch the linked page for the full article: when the entry is only a summary, always, or never.",
)
@click.option("--name", default="", help="The feed's name (default: its title).")
@click.pass_context
def feed_add_command(ctx: click.Context, url: str, tags: tuple[str, ...], full_text: str, name: str) -> None:
    """Subscribe to a feed (or to the feed a web page names) and fetch it at once."""
    from reader.services import feeds as feed_service

    try:
        feed = feed_service.subscribe(_library(ctx), _fetcher(ctx), url, name=name, tags=tags, full_text=full_text)
    except feed_service.FeedError as error:
        raise _feed_error(error) from None
    say(f"subscribed to {feed.name} ({feed.url})")
    _run_update(ctx, [feed])


@needs_library
@feed_group.command("update")
@click.argument("feed", required=False)
@click.pass_context
def feed_update_command(ctx: click.Context, feed: str | None) -> None:
    """Fetch every feed (or the one named by NAME or URL); new entries become articles."""
    from reader.services import feeds as feed_service

    feeds = None
    if feed:
        try:
            feeds = [feed_service.find(_library(ctx), feed)]
        except feed_service.FeedError as error:
            raise _feed_error(error) from None
    _run_update(ctx, feeds)


@needs_library
@feed_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def feed_list_command(ctx: click.Context, as_json: bool) -> None:
    """List the feeds: name, URL, tags, articles, unread, last fetched, last error."""
    from reader.store.feeds import FeedStore

    feeds = FeedStore(_library(ctx)).feeds()
    if as_json:
        import json

        keys = ("name", "url", "tags", "full_text", "articles", "unread", "last_fetched", "last_error", "gone")
        say(json.dumps([{k: getattr(f, k) for k in keys} for f in feeds], ensure_ascii=False, indent=2))
        return
    if not feeds:
        say("No feeds. Subscribe with `reader feed add URL`.")
        return
    for f in feeds:
        tags = f"  [{', '.join(f.tags)}]" if f.tags else ""
        say(f"{f.name}  {f.url}{tags}")
        fetched = f.last_fetched or "never"
        state = " (gone: the server answered 410)" if f.gone else ""
        say(f"    {plural(f.articles, 'article')}, {f.unread} unread, last fetched {fetched}{state}")
        if f.last_error:
            say(f"    last error: {f.last_error}")


@needs_library
@feed_group.command("remove")
@click.argument("feed")
@click.pass_context
def feed_remove_command(ctx: click.Context, feed: str) -> None:
    """Unsubscribe from a feed (by NAME or URL); its articles and their notes stay in the library."""
    from reader.services import feeds as feed_service

    try:
        removed, kept = feed_service.remove(_library(ctx), feed)
    except feed_service.FeedError as error:
        raise _feed_error(error) from None
    kept_text = "its article stays" if kept == 1 else f"its {kept} articles stay"
    say(f"removed {removed.name}; {kept_text} in the library")


@feed_group.command("import")
@click.argument("path", type=FileName(dir_okay=False, path_type=Path))
@click.pass_context
def feed_import_command(ctx: click.Context, path: Path) -> None:
    """Subscribe to the feeds of an OPML file (fetch them with `reader feed update`)."""
    from reader.services import feeds as feed_service
    from reader.services.import_files import read_limited

    try:
        data = read_limited(path)
    except (text.InputError, OSError) as error:
        raise click.ClickException(f"cannot read {shown_path(path)}: {error}") from None
    added = 0
    try:
        subscriptions = feed_service.read_opml(data)  # first: a file that is not OPML makes no library
        for url, status in feed_service.import_opml(_library(ctx), subscriptions):
            say(f"{status:<14} {url}")
            added += status == "added"
    except feed_service.FeedError as error:
        raise click.ClickException(f"{shown_path(path)}: {error}") from None
    say(f"{plural(added, 'feed')} added; fetch them with `reader feed update`")


@needs_library
@feed_group.command("export")
@click.option("-o", "--output", type=FileName(dir_okay=False, path_type=Path), help="Write to this file.")
@click.pass_context
def feed_export_command(ctx: click.Context, output: Path | None) -> None:
    """Write the subscriptions as OPML 2.0 (to standard output by default)."""
    from reader.fs import write_atomic
    from reader.services import feeds as feed_service

    document = feed_service.export_opml(_library(ctx))
    if output is None:
        say(document, nl=False)
        return
    try:
        write_atomic(output, document, force=True)
    except OSError as error:
        raise click.ClickException(f"cannot write {shown_path(output)}: {error.strerror or error}") from None
    say(f"wrote {shown_path(output)}")


@main.command("add")
@click.argument("url")
@click.pass_context
def add_command(ctx: click.Context, url: str) -> None:
    """Save one web page as an article (read it later, annotate it)."""
    from reader.services import feeds as feed_service

    try:
        status, article = feed_service.add_page(_library(ctx), _fetcher(ctx), url)
    except feed_service.FeedError as error:
        raise _feed_error(error) from None
    say(f"{status:<10} {article.url or url} → #{article.id} {article.title}")


@needs_library
@main.command("reextract")
@click.argument("article_ids", nargs=-1, type=int)
@click.pass_context
def reextract_command(ctx: click.Context, article_ids: tuple[int, ...]) -> None:
    """Extract saved pages again (all of them, or the articles given); highlights are re-anchored."""
    from reader.services import feeds as feed_service

    refused = 0
    for article_id, status, detail in feed_service.reextract(_library(ctx), article_ids or None):
        refused += status == "refused"
        say(f"{status:<10} #{article_id} {detail}")
    if refused:
        ctx.exit(1)
