"""The `reader` command: with no subcommand it opens the TUI; the subcommands script the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reader import __version__, anchoring, text
from reader.ingest import add_sample_articles, import_paths
from reader.model import Article, Highlight
from reader.store import Library, LibraryError, default_db_path


def open_library(db: Path | None) -> Library:
    """Open the chosen library, or the default one (which starts out holding the sample articles)."""
    path = db or default_db_path()
    first_launch = db is None and not path.exists()
    try:
        library = Library(path)
    except LibraryError as error:
        raise click.ClickException(str(error)) from error
    if first_launch:
        add_sample_articles(library)
    return library


def _library(ctx: click.Context) -> Library:
    """The library for this invocation, opened once and closed when the command ends."""
    root = ctx.find_root()
    if "library" not in root.meta:
        root.meta["library"] = library = open_library(root.params.get("db"))
        root.call_on_close(library.close)
    return root.meta["library"]


def _article(library: Library, article_id: int) -> Article:
    article = library.get_article(article_id)
    if article is None:
        raise click.ClickException(f"no article with id {article_id} (see `reader list`)")
    return article


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Library file to use (default: library.db in $READER_HOME or the user data directory).",
)
@click.version_option(__version__, prog_name="reader")
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """Read, highlight and annotate news articles in the terminal.

    Run `reader` alone to open the reader on your library.
    """
    if ctx.invoked_subcommand is None:
        library = _library(ctx)
        from reader.ui.app import make_app  # Textual is imported only here, so other commands start fast

        make_app(library).run()


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--encoding", help="Decode files with this codec when they are not UTF-8 (e.g. cp1258).")
@click.pass_context
def import_command(ctx: click.Context, paths: tuple[Path, ...], encoding: str | None) -> None:
    """Import .txt and .md files, and folders of them (recursively)."""
    library = _library(ctx)
    counts = {"imported": 0, "updated": 0, "unchanged": 0, "refused": 0}
    for result in import_paths(library, paths, encoding):
        counts[result.status] += 1
        if result.status == "refused":
            click.echo(f"refused    {result.path}: {result.detail}", err=False)
        else:
            click.echo(f"{result.status:<10} {result.path} → #{result.article_id} {result.detail}")
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    click.echo(f"{sum(counts.values())} files: {summary}")
    if counts["refused"]:
        ctx.exit(1)


@main.command("list")
@click.option("--tag", help="Only articles with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_command(ctx: click.Context, tag: str | None, as_json: bool) -> None:
    """List the articles in the library, newest first."""
    library = _library(ctx)
    rows = library.list_articles(tag=tag)
    if as_json:
        click.echo(json.dumps(
            [{"id": r.id, "date": r.date, "place": r.place, "title": r.title, "source": r.source,
              "read": r.read, "tags": list(r.tags)} for r in rows],
            ensure_ascii=False, indent=2,
        ))
        return
    empty = True
    for r in rows:
        empty = False
        tags = f"  [{', '.join(r.tags)}]" if r.tags else ""
        click.echo(f"{r.id:>5}  {r.date or '----------'}  {r.place or '-':<14.14}  {r.title}  ({r.source or '-'}){tags}")
    if empty:
        click.echo("No articles." + (f" None is tagged {tag!r}." if tag else " Add some with `reader import PATH`."))


@main.command("show")
@click.argument("article_id", type=int)
@click.pass_context
def show_command(ctx: click.Context, article_id: int) -> None:
    """Print one article."""
    article = _article(_library(ctx), article_id)
    click.echo(article.title)
    click.echo(" · ".join(part for part in (article.place, article.date, article.source) if part))
    if article.tags:
        click.echo("Tags: " + ", ".join(article.tags))
    click.echo()
    click.echo(article.body)


@main.command("highlight")
@click.argument("article_id", type=int)
@click.argument("quote")
@click.option("--note", default="", help="A note on the highlight.")
@click.option("--tag", "tags", multiple=True, help="A tag for the highlight (repeatable).")
@click.option("--color", type=click.IntRange(1, 5), default=1, show_default=True, help="Colour 1-5.")
@click.option("--occurrence", type=int, help="Which occurrence of the quote, when it appears more than once (1 = first).")
@click.pass_context
def highlight_command(ctx, article_id, quote, note, tags, color, occurrence) -> None:
    """Highlight the exact QUOTE in an article."""
    library = _library(ctx)
    article = _article(library, article_id)
    quote = text.clean(quote)
    starts = find_all(article.body, quote) if quote.strip() else []
    if not starts:
        raise click.ClickException(f"the quote is not in article {article_id}")
    if occurrence is None and len(starts) > 1:
        raise click.ClickException(
            f"the quote occurs {len(starts)} times in article {article_id}; choose one with --occurrence 1..{len(starts)}"
        )
    index = (occurrence or 1) - 1
    if not 0 <= index < len(starts):
        raise click.ClickException(f"--occurrence must be between 1 and {len(starts)}")
    anchor = anchoring.make_anchor(article.body, starts[index], starts[index] + len(quote))
    try:
        highlight = library.add_highlight(article_id, anchor, color=color, note=note, tags=tags)
    except LibraryError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"highlight #{highlight.id} in article {article_id}: “{highlight.quote}”")


def find_all(haystack: str, needle: str) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence of needle."""
    starts, i = [], haystack.find(needle)
    while i != -1:
        starts.append(i)
        i = haystack.find(needle, i + 1)
    return starts


def _highlight_json(h: Highlight, body: str) -> dict:
    from reader.segment import paragraph_index

    return {
        "id": h.id, "quote": h.quote, "start": h.start, "end": h.end,
        "paragraph": None if h.orphan else paragraph_index(body, h.start) + 1,
        "color": h.color, "note": h.note, "tags": h.tags, "orphan": h.orphan,
        "created": h.created, "modified": h.modified,
    }


@main.command("notes")
@click.argument("article_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def notes_command(ctx: click.Context, article_id: int, as_json: bool) -> None:
    """Print an article's note, highlights and their notes."""
    library = _library(ctx)
    article = _article(library, article_id)
    highlights = [_highlight_json(h, article.body) for h in library.highlights(article_id)]
    if as_json:
        click.echo(json.dumps(
            {"article": {"id": article.id, "title": article.title, "note": article.note, "tags": article.tags},
             "highlights": highlights},
            ensure_ascii=False, indent=2,
        ))
        return
    click.echo(article.title)
    if article.note:
        click.echo(f"\nNote: {article.note}")
    if not highlights:
        click.echo("\nNo highlights yet.")
    for h in highlights:
        where = "orphan: passage not found" if h["orphan"] else f"paragraph {h['paragraph']}"
        click.echo(f"\n#{h['id']} [{where}, colour {h['color']}] “{h['quote']}”")
        if h["note"]:
            click.echo(f"  {h['note']}")
        if h["tags"]:
            click.echo("  tags: " + ", ".join(h["tags"]))


@main.command("tag")
@click.argument("article_id", type=int)
@click.argument("tags", nargs=-1, required=True)
@click.pass_context
def tag_command(ctx: click.Context, article_id: int, tags: tuple[str, ...]) -> None:
    """Add TAGS to an article."""
    library = _library(ctx)
    _article(library, article_id)
    try:
        stored = library.add_article_tags(article_id, tags)
    except LibraryError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"article {article_id}: " + ", ".join(stored))


@main.group("tags", invoke_without_command=True)
@click.pass_context
def tags_group(ctx: click.Context) -> None:
    """List tags with counts; rename, merge or delete them."""
    if ctx.invoked_subcommand is None:
        tags = _library(ctx).tags()
        if not tags:
            click.echo("No tags yet.")
        for tag in tags:
            click.echo(f"{tag.count:>5}  {tag.name}")


def _tag_change(ctx: click.Context, change, *args) -> str:
    try:
        return change(*args)
    except LibraryError as error:
        raise click.ClickException(str(error)) from error


@tags_group.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
def tags_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename tag OLD to NEW (merging them if NEW exists)."""
    outcome = _tag_change(ctx, _library(ctx).rename_tag, old, new)
    click.echo(f"{outcome} {old!r} → {new!r}")


@tags_group.command("merge")
@click.argument("old")
@click.argument("into")
@click.pass_context
def tags_merge(ctx: click.Context, old: str, into: str) -> None:
    """Merge tag OLD into tag INTO."""
    _tag_change(ctx, _library(ctx).rename_tag, old, into)
    click.echo(f"merged {old!r} into {into!r}")


@tags_group.command("delete")
@click.argument("name")
@click.pass_context
def tags_delete(ctx: click.Context, name: str) -> None:
    """Delete a tag from every article and highlight."""
    _tag_change(ctx, _library(ctx).delete_tag, name)
    click.echo(f"deleted {name!r}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
