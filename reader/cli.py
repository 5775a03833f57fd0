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


def _summary_json(r) -> dict:
    return {
        "id": r.id,
        "date": r.date,
        "place": r.place,
        "title": r.title,
        "source": r.source,
        "read": r.read,
        "tags": list(r.tags),
    }


def _say_chunked(lines, size: int = 500) -> None:
    """Print lines a chunk at a time: one write per chunk, not per row, and never all rows held."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            say("\n".join(chunk))
            chunk.clear()
    if chunk:
        say("\n".join(chunk))


def _json_rows(rows, *, layout: str):
    """The rows as JSON text, line by line: a JSON array with one compact object a line, or JSON Lines.

    json.dumps without `indent` uses the C encoder; with it (--pretty) Python's own, which is slow.
    """
    if layout == "lines":
        for r in rows:
            yield json.dumps(_summary_json(r), ensure_ascii=False)
        return
    indent = 2 if layout == "pretty" else None
    yield "["
    held = None  # each object waits for the next: only then is it known to need a comma
    for r in rows:
        item = json.dumps(_summary_json(r), ensure_ascii=False, indent=indent)
        if indent:
            item = "  " + item.replace("\n", "\n  ")
        if held is not None:
            yield held + ","
        held = item
    if held is not None:
        yield held
    yield "]"


@main.command("list")
@click.option("--tag", help="Only articles with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one article per line.")
@click.option("--pretty", is_flag=True, help="With --json: indent the JSON for reading.")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="Print JSON Lines: one JSON object per article.")
@click.option(
    "--sort",
    type=click.Choice(SORT_ORDERS),
    default="date",
    show_default=True,
    help="Newest first, or title / place in Vietnamese alphabetical order.",
)
@click.pass_context
def list_command(ctx: click.Context, tag: str | None, as_json: bool, pretty: bool, as_jsonl: bool, sort: str) -> None:
    """List the articles in the library, newest first (or by title or place).

    The rows stream out as they are read, so the first appear at once in a large library.
    """
    library = _library(ctx)
    rows = library.list_articles(tag=tag, sort=sort)
    if as_jsonl:
        return _say_chunked(_json_rows(rows, layout="lines"))
    if as_json:
        return _say_chunked(_json_rows(rows, layout="pretty" if pretty else "array"))
    empty = True

    def lines():
        nonlocal empty
        for r in rows:
            empty = False
            tags = f"  [{', '.join(r.tags)}]" if r.tags else ""
            yield f"{r.id:>5}  {r.date or '----------'}  {r.place or '-':<14.14}  {r.title}  ({r.source or '-'}){tags}"

    _say_chunked(lines())
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


# "-word" excludes a word: unknown options are query text, so click's -h would eat "-hanoi";
# a lone -h is help, as for every other command.
@main.command("search", context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with hit offsets).")
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=20, show_default=True, help="At most this many results."
)
@click.option(
    "--accents",
    type=click.Choice(["smart", "exact", "ignore"]),
    default="smart",
    show_default=True,
    help="smart: a word typed with accents matches that spelling only, without them every spelling; "
    "exact: every word as typed; ignore: accents never count.",
)
@click.pass_context
def search_command(ctx: click.Context, query: tuple[str, ...], as_json: bool, limit: int, accents: str) -> None:
    """Search titles, text, places, sources, tags and notes; accents count when you type them.

    \b
    Words must all appear; "quoted words" appear together; -word leaves out.
    ha noi finds Hà Nội, hà nội, ha noi; "Hà Nội" finds Hà Nội only (any case).
    Filters: tag:NAME  place:"Hà Nội"  source:VNS  title:WORD  before:2024-05-31  after:2024
    """
    from reader.query import QueryError

    if query == ("-h",):
        say(ctx.get_help())
        ctx.exit()
    library = _library(ctx)
    joined = " ".join(query)
    try:
        results = library.search(joined, limit=limit, accents=accents)
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
        tags = f"  [{', '.join(r.tags)}]" if r.tags else ""  # as `reader list` shows them
        say(f"{r.id:>5}  {_marked(r.title, r.title_hits, on, off)}  ({meta}){tags}")
        if r.snippet:
            label = "note: " if r.snippet_from == "notes" else ""
            say(f"       {label}{_marked(r.snippet, r.snippet_hits, on, off)}")
    more = " (there may be more: raise --limit)" if len(results) == limit else ""
    say(f"{len(results)} {'article' if len(results) == 1 else 'articles'}{more}")


@main.command("show")
@click.argument("article_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with url, author, feed and the body).")
@click.pass_context
def show_command(ctx: click.Context, article_id: int, as_json: bool) -> None:
    """Print one article."""
    if as_json:
        return show_json(ctx, article_id)
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
        from reader.vietnamese import vi_sort_key

        tags = sorted(_library(ctx).tags(), key=lambda t: vi_sort_key(t.name))  # đ after d, as list --sort title
        if not tags:
            say("No tags yet.")
        for tag in tags:
            say(f"{tag.count:>5}  {tag.name}")


def _existing_tag(library: Library, typed: str) -> str:
    """The tag a typed name means, as search matches it ("kinh te" finds "Kinh tế"); ambiguous: refused."""
    from reader.tags import resolve_tag

    found = resolve_tag(typed, [t.name for t in library.tags()])
    if len(found) > 1:
        names = " or ".join(repr(n) for n in found[:4])
        raise click.ClickException(f"{typed!r} could be {names}; name one exactly (with its accents)")
    return found[0] if found else typed  # none: the store says there is no such tag


@tags_group.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
def tags_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename tag OLD to NEW (merging them if NEW exists)."""
    library = _library(ctx)
    old = _existing_tag(library, old)
    outcome = library.rename_tag(old, new)
    say(f"{outcome} {old!r} → {new!r}")


@tags_group.command("merge")
@click.argument("old")
@click.argument("into")
@click.pass_context
def tags_merge(ctx: click.Context, old: str, into: str) -> None:
    """Merge tag OLD into tag INTO."""
    library = _library(ctx)
    old, into = _existing_tag(library, old), _existing_tag(library, into)
    library.rename_tag(old, into)
    say(f"merged {old!r} into {into!r}")


@tags_group.command("delete")
@click.argument("name")
@click.pass_context
def tags_delete(ctx: click.Context, name: str) -> None:
    """Delete a tag from every article and highlight."""
    library = _library(ctx)
    name = _existing_tag(library, name)
    library.delete_tag(name)
    say(f"deleted {name!r}")


@main.command("export")
@click.option(
    "--article",
    "article_ids",
    type=click.IntRange(1, 2**63 - 1),
    multiple=True,
    help="Export this article (repeatable).",
)
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
@click.option("--color", "colors", help="Only highlights of these colours, e.g. 1,3.")
@click.option("--only-noted", is_flag=True, help="Only highlights that carry a note.")
@click.pass_context
def export_command(ctx, article_ids, tag, since, fmt, output, force, colors, only_noted) -> None:
    """Export notes and highlights as Markdown or W3C Web Annotation JSON."""
    from reader.services import export as exporting

    library = _library(ctx)
    since_text = since.date().isoformat() if since else None
    try:
        items = exporting.select(
            library, list(article_ids), tag=tag, since=since_text, colors=_colours(colors), only_noted=only_noted
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if not items:
        say("Nothing to export.", err=True)
        return
    if output is None:
        say(exporting.render_all(items, fmt, colour_names=library.colour_names()), nl=False)
        return
    wants_folder = output.endswith(("/", "\\"))  # checked before Path() drops the slash
    output = Path(output)
    try:
        if wants_folder or output.is_dir():
            written = exporting.write_files(items, output, fmt, force=force, colour_names=library.colour_names())
            for w in written:
                say(f"wrote {w.path}")
        else:
            from reader.fs import write_atomic

            output.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(output, exporting.render_all(items, fmt, colour_names=library.colour_names()), force=force)
            say(f"wrote {output} ({len(items)} articles)")
    except FileExistsError as error:
        raise click.ClickException(f"{shown_path(str(error))}; use --force to overwrite it") from error
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
        if r.status in ("skipped", "orphaned", "kept"):
            say(f"{r.status:<9} “{r.quote[:60]}” {r.detail}".rstrip())
    say(f"{len(results)} annotations: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    if counts.get("skipped"):
        ctx.exit(1)


def _colours(value: str | None) -> frozenset[int] | None:
    """The colours of a --color option ("1,3"); click error if one is not 1-5."""
    if not value:
        return None
    try:
        colours = frozenset(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise click.BadParameter("give colours as numbers 1-5, e.g. 1,3", param_hint="--color") from None
    if not colours or not colours <= {1, 2, 3, 4, 5}:
        raise click.BadParameter("colours are 1 to 5, e.g. 1,3", param_hint="--color")
    return colours


@main.group("colors", invoke_without_command=True)
@click.pass_context
def colors_group(ctx: click.Context) -> None:
    """Name the highlight colours (1-5) once; exports, vault notes and the reader show the names."""
    if ctx.invoked_subcommand is None:
        from reader.model import COLOUR_NAMES

        names = _library(ctx).colour_names()
        for color in range(1, 6):
            named = f"  ({COLOUR_NAMES[color]})" if color in names else ""
            say(f"{color}  {names.get(color, COLOUR_NAMES[color])}{named}")


@colors_group.command("set")
@click.argument("color", type=click.IntRange(1, 5))
@click.argument("name")
@click.pass_context
def colors_set(ctx: click.Context, color: int, name: str) -> None:
    """Call colour COLOR by NAME (an empty NAME gives back its default)."""
    stored = _library(ctx).set_colour_name(color, name)
    say(f"colour {color}: {stored}" if stored else f"colour {color}: its default name again")


@main.command("sync")
@click.argument("vault", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--folder", help="Sub-folder of the vault for new notes (default: the vault itself).")
@click.option("--name", "pattern", help="File-name pattern of new notes: {date} {slug} {title} {id}.")
@click.option("--color", "colors", help="Only highlights of these colours, e.g. 1,3.")
@click.option("--only-noted", is_flag=True, help="Only highlights that carry a note.")
@click.option("--accept-deletes", is_flag=True, help="Delete from the library the highlights deleted in the vault.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.pass_context
def sync_command(ctx, vault, folder, pattern, colors, only_noted, accept_deletes, dry_run) -> None:
    """Keep one note per annotated article in a vault folder, and read your edits back.

    Notes are updated in place; your text outside the managed region and your own front-matter keys
    are kept. Without VAULT, the last vault synced.
    """
    from reader.services import vault as syncing

    library = _library(ctx)
    remembered = syncing.remembered_vault()
    if vault is None:
        if remembered is None:
            raise click.UsageError("give the vault folder: reader sync DIR (it is remembered for next time)")
        vault, options = remembered
    else:
        same = remembered is not None and remembered[0] == vault.expanduser().resolve()
        options = remembered[1] if same else syncing.SyncOptions()
    if folder is not None:
        options.folder = folder
    if pattern is not None:
        options.pattern = pattern
    options.colors = _colours(colors)
    options.only_noted, options.accept_deletes, options.dry_run = only_noted, accept_deletes, dry_run
    try:
        report = syncing.sync(library, vault, options)
        if not dry_run:
            syncing.remember_vault(vault, options)
    except (ValueError, OSError, syncing.SyncAborted) as error:
        raise click.ClickException(f"sync not done: {error}") from error
    would = "would be " if dry_run else ""
    for label, lines in (
        ("created", report.created),
        ("updated", report.updated),
        ("read back", report.read_back),
        ("conflict", report.conflicts),
        ("restored", report.restored),
        ("deleted", report.deleted),
        ("problem", report.problems),
    ):
        for line in lines:
            say(f"{label:<10} {shown_path(line)}")
    say(
        f"{shown_path(vault)}: {len(report.created)} notes {would}created, {len(report.updated)} {would}updated, "
        f"{report.unchanged} unchanged; {len(report.read_back)} edits {would}read back, "
        f"{len(report.conflicts)} conflicts" + (" (dry run: nothing was written)" if dry_run else "")
    )
    if report.problems:
        ctx.exit(1)


@main.command("open")
@click.argument("uri")
@click.pass_context
def open_command(ctx: click.Context, uri: str) -> None:
    """Open the reader on a passage: URI is a reader://open?article=ID&highlight=ID link from a vault note."""
    from reader.importers.vault_note import parse_open_uri

    try:
        article_id, highlight_id = parse_open_uri(uri)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    library = _library(ctx)
    _article(library, article_id)
    highlight = library.get_highlight(highlight_id) if highlight_id is not None else None
    if highlight_id is not None and (highlight is None or highlight.article_id != article_id):
        say(f"highlight {highlight_id} is no longer in article {article_id}; opening the article", err=True)
    from reader.ui.app import make_app

    make_app(library, open_at=(article_id, highlight_id)).run()


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


# -- feeds and web pages (issue 10) ----------------------------------------------------------


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


@feed_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def feed_list_command(ctx: click.Context, as_json: bool) -> None:
    """List the feeds: name, URL, tags, articles, unread, last fetched, last error."""
    from reader.store.feeds import FeedStore

    feeds = FeedStore(_library(ctx)).feeds()
    if as_json:
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
        say(f"    {f.articles} articles, {f.unread} unread, last fetched {fetched}{state}")
        if f.last_error:
            say(f"    last error: {f.last_error}")


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
    say(f"removed {removed.name}; its {kept} articles stay in the library")


@feed_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def feed_import_command(ctx: click.Context, path: Path) -> None:
    """Subscribe to the feeds of an OPML file (fetch them with `reader feed update`)."""
    from reader.services import feeds as feed_service
    from reader.services.imports import read_limited

    try:
        data = read_limited(path)
    except (text.InputError, OSError) as error:
        raise click.ClickException(f"cannot read {shown_path(path)}: {error}") from None
    added = 0
    try:
        for url, status in feed_service.import_opml(_library(ctx), data):
            say(f"{status:<14} {url}")
            added += status == "added"
    except feed_service.FeedError as error:
        raise click.ClickException(f"{shown_path(path)}: {error}") from None
    say(f"{added} feeds added; fetch them with `reader feed update`")


@feed_group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
