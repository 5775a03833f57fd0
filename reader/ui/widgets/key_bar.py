"""The key bar: one line at the bottom naming the keys that work where the focus is."""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """A light footer: redrawn as one line of text when the bindings change.

    Textual's Footer rebuilds a widget per key on every focus change, which cost ~150 ms of the
    first screen here; one line of text does the same job.
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.update(self.keys_line())

    def on_resize(self) -> None:
        self.update(self.keys_line())

    def keys_line(self) -> Content:
        """The shown bindings of the focused widget, its screen and the app, one per action.

        The focused pane's keys come first. When the line is too wide for the terminal it takes short
        names, then one space between keys, and only then do keys give way from the end, so that
        quit, help and the palette always stay in sight.
        """
        context: list[tuple[str, str]] = []
        app_keys: list[tuple[str, str]] = []
        actions: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            key = (self.app.get_key_display(binding), binding.description)
            (app_keys if binding.action in ("app.quit", "quit", "app.help", "help") else context).append(key)
        app_keys.append(("^p", "Commands"))
        width = self.size.width or 10_000
        for short_names, gap in ((False, 2), (True, 2), (True, 1)):
            if (fitting := line(context + app_keys, short_names, gap)).cell_length <= width:
                return fitting
        while context and line(context + app_keys, True, 1).cell_length > width:
            context.pop()
        return line(context + app_keys, True, 1)


# The names a narrow key bar gives the longer descriptions.
SHORT = {"Tag article": "Tags", "Article note": "Note", "Clear the search": "Clear", "Go to passage": "Go to"}


def short(description: str) -> str:
    """A binding's description as a narrow key bar names it: 'Sort: date/title/place' → 'Sort'."""
    description = description.split(":")[0].split(" and ")[0]
    return SHORT.get(description, description)


def line(keys: list[tuple[str, str]], short_names: bool, gap: int) -> Content:
    """' ⏎ Open  t Tag article'; with short names and a gap of one: ' ⏎ Open t Tags'."""
    parts = [Content.assemble((key, "bold $accent"), " ", short(what) if short_names else what) for key, what in keys]
    return Content(" ").join([Content(""), Content(" " * gap).join(parts)])
