"""A large import parses in a second process: what it stores and reports is what parsing here gives."""

from __future__ import annotations

import concurrent.futures
import os
from pathlib import Path

import pytest

from reader.services import import_files, imports
from reader.store import Library
from tests.test_search_index import held

SEED = " date 2025-03-0{day}\n\nTitle {n}: Nguyễn Thị Thúy ở Hà Nội\n\nHÀ NỘI — Bài {n} về Đà Nẵng và giao thông.\n\n— VNA/VNS\n"


def _folder(tmp_path: Path, n: int = 150) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:04d}.txt").write_text(SEED.format(day=1 + i % 9, n=i), encoding="utf-8")
    (folder / "0050.txt").write_text(SEED.format(day=1, n=49), encoding="utf-8")  # 0049's text at another path
    (folder / "0070.txt").write_bytes(b"PK\x03\x04\x00\x00binary" * 50)  # refused: not text
    (folder / "sub").mkdir()
    (folder / "sub" / "note.md").write_text("# Một ghi chú\n\nVới **chữ đậm** ở Huế.\n", encoding="utf-8")
    return folder


def _import(tmp_path: Path, folder: Path, name: str) -> tuple[list[tuple], Library]:
    library = Library(tmp_path / f"{name}.db")
    results = imports.import_paths(library, [folder], parse_ahead=name != "here")
    lines = [(r.path.name, r.status, r.detail, r.article_id) for r in results]
    return lines, library


def _stored(library: Library) -> list[tuple]:
    return [
        tuple(r) for r in library.conn.execute("SELECT id, path, title, body, date, place, structure FROM articles")
    ]


def test_parsing_in_a_second_process_stores_and_reports_what_parsing_here_does(tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    here, here_library = _import(tmp_path, folder, "here")
    monkeypatch.setattr(import_files, "PARSE_AHEAD_FROM", 10)
    monkeypatch.setattr(import_files, "_CHUNK_FILES", 16)  # several chunks, several ahead
    monkeypatch.setattr(import_files, "_CHUNKS_AHEAD", 3)
    monkeypatch.setattr(import_files, "_HEAD_FILES", 5)
    parsed_here = []
    parse_here = import_files._parse_here
    monkeypatch.setattr(
        import_files, "_parse_here", lambda items, *rest: parsed_here.extend(items) or parse_here(items, *rest)
    )
    ahead, ahead_library = _import(tmp_path, folder, "ahead")

    assert ahead == here
    assert len(parsed_here) == 5  # the first files, while the other process started; the rest there
    assert [status for _, status, _, _ in ahead].count("refused") == 1
    assert _stored(ahead_library) == _stored(here_library)
    # The bodies folded by the other process went into the index as the index folds them itself.
    assert held(ahead_library) == held(here_library)
    assert held(ahead_library, "search_exact") == held(here_library, "search_exact")
    ahead_library.rebuild_search_index()
    assert held(ahead_library) == held(here_library)
    assert len(ahead_library.search('"ha noi"', limit=500)) == 149  # 150 stories, one of them refused
    here_library.close()
    ahead_library.close()


class _DiesAfterOneChunk(concurrent.futures.ThreadPoolExecutor):
    """A stand-in for the parse process that parses one chunk, then dies as a killed process would."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(1)
        self.calls = 0

    def submit(self, fn, *args):
        self.calls += 1
        if self.calls == 1:
            return super().submit(fn, *args)
        future: concurrent.futures.Future = concurrent.futures.Future()
        future.set_exception(concurrent.futures.process.BrokenProcessPool("killed"))
        return future


def test_if_the_parse_process_dies_the_rest_is_parsed_here_once(tmp_path, monkeypatch):
    folder = _folder(tmp_path, n=60)
    here, _ = _import(tmp_path, folder, "here")
    monkeypatch.setattr(import_files, "PARSE_AHEAD_FROM", 10)
    monkeypatch.setattr(import_files, "_CHUNK_FILES", 16)
    monkeypatch.setattr(import_files, "_HEAD_FILES", 5)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _DiesAfterOneChunk)
    ahead, library = _import(tmp_path, folder, "ahead")
    assert ahead == here
    assert library.count_articles() == len([line for line in here if line[1] == "imported"])
    library.close()


@pytest.mark.parametrize("error", [OSError("no semaphores here"), ValueError("bad value(s) in fds_to_keep")])
def test_when_no_second_process_can_start_the_import_parses_here(tmp_path, monkeypatch, error):
    def refuse(*args, **kwargs):
        raise error

    folder = _folder(tmp_path, n=40)
    here, _ = _import(tmp_path, folder, "here")
    monkeypatch.setattr(import_files, "PARSE_AHEAD_FROM", 10)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    ahead, library = _import(tmp_path, folder, "ahead")
    assert ahead == here
    library.close()


def test_without_parse_ahead_no_second_process_starts(tmp_path, monkeypatch):
    # A library call that does not ask for it (small imports, scripts, the first launch's samples).
    monkeypatch.setattr(import_files, "PARSE_AHEAD_FROM", 10)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", None)
    library = Library(tmp_path / "lib.db")
    results = list(imports.ImportRun([_folder(tmp_path, n=30)]).results(library))
    assert sum(r.status == "imported" for r in results) == 32  # 30 stories, 0050.txt and note.md
    library.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX")
def test_the_cli_imports_a_large_folder_through_the_parse_process(tmp_path):
    import subprocess
    import sys

    from tests.helpers import child_env

    folder = _folder(tmp_path, n=import_files.PARSE_AHEAD_FROM + 20)
    db = tmp_path / "cli.db"
    out = subprocess.run(
        [sys.executable, "-m", "reader.cli", "--db", str(db), "import", str(folder)],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=300,
    )
    assert out.returncode == 1, out.stderr  # the one refused file
    assert out.stdout.splitlines()[-1].endswith(
        f"{import_files.PARSE_AHEAD_FROM + 20:,} imported, 0 updated, 0 unchanged, 1 refused"
    )
    assert "Traceback" not in out.stderr
    library = Library(db)
    assert library.count_articles() == import_files.PARSE_AHEAD_FROM + 20
    assert len(library.search("Huế")) == 1
    library.close()


def test_a_script_read_from_standard_input_imports_in_one_process_without_a_traceback(tmp_path):
    import subprocess
    import sys

    from tests.helpers import child_env

    folder = _folder(tmp_path, n=import_files.PARSE_AHEAD_FROM + 20)
    script = (
        "from pathlib import Path\n"
        "from reader.services.imports import import_paths\n"
        "from reader.store import Library\n"
        f"library = Library(Path({str(tmp_path / 'stdin.db')!r}))\n"
        f"results = list(import_paths(library, [Path({str(folder)!r})], parse_ahead=True))\n"
        "print(sum(r.status == 'imported' for r in results))\n"
    )
    out = subprocess.run(
        [sys.executable, "-"], input=script, capture_output=True, text=True, env=child_env(), timeout=300
    )
    assert out.returncode == 0 and out.stdout.strip() == str(import_files.PARSE_AHEAD_FROM + 20)
    assert out.stderr == ""  # a spawned process would have tried to run "<stdin>" again, and said so
