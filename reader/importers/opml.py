"""OPML → subscriptions: every outline with an xmlUrl, tagged with the folders it sits in."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader import text
from reader.importers import common


@dataclass(frozen=True)
class Subscription:
    """One feed named in an OPML file."""

    url: str
    name: str = ""
    tags: list[str] = field(default_factory=list)
    full_text: str = ""  # our own attribute on export; "" when the file does not say


def _attr(el, name: str) -> str:
    return common.one_line(text.clean(el.get(name) or ""))


def parse(data: bytes) -> list[Subscription]:
    """The subscriptions of an OPML document; raises text.InputError when it is not OPML."""
    from lxml import etree

    # No entities, no DTD, no network: an OPML file is as hostile as any other file.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise text.InputError(f"this is not an OPML file ({error})") from None
    if root is None or not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise text.InputError("this is not an OPML file (no <opml> root)")
    body = root.find("body")
    found: list[Subscription] = []
    seen: set[str] = set()

    def walk(el, folders: list[str]) -> None:
        for outline in el.findall("outline"):
            url = _attr(outline, "xmlUrl")
            name = _attr(outline, "title") or _attr(outline, "text")
            categories = [c.strip().strip("/") for c in _attr(outline, "category").replace("/", ",").split(",")]
            if url:
                if url not in seen:
                    seen.add(url)
                    tags = list(dict.fromkeys([*folders, *(c for c in categories if c)]))
                    full_text = _attr(outline, "readerFullText")
                    found.append(
                        Subscription(url, name, tags, full_text if full_text in ("auto", "always", "never") else "")
                    )
            else:
                walk(outline, [*folders, name] if name else folders)

    if body is not None:
        walk(body, [])
    return found
