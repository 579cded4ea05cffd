"""What goes over the wire: a response, the request log, HTTP dates, ETags, gzip."""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

HTML = "text/html; charset=UTF-8"
RSS = "application/rss+xml; charset=UTF-8"
JSON = "application/json; charset=UTF-8"
TEXT = "text/plain; charset=utf-8"


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)
    last_modified: datetime | None = None  # sent as Last-Modified, checked for 304s
    etag: str | None = None  # None: the site derives one where it sends ETags

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def set(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))


def json_response(data, status: int = 200, headers=()) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body, JSON, list(headers))


def rest_error(code: str, message: str, status: int, **data) -> Response:
    return json_response(
        {"code": code, "message": message, "data": {"status": status, **data}}, status
    )


@dataclass
class RequestRecord:
    """One request as the site saw it. status is 0 until the status line is sent (a slow
    fault may hold it back); bytes_sent counts body bytes written, headers excluded."""

    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]  # names lower-cased
    status: int = 0
    bytes_sent: int = 0
    fault: str | None = None
    time: float = field(default_factory=time.monotonic)  # when it arrived (for pacing tests)

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def rfc822(when: datetime) -> str:
    """mysql2date('D, d M Y H:i:s +0000', ...), as feed-rss2.php prints dates."""
    return when.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def quoted_md5(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return '"' + hashlib.md5(raw).hexdigest() + '"'


def not_modified(
    request_headers: dict[str, str], etag: str | None, last_modified: datetime | None
) -> bool:
    """WP::send_headers' rule for feeds: with both validators sent both must match; with one,
    that one must."""
    client_etag = request_headers.get("if-none-match")
    client_since = parse_http_date(request_headers.get("if-modified-since"))
    etag_ok = bool(
        client_etag and etag and etag in [t.strip() for t in client_etag.split(",")]
    ) or (client_etag == "*")
    since_ok = bool(
        client_since and last_modified and client_since >= last_modified.replace(microsecond=0)
    )
    if client_etag and client_since:
        return etag_ok and since_ok
    return etag_ok or since_ok


def gzip_bytes(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


def gzip_bomb(expanded: int, block: int = 1 << 20) -> bytes:
    """A gzip member that inflates to `expanded` zero bytes, a thousand times smaller.

    Built from one compressed block repeated: after a full flush deflate starts afresh, so
    the bytes for the same input are the same each time. CRC and length trail it as usual.
    """
    blocks, rest = divmod(expanded, block)
    zero = bytes(block)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(zero) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(zero) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.compress(bytes(rest)) + comp.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(zero, crc)
    crc = zlib.crc32(bytes(rest), crc)
    body = b"".join([first] + [again] * max(0, blocks - 1)) if blocks else b""
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc & 0xFFFFFFFF, expanded & 0xFFFFFFFF)
    return header + body + tail + trailer
