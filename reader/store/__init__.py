"""The library store: the one place that reads and writes SQL; rows in, model objects out.

One room per job: connection (and the unit of work), rows (the mapper), migrations,
maintenance, articles, listing, search, tags, annotations; `Library` joins them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

# Where each name lives. They load when first asked for, so that a command that only needs an error
# class or a path (and `import reader.cli`) does not load every room of the library.
_NAMES = {
    "DB_FILENAME": "reader.locations",
    "data_dir": "reader.locations",
    "default_db_path": "reader.locations",
    "now": "reader.store.articles",
    "BUSY_TIMEOUT_MS": "reader.store.connection",
    "LibraryError": "reader.store.errors",
    "ReadError": "reader.store.errors",
    "WriteError": "reader.store.errors",
    "Library": "reader.store.library",
    "CheckReport": "reader.store.maintenance",
    "SORT_ORDERS": "reader.store.sorting",
    "place_key": "reader.store.sorting",
    "clean_tags": "reader.tags",
    "tag_key": "reader.tags",
}

if TYPE_CHECKING:
    from reader.locations import DB_FILENAME, data_dir, default_db_path
    from reader.store.articles import now
    from reader.store.connection import BUSY_TIMEOUT_MS
    from reader.store.errors import LibraryError, ReadError, WriteError
    from reader.store.library import Library
    from reader.store.maintenance import CheckReport
    from reader.store.sorting import SORT_ORDERS, place_key
    from reader.tags import clean_tags, tag_key

    SCHEMA: tuple[str, ...]


def __getattr__(name: str):
    if name == "SCHEMA":  # every migration's name, in order (known once: from reader.store.migrations)
        value = import_module("reader.store.migrations").migrations.names
    elif name in _NAMES:
        value = getattr(import_module(_NAMES[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "BUSY_TIMEOUT_MS",
    "DB_FILENAME",
    "SCHEMA",
    "SORT_ORDERS",
    "CheckReport",
    "Library",
    "LibraryError",
    "ReadError",
    "WriteError",
    "clean_tags",
    "data_dir",
    "default_db_path",
    "now",
    "place_key",
    "tag_key",
]
