"""A polite HTTP client for syncing: the manners of newsboat and Miniflux.

- httpx with connect and read timeouts, and a deadline for a whole response (a server that
  drips a byte a second cannot hold a sync for ever);
- one request at a time per host, with a pause between them (default 1 s; a robots.txt
  Crawl-delay, up to a minute, lengthens it);
- a User-Agent naming gp-reader, its version, what it is and its package page;
- robots.txt honoured as RFC 9309 reads it (protego: the group naming gp-reader, else *;
  the longest matching rule; * and $ in paths; a 4xx robots.txt allows everything; 5xx
  after retries: site down), kept for a day in the store when one is given (RFC 9309
  allows caching up to 24 hours), so a sync does not ask for it again each time;
- 429 and 503 wait for Retry-After (a wait over MAX_RETRY_AFTER is reported, not waited);
  other 5xx and dropped connections are retried with exponential backoff and jitter, then
  reported (a connection that cannot be made at all is tried twice, not four times);
- a bot check (Cloudflare's challenge page, marked `cf-mitigated: challenge` whatever its
  status) is returned at once, never retried: it wants a browser, which a retry is not;
- redirects followed by hand up to a limit, each hop checked (http and https only, robots,
  loops);
- bodies over a cap refused, counted after decompression so a gzip bomb stops at the cap;
- conditional GET (If-None-Match, If-Modified-Since).

Every failure is a FetchError with one line a user can read.
"""

from __future__ import annotations

import email.utils
import os
import random
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from reader import __version__
from reader.sources.web.decoding import ACCEPT_ENCODING, BoundedDecoder, UnknownCoding

# The project has no public home page of its own: the User-Agent says what gp-reader is
# and points at its package page, where a site's owner can read what it does.
PACKAGE_URL = "https://pypi.org/project/gp-reader/"
USER_AGENT = (
    f"gp-reader/{__version__} (+offline reader of Ben Gowland's general practice blogs; "
    f"{PACKAGE_URL})"
)
DEFAULT_PAUSE = 1.0
PAUSE_ENV = "GP_READER_SYNC_PAUSE"
MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
RETRIES = 3
MAX_RETRY_AFTER = 120.0
MAX_CRAWL_DELAY = 60.0
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
RESPONSE_DEADLINE = 120.0
ROBOTS_MAX_AGE = 24 * 3600.0  # RFC 9309 2.4: a robots.txt may be cached up to 24 hours
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 2.5: parse at least the first 500 KiB
_REDIRECTS = {301, 302, 303, 307, 308}
_RETRY_AFTER = {429, 503}


def pause_from_env() -> float:
    """The pause between requests to a site: $GP_READER_SYNC_PAUSE when it is a number of
    seconds (not negative), else the default."""
    raw = os.environ.get(PAUSE_ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_PAUSE
    return value if value >= 0 else DEFAULT_PAUSE


class FetchError(Exception):
    """A request that failed for good; str() is one line naming the address and why."""

    def __init__(self, url: str, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.unreachable = unreachable  # offline, or the site is down


class Disallowed(FetchError):
    """robots.txt asks gp-reader not to fetch this address."""


class RobotsCache(Protocol):
    """Where robots.txt files are kept between syncs (reader.store.web.WebStore)."""

    def cached_robots(self, origin: str, max_age: float) -> str | None: ...

    def cache_robots(self, origin: str, text: str) -> None: ...


class Cancelled(Exception):
    """The sync was asked to stop (Ctrl+C in the app, or the app closing)."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def challenged(self) -> bool:
        """A bot check stands where the page should be (Cloudflare marks every kind of
        its challenge pages so, as its documentation says to detect them)."""
        value: str = self.headers.get("cf-mitigated", "")
        return value.strip().lower() == "challenge"

    @property
    def content_type(self) -> str:
        value: str = self.headers.get("content-type", "")  # httpx types .get() as Any
        return value.split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return decode_text(self.body, self.headers.get("content-type", ""))


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
# Charsets a server declares by default (Apache's old AddDefaultCharset, PHP's
# default_charset) on pages that are in fact UTF-8, the most common wrong declaration.
# Python codecs a page may name that are no web page's encoding (the WHATWG Encoding
# standard has none of them; UTF-7 it forbids): the page is read as UTF-8 instead.
_NOT_A_PAGE_ENCODING = {
    "utf-7",
    "utf7",
    "unicode-escape",
    "raw-unicode-escape",
    "idna",
    "punycode",
    "undefined",
}
_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"}


def declared_charset(body: bytes, content_type: str) -> str | None:
    """The charset a response declares: the BOM, the Content-Type, an XML declaration,
    a <meta charset> in the first 2 KB, in that order (as the HTML standard sniffs)."""
    if body.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip("\"' "):
            return value.strip("\"' ").lower()
    found = _XML_ENCODING.match(body[:200]) or _META_CHARSET.search(body[:2048])
    return found.group(1).decode("ascii").lower() if found else None


def decode_text(body: bytes, content_type: str) -> str:
    """A body as text. Bytes that are valid UTF-8 are read as UTF-8 even where a
    single-byte charset is declared (such a declaration is wrong far more often than a
    Latin-1 page happens to be valid UTF-8); no declaration and not UTF-8: Windows-1252."""
    charset = declared_charset(body, content_type) or "utf-8"
    if charset.replace("_", "-") in _NOT_A_PAGE_ENCODING:
        charset = "utf-8"
    if charset in _SINGLE_BYTE or charset in ("utf-8", "utf8"):
        try:
            return body.decode("utf-8-sig")
        except UnicodeDecodeError:
            charset = "windows-1252" if charset in ("utf-8", "utf8") else charset
    try:
        return body.decode(charset, errors="replace")
    except (LookupError, ValueError):
        # No such codec, one that is not text (base64), one whose errors 'replace' does
        # not cover (idna, punycode and 'undefined' raise anyway: a UnicodeError), a name
        # Python cannot look up (a NUL in it).
        return body.decode("utf-8", errors="replace")


@dataclass
class Stats:
    requests: int = 0
    bytes: int = 0  # on the wire (compressed as sent)
    waited: float = 0.0  # seconds spent in pauses and back-offs


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = float("-inf")
    robots: Protego | None = None
    delay: float = 0.0


class PoliteClient:
    """GET with manners; use as a context manager. Thread-safe per host."""

    def __init__(
        self,
        *,
        pause: float = DEFAULT_PAUSE,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        retries: int = RETRIES,
        backoff: float = 0.5,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        deadline: float = RESPONSE_DEADLINE,
        max_retry_after: float = MAX_RETRY_AFTER,
        user_agent: str = USER_AGENT,
        cancel: threading.Event | None = None,
        robots_cache: RobotsCache | None = None,
    ) -> None:
        self.pause = max(0.0, pause)
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff = backoff
        self.deadline = deadline
        self.max_retry_after = max_retry_after
        self.user_agent = user_agent
        self.cancel = cancel or threading.Event()
        self.robots_cache = robots_cache
        self.stats = Stats()
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self._clients: dict[str, httpx.Client] = {}

    def _client(self, url: str) -> httpx.Client:
        """One connection pool per scheme, made on first use: the https one loads the
        certificate store (a sixth of a second), which a site on http:// never needs."""
        scheme = "https" if url.lower().startswith("https:") else "http"
        client = self._clients.get(scheme)
        if client is None:
            client = self._clients[scheme] = httpx.Client(
                timeout=self._timeout,
                follow_redirects=False,
                headers={"User-Agent": self.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
                trust_env=False,  # no proxies: every request goes to its own host
                # Only http:// addresses go through this client (each redirect hop picks
                # its client by its own scheme), so no TLS happens on it to verify.
                verify=scheme == "https",
            )
        return client

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the one public request --------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """The response to a GET of `url` (after redirects): any status below 500 but 429,
        a 304 when the validators still hold. FetchError for what cannot be had."""
        seen: set[str] = set()
        for _hop in range(self.max_redirects + 1):
            _check_scheme(url)
            if url in seen:
                raise FetchError(url, "redirect loop")
            seen.add(url)
            if not self.allowed(url):
                raise Disallowed(url, "robots.txt asks gp-reader not to fetch this")
            headers = {}
            if accept:
                headers["Accept"] = accept
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            response = self._with_retries(url, headers)
            if response.status in _REDIRECTS and "location" in response.headers:
                url = urljoin(url, response.headers["location"].strip())
                continue
            return response
        raise FetchError(url, f"more than {self.max_redirects} redirects")

    # -- robots.txt --------------------------------------------------------------------------

    def allowed(self, url: str) -> bool:
        host = self._host(url)
        if host.robots is None:
            host.robots = self._robots(url, host)
        return bool(host.robots.can_fetch(url, self.user_agent))

    def sitemaps(self, url: str) -> list[str]:
        """The sitemaps the robots.txt of `url`'s site names (its Sitemap: lines)."""
        host = self._host(url)
        if host.robots is None:
            host.robots = self._robots(url, host)
        return [str(u) for u in host.robots.sitemaps]

    def _robots(self, url: str, host: _Host) -> Protego:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        text = None
        if self.robots_cache is not None:
            text = self.robots_cache.cached_robots(origin, ROBOTS_MAX_AGE)
        if text is None:
            text = self._read_robots(origin)
            if self.robots_cache is not None:
                self.robots_cache.cache_robots(origin, text)
        parser = Protego.parse(text)
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            host.delay = min(max(float(delay), 0.0), MAX_CRAWL_DELAY)
        return parser

    def _read_robots(self, origin: str) -> str:
        """The robots.txt of `origin` as text; "" (everything allowed) when there is none
        or it is a 4xx, or is not text (an HTML page served with a 200 for every path)."""
        address = f"{origin}/robots.txt"
        for _hop in range(self.max_redirects + 1):
            got = self._with_retries(address, {})
            if got.status in _REDIRECTS and "location" in got.headers:
                address = urljoin(address, got.headers["location"].strip())
                if urlsplit(address).scheme not in ("http", "https"):
                    break
                continue
            if got.ok:
                text = decode_text(got.body[:ROBOTS_MAX_BYTES], got.headers.get("content-type", ""))
                return "" if text.lstrip().startswith("<") else text
            break
        return ""

    # -- pacing, retries, reading ----------------------------------------------------------

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        with self._hosts_lock:
            return self._hosts.setdefault(key, _Host())

    def _sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self.stats.waited += seconds
        if self.cancel.wait(seconds):
            raise Cancelled()

    def _with_retries(self, url: str, headers: dict[str, str]) -> Response:
        host = self._host(url)
        attempt = 0
        while True:
            if self.cancel.is_set():
                raise Cancelled()
            with host.lock:
                self._sleep(host.last + max(self.pause, host.delay) - time.monotonic())
                refused = False
                try:
                    response = self._once(url, headers)
                    failure = None
                except httpx.TransportError as exc:
                    response, failure = None, _describe(exc)
                    refused = isinstance(exc, httpx.ConnectError)
                finally:
                    host.last = time.monotonic()
            if response is not None and (
                (response.status < 500 and response.status != 429) or response.challenged
            ):
                return response
            # No connection at all (offline, no such host, nothing listening) is asked
            # once more, not three times: offline, every source would wait seconds for it.
            if attempt >= (min(1, self.retries) if refused else self.retries):
                if response is not None:
                    raise FetchError(url, _status_reason(response), unreachable=True)
                raise FetchError(url, failure or "no response", unreachable=True)
            wait = self.backoff * (2**attempt) * (1 + random.random())
            if response is not None and response.status in _RETRY_AFTER:
                asked = retry_after(response.headers.get("retry-after"))
                if asked is not None:
                    if asked > self.max_retry_after:
                        raise FetchError(
                            url,
                            f"{_status_reason(response)}; it asks to wait {asked:.0f} s",
                            unreachable=True,
                        )
                    wait = max(asked, 0.0)
            attempt += 1
            self._sleep(wait)

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        started = time.monotonic()
        self.stats.requests += 1
        with self._client(url).stream("GET", url, headers=headers) as stream:
            try:
                declared = int(stream.headers.get("content-length", "-1"))
            except ValueError:
                declared = -1
            if declared > self.max_bytes and "content-encoding" not in stream.headers:
                self.stats.bytes += stream.num_bytes_downloaded
                raise FetchError(url, f"the response is over {_megabytes(self.max_bytes)}")
            try:
                decoder = BoundedDecoder(stream.headers.get("content-encoding", ""))
            except UnknownCoding as exc:
                self.stats.bytes += stream.num_bytes_downloaded
                raise FetchError(
                    url, f"the response is compressed as {str(exc)!r}, which gp-reader cannot read"
                ) from None
            chunks: list[bytes] = []
            size = 0
            try:
                # Raw bytes, decoded here a bounded piece at a time (reader.sources.web.decoding):
                # httpx's own decoding would inflate a whole chunk before the cap could look.
                for raw in stream.iter_raw():
                    for chunk in decoder.feed(raw):
                        size += len(chunk)
                        if size > self.max_bytes:
                            raise FetchError(
                                url, f"the response is over {_megabytes(self.max_bytes)}"
                            )
                        chunks.append(chunk)
                    if time.monotonic() - started > self.deadline:
                        raise FetchError(url, f"the response took over {self.deadline:.0f} s")
                    if self.cancel.is_set():
                        raise Cancelled()
            except zlib.error as exc:
                raise FetchError(url, f"the response cannot be decompressed ({exc})") from None
            finally:
                self.stats.bytes += stream.num_bytes_downloaded
            return Response(str(stream.url), stream.status_code, stream.headers, b"".join(chunks))


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(url, "only http and https addresses are fetched")


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # RFC 9110 delay-seconds: ASCII digits ('²' is not)
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def refusal(response: Response, what: str = "the site") -> str:
    """Why a response that is not a 2xx cannot be used, in a few words."""
    if response.challenged:
        return (
            f"{what} is behind a bot check (Cloudflare's challenge page) that only a web "
            "browser can pass"
        )
    return f"{what} answered {response.status}"


def _status_reason(response: Response) -> str:
    try:
        phrase = httpx.codes.get_reason_phrase(response.status)
    except ValueError:
        phrase = ""
    return f"the site answered {response.status} {phrase}".rstrip()


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "the connection timed out"
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect (offline, or the site is down)"
    if isinstance(exc, httpx.TimeoutException):
        return "the site stopped answering (timed out)"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection was closed mid-response"
    return f"network error ({type(exc).__name__})"


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"
