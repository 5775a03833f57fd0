"""Commands on notes: highlight, notes, export, import-annotations, colours."""

from __future__ import annotations

from pathlib import Path

import click

from reader import text
from reader.cli import FileName, _article, _library, main, needs_library, plural, say, say_pieces, shown_path
from reader.model import HIGHLIGHT_FORMS, Highlight, NoteStyle
from reader.store import Library, LibraryError

STYLE_HELP = "Highlights as quote, callout (Obsidian, per colour) or mark (==text==); default: reader colors style."


@needs_library
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
    if not quote.strip():
        raise click.ClickException("the quote is empty: give the words to highlight")
    from reader.cli.tags import typed_tags

    tags = typed_tags(tags)
    starts = find_all(article.body, quote)
    if not starts:
        raise click.ClickException(f"the quote is not in article {article_id}")
    if occurrence is None and len(starts) > 1:
        raise click.ClickException(
            f"the quote occurs {len(starts)} times in article {article_id}; choose one with --occurrence 1..{len(starts)}"
        )
    index = (1 if occurrence is None else occurrence) - 1
    if not 0 <= index < len(starts):
        allowed = "1: the quote occurs once" if len(starts) == 1 else f"between 1 and {len(starts)}"
        raise click.ClickException(f"--occurrence must be {allowed}")
    start = starts[index]
    highlight, _ = highlight_span(
        library, article_id, start, start + len(quote), color=color, note=note, tags=tags, reuse=False
    )
    say(f"highlight #{highlight.id} in article {article_id}: “{highlight.quote}”")


def _file_in(folder: Path) -> Path:
    """The first part of a folder's path that is a file (what stops the folder being made)."""
    for part in reversed([folder, *folder.parents]):
        if part.exists() and not part.is_dir():
            return part
    return folder


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


@needs_library
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
        import json

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


@needs_library
@main.command("export")
@click.option(
    "--article",
    "article_ids",
    type=click.IntRange(1, 2**63 - 1),
    multiple=True,
    help="Export this article (repeatable).",
)
@click.option("--tag", help="Only notes tagged T (an article with the tag brings all its highlights).")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="DATE",
    help="Only highlights changed since DATE (YYYY-MM-DD).",
)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option(
    "-o",
    "--output",
    type=FileName(),
    help="A file, or a folder (ending in / or existing) for one file per article. Default: stdout.",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.option("--color", "colors", help="Only highlights of these colours, e.g. 1,3.")
@click.option("--only-noted", is_flag=True, help="Only highlights that carry a note.")
@click.option("--style", "form", type=click.Choice(HIGHLIGHT_FORMS), help=STYLE_HELP)
@click.option("--pretty", is_flag=True, help="With --format json: indent the JSON (default: one annotation a line).")
@click.pass_context
def export_command(ctx, article_ids, tag, since, fmt, output, force, colors, only_noted, form, pretty) -> None:
    """Export notes and highlights as Markdown or W3C Web Annotation JSON.

    The export is written as the articles are read: the first appear at once, and none is held.
    """
    from itertools import chain

    from reader.services import export as exporting

    if pretty and fmt != "json":
        raise click.UsageError("--pretty indents JSON: give --format json too")
    library = _library(ctx)
    since_text = since.date().isoformat() if since else None
    try:
        items = exporting.selected(
            library, list(article_ids), tag=tag, since=since_text, colors=_colours(colors), only_noted=only_noted
        )
        first = next(items, None)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    look = {"colour_names": library.colour_names(), "style": note_style(library, form)}
    if first is None:
        say("Nothing to export.", err=True)
        if fmt == "json" and output is None:  # still a document for the script reading it: no items
            say_pieces(exporting.render_stream(iter(()), fmt, pretty=pretty, **look))
        return
    count = 0

    def counted():
        nonlocal count
        for item in chain([first], items):
            count += 1
            yield item

    if output is None:
        say_pieces(exporting.render_stream(counted(), fmt, pretty=pretty, **look))
        return
    wants_folder = output.endswith(("/", "\\"))  # checked before Path() drops the slash
    output = Path(output)
    try:
        if wants_folder or output.is_dir():
            for w in exporting.write_files(counted(), output, fmt, force=force, **look):
                say(f"wrote {w.path}")
        else:
            from reader.fs import write_atomic

            try:
                output.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):  # a file stands where a folder of the path should be
                raise click.ClickException(
                    f"cannot write {shown_path(output)}: {shown_path(_file_in(output.parent))} is a file, not a folder"
                ) from None
            pieces = exporting.render_stream(counted(), fmt, pretty=pretty, **look)
            write_atomic(output, pieces, force=force)
            say(f"wrote {output} ({plural(count, 'article')})")
    except FileExistsError as error:
        raise click.ClickException(f"{shown_path(str(error))}; use --force to overwrite it") from error
    except (OSError, ValueError) as error:
        raise click.ClickException(f"could not write the export: {error}") from error


@needs_library
@main.command("import-annotations")
@click.argument("file", type=FileName(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_annotations_command(ctx: click.Context, file: Path) -> None:
    """Read W3C Web Annotation JSON (from `reader export --format json`) into this library."""
    from reader.services.annotations import import_annotations
    from reader.services.import_files import read_limited

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
    say(f"{plural(len(results), 'annotation')}: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    if counts.get("skipped"):
        ctx.exit(1)


def note_style(library: Library, form: str | None) -> NoteStyle:
    """The library's note style, with the form a --style option asks for."""
    style = library.note_style()
    return style if form is None else NoteStyle(form, style.callouts)


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


@needs_library
@main.group("colors", invoke_without_command=True)
@click.pass_context
def colors_group(ctx: click.Context) -> None:
    """Name the highlight colours (1-5) once; exports, vault notes and the reader show the names."""
    if ctx.invoked_subcommand is None:
        from reader.model import COLOUR_NAMES

        library = _library(ctx)
        names, style = library.colour_names(), library.note_style()
        for color in range(1, 6):
            named = f"  ({COLOUR_NAMES[color]})" if color in names else ""
            callout = f"  callout: {style.callout(color)}" if style.form == "callout" else ""
            say(f"{color}  {names.get(color, COLOUR_NAMES[color])}{named}{callout}")
        say(f"Markdown shows highlights as: {style.form} (reader colors style quote|callout|mark)")


@needs_library
@colors_group.command("set")
@click.argument("color", type=click.IntRange(1, 5))
@click.argument("name")
@click.pass_context
def colors_set(ctx: click.Context, color: int, name: str) -> None:
    """Call colour COLOR by NAME (an empty NAME gives back its default)."""
    stored = _library(ctx).set_colour_name(color, name)
    say(f"colour {color}: {stored}" if stored else f"colour {color}: its default name again")


@needs_library
@colors_group.command("style")
@click.argument("form", type=click.Choice(HIGHLIGHT_FORMS))
@click.pass_context
def colors_style(ctx: click.Context, form: str) -> None:
    """Show highlights in exports and vault notes as quote, callout or mark.

    quote: a blockquote (the default); callout: an Obsidian callout of the colour's type, titled with
    its name (`> [!tip] key claim`); mark: ==highlighted== text. Vault notes follow at the next sync.
    """
    _library(ctx).set_note_form(form)
    say(f"highlights in Markdown: {form}")


@needs_library
@colors_group.command("callout")
@click.argument("color", type=click.IntRange(1, 5))
@click.argument("callout")
@click.pass_context
def colors_callout(ctx: click.Context, color: int, callout: str) -> None:
    """Give colour COLOR an Obsidian callout type (empty: its default).

    CALLOUT is one of Obsidian's (note, tip, info, success, question, warning, danger, example,
    quote, …) or one of your own CSS. The defaults follow the colours: warning, success, info, danger,
    example.
    """
    try:
        stored = _library(ctx).set_callout(color, callout)
    except LibraryError as error:
        raise click.ClickException(str(error)) from error
    style = _library(ctx).note_style()
    say(f"colour {color}: callout {style.callout(color)}" + ("" if stored else " (its default)"))
    if style.form != "callout":
        say("(shown once highlights are callouts: reader colors style callout)")
