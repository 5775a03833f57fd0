"""Commands for a notes vault: sync, and open the reader on a passage a note links to."""

from __future__ import annotations

from pathlib import Path

import click

from reader.cli import (
    FileName,
    _article,
    _library,
    main,
    needs_library,
    plural,
    refuse_without_a_terminal,
    run_app,
    say,
    shown_path,
)
from reader.cli.notes import STYLE_HELP, _colours
from reader.model import HIGHLIGHT_FORMS


@needs_library
@main.command("sync")
@click.argument("vault", required=False, type=FileName(file_okay=False, path_type=Path))
@click.option("--folder", help="Sub-folder of the vault for new notes (default: the vault itself).")
@click.option("--name", "pattern", help="File-name pattern of new notes: {date} {slug} {title} {id}.")
@click.option("--color", "colors", help="Only highlights of these colours, e.g. 1,3. Remembered with the vault.")
@click.option("--only-noted", is_flag=True, help="Only highlights that carry a note. Remembered with the vault.")
@click.option("--all-highlights", is_flag=True, help="Forget the remembered --color and --only-noted.")
@click.option("--accept-deletes", is_flag=True, help="Delete from the library the highlights deleted in the vault.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--style", "form", type=click.Choice(HIGHLIGHT_FORMS), help=STYLE_HELP + " Remembered with the vault.")
@click.pass_context
def sync_command(
    ctx, vault, folder, pattern, colors, only_noted, all_highlights, accept_deletes, dry_run, form
) -> None:
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
    if form is not None:
        options.form = form
    if all_highlights:
        options.colors, options.only_noted = None, False
    if colors is not None:
        options.colors = _colours(colors)
    if only_noted:
        options.only_noted = True
    options.accept_deletes, options.dry_run = accept_deletes, dry_run
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
        f"{shown_path(vault)}: {plural(len(report.created), 'note')} {would}created, "
        f"{len(report.updated)} {would}updated, {report.unchanged} unchanged; "
        f"{plural(len(report.read_back), 'edit')} {would}read back, {plural(len(report.conflicts), 'conflict')}"
        + (" (dry run: nothing was written)" if dry_run else "")
    )
    if report.problems:
        ctx.exit(1)


@needs_library
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
    refuse_without_a_terminal()
    from reader.ui.app import make_app

    run_app(make_app(library, open_at=(article_id, highlight_id)), library)
