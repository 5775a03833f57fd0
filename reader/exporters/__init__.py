"""Exporters: one module per format, each turning articles and their highlights into text."""

from __future__ import annotations

from reader.model import Highlight


def reading_order(h: Highlight) -> tuple:
    """Sort key: start, then end offset; the rest only breaks ties, so input order never shows."""
    return (h.start, h.end, h.id is None, h.id or 0, h.quote, h.note, h.color, tuple(h.tags))
