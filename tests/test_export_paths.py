"""Export file names: ASCII slugs, no escapes from the export folder, atomic writes that never clobber."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.exporters.paths import article_filename, safe_join, slugify
from reader.fs import write_atomic
from reader.model import Article

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Hà Nội", "ha-noi"),
        ("Đà Nẵng", "da-nang"),
        ("PM Phạm Minh Chính: Việt Nam–Japan ties", "pm-pham-minh-chinh-viet-nam-japan-ties"),
        ("QUẢNG NINH", "quang-ninh"),
        ("../../etc/passwd", "etc-passwd"),
        ("../", "article"),
        ("..", "article"),
        (".", "article"),
        ("", "article"),
        ("   ", "article"),
        ("?!*:<>|\"'", "article"),
        ("北京", "article"),
        ("CON", "con-article"),
        ("con", "con-article"),
        ("Nul", "nul-article"),
        ("aux", "aux-article"),
        ("PRN", "prn-article"),
        ("COM1", "com1-article"),
        ("lpt9", "lpt9-article"),
        ("COM10", "com10"),
        ("CON: the sequel", "con-the-sequel"),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_long_title_is_cut_at_a_hyphen():
    title = " ".join(["Việt Nam"] * 60)  # ~500 characters
    assert len(title) > 450
    slug = slugify(title)
    assert len(slug) <= 80 and SLUG.fullmatch(slug)
    assert slug.endswith("nam")  # cut between words, not inside one
    assert slugify("x" * 500) == "x" * 80  # one huge word: a hard cut
    assert slugify("abc def", max_length=5) == "abc"


@settings(max_examples=500, deadline=None)
@given(st.text(), st.integers(1, 120))
def test_any_title_gives_a_valid_slug(title, max_length):
    slug = slugify(title, max_length)
    assert SLUG.fullmatch(slug)
    assert len(slug) <= max(max_length, len("article")) + len("-article")
    assert slug not in {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{i}" for i in range(1, 10)),
        *(f"lpt{i}" for i in range(1, 10)),
    }


def test_article_filename():
    a = Article(title="Việt Nam – Japan forum", body="x", date="2025-11-25", content_hash="3997782E35ff9ea9aa")
    assert article_filename(a) == "2025-11-25-viet-nam-japan-forum-3997782e.md"
    assert article_filename(Article(title="Hà Nội", body="x")) == "ha-noi.md"
    assert article_filename(Article(title="Hà Nội", body="x", id=12)) == "ha-noi-12.md"
    assert article_filename(Article(title="", body="x", date="../../x")) == "x-article.md"


def test_safe_join_keeps_inside(tmp_path):
    assert safe_join(tmp_path, "a.md") == tmp_path.resolve() / "a.md"
    for bad in ["../a.md", "..", ".", "", "/etc/passwd", "sub/a.md", "a\\b.md", "a\0.md", str(tmp_path / "a.md")]:
        with pytest.raises(ValueError):
            safe_join(tmp_path, bad)


def test_safe_join_refuses_a_symlink_out(tmp_path):
    outside = tmp_path / "outside"
    inside = tmp_path / "exports"
    outside.mkdir()
    inside.mkdir()
    (inside / "evil.md").symlink_to(outside / "target.md")
    with pytest.raises(ValueError):
        safe_join(inside, "evil.md")


@settings(max_examples=300, deadline=None)
@given(title=st.text(), date=st.one_of(st.none(), st.text(max_size=12)), digest=st.text(max_size=70))
def test_random_titles_never_leave_the_folder(tmp_path_factory, title, date, digest):
    folder = tmp_path_factory.getbasetemp() / "exports"
    name = article_filename(Article(title=title, body="", date=date, content_hash=digest))
    assert re.fullmatch(r"[a-z0-9-]+\.md", name) and len(name) < 200
    path = safe_join(folder, name)
    assert path.parent == folder.resolve()
    # and a raw title, used as a name, is either refused or stays inside
    try:
        raw = safe_join(folder, title)
    except ValueError:
        return
    assert raw.parent == folder.resolve()


def test_write_atomic(tmp_path):
    target = tmp_path / "note.md"
    write_atomic(target, "Hà Nội\n")
    assert target.read_bytes() == "Hà Nội\n".encode()
    with pytest.raises(FileExistsError):
        write_atomic(target, "other")
    assert target.read_text(encoding="utf-8") == "Hà Nội\n"
    write_atomic(target, "Đà Nẵng\r\n", force=True)
    assert target.read_bytes() == "Đà Nẵng\r\n".encode()  # bytes as given, no newline translation
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.md"]  # no temp files left


def test_write_atomic_respects_umask_and_dangling_links(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.md", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.md").stat().st_mode & 0o777 == 0o644
    link = tmp_path / "dangling.md"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileExistsError):
        write_atomic(link, "x")
    assert not (tmp_path / "nowhere").exists()


def test_write_atomic_cleans_up_on_failure(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "missing" / "a.md", "x")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_refuses_a_file_that_appears_meanwhile(tmp_path, monkeypatch):
    target = tmp_path / "race.md"
    real_fsync = os.fsync

    def fsync_then_someone_writes(fd):
        real_fsync(fd)
        if not target.exists():
            target.write_text("theirs", encoding="utf-8")

    monkeypatch.setattr(os, "fsync", fsync_then_someone_writes)
    with pytest.raises(FileExistsError):
        write_atomic(target, "mine")
    assert target.read_text(encoding="utf-8") == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.md"]


def test_exports_folder_type_is_path(tmp_path):
    assert isinstance(safe_join(str(tmp_path), "a.md"), Path)


def test_a_killed_exports_temporary_file_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "note.md"
    dead = tmp_path / ".note.md.999999999-abcd.tmp"  # no such process: a killed run left it
    dead.write_text("half an export")
    mine = tmp_path / f".note.md.{os.getpid()}-beef.tmp"  # a write under way in this process
    mine.write_text("being written")
    write_atomic(target, "Hà Nội\n")
    assert target.read_text(encoding="utf-8") == "Hà Nội\n"
    assert not dead.exists() and mine.exists()
