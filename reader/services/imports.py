"""Bring files into a library: walk paths, parse the files, store them a batch per transaction."""

from __future__ import annotations

import os
import stat
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from reader import importers, text, wording
from reader.importers import SUPPORTED_SUFFIXES
from reader.locations import resource_dir
from reader.store import Library, LibraryError
from reader.text import MAX_BYTES, InputError


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file: imported, updated, unchanged or refused (with the reason)."""

    path: Path
    status: str
    detail: str = ""  # the title, or why it was refused
    article_id: int | None = None


STATUSES = ("imported", "updated", "unchanged", "refused")


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


def clock(seconds: float) -> str:
    """A duration as 'm:ss' (or 'h:mm:ss')."""
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class Progress:
    """How far an import is: files and bytes done of the totals the walk found."""

    files_total: int
    bytes_total: int
    files_done: int = 0
    bytes_done: int = 0
    started: float = field(default_factory=time.monotonic)

    def rate(self, now: float | None = None) -> float:
        """Bytes per second so far (`now`: a time.monotonic() reading, else the current one)."""
        elapsed = (time.monotonic() if now is None else now) - self.started
        return self.bytes_done / elapsed if elapsed > 0 else 0.0

    def describe(self, now: float | None = None) -> str:
        """'120/1,000 files · 0.4/3.3 MB · 1.2 MB/s · 0:03 left' (the CLI's bar and the TUI's border)."""
        mb = 1024 * 1024
        left = self.seconds_left(now)
        return (
            f"{self.files_done:,}/{self.files_total:,} files"
            f" · {self.bytes_done / mb:.1f}/{self.bytes_total / mb:.1f} MB"
            f" · {self.rate(now) / mb:.1f} MB/s · {'…' if left is None else clock(left)} left"
        )

    def seconds_left(self, now: float | None = None) -> float | None:
        """The time left at the rate so far, or None before there is a rate."""
        rate = self.rate(now)
        if rate <= 0 or self.files_done == 0:
            return None
        return max(0.0, (self.bytes_total - self.bytes_done) / rate)


def read_limited(path: Path) -> bytes:
    """The bytes of a regular file, reading at most one byte past the size limit.

    Raises InputError for what is not a regular file (a FIFO would block forever, a device never ends).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError("no such file") from None
    except OSError as error:
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


# Files per transaction: one disk sync per batch instead of per file. The first batch is small so
# that the first lines come soon; they double up to BATCH_FILES files (or BATCH_BYTES of them). A
# batch is parsed before its transaction opens, so the write lock is held only while its rows are
# written. A batch's bytes bound the write-ahead log (about four times the text, with the indexes)
# and so the disk an import needs beyond the library it builds.
FIRST_BATCH = 50
BATCH_FILES = 1000
BATCH_BYTES = 4 * 1024 * 1024


def _parse_file(path: Path, encoding: str | None, real_path: Callable[[Path], str] | None = None):
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
        yield (item if isinstance(item, ImportResult) else _parse_file(item, encoding, real_path)), None


def _ignore_interrupts() -> None:
    import signal

    # Ctrl-C reaches the whole process group: the importing process handles it, and stops this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _parsed(
    items: list, encoding: str | None, real_path, *, ahead: bool
) -> Iterator[tuple[object, dict[str, str] | None]]:
    """Each item parsed, in order, with the folds of its texts when the parse process gave them.

    A large import (`ahead`) is parsed in a second process, a few chunks ahead; if that process
    cannot start or dies, the rest is parsed here, so no file is lost or read twice.
    """
    if not ahead or len(items) < PARSE_AHEAD_FROM or (os.cpu_count() or 1) < 2:
        yield from _parse_here(items, encoding, real_path)
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    done = 0
    try:
        # spawn, not fork: the TUI imports from a thread, and a forked child of a threaded process may hang.
        pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=_ignore_interrupts)
    except Exception:  # no second process here (a sandbox without semaphores): parse here
        yield from _parse_here(items, encoding, real_path)
        return
    head = min(len(items), _HEAD_FILES)
    try:
        chunks = (items[i : i + _CHUNK_FILES] for i in range(head, len(items), _CHUNK_FILES))
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


def _store(library: Library, path: Path, article) -> ImportResult:
    if article.raw is not None:  # a saved web page: its structure and the page itself are kept too
        from reader.store.feeds import FeedStore

        status, stored = FeedStore(library).save(article, content_type="text/html")
    else:
        with library.write():  # a Markdown file's structure goes in with its text, or neither does
            status, stored = library.add_article(article)
            if status != "unchanged":
                _structures(library, [(stored.id, article)])
    return ImportResult(path, status, stored.title, stored.id)


def _structures(library: Library, pairs: list) -> None:
    """Keep the structure of Markdown files beside their plain bodies (an unchanged file keeps its own)."""
    if any(a.blocks or a.spans for _, a in pairs):
        from reader.store.feeds import FeedStore

        FeedStore(library).set_structures(pairs)


def import_file(library: Library, path: Path, encoding: str | None = None) -> ImportResult:
    """Parse one file and store it; a refusal never raises, it is reported."""
    parsed = _parse_file(path, encoding)
    if isinstance(parsed, ImportResult):
        return parsed
    try:
        return _store(library, path, parsed)
    except LibraryError as error:
        return ImportResult(path, "refused", str(error))


class _BulkRefused(Exception):
    """The one-statement insert of a batch's plainly new files failed: the batch goes file by file."""


def _import_batch(
    library: Library, batch: list, *, bulk: bool = True, folded: dict[str, str] | None = None
) -> list[ImportResult]:
    """Store a batch of parsed files in one transaction.

    Files that are plainly new (most of a first import) go in first, with one INSERT, and are
    indexed in bulk. No savepoint guards them (it would double the cost of the insert): if that
    insert fails, the transaction, which holds nothing else yet, is rolled back and the batch is
    stored again file by file. The other files (updates, duplicates, tags, web pages) go one by
    one, each in a savepoint: a file the store refuses is undone alone. A failed COMMIT refuses
    the whole batch (nothing of it was saved). Results come back only after the COMMIT: a file
    reported is on disk.
    """
    results: list[ImportResult | None] = [p if isinstance(p, ImportResult) else None for _, p in batch]
    todo = [(i, path, p) for i, (path, p) in enumerate(batch) if results[i] is None]
    try:
        with library.write():
            plain = library.plain_new([p for _, _, p in todo]) if todo and bulk else [False] * len(todo)
            plainly_new = [(i, path, p) for (i, path, p), ok in zip(todo, plain, strict=True) if ok and p.raw is None]
            if plainly_new:
                try:
                    ids = library.add_plain_new([p for _, _, p in plainly_new], folded)
                    _structures(library, [(i, p) for i, (_, _, p) in zip(ids, plainly_new, strict=True)])
                except LibraryError as error:
                    raise _BulkRefused from error  # one of them is refused: each alone, to say which
                # Stored as parsed (one INSERT of these values): the titles need not be read back.
                for (i, path, parsed), article_id in zip(plainly_new, ids, strict=True):
                    results[i] = ImportResult(path, "imported", parsed.title, article_id)
            for i, path, parsed in todo:
                if results[i] is not None:
                    continue
                try:
                    with library.part():
                        results[i] = _store(library, path, parsed)
                except LibraryError as error:
                    if not library.conn.in_transaction:
                        raise  # SQLite undid the whole batch (a full disk): every file of it is refused
                    results[i] = ImportResult(path, "refused", str(error))
    except _BulkRefused:
        return _import_batch(library, batch, bulk=False)
    except LibraryError as error:
        return [
            parsed if isinstance(parsed, ImportResult) else ImportResult(path, "refused", str(error))
            for path, parsed in batch
        ]
    return results


class ImportRun:
    """One import: the paths walked first (the totals for progress, what was skipped), then stored."""

    def __init__(self, paths: Iterable[Path], encoding: str | None = None, *, parse_ahead: bool = False) -> None:
        self.encoding = encoding
        # A second process parses ahead only for the command line: the TUI's terminal and threads
        # are no place to start one (and there the import runs behind the screen anyway).
        self.parse_ahead = parse_ahead
        self.skipped = Skipped()
        self.items = list(walk(paths, self.skipped))
        sizes = [0 if isinstance(item, ImportResult) else _size(item) for item in self.items]
        self._sizes = sizes
        self.progress = Progress(files_total=len(self.items), bytes_total=sum(sizes))
        self.counts = dict.fromkeys(STATUSES, 0)

    def results(
        self,
        library: Library,
        batch_files: int = BATCH_FILES,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> Iterator[ImportResult]:
        """Import every file, one result per file in walk order, each after its batch is committed.

        `on_progress` is called after each file is read and parsed (in this thread).
        """
        parsed_items = _parsed(self.items, self.encoding, _RealPaths(), ahead=self.parse_ahead)
        with library.roomy_cache():
            yield from self._stored(library, parsed_items, batch_files, on_progress)

    def _stored(self, library: Library, parsed_items, batch_files: int, on_progress) -> Iterator[ImportResult]:
        batch: list = []
        folded: dict[str, str] = {}  # the batch's titles and bodies, folded by the parse process
        batch_bytes = 0
        limit = min(FIRST_BATCH, batch_files)
        for item, (parsed, folds), size in zip(self.items, parsed_items, self._sizes, strict=True):
            batch.append((item.path if isinstance(item, ImportResult) else item, parsed))
            folded.update(folds or ())
            batch_bytes += size
            self.progress.files_done += 1
            self.progress.bytes_done += size
            if on_progress is not None:
                on_progress(self.progress)
            if len(batch) >= limit or batch_bytes >= BATCH_BYTES:
                yield from self._counted(_import_batch(library, batch, folded=folded))
                batch, folded, batch_bytes, limit = [], {}, 0, min(limit * 2, batch_files)
        if batch:
            yield from self._counted(_import_batch(library, batch, folded=folded))

    def _counted(self, results: list[ImportResult]) -> Iterator[ImportResult]:
        for result in results:
            self.counts[result.status] += 1
            yield result

    def summary(self) -> list[str]:
        """The closing lines: what was skipped (if anything), then '3 files: 2 imported, …'."""
        counts = ", ".join(f"{n:,} {status}" for status, n in self.counts.items())
        skipped = self.skipped.line()
        return [*([skipped] if skipped else []), f"{wording.plural(sum(self.counts.values()), 'file')}: {counts}"]


def _size(path: Path) -> int:
    """The bytes a file will take to read: a file over the limit is refused unread, so it counts as none."""
    try:
        size = os.stat(path).st_size
    except (OSError, ValueError):
        return 0  # reading it will say why
    return size if size <= MAX_BYTES else 0


def result_line(result: ImportResult, shown_path: str) -> str:
    """One file's report line: 'imported   a.txt → #3 Title' or 'refused    b.txt: why'."""
    if result.status == "refused":
        return f"refused    {shown_path}: {result.detail}"
    return f"{result.status:<10} {shown_path} → #{result.article_id} {result.detail}"


def import_paths(
    library: Library,
    paths: Iterable[Path],
    encoding: str | None = None,
    batch_files: int = BATCH_FILES,
    *,
    parse_ahead: bool = False,
) -> Iterator[ImportResult]:
    """Import every file under the paths, one result per file, in walk order; a batch per transaction."""
    return ImportRun(paths, encoding, parse_ahead=parse_ahead).results(library, batch_files)


def add_sample_articles(library: Library) -> list[ImportResult]:
    """Import the sample articles a new user sees first."""
    return list(import_paths(library, [resource_dir("sample_data")]))
