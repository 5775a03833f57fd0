"""Markdown with optional YAML front matter (title, date, source, place, dateline, tags)."""

from __future__ import annotations

import datetime
import re

import yaml

from reader import text, vietnamese
from reader.importers import common
from reader.model import Article
from reader.tags import clean_tags


class _TextLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader with every plain scalar read as text.

    YAML 1.1 would turn `title: yes` into True ("True"), `title: 1e3` into a float and `date:` into a
    date object; here they stay what the user wrote, and the fields check them. Explicit tags such
    as !!python/object are still refused. The C parser when PyYAML has one: 40,000 tags parse fast.
    """

    # Only null (`date: ~`, an empty value) is still recognised; PyYAML reads this from the class.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")

_FRONT_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_HEADING = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")
_FENCE = re.compile(r"[ \t]{0,3}(```|~~~)")


def _scalar(key: str, value: object) -> str:
    """A front-matter value that must be a single piece of text, cleaned."""
    if value is None:
        return ""
    if isinstance(value, (list, dict, set, tuple, bytes)):
        # str() of a nested YAML structure could be huge (aliases); ask for text instead.
        raise text.InputError(f"front matter: '{key}' must be text, not a {type(value).__name__}")
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return text.clean(str(value)).strip()


def _date(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    s = _scalar("date", value)
    match = _ISO_DATE.fullmatch(s)  # a date, or a date and time; nothing after it ("2025-04-03garbage")
    try:
        if match is None:
            raise ValueError(s)
        return datetime.date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        raise text.InputError(f"bad YAML front matter: 'date' must be a date like 2025-04-03, not {s[:40]!r}") from None


def _tags(value: object) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(_scalar("tags", value)).split(",")
    # One pass, by tag identity: two spellings of one tag are one tag (and 40,000 tags are not quadratic).
    return clean_tags(_scalar("tags", item) for item in items)


def split_front_matter(s: str) -> tuple[dict, str]:
    """Split `---` YAML front matter off the text: (mapping, rest); no front matter gives {}."""
    if not s.startswith("---\n"):
        return {}, s
    end = _FRONT_END.search(s, 4)
    if end is None:
        raise text.InputError("front matter opened with '---' on line 1 is never closed with '---'")
    source = s[4 : end.start()]
    try:
        data = yaml.load(source, Loader=_TextLoader)  # noqa: S506  (a safe loader)
    except yaml.MarkedYAMLError as e:
        where = f" (line {e.problem_mark.line + 2})" if e.problem_mark else ""
        raise text.InputError(f"bad YAML front matter{where}: {e.problem or e.context}") from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as e:
        # safe_load raises plain ValueError for impossible timestamps such as 2025-13-45.
        raise text.InputError(f"bad YAML front matter: {e}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise text.InputError("front matter must be YAML 'key: value' lines")
    return data, s[end.end() :]


def _pop_heading(body: str) -> tuple[str, str]:
    """Find the first level-1 heading outside code fences: (heading text, body without it)."""
    lines = body.split("\n")
    fence = None
    for i, line in enumerate(lines):
        f = _FENCE.match(line)
        if f:
            fence = None if fence == f.group(1) else (fence or f.group(1))
            continue
        if fence:
            continue
        h = _HEADING.fullmatch(line.strip())
        if h:
            return h.group(1).strip(), "\n".join(lines[:i] + lines[i + 1 :])
    return "", body


def parse_text(s: str, name: str) -> Article:
    """Parse Markdown: front matter fields, title from it or the first '# ' heading or the file name."""
    meta, body = split_front_matter(s)
    # YAML keys may be anything hashable; only text keys are ours.
    meta = {k.lower(): v for k, v in meta.items() if isinstance(k, str)}
    title = _scalar("title", meta.get("title"))
    if not title:
        title, body = _pop_heading(body)
    dateline = _scalar("dateline", meta.get("dateline"))
    place = _scalar("place", meta.get("place")) or vietnamese.title_case_vi(dateline)
    return Article(
        title=title or common.name_title(name),
        # Markdown keeps its line breaks: lists and code blocks would not survive reflowing.
        body=common.tidy_lines(body),
        date=_date(meta.get("date")),
        dateline=dateline,
        place=place,
        source=_scalar("source", meta.get("source")),
        tags=_tags(meta.get("tags")),
    )
