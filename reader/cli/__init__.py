"""The `reader` command: with no subcommand it opens the TUI; the subcommands script the library.

This module holds the group, its error handling and the helpers every command uses (`say` prints,
sanitised); the commands live beside it, one module per area.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reader import __version__, text, wording
from reader.locations import default_db_path
from reader.store.errors import LibraryError

if TYPE_CHECKING:
    from reader.model import Article
    from reader.store import Library


def say(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print to the terminal; outside text in it (file names, titles, queries, errors) is sanitised first."""
    # Escape sequences pass through pipes too, so this holds whatever stdout is.
    click.echo(text.sanitise(str(message)), err=err, nl=nl)


def say_pieces(pieces, size: int = 500) -> None:
    """Print text that comes in pieces (each with its own line ends) as it comes, a group of pieces a write.

    A group goes out when it is full or a fiftieth of a second old, and the first piece at once: a
    reader of the pipe sees the first rows without waiting, and a long output is still few writes.
    """
    from time import monotonic

    group: list[str] = []
    written = None
    for piece in pieces:
        group.append(piece)
        if written is None or len(group) >= size or monotonic() - written >= 0.02:
            say("".join(group), nl=False)
            group.clear()
            written = monotonic()
    if group:
        say("".join(group), nl=False)


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 article', '2 articles': the count with its noun in the right number."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def shown_path(path: Path | str) -> str:
    """A file name as one printable line: controls removed, undecodable bytes and newlines made visible."""
    return wording.one_line(str(path))


def _add_samples(library: Library) -> None:
    from reader.services.imports import add_sample_articles  # the importers load YAML and Markdown parsers

    add_sample_articles(library)


def needs_library(command: click.Command) -> click.Command:
    """Mark a command that reads or changes what a library holds: given a --db file that does not exist,
    it says so instead of creating one (an empty library made there would only hide a mistyped name)."""
    command.needs_library = True  # type: ignore[attr-defined]
    return command


def _holds_nothing(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False  # unreadable: opening it gives the reason


def open_library(db: Path | None, *, create: bool = True) -> Library:
    """Open the chosen library, or the default one (which starts out holding the sample articles).

    A --db file that does not exist is created only if `create`; a new one is announced on stderr.
    """
    if db is not None and (str(db) in (":memory:", "") or str(db).startswith("file:")):
        raise LibraryError(
            f"--db {shown_path(db)} is not a library file: what is written there would vanish when the "
            "command ends. Give the name of a file."
        )
    path = db or default_db_path()
    new = db is not None and _holds_nothing(path)
    if new and not create:
        # An empty library made here would only hide a mistyped name.
        what = (
            f"{shown_path(path)} is empty (0 bytes)" if path.exists() else f"there is no library at {shown_path(path)}"
        )
        raise LibraryError(f"{what}; a command that adds something (import, add, feed add, feed import) creates one")
    # The sample articles go in with the schema, in the transaction that creates the default library:
    # a second reader started at the same moment waits for it, and sees them too.
    from reader.store import Library  # here, not at the top: `reader --help` needs no library

    library = Library(path, on_create=_add_samples if db is None else None)
    if new:
        say(f"Created a new library at {shown_path(path)}", err=True)
    if library.upgrade_backup:
        say(f"upgraded the library; its state before the upgrade is saved in {library.upgrade_backup}", err=True)
    if library.upgrade_undo:
        say(
            f"upgraded the library; for an older reader to open it again: sqlite3 {library.path} < {library.upgrade_undo}",
            err=True,
        )
    if library.read_only:
        say(f"note: the library is open read-only ({library.read_only_reason}); nothing can be saved", err=True)
    return library


def _library(ctx: click.Context) -> Library:
    """The library for this invocation, opened once and closed when the command ends."""
    root = ctx.find_root()
    if "library" not in root.meta:
        create = not getattr(ctx.command, "needs_library", False)
        root.meta["library"] = library = open_library(root.params.get("db"), create=create)
        root.call_on_close(library.close)
    return root.meta["library"]


def _article(library: Library, article_id: int) -> Article:
    article = library.get_article(article_id)
    if article is None:
        raise click.ClickException(f"no article with id {article_id} (see `reader list`)")
    return article


def run_app(app, library: Library) -> None:
    """Run the reader's screen; quit while feeds are being fetched, end the process at once.

    The fetching threads would otherwise hold the exit (a blank screen) until the slowest server
    answered or timed out. Every change of the user's is committed before the app lets itself quit;
    the update's own writes are each one transaction, done again by the next update if cut short.
    """
    app.run()
    if app.left_fetching and not app.damage:
        import os

        library.close()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(app.return_code or 0)


def refuse_without_a_terminal() -> None:
    """Refuse to start the screen unless standard input and output are a terminal (not a pipe or a file)."""
    # Without one, the screen's escape codes would land in a file and the app would wait for keys forever.
    missing = [name for name, stream in (("input", sys.stdin), ("output", sys.stdout)) if not _is_terminal(stream)]
    if missing:
        raise click.ClickException(
            f"the reader's screen needs a terminal, and standard {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not one; in a script, use its commands (see `reader --help`)"
        )


def _check_readable(path: Path) -> None:
    """Read what the reader reads first, on this thread's own connection (a LibraryError if damaged)."""
    from reader.store import Library

    with Library(path) as library:
        library.check_readable()


def _is_terminal(stream) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # closed, or replaced by something that is not a file
        return False


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


# The module that defines each command, so that a command loads only its own (the commands of a
# module register themselves on `main` when it is imported). A name not listed loads them all.
_COMMAND_MODULES = {
    **dict.fromkeys(("import", "list", "search", "show", "backup", "check"), "articles"),
    **dict.fromkeys(("highlight", "notes", "export", "import-annotations", "colors"), "notes"),
    **dict.fromkeys(("tag", "tags"), "tags"),
    **dict.fromkeys(("feed", "add", "reextract"), "feeds"),
    **dict.fromkeys(("sync", "open"), "vault"),
    **dict.fromkeys(("delete", "restore", "trash"), "trash"),
}


def _load_commands(name: str | None = None) -> None:
    """Import the module defining command `name` (every module of this package if None or not listed)."""
    from importlib import import_module

    if name in _COMMAND_MODULES:
        modules = [_COMMAND_MODULES[name]]
    else:
        from pkgutil import iter_modules

        modules = sorted(m.name for m in iter_modules(__path__) if not m.name.startswith("_"))
    for module in modules:
        import_module(f"reader.cli.{module}")


class ReaderGroup(click.Group):
    """A click group that shows any library error as a one-line message with exit status 1."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self is main and cmd_name not in self.commands:
            _load_commands(cmd_name)
            if cmd_name not in self.commands:
                _load_commands()  # a command of a module not listed yet
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        if self is main:
            _load_commands()
        return super().list_commands(ctx)

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


class FileName(click.Path):
    """A click.Path that refuses an empty name, which pathlib reads as the current folder."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and value == "":
            self.fail("an empty name is not a file or folder (an unset variable?)", param, ctx)
        return super().convert(value, param, ctx)


@click.group(cls=ReaderGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=FileName(dir_okay=False, path_type=Path),
    help="Library file to use (default: library.db in $READER_HOME or the user data directory).",
)
@click.version_option(__version__, prog_name="reader")
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """Read, highlight and annotate news articles in the terminal.

    Run `reader` alone to open the reader on your library.
    """
    if ctx.invoked_subcommand is None:
        refuse_without_a_terminal()
        library = _library(ctx)
        from concurrent.futures import ThreadPoolExecutor  # loaded by asyncio for Textual anyway

        # A damaged library gets its sentence here, not a broken screen. The check reads what the first
        # screen reads (and a small library's whole list): on a connection of its own, while Textual is
        # imported, since SQLite lets go of the interpreter while it reads.
        with ThreadPoolExecutor(1) as pool:
            checked = pool.submit(_check_readable, library.path)
            from reader.ui.app import make_app  # Textual is imported only here, so other commands start fast

            checked.result()  # its LibraryError, if the library is damaged
        app = make_app(library)
        run_app(app, library)
        if app.damage:  # found once the screen was up (a large library's whole list): said the same way
            raise LibraryError(app.damage)
