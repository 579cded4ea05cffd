"""Property tests for what a web server sends: headers, charsets, compressed bodies and
JSON. Whatever arrives, the helpers give a value or their one documented error."""

from __future__ import annotations

import contextlib
import encodings.aliases
import gzip
import json
import zlib

from hypothesis import example, given
from hypothesis import strategies as st

from reader.sources.web.decoding import PIECE, BoundedDecoder
from reader.sources.web.http import decode_text, retry_after
from reader.sources.web.wordpress import parse_json

# Every codec name Python knows, and the non-text and odd ones a page could name.
CHARSETS = sorted(
    set(encodings.aliases.aliases)
    | set(encodings.aliases.aliases.values())
    | {"idna", "punycode", "undefined", "unicode_escape", "utf-7", "base64", "rot13", "x"}
)


@given(
    st.binary(max_size=300),
    st.one_of(st.sampled_from(CHARSETS), st.text(max_size=20)),
    st.sampled_from(["content-type", "meta", "xml"]),
)
@example(b"\xff", "idna", "meta")  # codecs that raise whatever 'errors' says
@example(b"\xff", "punycode", "content-type")
@example(b"x", "undefined", "xml")
@example(b"x", "\x00", "content-type")
def test_any_body_in_any_declared_charset_decodes(body, charset, where):
    if where == "meta":
        body = b'<meta charset="' + charset.encode("utf-8", "replace") + b'">' + body
        content_type = "text/html"
    elif where == "xml":
        body = (
            b'<?xml version="1.0" encoding="' + charset.encode("utf-8", "replace") + b'"?>' + body
        )
        content_type = "application/xml"
    else:
        content_type = f"text/html; charset={charset}"
    assert isinstance(decode_text(body, content_type), str)


@given(st.text(max_size=30))
@example("\u00b2")  # a digit to str.isdigit, not to float (a Latin-1 header byte)
def test_any_retry_after_is_a_wait_or_none(value):
    wait = retry_after(value)
    assert wait is None or wait >= 0


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=20,
)


@given(st.sampled_from(["", "\ufeff", "<br />\n<b>Notice</b>: x<br />\n", "[x\n"]), _json_values)
def test_json_after_what_php_prints_is_read(prefix, value):
    if not isinstance(value, (list, dict)):
        value = [value]
    assert parse_json((prefix + json.dumps(value)).encode()) == value


@given(st.binary(max_size=400))
def test_any_body_is_json_or_value_error(body):
    with contextlib.suppress(ValueError):
        parse_json(body)


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@given(
    st.binary(max_size=3000).map(lambda b: b * 50),
    st.sampled_from(["gzip", "deflate", "raw-deflate", "gzip, gzip", "deflate, gzip"]),
    st.integers(1, 5000),
)
@example(b"", "deflate", 1)  # the zlib header split across reads
@example(b"abc" * 999, "deflate", 1)
def test_compressed_bodies_decode_exactly_in_bounded_pieces(data, coding, chunk):
    wire = {
        "gzip": gzip.compress,
        "deflate": zlib.compress,
        "raw-deflate": _raw_deflate,
        "gzip, gzip": lambda d: gzip.compress(gzip.compress(d)),
        "deflate, gzip": lambda d: gzip.compress(zlib.compress(d)),
    }[coding](data)
    decoder = BoundedDecoder(coding.replace("raw-", ""))
    pieces = [p for i in range(0, len(wire), chunk) for p in decoder.feed(wire[i : i + chunk])]
    assert all(len(p) <= PIECE for p in pieces)
    assert b"".join(pieces) == data


@given(st.binary(max_size=500), st.sampled_from(["gzip", "deflate", "gzip, deflate"]))
def test_any_bytes_said_to_be_compressed_decode_or_are_a_zlib_error(wire, coding):
    decoder = BoundedDecoder(coding)
    try:
        for piece in decoder.feed(wire):
            assert len(piece) <= PIECE
    except zlib.error:
        pass
