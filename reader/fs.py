"""File-system helpers: atomic writes and an fsync that reports failure."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
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


STALE_TMP_SECONDS = 3600  # a temporary file untouched this long belongs to a killed run


def temporary_name(path: Path) -> Path:
    """A hidden temporary file beside `path`, named after this process (.NAME.PID-RANDOM.tmp)."""
    import secrets  # here, not at start-up: every command imports this module, few write files

    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there: rely on the age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process (EPERM): alive
        return True
    return True


# .NAME.PID-RANDOM.tmp as temporary_name makes it: without a name, only files of exactly that form.
_TEMPORARY = re.compile(r"\..+\.(\d+-[0-9a-f]{8})\.tmp(?:-journal)?")


def clean_stale_temporaries(folder: Path, name: str | None = None) -> list[Path]:
    """Remove the hidden temporary files that killed writes (backups, exports) of `name` left in `folder`.

    A write names its temporary file after its process (temporary_name): one whose process is gone,
    or older than STALE_TMP_SECONDS, is a leftover; a write running now keeps its own. Without a
    name, every file's leftovers: one look at the folder before writing many files into it.
    """
    import glob

    removed = []
    cutoff = time.time() - STALE_TMP_SECONDS
    stem = glob.escape(name) if name is not None else "*"
    try:
        candidates = list(folder.glob(f".{stem}.*.tmp"))
        candidates += list(folder.glob(f".{stem}.*.tmp-journal"))
    except OSError:
        return removed
    for path in candidates:
        if name is not None:
            middle = path.name[len(name) + 2 :].split(".tmp")[0]  # "PID-RANDOM"
        else:
            m = _TEMPORARY.fullmatch(path.name)
            if m is None:
                continue
            middle = m.group(1)
        pid = middle.split("-")[0]
        try:
            if not path.is_file() or path.is_symlink():
                continue
            if (pid.isdigit() and not _pid_alive(int(pid))) or path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:
            pass
    return removed


def write_atomic(path: Path, text: str | Iterable[str], force: bool = False, *, clean: bool = True) -> None:
    """Write `text` (or its pieces, as they come) as UTF-8 through a temp file, fsync and rename; FileExistsError unless `force`.

    `clean=False` when the caller cleaned the folder once (clean_stale_temporaries without a name)
    before writing many files: a look at the folder per file makes writing n files O(n²).
    """
    path = Path(path)
    if not force and os.path.lexists(path):
        raise FileExistsError(f"{path} already exists")
    pieces = [text] if isinstance(text, str) else text
    if clean:
        clean_stale_temporaries(path.parent, path.name)  # what a killed export left behind
    tmp = temporary_name(path)
    # O_EXCL: never follow or reuse something already there; 0o666 lets the umask set the mode.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                f.write(piece.encode("utf-8"))
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
