"""Safe file names and writes for exports: ASCII slugs, joins that cannot escape, atomic writes."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from reader.files import fsync_path
from reader.model import Article
from reader.text import fold

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)


def slugify(title: str, max_length: int = 80) -> str:
    """An ASCII file-name stem for a title: "Đà Nẵng" → "da-nang"; never empty or a reserved name."""
    slug = _NOT_SLUG.sub("-", fold(title).lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        # Cut at the last hyphen that fits, so no word is chopped; a single huge word is cut hard.
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
        slug = slug.strip("-")
    if not slug:
        slug = "article"
    if slug in _WINDOWS_RESERVED:
        slug += "-article"
    return slug


def article_filename(article: Article) -> str:
    """The export file name: "<date>-<slug>-<first 8 of the content hash>.md" (parts omitted when unknown).

    The content-hash prefix keeps two articles with the same title and date apart.
    """
    parts = []
    date = _NOT_SLUG.sub("-", (article.date or "").lower()).strip("-")
    if date:
        parts.append(date[:10])
    parts.append(slugify(article.title))
    tag = _NOT_SLUG.sub("", (article.content_hash or "").lower())[:8]
    if tag:
        parts.append(tag)
    elif article.id is not None:
        parts.append(str(article.id))
    return "-".join(parts) + ".md"


def safe_join(directory: Path, filename: str) -> Path:
    """`directory / filename`, refused (ValueError) unless it is a plain name that stays inside."""
    if (
        not filename
        or "\0" in filename
        or "/" in filename
        or "\\" in filename
        or filename in (".", "..")
        or Path(filename).is_absolute()
    ):
        raise ValueError(f"not a plain file name: {filename!r}")
    base = Path(directory).resolve()
    target = (base / filename).resolve()
    # resolve() follows symlinks, so a link inside the folder that points out of it is caught too.
    if target.parent != base:
        raise ValueError(f"{filename!r} would be written outside {base}")
    return target


def write_atomic(path: Path, text: str, force: bool = False) -> None:
    """Write `text` as UTF-8 through a temp file, fsync and rename; FileExistsError unless `force`."""
    path = Path(path)
    if not force and os.path.lexists(path):
        raise FileExistsError(f"{path} already exists (use --force to overwrite)")
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
        raise FileExistsError(f"{path} already exists (use --force to overwrite)") from None
    except OSError:
        if os.path.lexists(path):
            raise FileExistsError(f"{path} already exists (use --force to overwrite)") from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)
