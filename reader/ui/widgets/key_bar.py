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

        The focused pane's keys come first; when the line is too wide for the terminal, they give
        way from the end, so that quit, help and the palette always stay in sight.
        """
        context: list[Content] = []
        app_keys: list[Content] = []
        actions: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            key = self.app.get_key_display(binding)
            part = Content.assemble((key, "bold $accent"), " ", binding.description)
            (app_keys if binding.action in ("app.quit", "quit", "app.help", "help") else context).append(part)
        app_keys.append(Content.assemble(("^p", "bold $accent"), " Commands"))
        width = self.size.width or 10_000

        def line(parts: list[Content]) -> Content:
            return Content(" ").join([Content(""), Content("  ").join(parts)])

        while context and line(context + app_keys).cell_length > width:
            context.pop()
        return line(context + app_keys)
