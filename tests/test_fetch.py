"""reader.fetch against a real server on 127.0.0.1: caching, compression, limits, redirects, errors."""

import gzip
import socket
import zlib

import pytest

from reader.fetch import Fetcher, FetchError, retry_after
from tests.feeds_server import Reply


@pytest.fixture
def fetcher():
    f = Fetcher(connect_timeout=2, total_timeout=2, max_bytes=1024 * 1024, max_retry_wait=1)
    yield f
    f.close()


def test_user_agent_and_compression_are_sent_and_gzip_is_read(server, fetcher):
    server.routes["/a"] = Reply(gzip.compress(b"hello " * 100), headers={"Content-Encoding": "gzip"})
    response = fetcher.get(server.url("/a"))
    assert response.content == b"hello " * 100
    _, headers = server.log[-1]
    assert headers["user-agent"].startswith("reader/")
    assert "gzip" in headers["accept-encoding"]


def test_deflate_is_read(server, fetcher):
    server.routes["/d"] = Reply(zlib.compress(b"deflated body"), headers={"Content-Encoding": "deflate"})
    assert fetcher.get(server.url("/d")).content == b"deflated body"


def test_conditional_get_sends_the_validators_and_reads_304(server, fetcher):
    server.routes["/feed"] = Reply(b"<rss/>", etag='"v1"', headers={"Last-Modified": "Mon, 30 Nov 2026 10:00:00 GMT"})
    first = fetcher.get(server.url("/feed"))
    assert first.etag == '"v1"' and first.last_modified.startswith("Mon, 30 Nov")
    second = fetcher.get(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.content == b""
    _, headers = server.log[-1]
    assert headers["if-none-match"] == '"v1"' and headers["if-modified-since"] == first.last_modified


def test_a_gzip_bomb_is_refused_without_inflating_it(server, fetcher):
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))  # 20 MB of zeros in about 20 KB
    assert len(bomb) < 100_000
    server.routes["/bomb"] = Reply(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="larger than 1 MB once decompressed"):
        fetcher.get(server.url("/bomb"))


def test_an_oversized_plain_body_is_refused(server, fetcher):
    server.routes["/big"] = Reply(b"x" * (2 * 1024 * 1024))
    with pytest.raises(FetchError, match="larger than 1 MB"):
        fetcher.get(server.url("/big"))


def test_redirects_are_followed_and_a_permanent_one_is_reported(server, fetcher):
    server.routes["/old"] = Reply(status=301, headers={"Location": "/new"})
    server.routes["/tmp"] = Reply(status=302, headers={"Location": "/new"})
    server.routes["/new"] = Reply(b"moved here")
    moved = fetcher.get(server.url("/old"))
    assert moved.content == b"moved here" and moved.url == server.url("/new") and moved.permanent_redirect
    assert not fetcher.get(server.url("/tmp")).permanent_redirect


def test_too_many_redirects_is_a_sentence(server, fetcher):
    for i in range(10):
        server.routes[f"/r{i}"] = Reply(status=302, headers={"Location": f"/r{i + 1}"})
    with pytest.raises(FetchError, match="redirects more than 5 times"):
        fetcher.get(server.url("/r0"))


def test_a_redirect_to_another_scheme_is_refused(server, fetcher):
    server.routes["/file"] = Reply(status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="not http or https"):
        fetcher.get(server.url("/file"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)", "http://"])
def test_only_http_and_https_are_fetched(fetcher, url):
    with pytest.raises(FetchError):
        fetcher.get(url)


@pytest.mark.parametrize(("status", "words"), [(404, "404 Not Found"), (500, "500 Internal Server Error")])
def test_http_errors_are_sentences(server, fetcher, status, words):
    server.routes["/e"] = Reply(b"oops", status)
    with pytest.raises(FetchError, match=words):
        fetcher.get(server.url("/e"))


def test_410_marks_gone(server, fetcher):
    server.routes["/gone"] = Reply(b"", 410)
    with pytest.raises(FetchError) as caught:
        fetcher.get(server.url("/gone"))
    assert caught.value.gone and "gone" in str(caught.value)


def test_429_with_a_short_retry_after_is_retried_once(server, fetcher):
    answers = iter([Reply(b"slow down", 429, {"Retry-After": "0"}), Reply(b"now fine")])
    server.routes["/busy"] = lambda headers: next(answers)
    assert fetcher.get(server.url("/busy")).content == b"now fine"
    assert server.hits("/busy") == 2


def test_503_with_a_long_retry_after_is_reported_not_waited_for(server, fetcher):
    server.routes["/later"] = Reply(b"", 503, {"Retry-After": "3600"})
    with pytest.raises(FetchError, match="asks to wait 3600 s; try again later"):
        fetcher.get(server.url("/later"))
    assert server.hits("/later") == 1


def test_retry_after_reads_seconds_and_dates():
    assert retry_after("120") == 120
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert retry_after("soon") is None and retry_after(None) is None


def test_a_slow_server_times_out_with_a_sentence(server):
    server.routes["/slow"] = Reply(b"late", delay=1.5)
    with Fetcher(total_timeout=0.3, connect_timeout=0.3) as quick, pytest.raises(FetchError, match="did not answer"):
        quick.get(server.url("/slow"))


def test_a_refused_connection_is_a_sentence(fetcher):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    with pytest.raises(FetchError, match="could not connect to 127.0.0.1"):
        fetcher.get(f"http://127.0.0.1:{port}/")


def test_get_many_fetches_everything_and_reports_each_failure(server):
    for i in range(6):
        server.routes[f"/f{i}"] = Reply(f"feed {i}".encode())
    requests = [(i, server.url(f"/f{i}"), "", "") for i in range(6)] + [("bad", server.url("/missing"), "", "")]
    with Fetcher(concurrency=3, per_host=2) as f:
        results = dict(f.get_many(requests))
    assert {k: r.content for k, r in results.items() if k != "bad"} == {i: f"feed {i}".encode() for i in range(6)}
    assert isinstance(results["bad"], FetchError)


def test_the_guard_fails_a_connection_outside_the_machine():
    with pytest.raises(pytest.fail.Exception, match="never leave the machine"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
