"""A hostile web server: whatever it sends, a fetch ends with a one-line error or a body
under the cap, in bounded memory and time."""

from __future__ import annotations

import gzip
import threading
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reader.sources.web.http import FetchError, PoliteClient

MB = 1024 * 1024
Answer = Callable[[BaseHTTPRequestHandler], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    answer: Answer

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/robots.txt":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        type(self).answer(self)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[Answer], str]]:
    """serve(answer) -> the address of a loopback server that answers every GET so."""
    servers: list[ThreadingHTTPServer] = []

    def start(answer: Answer) -> str:
        handler = type("Handler", (_Handler,), {"answer": staticmethod(answer)})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/feed/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def encoded(body: bytes, encoding: str) -> Answer:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Encoding", encoding)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def _zeros_gzipped(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * MB
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


def _fetch(url: str, max_bytes: int = 20 * MB) -> bytes:
    with PoliteClient(pause=0, retries=0, max_bytes=max_bytes) as client:
        return client.get(url).body


def test_a_nested_gzip_bomb_stops_at_the_cap_in_bounded_memory(serve):
    # 300 MB of zeros, gzipped twice: about 1 KB on the wire. Undone a chunk at a time
    # (as httpx does), one read inflates all 300 MB before any cap can look at it.
    bomb = gzip.compress(_zeros_gzipped(300), 9)
    assert len(bomb) < 4096
    url = serve(encoded(bomb, "gzip, gzip"))
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="over 1 MB"):
            _fetch(url, max_bytes=MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB, f"peak {peak / MB:.0f} MB"


def test_gzip_and_deflate_in_every_form_servers_send_are_read(serve):
    text = b"<rss><channel><title>Feed</title></channel></rss>" * 3000
    zlib_wrapped = zlib.compress(text)
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw_deflate = raw.compress(text) + raw.flush()
    members = gzip.compress(text[:5000]) + gzip.compress(text[5000:])
    for body, encoding in (
        (gzip.compress(text), "gzip"),
        (gzip.compress(text), "x-gzip"),
        (zlib_wrapped, "deflate"),
        (raw_deflate, "deflate"),
        (members, "gzip"),  # RFC 1952: members one after another are one body
        (gzip.compress(zlib_wrapped), "deflate, gzip"),
        (text, "identity"),
    ):
        assert _fetch(serve(encoded(body, encoding))) == text, encoding


@pytest.mark.parametrize(
    ("body", "encoding", "why"),
    [
        (b"\x28\xb5\x2f\xfdnot really zstd", "zstd", "compressed as 'zstd'"),
        (b"whatever", "br", "compressed as 'br'"),
        (b"this is not gzip at all", "gzip", "cannot be decompressed"),
        (gzip.compress(b"<rss/>", mtime=0) + b"garbage after it", "gzip", "cannot be decompressed"),
    ],
    ids=["zstd", "br", "not-gzip", "gzip-then-garbage"],
)
def test_a_body_that_cannot_be_decoded_is_one_line(serve, body, encoding, why):
    with pytest.raises(FetchError, match=why) as failed:
        _fetch(serve(encoded(body, encoding)))
    assert "\n" not in str(failed.value)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,  # nesting past Python's recursion limit
        "<br />\n[x" * 200_000,  # a 'PHP notice' before every one of 200,000 false starts
    ],
    ids=["deep", "false-starts"],
)
def test_rest_json_that_cannot_be_read_is_one_error_in_bounded_time(cli, body):
    import time

    from tests.wpsite import WordPressSite, generate_posts

    with WordPressSite(generate_posts(3)) as site:
        site.fault(
            "/wp-json/wp/v2/posts*",
            "status",
            times=None,
            status=200,
            body=body,
            content_type="application/json; charset=UTF-8",
        )
        assert cli("source", "add", site.url, "--name", "S").code == 0
        started = time.monotonic()
        ran = cli("sync", "S", "--pause", "0", "--json")
        assert time.monotonic() - started < 20
    assert ran.code == 1, ran.err
    (error,) = ran.json()["sources"][0]["errors"]
    assert "JSON" in error and "\n" not in error


def test_opml_folders_nested_thousands_deep_are_read(cli, tmp_path):
    opml = tmp_path / "deep.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        + '<outline text="Folder">' * 5000
        + '<outline text="Deep feed" xmlUrl="https://example.org/feed/"/>'
        + "</outline>" * 5000
        + "</body></opml>",
        encoding="utf-8",
    )
    ran = cli("source", "import", str(opml))
    assert ran.code == 0 and "added 1 source" in ran.out, ran.err
    (deep,) = [s for s in cli("source", "list", "--json").json() if s["name"] == "Deep feed"]
    assert deep["category"] == "Folder"


def test_opml_declaring_entities_in_utf16_is_refused_in_one_line(cli, tmp_path):
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    opml = tmp_path / "laughs.opml"
    opml.write_text(
        f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE o [<!ENTITY l0 "lol">{lol}]>'
        '<opml version="2.0"><head/><body><outline text="&l9;" xmlUrl="https://x.org/"/>'
        "</body></opml>",
        encoding="utf-16",
    )
    ran = cli("source", "import", str(opml))
    assert ran.code == 1 and ran.err.count("\n") == 1 and "entity" in ran.err, ran.err


def test_opml_import_of_a_pipe_is_refused_not_waited_on(tmp_path):
    import os
    import subprocess
    import sys

    pipe = tmp_path / "subs.opml"
    os.mkfifo(pipe)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    ran = subprocess.run(
        [sys.executable, "-m", "reader", "source", "import", str(pipe)],
        capture_output=True,
        text=True,
        timeout=30,  # reading it waited for a writer for ever
        env=env,
    )
    assert ran.returncode == 1 and "not a file" in ran.stderr, ran.stderr


def test_a_feed_of_too_many_entries_is_read_to_the_limit(cli, serve, monkeypatch):
    from reader.sources.web import feed

    monkeypatch.setattr(feed, "MAX_ENTRIES", 5)  # 10,000 as shipped: the same path
    items = "".join(
        f"<item><title>Entry {i}</title><link>https://example.org/{i}/</link>"
        f"<guid>https://example.org/{i}/</guid><pubDate>Mon, 0{i % 9 + 1} Jan 2024 00:00:00 GMT"
        f"</pubDate><description>Entry {i} about neighbourhoods.</description></item>"
        for i in range(8)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>{items}'
    body += "</channel></rss>"
    url = serve(encoded(body.encode(), "identity"))
    monkeypatch.setenv("GP_READER_SYNC_PAUSE", "0")
    assert cli("source", "add", url, "--name", "Many").code == 0
    ran = cli("sync", "Many", "--pause", "0", "--json")
    (source,) = ran.json()["sources"]
    assert source["added"] == 5 and source["errors"] == [], ran.out
    assert ran.json()["full_text"]["pending"] == 0  # whole posts: no page is asked for
