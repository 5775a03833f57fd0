"""Opening a second Library on a file this process has open must not drop the first one's locks."""

import os
import subprocess
import sys

from reader.store import Library
from tests.tui_helpers import library_with

WRITE_AND_CLOSE = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("CREATE TABLE another_program (x)")
conn.execute("INSERT INTO another_program VALUES (42)")
conn.close()
"""


def test_a_second_library_in_this_process_keeps_the_first_ones_locks(tmp_path):
    first = library_with(tmp_path)
    for _ in range(3):  # the TUI's workers open and close a Library per job
        Library(first.path).close()
    # Another program writes and closes: were our locks gone, it would take itself for the last
    # connection and delete the -wal and -shm under ours.
    subprocess.run([sys.executable, "-c", WRITE_AND_CLOSE, str(first.path)], check=True)
    assert os.path.exists(f"{first.path}-shm")
    assert first.conn.execute("SELECT x FROM another_program").fetchone()[0] == 42
    assert len(list(first.list_articles())) == 2


def test_a_file_that_changes_under_the_first_look_is_looked_at_again(tmp_path, monkeypatch):
    """Another program creating or closing the library as we open it (a checkpoint rewrites pages
    that the first, immutable look trusts) is not mistaken for damage: the second look opens it."""
    first = library_with(tmp_path)
    first.close()
    real = Library._open_existing
    calls = []

    def changing(self, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            os.utime(self.path, ns=(1, 1))  # the file moved while we read it
            from reader.store import LibraryError

            raise LibraryError("database disk image is malformed")
        return real(self, **kwargs)

    monkeypatch.setattr(Library, "_open_existing", changing)
    again = Library(first.path)
    assert len(calls) == 2 and len(list(again.list_articles())) == 2
    again.close()
