"""File-system helpers shared by the store (backups) and the exporters (atomic writes)."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder (making a rename in it durable), to the disk; best effort."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # folders cannot be opened on Windows, nor need to be
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
