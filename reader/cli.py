"""The `reader` command: with no subcommand it opens the TUI; the subcommands script the library."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import click

from reader import __version__, text
from reader.model import Article, Highlight
from reader.store import SORT_ORDERS, Library, LibraryError, default_db_path


def say(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print to the terminal; outside text in it (file names, titles, queries, errors) is sanitised first."""
    # Escape sequences pass through pipes too, so this holds whatever stdout is.
    click.echo(text.sanitise(str(message)), err=err, nl=nl)


def shown_path(path: Path | str) -> str:
    """A file name as one printable line: controls removed, undecodable bytes and newlines made visible."""
    return text.sanitise(str(path)).replace("\n", "␤").replace("\t", "␉")


def _add_samples(library: Library) -> None:
    from reader.services.imports import add_sample_articles  # the importers load YAML and Markdown parsers

    add_sample_articles(library)


def open_library(db: Path | None) -> Library:
    """Open the chosen library, or the default one (which starts out holding the sample articles)."""
    if db is not None and (str(db) in (":memory:", "") or str(db).startswith("file:")):
        raise LibraryError(
            f"--db {shown_path(db)} is not a library file: what is written there would vanish when the "
            "command ends. Give the name of a file."
        )
    path = db or default_db_path()
    # The sample articles go in with the schema, in the transaction that creates the default library:
    # a second reader started at the same moment waits for it, and sees them too.
    library = Library(path, on_create=_add_samples if db is None else None)
    if library.upgrade_backup:
        say(f"upgraded the library; its state before the upgrade is saved in {library.upgrade_backup}", err=True)
    if library.read_only:
        say(f"note: the library is open read-only ({library.read_only_reason}); nothing can be saved", err=True)
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


class _SanitisedError(click.ClickException):
    """A click error whose message is sanitised when shown: it may quote a file name or a query."""

    def __init__(self, error: click.ClickException) -> None:
        super().__init__(error.format_message())
        self.error = error
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:
        shown = io.StringIO()
        self.error.show(file=shown)
        say(shown.getvalue(), err=True, nl=False)


class ReaderGroup(click.Group):
    """A click group that shows any library error as a one-line message with exit status 1."""

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as error:
            raise _SanitisedError(error) from error

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LibraryError as error:
            raise _SanitisedError(click.ClickException(str(error))) from error
        except _SanitisedError:
            raise
        except click.ClickException as error:
            raise _SanitisedError(error) from error


@click.group(cls=ReaderGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
        library.check_readable()  # a damaged library gets its sentence here, not a broken screen
        from reader.ui.app import make_app  # Textual is imported only here, so other commands start fast

        make_app(library).run()


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--encoding", help="Decode files with this codec when they are not UTF-8 (e.g. cp1258).")
@click.pass_context
def import_command(ctx: click.Context, paths: tuple[Path, ...], encoding: str | None) -> None:
    """Import .txt and .md files, and folders of them (recursively)."""
    from reader.services.imports import import_paths

    library = _library(ctx)
    counts = {"imported": 0, "updated": 0, "unchanged": 0, "refused": 0}
    for result in import_paths(library, paths, encoding):
        counts[result.status] += 1
        if result.status == "refused":
            say(f"refused    {shown_path(result.path)}: {result.detail}")
        else:
            say(f"{result.status:<10} {shown_path(result.path)} → #{result.article_id} {result.detail}")
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    say(f"{sum(counts.values())} files: {summary}")
    if counts["refused"]:
        ctx.exit(1)


@main.command("list")
@click.option("--tag", help="Only articles with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--sort",
    type=click.Choice(SORT_ORDERS),
    default="date",
    show_default=True,
    help="Newest first, or title / place in Vietnamese alphabetical order.",
)
@click.pass_context
def list_command(ctx: click.Context, tag: str | None, as_json: bool, sort: str) -> None:
    """List the articles in the library, newest first (or by title or place)."""
    library = _library(ctx)
    rows = library.list_articles(tag=tag, sort=sort)
    if as_json:
        say(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "date": r.date,
                        "place": r.place,
                        "title": r.title,
                        "source": r.source,
                        "read": r.read,
                        "tags": list(r.tags),
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    empty = True
    for r in rows:
        empty = False
        tags = f"  [{', '.join(r.tags)}]" if r.tags else ""
        say(f"{r.id:>5}  {r.date or '----------'}  {r.place or '-':<14.14}  {r.title}  ({r.source or '-'}){tags}")
    if empty:
        say("No articles." + (f" None is tagged {tag!r}." if tag else " Add some with `reader import PATH`."))


def _marked(s: str, spans, on: str, off: str) -> str:
    """The string with each (start, end) span wrapped in the on/off marks."""
    out, last = [], 0
    for start, end in spans:
        out += [s[last:start], on, s[start:end], off]
        last = end
    out.append(s[last:])
    return "".join(out)


# "-word" excludes a word: unknown options are query text, and -h is not help here (-hanoi).
@main.command("search", context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with hit offsets).")
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=20, show_default=True, help="At most this many results."
)
@click.pass_context
def search_command(ctx: click.Context, query: tuple[str, ...], as_json: bool, limit: int) -> None:
    """Search titles, text, places, sources, tags and notes, with or without accents.

    \b
    Words must all appear; "quoted words" appear together; -word leaves out.
    Filters: tag:NAME  place:"Hà Nội"  source:VNS  title:WORD  before:2024-05-31  after:2024
    """
    from reader.query import QueryError

    library = _library(ctx)
    joined = " ".join(query)
    try:
        results = library.search(joined, limit=limit)
    except QueryError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        say(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "title": r.title,
                        "date": r.date,
                        "place": r.place,
                        "source": r.source,
                        "read": r.read,
                        "tags": list(r.tags),
                        "snippet": r.snippet,
                        "snippet_hits": [list(h) for h in r.snippet_hits],
                        "snippet_from": r.snippet_from,
                        "title_hits": [list(h) for h in r.title_hits],
                        "body_hits": [list(h) for h in r.body_hits],
                        "rank": r.rank,
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not results:
        say(f"No article matches “{joined}”.")
        return
    # Bold on a terminal; «guillemets» in a pipe or a file, where escape codes would be noise.
    on, off = ("\x1b[1m", "\x1b[22m") if sys.stdout.isatty() else ("«", "»")
    for r in results:
        meta = " · ".join(p for p in (r.date, r.place, r.source) if p)
        say(f"{r.id:>5}  {_marked(r.title, r.title_hits, on, off)}  ({meta})")
        if r.snippet:
            label = "note: " if r.snippet_from == "notes" else ""
            say(f"       {label}{_marked(r.snippet, r.snippet_hits, on, off)}")
    more = " (there may be more: raise --limit)" if len(results) == limit else ""
    say(f"{len(results)} {'article' if len(results) == 1 else 'articles'}{more}")


@main.command("show")
@click.argument("article_id", type=int)
@click.pass_context
def show_command(ctx: click.Context, article_id: int) -> None:
    """Print one article."""
    article = _article(_library(ctx), article_id)
    say(article.title)
    say(" · ".join(part for part in (article.place, article.date, article.source) if part))
    if article.tags:
        say("Tags: " + ", ".join(article.tags))
    say()
    say(article.body)


@main.command("highlight")
@click.argument("article_id", type=int)
@click.argument("quote")
@click.option("--note", default="", help="A note on the highlight.")
@click.option("--tag", "tags", multiple=True, help="A tag for the highlight (repeatable).")
@click.option("--color", type=click.IntRange(1, 5), default=1, show_default=True, help="Colour 1-5.")
@click.option(
    "--occurrence", type=int, help="Which occurrence of the quote, when it appears more than once (1 = first)."
)
@click.pass_context
def highlight_command(ctx, article_id, quote, note, tags, color, occurrence) -> None:
    """Highlight the exact QUOTE in an article."""
    from reader.services.annotations import highlight_span

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
    start = starts[index]
    highlight, _ = highlight_span(
        library, article_id, start, start + len(quote), color=color, note=note, tags=tags, reuse=False
    )
    say(f"highlight #{highlight.id} in article {article_id}: “{highlight.quote}”")


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
        "id": h.id,
        "quote": h.quote,
        "start": h.start,
        "end": h.end,
        "paragraph": None if h.orphan else paragraph_index(body, h.start) + 1,
        "color": h.color,
        "note": h.note,
        "tags": h.tags,
        "orphan": h.orphan,
        "created": h.created,
        "modified": h.modified,
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
        say(
            json.dumps(
                {
                    "article": {"id": article.id, "title": article.title, "note": article.note, "tags": article.tags},
                    "highlights": highlights,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    say(article.title)
    if article.note:
        say(f"\nNote: {article.note}")
    if not highlights:
        say("\nNo highlights yet.")
    for h in highlights:
        where = "orphan: passage not found" if h["orphan"] else f"paragraph {h['paragraph']}"
        say(f"\n#{h['id']} [{where}, colour {h['color']}] “{h['quote']}”")
        if h["note"]:
            say(f"  {h['note']}")
        if h["tags"]:
            say("  tags: " + ", ".join(h["tags"]))


@main.command("tag")
@click.argument("article_id", type=int)
@click.argument("tags", nargs=-1, required=True)
@click.pass_context
def tag_command(ctx: click.Context, article_id: int, tags: tuple[str, ...]) -> None:
    """Add TAGS to an article."""
    library = _library(ctx)
    _article(library, article_id)
    stored = library.add_article_tags(article_id, tags)
    say(f"article {article_id}: " + ", ".join(stored))


@main.group("tags", invoke_without_command=True)
@click.pass_context
def tags_group(ctx: click.Context) -> None:
    """List tags with counts; rename, merge or delete them."""
    if ctx.invoked_subcommand is None:
        tags = _library(ctx).tags()
        if not tags:
            say("No tags yet.")
        for tag in tags:
            say(f"{tag.count:>5}  {tag.name}")


@tags_group.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
def tags_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename tag OLD to NEW (merging them if NEW exists)."""
    outcome = _library(ctx).rename_tag(old, new)
    say(f"{outcome} {old!r} → {new!r}")


@tags_group.command("merge")
@click.argument("old")
@click.argument("into")
@click.pass_context
def tags_merge(ctx: click.Context, old: str, into: str) -> None:
    """Merge tag OLD into tag INTO."""
    _library(ctx).rename_tag(old, into)
    say(f"merged {old!r} into {into!r}")


@tags_group.command("delete")
@click.argument("name")
@click.pass_context
def tags_delete(ctx: click.Context, name: str) -> None:
    """Delete a tag from every article and highlight."""
    _library(ctx).delete_tag(name)
    say(f"deleted {name!r}")


@main.command("export")
@click.option("--article", "article_ids", type=int, multiple=True, help="Export this article (repeatable).")
@click.option("--tag", help="Only notes tagged T (an article with the tag brings all its highlights).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only highlights made or changed since DATE.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="A file, or a folder (ending in / or existing) for one file per article. Default: stdout.",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.pass_context
def export_command(ctx, article_ids, tag, since, fmt, output, force) -> None:
    """Export notes and highlights as Markdown or W3C Web Annotation JSON."""
    from reader.services import export as exporting

    library = _library(ctx)
    since_text = since.date().isoformat() if since else None
    try:
        items = exporting.select(library, list(article_ids), tag=tag, since=since_text)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if not items:
        say("Nothing to export.", err=True)
        return
    if output is None:
        say(exporting.render_all(items, fmt), nl=False)
        return
    wants_folder = output.endswith(("/", "\\"))  # checked before Path() drops the slash
    output = Path(output)
    try:
        if wants_folder or output.is_dir():
            written = exporting.write_files(items, output, fmt, force=force)
            for w in written:
                say(f"wrote {w.path}")
        else:
            from reader.fs import write_atomic

            output.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(output, exporting.render_all(items, fmt), force=force)
            say(f"wrote {output} ({len(items)} articles)")
    except FileExistsError as error:
        raise click.ClickException(f"{error.filename or error} exists; use --force to overwrite it") from error
    except (OSError, ValueError) as error:
        raise click.ClickException(f"could not write the export: {error}") from error


@main.command("import-annotations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_annotations_command(ctx: click.Context, file: Path) -> None:
    """Read W3C Web Annotation JSON (from `reader export --format json`) into this library."""
    from reader.services.annotations import import_annotations
    from reader.services.imports import read_limited

    library = _library(ctx)
    try:
        data = text.decode(read_limited(file))
        results = import_annotations(library, data)
    except (ValueError, OSError, text.InputError) as error:
        raise click.ClickException(f"cannot read {shown_path(file)}: {error}") from error
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
        if r.status in ("skipped", "orphaned"):
            say(f"{r.status:<9} “{r.quote[:60]}” {r.detail}".rstrip())
    say(f"{len(results)} annotations: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    if counts.get("skipped"):
        ctx.exit(1)


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / (1024 * 1024):.1f} MB"


@main.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@click.option("--raw", is_flag=True, help="Copy the file byte for byte, as it is (for a damaged library).")
@click.pass_context
def backup_command(ctx: click.Context, path: Path, force: bool, raw: bool) -> None:
    """Copy the library to the file PATH (a consistent snapshot; safe while the reader is open)."""
    if raw:
        # A damaged library may not even open: copy the file without asking SQLite.
        source = ctx.find_root().params.get("db") or default_db_path()
        if not source.exists():
            raise click.ClickException(f"there is no library at {shown_path(source)}")
        written = Library.copy_raw(source, path, force=force)
        say(f"copied {shown_path(source)} to {shown_path(written)} as it is ({_size(written.stat().st_size)})")
        say("the copy is not checked: it is the file as it was, damage included", err=True)
        return
    library = _library(ctx)
    written = library.backup(path, force=force)
    report = library.check()
    say(
        f"backed up {library.path} to {written} ({_size(written.stat().st_size)}: "
        f"{report.articles} articles, {report.highlights} highlights)"
    )
    say(f"to restore it, quit the reader and run: reader --db {written} backup {library.path} --force")


@main.command("check")
@click.pass_context
def check_command(ctx: click.Context) -> None:
    """Check the library for damage; show its schema version and counts (exit status 1 if damaged)."""
    path = ctx.find_root().params.get("db") or default_db_path()
    if not path.exists():
        raise click.ClickException(f"there is no library at {path}")
    library = Library(path, look_only=True)  # change nothing, not even by an upgrade
    with library:
        report = library.check()
        # Remembered beside the file, so that nothing is written into it until it is restored.
        if report.ok:
            library.clear_damage_mark()
        else:
            library.mark_damaged(report.problems[0])
    say(f"library     {report.path}")
    say(f"integrity   {'ok' if report.ok else 'FAILED'}")
    for problem in report.problems:
        say(f"            {problem}")
    schema = report.schema_version or "none"
    if report.pending:
        schema += (
            f" ({len(report.pending)} upgrade pending: {', '.join(report.pending)}; applied when reader next opens it)"
        )
    say(f"schema      {schema}")

    def n(value: int | None) -> str:
        return "unreadable" if value is None else str(value)

    say(f"articles    {n(report.articles)}")
    orphans = f" ({report.orphans} orphaned: passage no longer found)" if report.orphans else ""
    say(f"highlights  {n(report.highlights)}{orphans}")
    say(f"tags        {n(report.tags)}")
    if not report.ok:
        say(
            "The library is damaged. Keep the file as it is, make a copy with `reader backup --raw COPY`, "
            "and restore your latest good backup; until then reader opens it read-only.",
            err=True,
        )
        ctx.exit(1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
