"""The library's errors, and the one place that words SQLite's failures (by code) for the user."""

from __future__ import annotations

import errno
import sqlite3

from reader import text


class LibraryError(Exception):
    """A problem with the library, worded for the user."""


class WriteError(LibraryError):
    """A write that did not happen (locked, disk full, read-only); nothing was changed."""


class ReadError(LibraryError):
    """The library could not be read (damaged, not a library, unreadable disk)."""

    def __init__(self, message: str, cause: sqlite3.Error | None = None):
        super().__init__(message)
        self.cause = cause


def code(error: BaseException) -> str:
    """SQLite's primary result code name of an error ("SQLITE_BUSY"), or "" when it has none."""
    name = getattr(error, "sqlite_errorname", None) or ""
    return "_".join(name.split("_")[:2])  # SQLITE_IOERR_WRITE -> SQLITE_IOERR


def detail(error: BaseException) -> str:
    """SQLite's own words for an error, made safe to print (a trigger can put any text there)."""
    return text.sanitise(str(error)).replace("\n", " ")


# Why, by code, in the user's words; shared by reads and writes.
_REASONS = {
    "SQLITE_BUSY": "the library is busy in another program",
    "SQLITE_LOCKED": "the library is busy in another program",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the library file is read-only",
    "SQLITE_IOERR": "disk I/O error: is the disk full or failing?",
    "SQLITE_CORRUPT": "the file is damaged",
    "SQLITE_NOTADB": "the file is not a reader library (not an SQLite database)",
    "SQLITE_CANTOPEN": "the file cannot be opened (a missing folder, or permission denied)",
    "SQLITE_PERM": "permission denied",
    "SQLITE_AUTH": "permission denied",
    "SQLITE_NOMEM": "out of memory",
}


def reason(error: BaseException) -> str:
    """Why an SQLite call failed, as a phrase for the user."""
    return _REASONS.get(code(error)) or detail(error)


def write_failed(error: BaseException) -> WriteError:
    """The WriteError for a failed write: why, and that nothing was saved."""
    if isinstance(error, ReadError) and error.cause is not None:
        error = error.cause
    which = code(error)
    if which in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return WriteError("the library is busy in another program; nothing was saved, try again")
    if which == "SQLITE_IOERR":
        # What a write refused by the OS (out of space, quota, file size limit) becomes.
        return WriteError(
            "the library file could not be written (disk I/O error: is the disk full?); nothing was saved"
        )
    if which in _REASONS:
        return WriteError(f"{_REASONS[which]}; nothing was saved")
    return WriteError(f"the library could not be written ({detail(error)}); nothing was saved")


def read_failed(error: sqlite3.Error, path: object) -> ReadError:
    """The ReadError for a failed read of the library at `path`."""
    which = code(error)
    shown = text.sanitise(str(path))
    if which == "SQLITE_NOTADB":
        return ReadError(
            f"{shown} is not a usable library: it is not a reader library (not an SQLite database); "
            "check the file given to --db",
            error,
        )
    if which == "SQLITE_CORRUPT":
        return ReadError(
            f"{shown} is not a usable library: the file is damaged. Run `reader check`, keep a copy as it is "
            "with `reader backup --raw COPY`, and restore your latest good backup.",
            error,
        )
    return ReadError(f"{shown} could not be read: {reason(error)}", error)


def backup_reason(error: BaseException) -> str:
    """Why a backup failed, for the user (an OSError or an SQLite error)."""
    if isinstance(error, sqlite3.Error | ReadError):
        cause = error.cause if isinstance(error, ReadError) and error.cause else error
        if code(cause) == "SQLITE_IOERR":
            return "disk I/O error (is the disk full?)"
        if code(cause) in ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM"):
            return "cannot write there (permission denied or read-only)"
        return reason(cause) if code(cause) else str(error)
    if getattr(error, "errno", None) in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full"
    if isinstance(error, PermissionError) or getattr(error, "errno", None) == errno.EROFS:
        return "cannot write there (permission denied or read-only)"
    return text.sanitise(str(error))


def article_gone(article_id: int) -> LibraryError:
    """The refusal of a change to an article deleted meanwhile, with the way to bring it back."""
    return LibraryError(
        f"article {article_id} is no longer in the library (deleted meanwhile? u in the list, or "
        f"`reader restore {article_id}`, brings it back)"
    )
