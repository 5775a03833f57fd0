"""The only HTTP of the reader: one polite client (timeouts, size cap, redirects, conditional GET, limits)."""

from __future__ import annotations

import email.utils
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from reader import __version__, text

USER_AGENT = f"reader/{__version__} (terminal news reader; tinreader)"
MAX_BYTES = 10 * 1024 * 1024  # decompressed: a gzip bomb is cut off here
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0
MAX_RETRY_WAIT = 10.0  # a Retry-After longer than this is reported, not waited for
CONCURRENCY = 8
PER_HOST = 2


class FetchError(Exception):
    """A fetch that failed, worded for the user; `gone` when the server said 410 Gone."""

    def __init__(self, message: str, *, status: int | None = None, gone: bool = False):
        super().__init__(message)
        self.status = status
        self.gone = gone


@dataclass(frozen=True)
class Response:
    """What a successful fetch brought: the final URL, the decompressed body and the caching headers."""

    url: str  # after redirects
    status: int
    content: bytes
    content_type: str = ""
    charset: str | None = None
    etag: str = ""
    last_modified: str = ""
    permanent_redirect: bool = False  # every redirect on the way was 301/308: the URL moved for good
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """True for a 304: the conditional GET found nothing new."""
        return self.status == 304


def check_url(url: str) -> str:
    """The URL if it is http(s) with a host; raises FetchError otherwise."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError(f"{url!r} is not a valid URL") from None
    if parts.scheme.lower() not in text.WEB_SCHEMES:
        raise FetchError(f"only http and https addresses can be fetched, not {url!r}")
    if not parts.hostname:
        raise FetchError(f"{url!r} has no host name")
    return url


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else datetime.now(UTC).timestamp()))


class Fetcher:
    """One HTTP client for the whole program; safe to use from several threads."""

    def __init__(
        self,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        total_timeout: float = TOTAL_TIMEOUT,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        concurrency: int = CONCURRENCY,
        per_host: int = PER_HOST,
        max_retry_wait: float = MAX_RETRY_WAIT,
        user_agent: str = USER_AGENT,
    ):
        self.total_timeout = total_timeout
        self.connect_timeout = connect_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.concurrency = concurrency
        self.per_host = per_host
        self.max_retry_wait = max_retry_wait
        self._hosts: dict[str, threading.Semaphore] = {}
        self._hosts_lock = threading.Lock()
        self.client = httpx.Client(
            timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
            follow_redirects=True,
            max_redirects=max_redirects,
            # Only what _Body can decompress under the size cap, chunk by chunk.
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            trust_env=False,  # no proxy or .netrc from the environment: the reader goes where it is told
        )

    def close(self) -> None:
        """Close the connections."""
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _host_slot(self, url: str) -> threading.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self._hosts_lock:
            if host not in self._hosts:
                self._hosts[host] = threading.Semaphore(self.per_host)
            return self._hosts[host]

    def get(self, url: str, *, etag: str = "", last_modified: str = "", accept: str = "") -> Response:
        """GET a URL (conditionally, given the validators of the last fetch); raises FetchError with a sentence."""
        check_url(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        with self._host_slot(url):
            response = self._get_once(url, headers)
            if response.status in (429, 503):
                wait = retry_after(response.headers.get("retry-after"))
                if wait is not None and wait <= self.max_retry_wait:
                    time.sleep(wait)
                    response = self._get_once(url, headers)
        return _checked(response, url)

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        host = urlsplit(url).hostname or url
        deadline = time.monotonic() + self.total_timeout
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and "content-encoding" not in r.headers and int(declared) > self.max_bytes:
                    raise FetchError(_too_big(url, self.max_bytes))
                body = _Body(r.headers.get("content-encoding", ""), self.max_bytes)
                for chunk in r.iter_raw():
                    if not body.add(chunk):
                        raise FetchError(_too_big(url, self.max_bytes))
                    if time.monotonic() > deadline:
                        raise FetchError(f"{host} took more than {self.total_timeout:g} s to send {url}")
                content = body.finish()
                return Response(
                    url=str(r.url),
                    status=r.status_code,
                    content=content,
                    content_type=r.headers.get("content-type", "").split(";")[0].strip().lower(),
                    charset=r.charset_encoding,
                    etag=r.headers.get("etag", ""),
                    last_modified=r.headers.get("last-modified", ""),
                    permanent_redirect=bool(r.history) and all(h.status_code in (301, 308) for h in r.history),
                    headers={k.lower(): v for k, v in r.headers.items()},
                )
        except httpx.ConnectTimeout:
            raise FetchError(f"could not connect to {host} within {self.connect_timeout:g} s") from None
        except httpx.TimeoutException:
            raise FetchError(f"{host} did not answer within {self.total_timeout:g} s") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"{url} redirects more than {self.max_redirects} times") from None
        except httpx.UnsupportedProtocol:
            raise FetchError(f"{url} redirects to an address that is not http or https") from None
        except (httpx.DecodingError, zlib.error):
            raise FetchError(f"{host} sent a compressed body that could not be decompressed") from None
        except httpx.ConnectError as error:
            raise FetchError(f"could not connect to {host} ({_reason(error)})") from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise FetchError(f"fetching {url} failed ({_reason(error)})") from None

    def get_many(
        self, requests: Iterable[tuple[object, str, str, str]]
    ) -> Iterator[tuple[object, Response | FetchError]]:
        """Fetch (key, url, etag, last_modified) requests concurrently; yield (key, response or error) as each ends."""
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = {pool.submit(self.get, url, etag=etag, last_modified=lm): key for key, url, etag, lm in requests}
            for future in as_completed(futures):
                try:
                    yield futures[future], future.result()
                except FetchError as error:
                    yield futures[future], error


class _Body:
    """Collects a raw body, decompressing gzip/deflate itself so that no chunk ever expands past the cap."""

    def __init__(self, encoding: str, limit: int):
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._inflate = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflate = zlib.decompressobj()
        else:
            raise FetchError(f"the server sent its answer in an encoding the reader did not ask for ({encoding})")
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> bool:
        """Take a raw chunk; False once the decompressed body would pass the limit."""
        if self._inflate is None:
            return self._keep(chunk)
        data = chunk
        while data:
            out = self._inflate.decompress(data, self.limit - self.size + 1)
            if not self._keep(out):
                return False
            data = self._inflate.unconsumed_tail
        return True

    def _keep(self, data: bytes) -> bool:
        self.size += len(data)
        self.parts.append(data)
        return self.size <= self.limit

    def finish(self) -> bytes:
        """The whole decompressed body."""
        if self._inflate is not None:
            self.parts.append(self._inflate.flush())
        return b"".join(self.parts)


def _too_big(url: str, limit: int) -> str:
    return f"{url} is larger than {limit // (1024 * 1024)} MB once decompressed; it was not read"


def _reason(error: Exception) -> str:
    reason = str(error) or type(error).__name__
    return reason.splitlines()[0][:200]


_STATUS_WORDS = {404: "Not Found", 403: "Forbidden", 401: "Unauthorized", 429: "Too Many Requests", 500: "Server Error"}


def _checked(response: Response, url: str) -> Response:
    """The response if it is a success (2xx or 304); raises FetchError with a sentence otherwise."""
    status = response.status
    if 200 <= status < 300 or status == 304:
        return response
    if status == 410:
        raise FetchError(f"{url} is gone (410): the server says it will not come back", status=410, gone=True)
    try:
        words = httpx.codes.get_reason_phrase(status) or _STATUS_WORDS.get(status, "")
    except Exception:
        words = ""
    if status in (429, 503):
        wait = retry_after(response.headers.get("retry-after"))
        later = f"; it asks to wait {wait:.0f} s" if wait is not None else ""
        raise FetchError(f"{url} answered {status} {words}{later}; try again later", status=status)
    raise FetchError(f"{url} answered {status} {words}".rstrip(), status=status)
