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

    def keys_line(self) -> Content:
        """The shown bindings of the focused widget, its screen and the app, one per action."""
        parts: list[Content] = []
        actions: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            key = self.app.get_key_display(binding)
            parts.append(Content.assemble((key, "bold $accent"), " ", binding.description))
        parts.append(Content.assemble(("^p", "bold $accent"), " Commands"))
        return Content(" ").join([Content(""), Content("  ").join(parts)])
