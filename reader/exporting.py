"""Choose what to export, render it, and write it to a string, a file or a folder; read annotations back in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reader import anchoring
from reader.exporters import markdown, webanno
from reader.exporters.paths import article_filename, safe_join, write_atomic
from reader.model import Article, Highlight
from reader.store import Library, data_dir, now, tag_key

FORMATS = ("markdown", "json")


def export_dir() -> Path:
    """Where the TUI writes its exports: `exports/` in the data directory."""
    return data_dir() / "exports"


def select(
    library: Library, article_ids: list[int] | None = None, tag: str | None = None, since: str | None = None
) -> list[tuple[Article, list[Highlight]]]:
    """The articles and highlights to export.

    With a tag, an article that carries it brings all its highlights; otherwise only its highlights
    that carry the tag. With a date, only highlights made or changed on or after it.
    """
    ids = article_ids if article_ids else library.annotated_article_ids(tag=tag, since=since)
    items = []
    for article_id in ids:
        article = library.get_article(article_id)
        if article is None:
            raise ValueError(f"no article with id {article_id}")
        highlights = library.highlights(article_id)
        if tag and tag_key(tag) not in {tag_key(t) for t in article.tags}:
            highlights = [h for h in highlights if tag_key(tag) in {tag_key(t) for t in h.tags}]
        if since:
            highlights = [h for h in highlights if h.modified >= since]
        items.append((article, highlights))
    return items


def render_one(article: Article, highlights: list[Highlight], fmt: str, exported_at: str) -> str:
    """One article's notes in a format."""
    if fmt == "json":
        return webanno.render([(article, highlights)], exported_at)
    return markdown.render(article, highlights, exported_at)


def render_all(items: list[tuple[Article, list[Highlight]]], fmt: str, exported_at: str | None = None) -> str:
    """Every selected article in one text (Markdown documents one after another, or one JSON collection)."""
    exported_at = exported_at or now()
    if fmt == "json":
        return webanno.render(items, exported_at)
    return "\n".join(markdown.render(a, h, exported_at) for a, h in items)


@dataclass(frozen=True)
class Written:
    """A file that an export wrote."""

    path: Path
    article: Article


def write_files(
    items: list[tuple[Article, list[Highlight]]], directory: Path, fmt: str, force: bool = False
) -> list[Written]:
    """One file per article inside `directory`, named by a safe slug; existing files kept unless force."""
    directory.mkdir(parents=True, exist_ok=True)
    exported_at = now()
    written = []
    for article, highlights in items:
        name = article_filename(article)
        if fmt == "json":
            name = name.removesuffix(".md") + ".json"
        path = safe_join(directory, name)
        write_atomic(path, render_one(article, highlights, fmt, exported_at), force=force)
        written.append(Written(path, article))
    return written


@dataclass(frozen=True)
class ImportedAnnotation:
    """What happened to one annotation read from a file: added, orphaned, unchanged or skipped (why)."""

    status: str
    quote: str
    detail: str = ""


def import_annotations(library: Library, data: str) -> list[ImportedAnnotation]:
    """Add W3C annotations to the library, re-anchoring them by their selectors; raises ValueError on a bad file."""
    results = []
    # Read each article and its highlights once, not once per annotation.
    articles: dict[str, Article | None] = {}
    present: dict[int, set[tuple]] = {}
    for parsed in webanno.parse(data):
        if parsed.article_hash and parsed.article_hash not in articles:
            articles[parsed.article_hash] = library.find_article_by_hash(parsed.article_hash)
        article = articles.get(parsed.article_hash)
        if article is None:
            results.append(
                ImportedAnnotation(
                    "skipped",
                    parsed.anchor.quote,
                    f"article not in this library: {parsed.article_title or parsed.article_source}",
                )
            )
            continue
        anchor = parsed.anchor
        found = None
        if not parsed.orphan:
            if anchor.start < 0:  # no position selector: let the quote and its context find it
                anchor = type(anchor)(0, len(anchor.quote), anchor.quote, anchor.prefix, anchor.suffix)
            found = anchoring.reanchor(article.body, anchor)
        placed = found or anchor
        if article.id not in present:
            present[article.id] = {(h.start, h.end, h.quote, h.note) for h in library.highlights(article.id)}
        key = (placed.start, placed.end, placed.quote, parsed.note)
        if key in present[article.id]:
            results.append(ImportedAnnotation("unchanged", parsed.anchor.quote))
            continue
        added = library.add_highlight(
            article.id,
            placed,
            color=parsed.color,
            note=parsed.note,
            tags=parsed.tags,
            created=parsed.created or None,
            modified=parsed.modified or None,
            orphan=found is None,
        )
        present[article.id].add((added.start, added.end, added.quote, added.note))
        results.append(ImportedAnnotation("added" if found else "orphaned", parsed.anchor.quote))
    return results
