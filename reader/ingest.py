"""Bring files into a library: walk paths, parse each file, store it in its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader import importers
from reader.importers import SUPPORTED_SUFFIXES
from reader.resources import resource_dir
from reader.store import Library, LibraryError
from reader.text import InputError


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file: imported, updated, unchanged or refused (with the reason)."""

    path: Path
    status: str
    detail: str = ""  # the title, or why it was refused
    article_id: int | None = None


def walk(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and the .txt/.md files under folders (recursively, sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            yield path


def import_file(library: Library, path: Path, encoding: str | None = None) -> ImportResult:
    """Parse one file and store it; a refusal never raises, it is reported."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ImportResult(path, "refused", "no such file")
    except OSError as error:
        return ImportResult(path, "refused", error.strerror or str(error))
    try:
        article = importers.parse(data, path.name, encoding=encoding)
    except InputError as error:
        return ImportResult(path, "refused", str(error))
    article.path = str(path.resolve())
    try:
        status, stored = library.add_article(article)
    except LibraryError as error:
        return ImportResult(path, "refused", str(error))
    return ImportResult(path, status, stored.title, stored.id)


def import_paths(library: Library, paths: Iterable[Path], encoding: str | None = None) -> Iterator[ImportResult]:
    """Import every file under the paths, one result per file."""
    for path in walk(paths):
        yield import_file(library, path, encoding)


def add_sample_articles(library: Library) -> list[ImportResult]:
    """Import the sample articles a new user sees first."""
    return list(import_paths(library, [resource_dir("sample_data")]))
