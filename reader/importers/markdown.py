"""Markdown with optional YAML front matter (title, date, source, place, dateline, tags)."""

from __future__ import annotations

import datetime
import re

import yaml

from reader import text, vietnamese
from reader.importers import common, html
from reader.importers.plaintext import HEADLINE_MAX
from reader.model import Article, Block, Span
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
_NOT_A_TITLE = re.compile(r"[-*+][ \t]|\d+[.)][ \t]|[>|<]|```|~~~")  # a list, quote, table, HTML or code
_ANY_HEADING = re.compile(r"#{2,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")
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


def _outside_code(lines: list[str]):
    """(index, line) of the lines outside code fences."""
    fence = None
    for i, line in enumerate(lines):
        f = _FENCE.match(line)
        if f:
            fence = None if fence == f.group(1) else (fence or f.group(1))
            continue
        if not fence:
            yield i, line


def _pop_heading(body: str) -> tuple[str, str]:
    """The title of a file without one in its front matter, and the body without it.

    The first level-1 heading; else the first heading of any level; else the first line, when it is
    a short plain line with more text after it (as in a plain text file); else none ("").
    """
    lines = body.split("\n")
    found = list(_outside_code(lines))
    for pattern in (_HEADING, _ANY_HEADING):
        for i, line in found:
            h = pattern.fullmatch(line.strip())
            if h:
                return h.group(1).strip(), "\n".join(lines[:i] + lines[i + 1 :])
    at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if at is None or not found or found[0][0] > at:
        return "", body  # empty, or it opens with code
    first = lines[at].strip()
    rest = "\n".join(lines[:at] + lines[at + 1 :])
    if len(first) > HEADLINE_MAX or _NOT_A_TITLE.match(first) or first.endswith(":") or not rest.strip():
        return "", body  # a paragraph, a list, a quote, a table, what introduces the next lines, or all there is
    return structure(first)[0].strip(), rest  # its emphasis and links as plain words


# Markdown's inline tokens that open a span, by the span kind they make (reader.model SPAN_KINDS).
_SPAN_OPEN = {"em_open": "emphasis", "strong_open": "strong", "link_open": "link"}
_SPAN_CLOSE = {"em_close", "strong_close", "link_close"}
# Block tokens that hold paragraphs, and the kind they give them.
_CONTAINER_KIND = {"blockquote_open": "quote", "list_item_open": "list item"}


def structure(source: str) -> tuple[str, list[Block], list[Span]]:
    """Markdown as a plain body (no `#`, `*`, `>`, `-`, `[..](..)` left) with its blocks and spans beside it.

    The syntax becomes structure, as an HTML page's tags do: headings, paragraphs, quotes, list items
    and code as blocks; emphasis, strong and links (http, https, mailto) as spans. Raw HTML blocks keep
    their text only; images and inline HTML tags are dropped, as on a page.
    """
    from markdown_it import MarkdownIt  # loaded with the first Markdown file, not with every command

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(source)
    builder = html.StructureBuilder()
    kinds = ["paragraph"]  # the kind a paragraph gets here: the innermost quote or list item
    cells, heading = 0, False
    for token in tokens:
        kind = token.type
        if kind in _CONTAINER_KIND:
            builder.flush()
            kinds.append(_CONTAINER_KIND[kind])
        elif kind in ("blockquote_close", "list_item_close"):
            builder.flush()
            kinds.pop()
        elif kind in ("heading_open", "paragraph_open", "tr_open"):
            builder.flush()
            cells, heading = 0, kind == "heading_open"
        elif kind in ("heading_close", "paragraph_close", "tr_close"):
            builder.flush()
            heading = False
        elif kind in ("th_open", "td_open"):
            cells += 1
            if cells > 1:
                builder.add(" · ", kinds[-1])
        elif kind == "inline":
            _inline(builder, token.children or [], "heading" if heading else kinds[-1])
        elif kind in ("fence", "code_block"):
            builder.flush()
            builder.add(token.content, "preformatted")
            builder.flush()
        elif kind == "html_block":
            builder.flush()
            _html_block(builder, token.content, kinds[-1])
    return builder.result()


def _inline(builder: html.StructureBuilder, children, kind: str) -> None:
    """The text of one paragraph's inline tokens, with their spans."""
    opened: list[tuple[str, int, str]] = []
    for child in children:
        t = child.type
        if t in ("text", "code_inline"):
            builder.add(child.content, kind)
        elif t in ("softbreak", "hardbreak"):
            builder.add(" ", kind)  # paragraphs are reflowed, as a page's are (a line break is a space)
        elif t in _SPAN_OPEN:
            url = html.link_url(str(child.attrs.get("href") or "")) if t == "link_open" else ""
            opened.append((_SPAN_OPEN[t], builder.mark(), url))
        elif t in _SPAN_CLOSE and opened:
            span_kind, start, url = opened.pop()
            if span_kind != "link" or url:
                builder.span(span_kind, start, url)
        # image, html_inline: no text of their own on a page either


def _html_block(builder: html.StructureBuilder, source: str, kind: str) -> None:
    """A raw HTML block inside Markdown: its text and structure, never its markup."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(source, create_parent="div")
    except Exception:  # lxml raises several types on hostile input; a block that does not parse is left out
        return
    builder.walk(root, kind)


def _lead_or_name(plain: str, body: str, name: str) -> str:
    """No heading or title line: a long first paragraph's lead sentence, else the file's name."""
    first = body.strip().split("\n", 1)[0]
    if len(first) > HEADLINE_MAX and not _NOT_A_TITLE.match(first):
        return common.title_from_body(plain, name)
    return common.name_title(name)


def parse_text(s: str, name: str) -> Article:
    """Parse Markdown: front matter fields; the title from them, a heading, the first line or the lead sentence."""
    meta, body = split_front_matter(s)
    # YAML keys may be anything hashable; only text keys are ours.
    meta = {k.lower(): v for k, v in meta.items() if isinstance(k, str)}
    title = _scalar("title", meta.get("title"))
    if not title:
        title, body = _pop_heading(body)
    dateline = _scalar("dateline", meta.get("dateline"))
    place = _scalar("place", meta.get("place")) or vietnamese.title_case_vi(dateline)
    # The syntax becomes structure beside a plain body (as a page's tags do); the content hash stays
    # the file's, so a file imported before (its body the Markdown as written) is still "unchanged".
    plain, blocks, spans = structure(body)
    return Article(
        title=title or _lead_or_name(plain, body, name),
        body=plain,
        blocks=blocks,
        spans=spans,
        date=_date(meta.get("date")),
        dateline=dateline,
        place=place,
        source=_scalar("source", meta.get("source")),
        tags=_tags(meta.get("tags")),
    )
