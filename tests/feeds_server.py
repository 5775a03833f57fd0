"""A real HTTP server on 127.0.0.1 for the feed tests, and a guard that fails any other connection."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Reply:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (a slow server)
    etag: str = ""  # answer 304 to a request carrying this validator


class Server:
    """Routes path → Reply (or a callable building one), and a log of (path, headers) of every request."""

    def __init__(self):
        self.routes: dict[str, Reply | Callable[[dict], Reply]] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.log.append((self.path, headers))
                route = server.routes.get(self.path)
                if route is None:
                    reply = Reply(b"not here", 404)
                else:
                    reply = route(headers) if callable(route) else route
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.etag and headers.get("if-none-match") == reply.etag:
                    reply = Reply(b"", 304, {"ETag": reply.etag})
                self.send_response(reply.status)
                out = dict(reply.headers)
                if reply.etag and reply.status == 200:
                    out.setdefault("ETag", reply.etag)
                out.setdefault("Content-Length", str(len(reply.body)))
                for k, v in out.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.log if p == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _loopback(address) -> bool:
    if isinstance(address, tuple):
        host = str(address[0])
        return host.startswith("127.") or host in ("::1", "localhost")
    return True  # a Unix socket path never leaves the machine


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any connection to an address outside 127.0.0.0/8 fails the test: the suite never leaves the machine."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        if not _loopback(address):
            pytest.fail(f"a test tried to connect to {address!r}; tests never leave the machine")
        return real_connect(self, address)

    def connect_ex(self, address):
        if not _loopback(address):
            pytest.fail(f"a test tried to connect to {address!r}; tests never leave the machine")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def rss(items: list[dict], title: str = "Test feed", link: str = "http://127.0.0.1/") -> bytes:
    """An RSS 2.0 document; each item dict may hold title, link, guid, description, content, author, date."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>',
        f"<title>{title}</title><link>{link}</link><description>d</description>",
    ]
    for item in items:
        parts.append("<item>")
        for key, tag in (("title", "title"), ("link", "link"), ("guid", "guid"), ("author", "dc:creator")):
            if key in item:
                parts.append(f"<{tag}>{item[key]}</{tag}>")
        if "date" in item:
            parts.append(f"<pubDate>{item['date']}</pubDate>")
        if "description" in item:
            parts.append(f"<description><![CDATA[{item['description']}]]></description>")
        if "content" in item:
            parts.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def atom(entries: list[dict], title: str = "Atom feed") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{title}</title><id>urn:feed</id><updated>2026-11-30T10:00:00Z</updated>",
    ]
    for e in entries:
        parts.append(
            f"<entry><id>{e['id']}</id><title>{e['title']}</title><updated>{e.get('updated', '2026-11-30T10:00:00Z')}</updated>"
            f'<link href="{e.get("link", "")}"/><author><name>{e.get("author", "")}</name></author>'
            f'<content type="html"><![CDATA[{e["content"]}]]></content></entry>'
        )
    parts.append("</feed>")
    return "".join(parts).encode("utf-8")


def article_page(title: str, paragraphs: list[str], extra: str = "") -> bytes:
    """A news page: navigation, a headline, the article's paragraphs, a footer of links."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title} | Example News</title>{extra}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer><a href='/about'>About us</a> · <a href='/contact'>Contact</a> · Share on social</footer>"
        "</body></html>"
    ).encode()
