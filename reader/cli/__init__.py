"""The `reader` command: with no subcommand it opens the TUI; the subcommands script the library.

This module holds the group, its error handling and the helpers every command uses (`say` prints,
sanitised); the commands live beside it, one module per area.
"""

from __future__ import annotations

import io
from pathlib import Path

import click

from reader import __version__, text
from reader.model import Article
from reader.store import Library, LibraryError, default_db_path


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


# -- feeds and web pages (issue 10) ----------------------------------------------------------


# The commands register themselves on `main` when their modules load.
from reader.cli import articles, feeds, notes, trash, vault  # noqa: E402, F401
