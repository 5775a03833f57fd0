"""File-system helpers: atomic writes and an fsync that reports failure."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder (making a rename in it durable), to the disk; raises OSError if it fails."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except (IsADirectoryError, PermissionError):
        return  # folders cannot be opened on Windows, nor need to be
    try:
        os.fsync(fd)
    except OSError as error:
        # Some file systems cannot fsync a folder (EINVAL); a failed flush of data is a real failure.
        if not (os.path.isdir(path) and error.errno in (22, 95)):
            raise
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str, force: bool = False) -> None:
    """Write `text` as UTF-8 through a temp file, fsync and rename; FileExistsError unless `force`."""
    path = Path(path)
    if not force and os.path.lexists(path):
        raise FileExistsError(f"{path} already exists")
    data = text.encode("utf-8")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never follow or reuse something already there; 0o666 lets the umask set the mode.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if force:
            os.replace(tmp, path)
        else:
            _rename_no_clobber(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_path(path.parent)  # makes the rename itself durable


def _rename_no_clobber(tmp: Path, path: Path) -> None:
    # A hard link fails if the target appeared since the check above, where os.replace would
    # silently overwrite it; filesystems without hard links fall back to check-then-replace.
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(f"{path} already exists") from None
    except OSError:
        if os.path.lexists(path):
            raise FileExistsError(f"{path} already exists") from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)
