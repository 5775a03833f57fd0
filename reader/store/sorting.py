"""The list's sort orders and the keys they sort by."""

from __future__ import annotations

from reader import vietnamese
from reader.store.errors import LibraryError

SORT_ORDERS = ("date", "title", "place")
_SORTS = {"date": ("date", "DESC"), "title": ("title_key", "ASC"), "place": ("place_key", "ASC")}
_INVERT_DIGITS = str.maketrans("0123456789", "9876543210")
_NO_PLACE = "\U0010ffff"  # above every sort key: articles without a place come last


def place_key(place: str | None, date: str | None) -> str:
    """The place sort key: places in Vietnamese order, newest first within a place, no place last."""
    head = vietnamese.vi_sort_key(place) if place else _NO_PLACE
    # Digits inverted, so that ascending order on the key is descending order on the date.
    return head + "\x01" + ((date or "").translate(_INVERT_DIGITS) or "~")


def sort_column(sort: str) -> tuple[str, str]:
    """(column, direction) of a sort order."""
    try:
        return _SORTS[sort]
    except KeyError:
        raise LibraryError(f"unknown sort order {sort!r}; use one of: {', '.join(SORT_ORDERS)}") from None
