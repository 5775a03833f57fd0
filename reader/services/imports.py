"""Bring files into a library: walk paths, parse the files, store them a batch per transaction."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader import importers
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


def walk(paths: Iterable[Path]) -> Iterator[Path | ImportResult]:
    """Files named directly, and the .txt/.md/.html files under folders (recursively, sorted).

    A folder that cannot be listed comes out as a refusal, so nothing is skipped silently.
    """
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        found: list[Path] = []
        errors: list[OSError] = []
        for folder, _dirs, files in os.walk(path, onerror=errors.append):
            found.extend(Path(folder, name) for name in files if Path(name).suffix.lower() in SUPPORTED_SUFFIXES)
        for error in errors:
            yield ImportResult(Path(error.filename or path), "refused", f"cannot read the folder: {error.strerror}")
        yield from sorted(found)


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
            megabytes = info.st_size / (1024 * 1024)
            raise InputError(f"file is {megabytes:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB")
        return file.read(MAX_BYTES + 1)


# Files per transaction: one disk sync per batch instead of per file; a batch is parsed before its
# transaction opens, so the write lock is held only while its rows are written.
BATCH_FILES = 200


def _parse_file(path: Path, encoding: str | None):
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
    article.path = str(path.resolve())
    return article


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


def _import_batch(library: Library, batch: list) -> list[ImportResult]:
    """Store a batch of parsed files in one transaction.

    Files that are plainly new (most of a first import) go in with one INSERT and are indexed in
    one statement; the others (updates, duplicates, tags, web pages) one by one, each in a
    savepoint: a file the store refuses is undone alone. A failed COMMIT refuses the whole batch
    (nothing of it was saved). Results come back only after the COMMIT: a file reported is on disk.
    """
    results: list[ImportResult | None] = [p if isinstance(p, ImportResult) else None for _, p in batch]
    todo = [(i, path, p) for i, (path, p) in enumerate(batch) if results[i] is None]
    try:
        with library.write():
            plain = library.plain_new([p for _, _, p in todo]) if todo else []
            bulk = [(i, path, p) for (i, path, p), ok in zip(todo, plain, strict=True) if ok and p.raw is None]
            if bulk:
                try:
                    with library.part():
                        ids = library.add_plain_new([p for _, _, p in bulk])
                        _structures(library, [(i, p) for i, (_, _, p) in zip(ids, bulk, strict=True)])
                    titles = {s.id: s.title for s in library.get_summaries(ids)}
                    for (i, path, _), article_id in zip(bulk, ids, strict=True):
                        results[i] = ImportResult(path, "imported", titles.get(article_id, ""), article_id)
                except LibraryError:
                    if not library.conn.in_transaction:
                        raise
                    # One of them is refused: each goes on its own below, to say which.
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
    except LibraryError as error:
        return [
            parsed if isinstance(parsed, ImportResult) else ImportResult(path, "refused", str(error))
            for path, parsed in batch
        ]
    return results


def import_paths(
    library: Library, paths: Iterable[Path], encoding: str | None = None, batch_files: int = BATCH_FILES
) -> Iterator[ImportResult]:
    """Import every file under the paths, one result per file, in walk order; a batch per transaction."""
    batch: list = []
    for path in walk(paths):
        if isinstance(path, ImportResult):
            batch.append((path.path, path))
        else:
            batch.append((path, _parse_file(path, encoding)))
        if len(batch) >= batch_files:
            yield from _import_batch(library, batch)
            batch = []
    if batch:
        yield from _import_batch(library, batch)


def add_sample_articles(library: Library) -> list[ImportResult]:
    """Import the sample articles a new user sees first."""
    return list(import_paths(library, [resource_dir("sample_data")]))
