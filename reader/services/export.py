"""Choose what to export, render it, and write it to a string, a file or a folder."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.exporters import markdown, webanno
from reader.exporters.paths import article_filename, safe_join, slugify
from reader.fs import clean_stale_temporaries, write_atomic
from reader.model import Article, Highlight, NoteStyle
from reader.store import Library, now
from reader.tags import tag_matches, tag_pattern


def select(
    library: Library,
    article_ids: list[int] | None = None,
    tag: str | None = None,
    since: str | None = None,
    colors: frozenset[int] | None = None,
    only_noted: bool = False,
) -> list[tuple[Article, list[Highlight]]]:
    """The articles and highlights to export.

    With a tag, an article that carries it brings all its highlights; otherwise only its highlights
    that carry the tag. With a date, only highlights made or changed on or after it. With colours,
    only highlights of those colours; with only_noted, only highlights that carry a note (an
    article left with no highlight and no note is then left out).
    """
    return list(selected(library, article_ids, tag=tag, since=since, colors=colors, only_noted=only_noted))


def selected(
    library: Library,
    article_ids: list[int] | None = None,
    tag: str | None = None,
    since: str | None = None,
    colors: frozenset[int] | None = None,
    only_noted: bool = False,
) -> Iterator[tuple[Article, list[Highlight]]]:
    """select() an article at a time, each read when it is wanted; a missing article id raises ValueError at once."""
    if article_ids:
        found = {s.id for s in library.get_summaries(article_ids)}
        missing = [i for i in article_ids if i not in found]
        if missing:
            raise ValueError(f"no article with id {missing[0]}")
    ids = article_ids if article_ids else library.annotated_article_ids(tag=tag, since=since)
    return _selected(library, ids, tag, since, colors, only_noted)


def _selected(library, ids, tag, since, colors, only_noted) -> Iterator[tuple[Article, list[Highlight]]]:
    pattern = tag_pattern(tag) if tag else None
    for article_id in ids:
        article = library.get_article(article_id)
        if article is None:
            continue  # deleted since the ids were read
        highlights = library.highlights(article_id)
        if pattern and not any(tag_matches(t, pattern) for t in article.tags):  # the tag as `tag:` matches it
            highlights = [h for h in highlights if any(tag_matches(t, pattern) for t in h.tags)]
        if since:
            highlights = [h for h in highlights if h.modified >= since]
        if colors or only_noted:
            highlights = [h for h in highlights if (not colors or h.color in colors) and (h.note or not only_noted)]
            if not has_notes(article, highlights):
                continue
        yield article, highlights


def render_one(
    article: Article,
    highlights: list[Highlight],
    fmt: str,
    exported_at: str,
    colour_names: dict | None = None,
    style: NoteStyle | None = None,
) -> str:
    """One article's notes in a format (Markdown headings show the colours by their names, passages in the style)."""
    if fmt == "json":
        return webanno.render([(article, highlights)], exported_at)
    return markdown.render(article, highlights, exported_at, colour_names, style)


def render_all(
    items: Iterable[tuple[Article, list[Highlight]]],
    fmt: str,
    exported_at: str | None = None,
    colour_names: dict | None = None,
    style: NoteStyle | None = None,
    *,
    pretty: bool = True,
) -> str:
    """Every selected article in one text (Markdown documents one after another, or one JSON collection)."""
    return "".join(render_stream(items, fmt, exported_at, colour_names, style, pretty=pretty))


def render_stream(
    items: Iterable[tuple[Article, list[Highlight]]],
    fmt: str,
    exported_at: str | None = None,
    colour_names: dict | None = None,
    style: NoteStyle | None = None,
    *,
    pretty: bool = True,
) -> Iterator[str]:
    """render_all() piece by piece, as the items are read (JSON: one annotation a line unless `pretty`)."""
    exported_at = exported_at or now()
    if fmt == "json":
        yield from webanno.render_stream(items, exported_at, pretty=pretty)
        return
    for n, (article, highlights) in enumerate(items):
        yield ("\n" if n else "") + markdown.render(article, highlights, exported_at, colour_names, style)


@dataclass(frozen=True)
class Written:
    """A file that an export wrote."""

    path: Path
    article: Article


def has_notes(article: Article, highlights: list[Highlight]) -> bool:
    """True if an export of the article would hold more than its front matter."""
    return bool(highlights or article.note.strip())


def file_path(article: Article, directory: Path, fmt: str) -> Path:
    """Where write_files puts an article's notes inside `directory` (ValueError if it would leave it)."""
    name = article_filename(article)
    if fmt == "json":
        name = name.removesuffix(".md") + ".json"
    return safe_join(directory, name)


def tag_folder(directory: Path, tag: str) -> Path:
    """The folder of a tag-filtered export: `tagged-<slug>` inside `directory`, apart from full exports."""
    return safe_join(directory, f"tagged-{slugify(tag, 60)}")


def write_files(
    items: list[tuple[Article, list[Highlight]]],
    directory: Path,
    fmt: str,
    force: bool = False,
    colour_names: dict | None = None,
    style: NoteStyle | None = None,
) -> list[Written]:
    """One file per article inside `directory`, named by a safe slug; existing files kept unless force."""
    directory.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(directory)  # once, not once per file
    exported_at = now()
    written = []
    for article, highlights in items:
        path = file_path(article, directory, fmt)
        write_atomic(
            path, render_one(article, highlights, fmt, exported_at, colour_names, style), force=force, clean=False
        )
        written.append(Written(path, article))
    return written
