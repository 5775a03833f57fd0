"""Bring files into a library: store the files import_files found and parsed, a batch per transaction."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader import wording
from reader.locations import resource_dir
from reader.services.import_files import ImportResult, Skipped, file_size, parse_all, parse_file, walk
from reader.store import Library, LibraryError

STATUSES = ("imported", "updated", "unchanged", "refused")


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


# Files per transaction: one disk sync per batch instead of per file. The first batch is small so
# that the first lines come soon; they double up to BATCH_FILES files (or BATCH_BYTES of them). A
# batch is parsed before its transaction opens, so the write lock is held only while its rows are
# written. A batch's bytes bound the write-ahead log (about four times the text, with the indexes)
# and so the disk an import needs beyond the library it builds.
FIRST_BATCH = 50
BATCH_FILES = 1000
BATCH_BYTES = 4 * 1024 * 1024


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
    parsed = parse_file(path, encoding)
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
        # A second process parses ahead when the caller asks: the command line and the TUI do, for
        # large imports (reader.services.import_files.PARSE_AHEAD_FROM files or more).
        self.parse_ahead = parse_ahead
        self.skipped = Skipped()
        self.items = list(walk(paths, self.skipped))
        sizes = [0 if isinstance(item, ImportResult) else file_size(item) for item in self.items]
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
        parsed_items = parse_all(self.items, self.encoding, ahead=self.parse_ahead)
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
