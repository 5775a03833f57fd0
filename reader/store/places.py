"""Where the reader was when the TUI closed: the open article, the focused pane, the sort order, the filter."""

from __future__ import annotations

from reader.store import rows


class Places:
    """The places room of the Library: a few named values the TUI restores at its next launch."""

    def places(self) -> dict[str, str]:
        """Every remembered value by name (values are as the TUI stored them; it checks them on reading)."""
        found = self.conn.execute("SELECT name, value FROM ui_places").fetchall()
        return {rows.text_of(r[0]): rows.text_of(r[1]) for r in found}

    def set_places(self, values: dict[str, str | None]) -> None:
        """Remember values by name (None forgets one); only what changed is written."""
        current = self.places()
        changed = {k: v for k, v in values.items() if current.get(k) != v}
        if not changed:
            return
        with self.write() as unit:
            for name, value in changed.items():
                if value is None:
                    unit.execute("DELETE FROM ui_places WHERE name = ?", (name,))
                else:
                    unit.execute(
                        "INSERT INTO ui_places (name, value) VALUES (?, ?) "
                        "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                        (name, value),
                    )
