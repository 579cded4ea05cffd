"""A response's Content-Encoding undone a piece at a time, so a bomb stops at the cap.

httpx decompresses each chunk read from the socket whole, and stacks one decompressor per
coding the server names: `Content-Encoding: gzip, gzip` turns 2 KB on the wire into 1 GB
in one call, before any size cap can look at it. Here every coding is undone with zlib's
`max_length`, so no step yields more than PIECE bytes and the caller can stop at its cap.

gp-reader asks for gzip and deflate alone (ACCEPT_ENCODING); a response in another coding
(br, zstd, compress) is refused as unreadable rather than passed on as if it were text.
RFC 9110 8.4: codings are listed in the order they were applied, so they are undone from
the last; "identity" is no coding; several gzip members one after another are one body
(RFC 1952 2.2), as `zcat` reads them; "deflate" is the zlib format (RFC 9110 8.4.1.2),
though some servers send raw deflate, which is read too (as browsers and httpx do).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

ACCEPT_ENCODING = "gzip, deflate"
PIECE = 64 * 1024
_GZIP = {"gzip", "x-gzip"}


class UnknownCoding(ValueError):
    """A Content-Encoding gp-reader cannot undo; str() names it."""


class _Inflater:
    """One coding undone, yielding at most PIECE bytes at a time."""

    def __init__(self, coding: str) -> None:
        self.gzip = coding in _GZIP
        self._inflate: zlib._Decompress | None = None
        self._ended = False  # deflate: the stream is over; what follows is ignored
        self._start = b""  # deflate: its first byte, until the second tells zlib from raw

    def _new(self, first: bytes) -> zlib._Decompress:
        if self.gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # The zlib format starts with a header whose two bytes are a multiple of 31 and
        # name method 8; anything else is taken as raw deflate.
        wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] * 256 + first[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self.gzip and self._inflate is None and not self._ended:
            data, self._start = self._start + data, b""
            if len(data) < 2:  # a chunk may be one byte: wait for the header's second
                self._start = data
                return
        while data and not self._ended:
            if self._inflate is None:
                if self.gzip and not data.strip(b"\0"):
                    return  # padding after the last member
                self._inflate = self._new(data)
            out = self._inflate.decompress(data, PIECE)
            if out:
                yield out
            if self._inflate.eof:
                data = self._inflate.unused_data
                self._inflate = None
                self._ended = not self.gzip
            else:
                data = self._inflate.unconsumed_tail
                while not data and len(out) == PIECE:  # output still held back
                    out = self._inflate.decompress(b"", PIECE)
                    if out:
                        yield out
                    if self._inflate.eof:
                        break


def _through(layer: _Inflater, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from layer.feed(piece)


class BoundedDecoder:
    """`feed(raw)` yields the decoded body in pieces of at most PIECE bytes."""

    def __init__(self, content_encoding: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        for coding in codings:
            if coding not in _GZIP and coding != "deflate":
                raise UnknownCoding(coding)
        self._layers = [_Inflater(c) for c in reversed(codings)]

    def feed(self, raw: bytes) -> Iterator[bytes]:
        pieces: Iterable[bytes] = (raw,)
        for layer in self._layers:
            pieces = _through(layer, pieces)
        return iter(pieces)
