"""Library calls off the UI thread: each job runs in a thread worker on a connection of its own.

Writes run one at a time, in the order the user made them (a colour after the highlight it is
for); reads run at once, beside them, unless they must see those writes (an export after a note:
then the read waits its turn in the writes' line). A worker never touches a widget: it posts
JobFinished or JobFailed, and the app hands the result to the job's `done` (on the UI thread) or
turns the error into one notification. While a write waits for another program's lock the app
keeps responding and says it is waiting; SQLite's busy timeout decides when the write is refused.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from textual.app import App
from textual.css.query import NoMatches
from textual.timer import Timer

from reader import text
from reader.store import Library, LibraryError
from reader.ui.messages import JobFailed, JobFinished

WAITING_AFTER = 0.5  # seconds a write may take before the app says it is waiting for the library
WAITING_REPEAT = 5.0
WAITING = "Waiting for the library: another program is writing to it. Your change is saved as soon as it is free."


@dataclass(eq=False)
class Job:
    """One piece of library work: `work(library)` in a thread, then `done(result)` on the UI thread."""

    work: Callable[[Library], object]
    done: Callable[[object], None] | None = None
    failed: str = "Not saved"  # the notification starts with this, then the reason
    on_error: Callable[[str], None] | None = None  # instead of the notification
    writes: bool = True
    quiet: bool = False  # a failure nobody needs to hear about (a reading position)
    started: bool = field(default=False, init=False)


class LibraryJobs:
    """The app's queue of library work: writes in order, one at a time; reads beside them."""

    def __init__(self, app: App, path: Path, main_library: Library) -> None:
        self.app = app
        self.path = path
        self.main_library = main_library
        # Each job opens its own connection (sqlite connections belong to one thread); tests swap this.
        self.connect: Callable[[Path], Library] = Library
        self._writes: deque[Job] = deque()
        self._writing: Job | None = None
        self._reads: set[Job] = set()
        self._timer: Timer | None = None
        self._idle_waiters: list[asyncio.Future] = []
        self.waiting = False  # True while a write has been waiting on the library for a while

    # -- submitting ------------------------------------------------------------------------

    def write(self, job: Job) -> Job:
        """Queue a write; it runs after every write queued before it."""
        job.writes = True
        self._writes.append(job)
        self._next_write()
        return job

    def read(self, job: Job) -> Job:
        """Run a read now, beside any writes."""
        job.writes = False
        self._reads.add(job)
        self._start(job)
        return job

    def read_after_writes(self, job: Job) -> Job:
        """Run a read once every write queued before it has finished, so it sees what the user just did."""
        if not self._writes and self._writing is None:
            return self.read(job)
        job.writes = False
        self._writes.append(job)  # in the writes' line, so it starts after them (it writes nothing)
        self._next_write()
        return job

    @property
    def busy(self) -> bool:
        """True while any job is queued or running."""
        return bool(self._writes or self._writing or self._reads)

    @property
    def pending_writes(self) -> int:
        """How many writes are not yet committed (or refused)."""
        line = [*self._writes, *([self._writing] if self._writing is not None else [])]
        return sum(job.writes for job in line)

    async def wait_idle(self) -> None:
        """Return once every job has finished and its result has been handled."""
        while self.busy:
            future = asyncio.get_running_loop().create_future()
            self._idle_waiters.append(future)
            await future

    def when_idle(self, callback: Callable[[], None]) -> None:
        """Call back (on the UI thread) once every job has finished."""

        async def wait() -> None:
            await self.wait_idle()
            callback()

        self.app.run_worker(wait(), group="library-idle", exit_on_error=False)

    # -- running ---------------------------------------------------------------------------

    def _next_write(self) -> None:
        if self._writing is not None or not self._writes:
            return
        self._writing = self._writes.popleft()
        if self._writing.writes:  # a read in the line never waits for another program's lock
            self._timer = self.app.set_timer(WAITING_AFTER, self._say_waiting)
        self._start(self._writing)

    def _start(self, job: Job) -> None:
        job.started = True
        if str(self.path) == ":memory:":  # a private in-memory library: only the app's connection sees it
            self._run(job, self.main_library)
            return
        self.app.run_worker(partial(self._run, job), thread=True, group="library", exit_on_error=False)

    def _run(self, job: Job, library: Library | None = None) -> None:
        """In the worker thread: do the work on a connection of this job's own, report by message."""
        own = library is None
        try:
            if own:
                library = self.connect(self.path)
            try:
                result = job.work(library)
            finally:
                if own:
                    library.close()
        except (LibraryError, OSError, ValueError) as error:
            self._fail(job, str(error))
        except Exception as error:  # a worker must answer: an unexpected failure is shown, never lost
            self._fail(job, f"unexpected error ({type(error).__name__}: {error})")
        else:
            self.app.post_message(JobFinished(job, result))

    def _fail(self, job: Job, error: str) -> None:
        # Error text can quote another program's data (a trigger's message, a file name): sanitised
        # here, once, for every toast and editor status line it reaches.
        self.app.post_message(JobFailed(job, " ".join(text.sanitise(error).split()) or "unknown error"))

    def _say_waiting(self) -> None:
        if self._writing is not None:
            self.waiting = True
            self.app.notify(WAITING, title="Library busy", severity="warning", timeout=WAITING_REPEAT)
            self._timer = self.app.set_timer(WAITING_REPEAT, self._say_waiting)  # said again while it lasts

    # -- answers (on the UI thread) --------------------------------------------------------

    def finished(self, message: JobFinished) -> None:
        """A job's result: hand it over, start the next write."""
        try:
            if message.job.done is not None:
                message.job.done(message.result)
        except NoMatches:
            pass  # the screen it was for has gone (the app is closing); the work itself is done
        finally:
            self._settle(message.job)

    def failed(self, message: JobFailed) -> None:
        """A job's failure: its own handler, else one notification saying why."""
        job = message.job
        try:
            if job.on_error is not None:
                job.on_error(message.error)
            elif not job.quiet:
                self.app.notify(f"{job.failed}: {message.error}", severity="error", timeout=8)
        except NoMatches:
            self.app.notify(f"{job.failed}: {message.error}", severity="error", timeout=8)
        finally:
            self._settle(job)

    def _settle(self, job: Job) -> None:
        if job is self._writing:
            self._writing = None
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self.waiting = False
            self._next_write()
        self._reads.discard(job)
        if not self.busy:
            waiters, self._idle_waiters = self._idle_waiters, []
            for future in waiters:
                if not future.done():
                    future.set_result(None)
