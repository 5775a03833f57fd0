"""Feed updates against local feeds: the reader's update beside a floor of bare httpx + feedparser.

    python bench/bench_feeds.py [FEEDS] [ENTRIES]

Serves FEEDS (200) RSS feeds of ENTRIES (50) full-content entries from 127.0.0.1, then times, in one run:
the floor (the same fetches with bare httpx and feedparser.parse, no storage, same concurrency), the
reader's first update into an empty library, and a second update (every feed answering 304).
Goals (issue 10): first update ≤ 1.5× the floor; second ≤ 0.1× the first.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.fetch import CONCURRENCY, Fetcher  # noqa: E402
from reader.services import feeds as feed_service  # noqa: E402
from reader.store import Library  # noqa: E402
from reader.store.feeds import FeedStore  # noqa: E402

WORDS = [
    "Hà",
    "Nội",
    "Đà",
    "Nẵng",
    "Quảng",
    "Ninh",
    "the",
    "assembly",
    "approved",
    "a",
    "law",
    "on",
    "land",
    "investment",
    "farmers",
    "province",
    "budget",
]


def make_feed(n: int, entries: int) -> bytes:
    items = []
    for i in range(entries):
        words = " ".join(WORDS[(i + j + n) % len(WORDS)] for j in range(60))
        content = "".join(f"<p>{words} ({n}-{i}-{p}).</p>" for p in range(4))
        items.append(
            f"<item><title>Feed {n} story {i}</title><link>http://127.0.0.1/{n}/{i}</link><guid>{n}-{i}</guid>"
            f"<pubDate>Mon, 30 Nov 2026 08:{i % 60:02d}:00 GMT</pubDate>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Feed {n}</title><link>http://127.0.0.1/</link><description>d</description>{''.join(items)}"
        "</channel></rss>"
    ).encode()


def serve(feeds: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            body = feeds.get(self.path)
            etag = f'"{hash(self.path) & 0xFFFF:x}"'
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def floor(urls: list[str]) -> float:
    import feedparser
    import httpx

    start = time.perf_counter()
    with httpx.Client(timeout=30) as client:

        def one(url: str) -> int:
            return len(feedparser.parse(io.BytesIO(client.get(url).content)).entries)

        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            total = sum(pool.map(one, urls))
    elapsed = time.perf_counter() - start
    assert total == len(urls) * ENTRIES, total
    return elapsed


def timed_update(library: Library, fetcher: Fetcher) -> tuple[float, int, int]:
    start = time.perf_counter()
    new = not_modified = 0
    for result in feed_service.update(library, fetcher):
        assert not result.error, result.error
        new += result.new
        not_modified += result.not_modified
    return time.perf_counter() - start, new, not_modified


FEEDS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
ENTRIES = int(sys.argv[2]) if len(sys.argv) > 2 else 50


def _serve_in_child(documents: dict[str, bytes], ports) -> None:
    httpd = serve(documents)
    ports.put(httpd.server_address[1])
    threading.Event().wait()  # until the parent terminates this process


def main() -> None:
    import multiprocessing

    documents = {f"/feed/{n}.xml": make_feed(n, ENTRIES) for n in range(FEEDS)}
    # The server runs in a process of its own: its threads must not compete for this process's GIL.
    ports = multiprocessing.Queue()
    child = multiprocessing.Process(target=_serve_in_child, args=(documents, ports), daemon=True)
    child.start()
    base = f"http://127.0.0.1:{ports.get(timeout=30)}"
    urls = [base + path for path in documents]
    try:
        floor_s = floor(urls)
        with tempfile.TemporaryDirectory() as tmp:
            library = Library(Path(tmp) / "bench.db")
            store = FeedStore(library)
            for n, url in enumerate(urls):
                store.add_feed(url, f"Feed {n}", [], "never")
            with Fetcher(per_host=int(os.environ.get("PER_HOST", "2"))) as fetcher:
                first_s, new, _ = timed_update(library, fetcher)
                second_s, again, not_modified = timed_update(library, fetcher)
            library.close()
    finally:
        child.terminate()
        child.join()
    assert new == FEEDS * ENTRIES and again == 0 and not_modified == FEEDS
    print(f"{FEEDS} feeds × {ENTRIES} entries ({sum(map(len, documents.values())) / 1e6:.1f} MB of XML)")
    print(f"floor (httpx + feedparser, no storage)  {floor_s:6.2f} s")
    print(
        f"reader first update ({new} articles)   {first_s:6.2f} s  = {first_s / floor_s:.2f}× the floor (goal ≤ 1.5×)"
    )
    print(
        f"reader second update (all 304)        {second_s:6.2f} s  = {second_s / first_s:.3f}× the first (goal ≤ 0.1×)"
    )


if __name__ == "__main__":
    main()
