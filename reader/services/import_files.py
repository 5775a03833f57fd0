"""Find and read the files an import brings in: walk folders, read within limits, parse (in a second process when many)."""

from __future__ import annotations

import errno
import os
import stat
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from reader import importers, text, wording
from reader.importers import SUPPORTED_SUFFIXES
from reader.text import MAX_BYTES, InputError


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file: imported, updated, unchanged or refused (with the reason)."""

    path: Path
    status: str
    detail: str = ""  # the title, or why it was refused
    article_id: int | None = None


@dataclass
class Skipped:
    """What a folder import passed over on purpose, so that its summary can say so."""

    kinds: Counter = field(default_factory=Counter)  # files of other kinds, by extension ("" for none)
    broken: list[Path] = field(default_factory=list)  # links to nothing
    folder_links: list[Path] = field(default_factory=list)  # links to folders: not followed
    hidden: list[Path] = field(default_factory=list)  # dot-files and dot-folders

    def line(self) -> str:
        """'skipped: 2 files of other kinds (.jpg, .pdf), 1 broken link (a.md)', or '' if nothing was."""
        parts = []
        if self.kinds:
            common = sorted(self.kinds.items(), key=lambda kind: (-kind[1], kind[0]))[:_NAMED]
            kinds = ", ".join(k or "no extension" for k, _ in common)
            more = ", …" if len(self.kinds) > _NAMED else ""
            noun = wording.plural(self.kinds.total(), "file of another kind", "files of other kinds")
            parts.append(f"{noun} ({kinds}{more})")
        for paths, noun, nouns in (
            (self.broken, "broken link", None),
            (self.folder_links, "link to a folder (not followed)", "links to folders (not followed)"),
            (self.hidden, "hidden file or folder", "hidden files and folders"),
        ):
            if paths:
                shown = sorted(paths)[:_NAMED]
                names = ", ".join(wording.one_line(str(p)) for p in shown) + (", …" if len(paths) > _NAMED else "")
                parts.append(f"{wording.plural(len(paths), noun, nouns)} ({names})")
        return "skipped: " + ", ".join(parts) if parts else ""


_NAMED = 3  # names shown per kind of skip; the rest are counted


def walk(paths: Iterable[Path], skipped: Skipped | None = None) -> Iterator[Path | ImportResult]:
    """Files named directly, and the .txt/.md/.html files under folders (recursively, sorted).

    Under a folder, dot-files and dot-folders, files of other kinds, broken links and links to
    folders are passed over and noted in `skipped`. A folder that cannot be listed comes out as a
    refusal, so nothing is skipped silently.
    """
    skipped = skipped if skipped is not None else Skipped()
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        found: list[Path] = []
        errors: list[OSError] = []
        folders = [path]
        while folders:
            folder = folders.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = list(listing)
            except OSError as error:
                errors.append(error)
                continue
            for entry in entries:
                _sort_entry(Path(folder, entry.name), entry, found, folders, skipped)
        for error in errors:
            yield ImportResult(Path(error.filename or path), "refused", f"cannot read the folder: {error.strerror}")
        yield from sorted(found)


def _sort_entry(path: Path, entry: os.DirEntry, found: list, folders: list, skipped: Skipped) -> None:
    """Put one folder entry where it belongs: a file to import, a folder to list, or a skip."""
    if entry.name.startswith("."):
        skipped.hidden.append(path)
        return
    try:
        is_dir = entry.is_dir()  # follows a link
    except OSError:
        is_dir = False
    if entry.is_symlink():
        if is_dir:
            skipped.folder_links.append(path)
            return
        if not os.path.exists(path):
            skipped.broken.append(path)
            return
    if is_dir:
        folders.append(path)
    elif (suffix := os.path.splitext(entry.name)[1].lower()) in SUPPORTED_SUFFIXES:
        found.append(path)
    else:
        skipped.kinds[suffix] += 1


def read_limited(path: Path) -> bytes:
    """The bytes of a regular file, reading at most one byte past the size limit.

    Raises InputError for what is not a regular file (a FIFO would block forever, a device never ends).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError("no such file") from None
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket (or a device with nothing behind it) cannot be opened
            raise InputError("not a regular file (a pipe, socket or device)") from None
        raise InputError(error.strerror or str(error)) from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file (a pipe, socket or device)")
        if info.st_size > MAX_BYTES:
            raise InputError(text.too_large(info.st_size))
        return file.read(MAX_BYTES + 1)


def parse_file(path: Path, encoding: str | None, real_path: Callable[[Path], str] | None = None):
    """The parsed article of a file, or the ImportResult refusing it."""
    try:
        os.fsencode(str(path)).decode("utf-8")
    except UnicodeDecodeError:
        return ImportResult(path, "refused", "the file name is not valid UTF-8 (rename the file)")
    try:
        data = read_limited(path)
    except InputError as error:
        return ImportResult(path, "refused", str(error))
    except OSError as error:
        return ImportResult(path, "refused", error.strerror or str(error))
    try:
        article = importers.parse(data, path.name, encoding=encoding)
    except InputError as error:
        return ImportResult(path, "refused", str(error))
    article.path = real_path(path) if real_path else str(path.resolve())
    return article


# A large import parses in a second process while this one stores: on two cores the parsing, and
# the folding of each body for the search index, then take no time of their own. Below this many
# files, starting that process (~0.2 s) would cost more than it saves.
PARSE_AHEAD_FROM = 1000
_CHUNK_FILES = 64  # files sent to the parse process at a time
_CHUNKS_AHEAD = 32  # chunks asked for at once: about two batches ahead, a few MB of text held
_HEAD_FILES = 512  # parsed here first, while the other process starts (about a fifth of a second)


def _parse_chunk(items: list, encoding: str | None) -> list[tuple[object, dict[str, str] | None]]:
    """(In the parse process.) Each item parsed (or its refusal), with its title and body folded for the index."""
    return [
        (p, None if isinstance(p, ImportResult) else {t: text.fold(t) for t in (p.title, p.body)})
        for p, _ in _parse_here(items, encoding, _RealPaths())
    ]


def _parse_here(items: list, encoding: str | None, real_path) -> Iterator[tuple[object, dict[str, str] | None]]:
    for item in items:
        yield (item if isinstance(item, ImportResult) else parse_file(item, encoding, real_path)), None


def _start_child(quiet: bool) -> None:
    """(In the parse process, first.) Leave Ctrl-C to the importing process; under a screen, say nothing."""
    import signal

    # Ctrl-C reaches the whole process group: the importing process handles it, and stops this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if quiet:  # the terminal is the TUI's: a stray line from this process would land on its screen
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)


def _has_a_descriptor(stream) -> bool:
    try:
        return stream is not None and stream.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        return False


@contextmanager
def _stderr_with_a_descriptor() -> Iterator[None]:
    """sys.stderr as multiprocessing needs it to start a process: with a file descriptor.

    Textual replaces it with a capture whose fileno() is -1, and starting then fails ("bad value(s)
    in fds_to_keep"). For that moment it is the null device; nothing else prints meanwhile.
    """
    with _SWAPPING:  # one import thread at a time swaps it
        if _has_a_descriptor(sys.stderr):
            yield
            return
        saved = sys.stderr
        with open(os.devnull, "w") as devnull:
            sys.stderr = devnull
            try:
                yield
            finally:
                if sys.stderr is devnull:  # not if Textual, closing meanwhile, put back its own
                    sys.stderr = saved


_SWAPPING = threading.Lock()


def _main_can_be_spawned() -> bool:
    """True unless the program's main module is a file that is not there (`python - < script`).

    A spawned process first runs the parent's main file again: one read from standard input
    cannot be, and the attempt would print a traceback before the import fell back to one process.
    """
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    return path is None or os.path.exists(path)


def parse_all(items: list, encoding: str | None, *, ahead: bool) -> Iterator[tuple[object, dict[str, str] | None]]:
    """Each item parsed, in order, with the folds of its texts when the parse process gave them.

    A large import (`ahead`) is parsed in a second process, a few chunks ahead; if that process
    cannot start or dies, the rest is parsed here, so no file is lost or read twice.
    """
    real_path = _RealPaths()
    if not ahead or len(items) < PARSE_AHEAD_FROM or (os.cpu_count() or 1) < 2 or not _main_can_be_spawned():
        yield from _parse_here(items, encoding, real_path)
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    done = 0
    quiet = not _has_a_descriptor(sys.stderr)  # under the TUI's screen
    try:
        with _stderr_with_a_descriptor():
            # spawn, not fork: the TUI imports from a thread, and a forked child of a threaded process may hang.
            pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=_start_child, initargs=(quiet,))
    except Exception:  # no second process here (a sandbox without semaphores): parse here
        yield from _parse_here(items, encoding, real_path)
        return
    head = min(len(items), _HEAD_FILES)
    try:
        chunks = (items[i : i + _CHUNK_FILES] for i in range(head, len(items), _CHUNK_FILES))
        with _stderr_with_a_descriptor():  # the first chunk starts the process
            pending = deque(pool.submit(_parse_chunk, chunk, encoding) for chunk in islice(chunks, _CHUNKS_AHEAD))
        for pair in _parse_here(items[:head], encoding, real_path):  # while the other process starts
            yield pair
            done += 1
        while pending:
            chunk_parsed = pending.popleft().result()
            pending.extend(pool.submit(_parse_chunk, chunk, encoding) for chunk in islice(chunks, 1))
            for pair in chunk_parsed:
                yield pair
                done += 1
    except Exception:  # it could not start (BrokenProcessPool, OSError, ValueError) or died: the rest here
        yield from _parse_here(items[done:], encoding, real_path)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _RealPaths:
    """Absolute paths with links resolved, as Path.resolve() gives them, resolving each folder once."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: Path) -> str:
        if path.is_symlink():
            return str(path.resolve())
        folder = str(path.parent)
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder)
        return os.path.join(real, path.name)


def file_size(path: Path) -> int:
    """The bytes a file will take to read: a file over the limit is refused unread, so it counts as none."""
    try:
        size = os.stat(path).st_size
    except (OSError, ValueError):
        return 0  # reading it will say why
    return size if size <= MAX_BYTES else 0
