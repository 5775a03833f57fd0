"""YAML scalars written by hand, one line each, that PyYAML reads back as the same strings (front matter)."""

from __future__ import annotations

import re
import unicodedata

import yaml

# Characters written into a scalar as they are: YAML's printable set (as PyYAML reads it) minus
# line breaks, U+2028/U+2029 (YAML line breaks too) and U+FEFF (a byte order mark to YAML).
_YAML_PRINTABLE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_YAML_PLAIN_FIRST = re.compile(r"""[^-?:,\[\]{}#&*!|>'"%@`\s]""")
_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}
_YAML_RESOLVER = yaml.resolver.Resolver()


def _yaml_plain_ok(value: str) -> bool:
    # A plain scalar must not start with an indicator, hold ": " or " #", or end in ":", and must
    # resolve to a string (not yes/null/1.0/a date); then PyYAML reads it back unchanged.
    return (
        bool(value)
        and value == value.strip()
        and _YAML_PLAIN_FIRST.match(value) is not None
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and all(_YAML_PRINTABLE.match(ch) for ch in value)
        and _YAML_RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
    )


def yaml_str(value: str) -> str:
    """A YAML scalar for `value` on one line: plain when that is safe, else double-quoted."""
    if _yaml_plain_ok(value):
        return value
    out = ['"']
    escaped = False
    for ch in value:
        if ch in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[ch])
            escaped = True
        elif not _YAML_PRINTABLE.match(ch) or (escaped and unicodedata.combining(ch)):
            # A combining mark right after an escape would compose with its last letter ("\\n" +
            # U+0301 → "\\ń") and the file would not be NFC: escape the mark as well.
            code = ord(ch)
            out.append(f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}")
            escaped = True
        else:
            out.append(ch)
            escaped = False
    out.append('"')
    return "".join(out)


def yaml_value(value: str | int | None) -> str:
    """A YAML scalar for a string, a whole number or None (null)."""
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return yaml_str(value)


def yaml_list(key: str, values: list[str]) -> list[str]:
    """A YAML list as front-matter lines (in Obsidian's layout); nothing when it is empty."""
    return [f"{key}:", *(f"  - {yaml_str(value)}" for value in values)] if values else []
