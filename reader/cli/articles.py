"""Commands on the library itself: import, list, search, show, backup, check."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reader.cli import FileName, _article, _library, main, needs_library, plural, say, say_pieces, shown_path
from reader.store import SORT_ORDERS, Library, ReadError, default_db_path


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=FileName(path_type=Path))
@click.option("--encoding", help="Decode every file with this codec (e.g. cp1258), even one that would read as UTF-8.")
@click.pass_context
def import_command(ctx: click.Context, paths: tuple[Path, ...], encoding: str | None) -> None:
    """Import .txt, .md and saved .html pages, and folders of them (recursively; dot-files are skipped).

    A line per file on stdout; on a terminal, a progress bar on stderr while it runs.
    """
    from reader.cli.progress import ProgressBar
    from reader.services.imports import ImportRun, result_line

    if encoding is not None and not encoding.strip():
        raise click.UsageError("--encoding needs the name of a codec, e.g. cp1258")
    library = _library(ctx)
    run = ImportRun(paths, encoding, parse_ahead=True)
    bar = ProgressBar()
    try:
        for result in run.results(library, on_progress=bar.update):
            bar.clear()
            say(result_line(result, shown_path(result.path)))
    finally:
        bar.clear()
    for line in run.summary():
        say(line)
    if run.counts["refused"]:
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
    """Print lines as they come, a group at a time (see say_pieces): never all rows held."""
    say_pieces((line + "\n" for line in lines), size=size)


def _json_rows(rows, *, layout: str, shape=_summary_json):
    """The rows as JSON text, line by line: a JSON array with one compact object a line, or JSON Lines.

    json.dumps without `indent` uses the C encoder; with it (--pretty) Python's own, which is slow.
    """
    import json  # only the commands that print JSON load it

    if layout == "lines":
        for r in rows:
            yield json.dumps(shape(r), ensure_ascii=False)
        return
    indent = 2 if layout == "pretty" else None
    yield "["
    held = None  # each object waits for the next: only then is it known to need a comma
    for r in rows:
        item = json.dumps(shape(r), ensure_ascii=False, indent=indent)
        if indent:
            item = "  " + item.replace("\n", "\n  ")
        if held is not None:
            yield held + ","
        held = item
    if held is not None:
        yield held
    yield "]"


def json_layout(as_json: bool, pretty: bool, as_jsonl: bool) -> str | None:
    """Which JSON the options ask for: "lines", "pretty", "array", or None for text; a mix that means
    nothing is refused rather than half obeyed."""
    if as_json and as_jsonl:
        raise click.UsageError("--json and --jsonl each choose a form: give one of them")
    if pretty and not as_json:
        raise click.UsageError("--pretty indents --json output: give --json too")
    if as_jsonl:
        return "lines"
    if as_json:
        return "pretty" if pretty else "array"
    return None


@needs_library
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
    layout = json_layout(as_json, pretty, as_jsonl)
    library = _library(ctx)
    rows = library.list_articles(tag=tag, sort=sort)
    if layout:
        return _say_chunked(_json_rows(rows, layout=layout))
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
@needs_library
@main.command("search", context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (with hit offsets), one result per line.")
@click.option("--pretty", is_flag=True, help="With --json: indent the JSON for reading.")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="Print JSON Lines: one JSON object per result.")
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
def search_command(
    ctx: click.Context, query: tuple[str, ...], as_json: bool, pretty: bool, as_jsonl: bool, limit: int, accents: str
) -> None:
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
    layout = json_layout(as_json, pretty, as_jsonl)
    library = _library(ctx)
    joined = " ".join(query)
    try:
        # Results are made as they are printed: the first shows at once, and none is held.
        results = library.search_results(joined, limit=limit, accents=accents)
        if layout:
            return _say_chunked(_json_rows(results, layout=layout, shape=_result_json), size=100)
        shown = _say_results(results)
    except QueryError as error:
        raise click.ClickException(str(error)) from error
    if not shown:
        say(f"No article matches “{joined}”.")
        return
    more = " (there may be more: raise --limit)" if shown == limit else ""
    say(f"{plural(shown, 'article')}{more}")


def _result_json(r) -> dict:
    return {
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


def _say_results(results) -> int:
    """Print search results as text, each as it comes; returns how many there were."""
    # Bold on a terminal; «guillemets» in a pipe or a file, where escape codes would be noise.
    on, off = ("\x1b[1m", "\x1b[22m") if sys.stdout.isatty() else ("«", "»")
    shown = 0
    for r in results:
        shown += 1
        meta = " · ".join(p for p in (r.date, r.place, r.source) if p)
        tags = f"  [{', '.join(r.tags)}]" if r.tags else ""  # as `reader list` shows them
        say(f"{r.id:>5}  {_marked(r.title, r.title_hits, on, off)}  ({meta}){tags}")
        if r.snippet:
            label = "note: " if r.snippet_from == "notes" else ""
            say(f"       {label}{_marked(r.snippet, r.snippet_hits, on, off)}")
    return shown


@needs_library
@main.command("show")
@click.argument("article_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with url, author, feed and the body).")
@click.pass_context
def show_command(ctx: click.Context, article_id: int, as_json: bool) -> None:
    """Print one article."""
    if as_json:
        from reader.cli.feeds import show_json

        return show_json(ctx, article_id)
    article = _article(_library(ctx), article_id)
    say(article.title)
    say(" · ".join(part for part in (article.place, article.date, article.source) if part))
    if article.tags:
        say("Tags: " + ", ".join(article.tags))
    say()
    say(article.body)


def _compact(path: Path) -> None:
    """Rewrite the library without its unused pages, saying how long it may take and what it gave back."""
    import time

    with Library(path) as library:
        size = path.stat().st_size
        # 280 MB/s measured here from a warm cache (83 MB in 0.3 s); a cold disk is slower: 100 MB/s said.
        say(f"compacting the library ({_size(size)}, about {max(1, size // (100 * 2**20))} s) …")
        started = time.monotonic()
        freed, done = library.compact()
        took = f"compacted in {time.monotonic() - started:.1f} s"
        if done:
            say(f"{took}: {_size(max(0, freed))} given back")
        else:
            say(f"{took}; another program has the library open: the file shrinks once it closes it")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / (1024 * 1024):.1f} MB"


@needs_library
@main.command("backup")
@click.argument("path", type=FileName(dir_okay=False, path_type=Path))
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
        f"{plural(report.articles, 'article')}, {plural(report.highlights, 'highlight')})"
    )
    say(f"to restore it, quit the reader and run: reader --db {written} backup {library.path} --force")


_DAMAGED = (
    "The library is damaged. Keep the file as it is, make a copy with `reader backup --raw COPY`, "
    "and restore your latest good backup; until then reader opens it read-only."
)


@main.command("check")
@click.option("--reindex", is_flag=True, help="First build the search indexes afresh from the articles.")
@click.option("--compact", is_flag=True, help="First give back the file's unused space to the disk (VACUUM).")
@click.pass_context
def check_command(ctx: click.Context, reindex: bool, compact: bool) -> None:
    """Check the library for damage; show its schema version, counts and size (exit status 1 if damaged)."""
    path = ctx.find_root().params.get("db") or default_db_path()
    if not path.exists():
        raise click.ClickException(f"there is no library at {path}")
    if compact:
        _compact(path)
    if reindex:
        import time

        with Library(path) as library:
            count = library.count_articles()
            say(f"rebuilding the search indexes of {plural(count, 'article')} (about {max(1, count // 2000)} s) …")
            started = time.monotonic()
            library.rebuild_search_index()
            say(f"search indexes rebuilt in {time.monotonic() - started:.1f} s")
    try:
        library = Library(path, look_only=True)  # change nothing, not even by an upgrade
    except ReadError as error:
        from reader.store.errors import code

        if code(error.cause) != "SQLITE_CORRUPT":
            raise
        say(f"library     {path}")
        say("integrity   FAILED")
        say(f"            too damaged to open: {error.cause}")
        say(
            "The library cannot be opened. Keep the file as it is, make a copy with `reader backup --raw COPY`, "
            "and restore your latest good backup.",
            err=True,
        )
        ctx.exit(1)
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
    unused = report.unused or 0
    # Worth saying when it is a tenth of the file or more: deletions leave a little all the time.
    worth = report.ok and unused * 10 >= report.size  # a damaged library is not compacted
    hint = f" ({_size(unused)} unused: `reader check --compact` gives it back)" if worth else ""
    say(f"size        {_size(report.size)}{hint}")
    if not report.ok:
        say(_DAMAGED, err=True)
        ctx.exit(1)
