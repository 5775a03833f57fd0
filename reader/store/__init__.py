"""The library store: the one place that reads and writes SQL; rows in, model objects out.

One room per job: connection (and the unit of work), rows (the mapper), migrations,
maintenance, articles, listing, search, tags, annotations; `Library` joins them.
"""

from reader.locations import DB_FILENAME, data_dir, default_db_path
from reader.store.articles import now
from reader.store.connection import BUSY_TIMEOUT_MS
from reader.store.errors import LibraryError, ReadError, WriteError
from reader.store.library import Library
from reader.store.maintenance import CheckReport
from reader.store.migrations import migrations as _migrations
from reader.store.sorting import SORT_ORDERS, place_key
from reader.tags import clean_tags, tag_key

# Every migration's name, in order (known once: from reader.store.migrations).
SCHEMA = _migrations.names

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
