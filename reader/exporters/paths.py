"""Safe file names and writes for exports: ASCII slugs, joins that cannot escape, atomic writes."""

from __future__ import annotations

import re
from pathlib import Path

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
