"""The wire-story format of the sample articles: `date YYYY-MM-DD DATELINE — lead…`, credit at the end."""

from __future__ import annotations

import datetime
import re

from reader import text, vietnamese
from reader.importers import common
from reader.model import Article

DATE_LINE = re.compile(r"\s*date[ \t]+(\d{4}-\d{2}-\d{2})(?![\w-])[ \t]*")
# The dateline ends at the first spaced dash; wires use the em dash, en dash is accepted too.
_DATELINE = re.compile(r"([^\n]*?)[ \t]+[—–][ \t]+")
# An agency credit: capitalised names joined by "/", with at least two capitals in all
# ("VNA/VNS", "VNS", "AFP", "VnExpress"), so that an ordinary closing "— Yes" stays text.
_CREDIT = re.compile(r"(?:^|\s+)[—–][ \t]*([A-Z][A-Za-z]{1,15}(?:/[A-Z][A-Za-z]{1,15})*)\.?[ \t]*$")


def matches(s: str) -> bool:
    """True if the text starts (after blanks) with `date YYYY-MM-DD`."""
    return DATE_LINE.match(s) is not None


def _is_dateline(s: str) -> bool:
    # Capitals only: "HÀ NỘI" is a dateline, "The minister said" before a dash is not.
    return bool(s) and s == s.upper() and any(ch.isalpha() for ch in s) and len(s) <= 60


def split_credit(body: str) -> tuple[str, str]:
    """Split a closing agency credit (" — VNA/VNS") off the end of the body: (body, credit)."""
    # Only the tail can hold it; searching a whole long body from every position is slow.
    m = _CREDIT.search(body, max(0, len(body) - 200))
    if not m or sum(ch.isupper() for ch in m.group(1)) < 2:
        return body, ""
    return body[: m.start()].rstrip(), m.group(1)


def parse_text(s: str, name: str) -> Article:
    """Parse a wire story: date, capitalised dateline, body paragraphs, closing agency credit."""
    m = DATE_LINE.match(s)
    if not m:
        raise text.InputError("not a wire story: the first line must start with 'date YYYY-MM-DD'")
    try:
        date = datetime.date.fromisoformat(m.group(1)).isoformat()
    except ValueError:
        raise text.InputError(f"the first line has an impossible date: {m.group(1)}") from None
    rest = s[m.end() :].lstrip()
    dateline = ""
    d = _DATELINE.match(rest)
    if d and _is_dateline(d.group(1).strip()):
        dateline = d.group(1).strip()
        rest = rest[d.end() :]
    body, source = split_credit(common.paragraphs(rest))
    return Article(
        title=common.title_from_body(body, name),
        body=body,
        date=date,
        dateline=dateline,
        place=vietnamese.title_case_vi(dateline),
        source=source,
    )
