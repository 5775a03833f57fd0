"""Commands on deleting: delete, trash (list or empty it), restore."""

from __future__ import annotations

import json

import click

from reader.cli import _library, main, needs_library, say
from reader.store import LibraryError
from reader.wording import plural


def _each(ctx, article_ids, act, line) -> None:
    """Do `act(id)` for each id (once each), printing `line(result)`; an error is said and the rest go on."""
    failed = False
    for article_id in dict.fromkeys(article_ids):
        try:
            result = act(article_id)
        except LibraryError as error:
            say(f"Error: {error}", err=True)
            failed = True
            continue
        say(line(result))
    if failed:
        ctx.exit(1)


@needs_library  # nothing to delete in a library that does not exist: say so, create nothing
@main.command("delete")
@click.argument("article_ids", nargs=-1, required=True, type=int)
@click.pass_context
def delete_command(ctx, article_ids) -> None:
    """Move articles to the trash, with their highlights, notes and tags (`reader restore ID` brings one back)."""

    def line(entry) -> str:
        kept = f", with {plural(entry.highlights, 'highlight')}" if entry.highlights else ""
        return f"trashed    #{entry.id} {entry.title}{kept}"

    _each(ctx, article_ids, _library(ctx).trash_article, line)


@needs_library
@main.command("restore")
@click.argument("article_ids", nargs=-1, required=True, type=int)
@click.pass_context
def restore_command(ctx, article_ids) -> None:
    """Bring articles back from the trash, with their highlights, notes, tags and reading place."""

    def line(restored) -> str:
        moved = f" (its id #{restored.old_id} was taken meanwhile)" if restored.id != restored.old_id else ""
        return f"restored   #{restored.id} {restored.title}{moved}"

    _each(ctx, article_ids, _library(ctx).restore_article, line)


@needs_library
@main.command("trash")
@click.option("--empty", is_flag=True, help="Remove every article in the trash for good.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_context
def trash_command(ctx, empty, as_json) -> None:
    """List the deleted articles (newest first), or empty the trash with --empty."""
    library = _library(ctx)
    if empty:
        removed = library.empty_trash()
        say(f"Removed {plural(removed, 'article')} from the trash for good." if removed else "The trash is empty.")
        return
    entries = library.trashed()
    if as_json:
        rows = [{"id": e.id, "title": e.title, "deleted": e.deleted_at, "highlights": e.highlights} for e in entries]
        say(json.dumps(rows, ensure_ascii=False))
        return
    if not entries:
        say("The trash is empty.")
        return
    for e in entries:
        noted = f" · {plural(e.highlights, 'highlight')}" if e.highlights else ""
        say(f"#{e.id:<6} {e.deleted_at[:16].replace('T', ' ')}  {e.title}{noted}")
