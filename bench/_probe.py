"""Child process for the benchmarks: one measurement per process, printed as one JSON line on stdout.

Run by bench_tui.py / bench_reading.py, never by hand (but it works by hand too):
    python bench/_probe.py first-screen baseline
    python bench/_probe.py first-screen app --db LIB.db
    python bench/_probe.py steps baseline --rows 100000
    python bench/_probe.py steps app --db LIB.db [--profile-jump] [--gc-freeze]
        (--profile-jump profiles j presses 101-200 and the G jump)
    python bench/_probe.py reading --db LIB.db --big-row 0 --small-row 1 [--profile-open]

Only the standard library is imported before the clock starts, so import costs are measured clean.

"First screen painted" = the time by which every cell of the target screen has been sent to the terminal at
least once (t_full), counting only frames where the target pane is laid out and, for the real app, the article
list is filled. t_paint is the first such frame (which may cover only part of the screen), and the
child stays until frames stop for 150 ms (t_last_frame: the screen has settled). In headless mode Textual
skips turning that frame into terminal escape codes, so the hook does it (render_segments) to charge
both apps the cost a real terminal would see; only the write to the tty is missing.
"""

import time

T_START = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

SIZE = (160, 48)


def maxrss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def emit(result: dict) -> None:
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def run_app(app, pilot=None) -> None:
    """Run headless at SIZE; an error while shutting down is reported but the result already went out."""
    import traceback

    try:
        app.run(headless=True, size=SIZE, auto_pilot=pilot)
    except Exception:
        sys.stderr.write("probe: the app raised while running or shutting down:\n" + traceback.format_exc())
    if getattr(app, "_exception", None) is not None:
        sys.stderr.write(f"probe: the app reported an exception: {app._exception!r}\n")


class PaintHook:
    """Wraps app._display: counts frames, renders them to escape codes, notes the first frame after arm()."""

    def __init__(self, app, on_paint=None):
        self.app = app
        self.count = 0
        self.last = 0.0
        self.on_paint = on_paint
        self.armed = False
        self.first = self.cpu_first = float("nan")
        self.waiters: list = []
        original = app._display

        def _display(screen, renderable):
            original(screen, renderable)
            if renderable is None or app._batch_count:  # Textual drops frames made inside a batch
                return
            if app.is_headless:
                renderable.render_segments(app.console)
            self.count += 1
            self.last = time.perf_counter()
            if self.armed:
                self.first, self.cpu_first, self.armed = self.last, time.process_time(), False
            if self.on_paint is not None:
                self.on_paint(screen, renderable)
            for event in self.waiters:
                event.set()

        app._display = _display  # an instance attribute shadows the method

    def arm(self) -> None:
        """Record the time of the next frame."""
        self.armed = True
        self.first = self.cpu_first = float("nan")

    async def wait_quiet(self, since: int, quiet: float = 0.03, timeout: float = 10.0) -> tuple[float, float, int]:
        """Wait for the first frame after `since` and then for frames to stop; (first, last, frames)."""
        import asyncio

        event = asyncio.Event()
        self.waiters.append(event)
        try:
            deadline = time.perf_counter() + timeout
            while self.count <= since:  # single-threaded: no frame can slip in between check and wait
                event.clear()
                try:
                    await asyncio.wait_for(event.wait(), max(deadline - time.perf_counter(), 0.001))
                except TimeoutError:
                    return (float("nan"), float("nan"), 0)
            first = self.first
            while True:
                seen = self.count
                await asyncio.sleep(quiet)
                if self.count == seen:
                    break
            return (first, self.last, self.count - since)
        finally:
            self.waiters.remove(event)


# --------------------------------------------------------------------------------- first screen


def first_screen(kind: str, db: str | None, profile: bool = False) -> None:
    result: dict = {"kind": kind, "t_start": T_START}
    profiler = None
    result["t_before_textual"] = time.perf_counter()
    import textual.app  # noqa: F401

    result["t_after_textual"] = time.perf_counter()
    if kind == "baseline":
        app, target_screen, target_widget, check = _baseline_app()
    else:
        result["t_before_reader"] = time.perf_counter()
        from reader.store import Library
        from reader.ui.app import make_app
        from reader.ui.screens.main import MainScreen
        from reader.ui.widgets.article_list import ArticleList

        result["t_after_reader"] = time.perf_counter()
        library = Library(db)
        library.check_readable()  # what `reader` reads before its screen (a small library's whole list too)
        result["t_after_open"] = time.perf_counter()
        if profile:  # from make_app to the first frame
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        app = make_app(library)
        target_screen, target_widget = MainScreen, ArticleList

        def check(widget) -> dict | None:
            if widget.window is None or not len(widget.window):
                return None
            first = "".join(s.text for s in widget.render_line(0)).strip()
            return {"rows": len(widget.window), "first_row": first}

    frames: list[str] = []
    width, height = SIZE
    painted = [bytearray(width) for _ in range(height)]  # cells of the target screen painted so far

    def finish() -> None:
        """Emit once the screen has been whole and quiet for a while (or 2 s after it was whole)."""
        now = time.perf_counter()
        if "emitted" in result:
            return
        if now - result["t_last_frame"] < 0.15 and now - result["t_full"] < 2.0:
            return
        result["emitted"] = True
        result["frames"] = list(frames)
        emit(result)
        app.exit()

    def on_paint(screen, renderable):
        now = time.perf_counter()
        kind_name = type(renderable).__name__
        frames.append(f"{type(screen).__name__}:{kind_name}@{(now - T_START) * 1000:.0f}ms")
        if not isinstance(screen, target_screen):
            return
        result["t_last_frame"] = now
        if "t_full" in result:
            return
        if "t_paint" not in result:
            try:
                widget = screen.query_one(target_widget)
            except Exception:
                return
            if not widget.size.area:
                return
            info = check(widget)
            if info is None:
                return
        if kind_name == "ChopsUpdate":
            for y, x1, x2 in renderable.spans:
                if 0 <= y < height:
                    painted[y][x1:x2] = b"\x01" * (min(x2, width) - x1)
        else:  # a full-screen LayoutUpdate
            for row in painted:
                row[:] = b"\x01" * width
        coverage = sum(sum(row) for row in painted) / (width * height)
        if "t_paint" not in result:  # the first frame the terminal would show with the list filled
            result["t_paint"] = now
            result["maxrss_paint_kb"] = maxrss_kb()
            result["first_frame_coverage"] = coverage
            result.update(info)
        if coverage >= 1.0:  # every cell has been drawn at least once: the whole first screen
            result["t_full"] = now
            result["maxrss_kb"] = maxrss_kb()
            if kind == "app" and profiler is not None:
                profiler.disable()
                result["profile_first"] = _profile_text(profiler, 40, "cumulative") + _profile_text(
                    profiler, 25, "tottime"
                )
            app.set_interval(0.03, finish)

    PaintHook(app, on_paint)
    run_app(app)


def _baseline_app():
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.containers import Horizontal, Vertical
    from textual.widgets import Footer, Static

    class Baseline(App):
        CSS = """
        #panes { height: 1fr; }
        .pane { border: round $panel-lighten-2; height: 1fr; }
        #list-pane { width: 32%; }
        #reading-pane { width: 1fr; }
        #notes-pane { width: 28%; }
        Static { height: 1fr; background: $surface; }
        """
        BINDINGS = [Binding("q", "quit", "Quit"), Binding("question_mark", "help", "Help", key_display="?")]

        def compose(self) -> ComposeResult:
            with Horizontal(id="panes"):
                with Vertical(id="list-pane", classes="pane"):
                    yield Static("Articles", id="list")
                with Vertical(id="reading-pane", classes="pane"):
                    yield Static("No article open.", id="reading")
                with Vertical(id="notes-pane", classes="pane"):
                    yield Static("Notes", id="notes")
            yield Footer()

    from textual.screen import Screen

    return Baseline(), Screen, Static, lambda widget: {"rows": 0, "first_row": str(widget.render())}


# --------------------------------------------------------------------------------- key steps


def _key_event(key: str):
    from textual import events

    char = {"enter": "\r", "space": " ", "tab": "\t"}.get(key, key if len(key) == 1 else None)
    return events.Key(key, char)


async def _wait_first_screen(app, hook, screen_type):
    import asyncio

    for _ in range(1000):
        if isinstance(app.screen, screen_type) and hook.count:
            break
        await asyncio.sleep(0.01)
    await hook.wait_quiet(-1, quiet=0.1)


async def _press(app, hook, key: str, profiler=None) -> dict:
    """Post one key, wait for its frame(s); wall ms to the first and last frame, CPU ms to the first frame."""
    since = hook.count
    hook.arm()
    if profiler is not None:
        profiler.enable()
    t0, c0 = time.perf_counter(), time.process_time()
    app.post_message(_key_event(key))
    first, last, frames = await hook.wait_quiet(since, timeout=5.0)
    if profiler is not None:
        profiler.disable()
    if not frames and getattr(app, "_exception", None) is not None:
        raise RuntimeError(f"the app failed after {key!r}: {app._exception!r}")
    cpu = (hook.cpu_first - c0) if frames else float("nan")
    return {
        "key": key,
        "first_ms": (first - t0) * 1000,
        "last_ms": (last - t0) * 1000,
        "cpu_ms": cpu * 1000,
        "frames": frames,
    }


def _profile_text(profiler, limit: int = 25, sort: str = "cumulative") -> str:
    import io
    import pstats

    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(limit)
    return out.getvalue()


def _mini_list_app(rows: int):
    """The baseline layout with a bare Line-API list of `rows` two-line items: Textual's floor for a step."""
    from rich.segment import Segment
    from rich.style import Style
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.containers import Horizontal, Vertical
    from textual.geometry import Size
    from textual.scroll_view import ScrollView
    from textual.strip import Strip
    from textual.widgets import Footer, Static

    class MiniList(ScrollView, can_focus=True):
        BINDINGS = [
            Binding("j,down", "move(1)", "Down"),
            Binding("k,up", "move(-1)", "Up"),
            Binding("g", "move(-1000000000)", "First", show=False),
            Binding("G", "move(1000000000)", "Last", show=False),
            Binding("pagedown", "move(22)", "Page down", show=False),
        ]

        def __init__(self) -> None:
            super().__init__()
            self.cursor = 0
            self.window = range(rows)
            self._base = Style()

        def on_mount(self) -> None:
            self.virtual_size = Size(self.size.width, rows * 2)

        def action_move(self, by: int) -> None:
            self.cursor = max(0, min(rows - 1, self.cursor + by))
            top, height = self.cursor * 2, self.scrollable_content_region.height
            if top < self.scroll_y:
                self.scroll_to(y=top, animate=False, immediate=True)
            elif top + 2 > self.scroll_y + height:
                self.scroll_to(y=top + 2 - height, animate=False, immediate=True)
            self.refresh()

        def render_lines(self, crop):
            self._base = self.rich_style  # once per frame, not once per line
            return super().render_lines(crop)

        def render_line(self, y: int) -> Strip:
            width = self.scrollable_content_region.width
            index, sub = divmod(y + int(self.scroll_y), 2)
            style = self._base + Style(reverse=True) if index == self.cursor else self._base
            text = f"● Article number {index} about Hà Nội" if sub == 0 else "  2024-05-01 · Hà Nội · VNA/VNS"
            return Strip([Segment(text, style)]).crop(0, width).adjust_cell_length(width, style)

    class Baseline(App):
        CSS = """
        #panes { height: 1fr; }
        .pane { border: round $panel-lighten-2; height: 1fr; }
        #list-pane { width: 32%; }
        #reading-pane { width: 1fr; }
        #notes-pane { width: 28%; }
        Static, MiniList { height: 1fr; background: $surface; scrollbar-size-vertical: 1; }
        """
        BINDINGS = [Binding("q", "quit", "Quit"), Binding("question_mark", "help", "Help", key_display="?")]

        def compose(self) -> ComposeResult:
            with Horizontal(id="panes"):
                with Vertical(id="list-pane", classes="pane"):
                    yield MiniList()
                with Vertical(id="reading-pane", classes="pane"):
                    yield Static("No article open.")
                with Vertical(id="notes-pane", classes="pane"):
                    yield Static("Notes")
            yield Footer()

        def on_mount(self) -> None:
            self.query_one(MiniList).focus()

    return Baseline(), MiniList


def steps(db: str, profile_jump: bool, kind: str = "app", rows: int = 100_000, gc_freeze: bool = False) -> None:
    from textual.screen import Screen

    if kind == "baseline":
        app, list_type = _mini_list_app(rows)
        screen_type = Screen
    else:
        from reader.store import Library
        from reader.ui.app import make_app
        from reader.ui.screens.main import MainScreen
        from reader.ui.widgets.article_list import ArticleList

        app, list_type, screen_type = make_app(Library(db)), ArticleList, MainScreen
    hook = PaintHook(app)
    result: dict = {"kind": kind, "fps": os.environ.get("TEXTUAL_FPS", "60")}

    async def pilot(_pilot) -> None:
        await _wait_first_screen(app, hook, screen_type)
        if gc_freeze:  # what-if: move everything alive after start-up out of the collector's sight
            import gc

            gc.collect()
            gc.freeze()
        result["gc_freeze"] = gc_freeze
        widget = app.screen.query_one(list_type)
        result["rows"] = len(widget.window)
        result["visible_rows"] = widget.scrollable_content_region.height
        records = []
        j_profiler = None
        if profile_jump:
            import cProfile

            j_profiler = cProfile.Profile()
        for n in range(200):  # from about the 23rd press on, every step scrolls the list
            records.append(await _press(app, hook, "j", j_profiler if n >= 100 else None))
        if j_profiler is not None:
            result["profile_j"] = _profile_text(j_profiler, 40, "tottime") + _profile_text(j_profiler, 30)
        profiler = None
        if profile_jump:
            import cProfile

            profiler = cProfile.Profile()
        records.append(await _press(app, hook, "G", profiler))
        if profiler is not None:
            result["profile_G"] = _profile_text(profiler)
        result["cursor_after_G"] = widget.cursor
        for _ in range(50):
            records.append(await _press(app, hook, "k"))
        records.append(await _press(app, hook, "g"))
        for _ in range(20):
            records.append(await _press(app, hook, "pagedown"))
        result["steps"] = records
        # Drawing the visible rows alone, warm and with the page cache dropped (a refetch from SQLite).
        height = widget.scrollable_content_region.height
        for label, clear in (("render_warm_ms", False), ("render_cold_ms", True)):
            samples = []
            for _ in range(20):
                if clear and hasattr(widget.window, "invalidate"):
                    widget.window.invalidate()
                elif clear and hasattr(widget.window, "_pages"):
                    widget.window._pages.clear()
                t = time.perf_counter()
                for y in range(height):
                    widget.render_line(y)
                samples.append((time.perf_counter() - t) * 1000)
            result[label] = samples
        result["maxrss_kb"] = maxrss_kb()
        emit(result)
        app.exit()

    run_app(app, pilot)


# --------------------------------------------------------------------------------- reading pane


def reading(db: str, big_row: int, small_row: int, profile_open: bool) -> None:
    from reader.store import Library
    from reader.ui.app import make_app
    from reader.ui.screens.main import MainScreen
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.reading_pane import ReadingPane

    library = Library(db)
    app = make_app(library)
    hook = PaintHook(app)
    result: dict = {"fps": os.environ.get("TEXTUAL_FPS", "60")}

    async def pilot(_pilot) -> None:
        await _wait_first_screen(app, hook, MainScreen)
        screen = app.screen
        article_list = screen.query_one(ArticleList)
        pane = screen.query_one(ReadingPane)

        async def open_row(row: int, label: str) -> None:
            if app.focused is not article_list:
                await _press(app, hook, "shift+tab")
                if app.focused is not article_list:
                    article_list.focus()
            while article_list.cursor < row:
                await _press(app, hook, "j")
            while article_list.cursor > row:
                await _press(app, hook, "k")
            profiler = None
            if profile_open:
                import cProfile

                profiler = cProfile.Profile()
            record = await _press(app, hook, "enter", profiler)
            if profiler is not None:
                result[f"profile_open_{label}"] = _profile_text(profiler, 45)
            article = pane.article
            record.update(
                chars=len(article.body) if article else 0,
                utf8_kb=len(article.body.encode()) / 1024 if article else 0,
                lines=len(pane.lines),
                sentences=len(pane.sentences),
                focused=type(app.focused).__name__,
            )
            steps = {"open": record, "j": [], "pagedown": [], "pageup": []}
            for _ in range(50):
                steps["j"].append(await _press(app, hook, "j"))
            for _ in range(20):
                steps["pagedown"].append(await _press(app, hook, "pagedown"))
            for _ in range(5):
                steps["pageup"].append(await _press(app, hook, "pageup"))
            steps["G"] = await _press(app, hook, "G")
            steps["g"] = await _press(app, hook, "g")
            # Drawing the visible lines alone (no key handling).
            height = pane.scrollable_content_region.height
            samples = []
            for _ in range(20):
                t = time.perf_counter()
                for y in range(height):
                    pane.render_line(y)
                samples.append((time.perf_counter() - t) * 1000)
            steps["render_ms"] = samples
            result[label] = steps

        await open_row(small_row, "small")
        await open_row(big_row, "big")
        result["maxrss_kb"] = maxrss_kb()
        emit(result)
        app.exit()

    run_app(app, pilot)


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["first-screen", "steps", "reading"])
    parser.add_argument("kind", nargs="?", default="app", choices=["baseline", "app"])
    parser.add_argument("--db")
    parser.add_argument("--big-row", type=int, default=0)
    parser.add_argument("--small-row", type=int, default=1)
    parser.add_argument("--profile-jump", action="store_true")
    parser.add_argument("--profile-open", action="store_true")
    parser.add_argument("--profile-first", action="store_true")
    parser.add_argument("--gc-freeze", action="store_true", help="steps: gc.freeze() after the first screen")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the baseline list")
    args = parser.parse_args(argv)
    if args.mode == "first-screen":
        first_screen(args.kind, args.db, args.profile_first)
    elif args.mode == "steps":
        steps(args.db, args.profile_jump, args.kind, args.rows, args.gc_freeze)
    else:
        reading(args.db, args.big_row, args.small_row, args.profile_open)


if __name__ == "__main__":
    main(sys.argv[1:])
