"""Faults a test arms on the site: site.fault(pattern, kind, times=..., **options).

A fault matches a request when its pattern (a glob, or a compiled regex searched) matches
the path or the path with its query; the oldest armed fault that matches fires, and is
spent after `times` requests (None: never). Each kind below is one function given the
request's Exchange (see site.py), so the site itself knows nothing of how faults misbehave.
"""

from __future__ import annotations

import fnmatch
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from .wire import TEXT, Response, gzip_bytes

CHUNK = 64 * 1024
# How long a slow response waits at most if nothing releases it: a backstop, never reached
# in a test that stops its site (stop() releases every wait at once).
SLOW_BACKSTOP = 60.0


@dataclass
class Fault:
    pattern: str | re.Pattern
    kind: str
    times: int | None = 1
    options: dict = field(default_factory=dict)
    fired: int = 0
    release: threading.Event = field(default_factory=threading.Event)

    def matches(self, path: str, target: str) -> bool:
        if isinstance(self.pattern, re.Pattern):
            return bool(self.pattern.search(target))
        return fnmatch.fnmatchcase(path, self.pattern) or fnmatch.fnmatchcase(target, self.pattern)

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times


class FaultTable:
    """The armed faults, safe to arm from the test while handler threads take them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        if fault.kind not in KINDS:
            raise ValueError(f"unknown fault {fault.kind!r}; one of {sorted(KINDS)}")
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, path: str, target: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if not fault.spent and fault.matches(path, target):
                    fault.fired += 1
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            faults, self._faults = self._faults, []
        for fault in faults:
            fault.release.set()

    def release_all(self) -> None:
        with self._lock:
            for fault in self._faults:
                fault.release.set()


def _status(ex, fault: Fault, status: int, retry_default=None) -> None:
    opts = fault.options
    headers = []
    retry = opts.get("retry_after", retry_default)
    if retry is not None:
        headers.append(("Retry-After", str(retry)))
    body = opts.get("body", f"{status} error from the simulated site\n").encode()
    ex.send(Response(status, body, opts.get("content_type", TEXT), headers))


def too_many_requests(ex, fault: Fault) -> None:
    """429 with Retry-After (retry_after=1 unless given; None leaves it out)."""
    _status(ex, fault, 429, retry_default=1)


def unavailable(ex, fault: Fault) -> None:
    """503, with Retry-After only if retry_after is given (seconds or an HTTP date)."""
    _status(ex, fault, 503)


def server_error(ex, fault: Fault) -> None:
    _status(ex, fault, 500)


def status(ex, fault: Fault) -> None:
    """Any status: status=403, body=..., retry_after=..."""
    _status(ex, fault, int(fault.options.get("status", 500)))


def slow(ex, fault: Fault) -> None:
    """Hold the response until the site stops (or fault.release is set). after_headers=True
    sends the status line, headers and half the body first, so the wait is mid-body."""
    if fault.options.get("after_headers"):
        resp = ex.build()
        ex.write_head(resp.status, resp.headers, resp.content_type, len(resp.body))
        ex.write_body(resp.body[: len(resp.body) // 2])
        ex.wait(fault.release, SLOW_BACKSTOP)
        ex.write_body(resp.body[len(resp.body) // 2 :])
        return
    ex.wait(fault.release, SLOW_BACKSTOP)
    ex.send(ex.build())


def _cut(ex, fault: Fault, reset: bool) -> None:
    resp = ex.build()
    keep = int(len(resp.body) * float(fault.options.get("fraction", 0.5)))
    ex.write_head(resp.status, resp.headers, resp.content_type, len(resp.body))
    ex.write_body(resp.body[:keep])
    ex.abort(reset=reset)


def reset(ex, fault: Fault) -> None:
    """Headers promising the whole body, part of it (fraction=0.5), then a TCP reset."""
    _cut(ex, fault, reset=True)


def close(ex, fault: Fault) -> None:
    """As reset, but an orderly close: the client reads a short body (IncompleteRead)."""
    _cut(ex, fault, reset=False)


def truncated(ex, fault: Fault) -> None:
    """A complete response whose body is cut at fraction=0.6: malformed XML or JSON, with a
    Content-Length that agrees, as a proxy that lost the rest would send."""
    resp = ex.build()
    resp.body = resp.body[: int(len(resp.body) * float(fault.options.get("fraction", 0.6)))]
    ex.send(resp)


def empty(ex, fault: Fault) -> None:
    resp = ex.build()
    resp.body = b""
    ex.send(resp)


def oversized(ex, fault: Fault) -> None:
    """size bytes (50 MB) of the route's content type, streamed in 64 KiB chunks and never
    held whole; chunked=True sends it without Content-Length. Stops when the client goes."""
    size = int(fault.options.get("size", 50 * 1000 * 1000))
    resp = ex.build()
    chunked = bool(fault.options.get("chunked"))
    ex.write_head(200, [], resp.content_type, None if chunked else size, chunked=chunked)
    head = resp.body[: min(len(resp.body), size)]
    filler = (b"<!-- padding -->" * (CHUNK // 16 + 1))[:CHUNK]
    if not ex.write_body(head, chunked=chunked):  # the real start, then padding
        return
    sent = len(head)
    while sent < size and not ex.stopping.is_set():
        part = filler[: size - sent]
        if not ex.write_body(part, chunked=chunked):
            return
        sent += len(part)
    if chunked:
        ex.write_body(b"", chunked=True)


def gzip_encoded(ex, fault: Fault) -> None:
    """The real response gzip-compressed with Content-Encoding: gzip, whatever the request's
    Accept-Encoding said (a server that ignores it)."""
    resp = ex.build()
    resp.body = gzip_bytes(resp.body)
    resp.set("Content-Encoding", "gzip")
    resp.set("Vary", "Accept-Encoding")
    ex.send(resp)


def gzip_bomb_fault(ex, fault: Fault) -> None:
    """About 1 MB on the wire that inflates to expanded=1 GiB of zeros."""
    body = ex.site.bomb(int(fault.options.get("expanded", 1 << 30)))
    resp = ex.build()
    ex.write_head(200, [("Content-Encoding", "gzip")], resp.content_type, len(body))
    for i in range(0, len(body), CHUNK):
        if not ex.write_body(body[i : i + CHUNK]):
            return


def redirect_loop(ex, fault: Fault) -> None:
    """302 between the URL and the URL with loop=1 added, for ever (times defaults to None)."""
    path, _, query = ex.target.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    if ("loop", "1") in pairs:
        pairs.remove(("loop", "1"))
    else:
        pairs.append(("loop", "1"))
    location = ex.site.url.rstrip("/") + path + (f"?{urlencode(pairs)}" if pairs else "")
    ex.send(Response(302, b"", TEXT, [("Location", location)]))


def redirect_scheme(ex, fault: Fault) -> None:
    """301 to a URL that is not http(s): location='file:///etc/passwd' unless given."""
    location = fault.options.get("location", "file:///etc/passwd")
    ex.send(Response(int(fault.options.get("status", 301)), b"", TEXT, [("Location", location)]))


def redirect(ex, fault: Fault) -> None:
    """A plain redirect to location= (status=301), for moved-site tests."""
    ex.send(
        Response(
            int(fault.options.get("status", 301)),
            b"",
            TEXT,
            [("Location", fault.options["location"])],
        )
    )


def wrong_content_type(ex, fault: Fault) -> None:
    """The real body labelled content_type='text/html; charset=UTF-8' (or as given)."""
    resp = ex.build()
    resp.content_type = fault.options.get("content_type", "text/html; charset=UTF-8")
    ex.send(resp)


KINDS = {
    "429": too_many_requests,
    "503": unavailable,
    "500": server_error,
    "status": status,
    "slow": slow,
    "reset": reset,
    "close": close,
    "truncated": truncated,
    "empty": empty,
    "oversized": oversized,
    "gzip": gzip_encoded,
    "gzip_bomb": gzip_bomb_fault,
    "redirect_loop": redirect_loop,
    "redirect_scheme": redirect_scheme,
    "redirect": redirect,
    "wrong_content_type": wrong_content_type,
}
UNLIMITED_BY_DEFAULT = {"redirect_loop"}
