"""Every command's output, --json included, over stores that hold what a terminal obeys:
escape sequences, 8-bit C1 controls (U+009B is a CSI by itself), DEL and bidi overrides,
put there by an older gp-reader, by hand, or by a site (sync errors)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cli_support import Ran

ESC = "\x1b"
OSC52 = f"{ESC}]52;c;cm0gLXJmIH4vKgo={ESC}\\"
CSI8 = "\x9b2J"  # 8-bit CSI: clears the screen in a terminal that takes C1 controls
HOSTILE = f"{OSC52}\u202e{CSI8}\x7f"  # (SQLite holds no lone surrogate)
# Whatever a terminal acts on: C0 but tab and newline, DEL, C1, bidi overrides, surrogates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def assert_clean(ran: Ran, args: tuple[str, ...]) -> None:
    assert ran.code == 0, (args, ran.err)
    for stream in (ran.out, ran.err):
        found = UNSAFE.search(stream)
        assert found is None, (args, repr(stream[max(0, found.start() - 60) : found.end() + 20]))


@pytest.fixture
def raw_stores(cli) -> str:
    """A post, a highlight, a bookmark note, a saved search and a source, each holding
    HOSTILE raw (written past the cleaning every input gets); the post's id."""
    from reader.store.posts import PostStore
    from reader.store.state import StateStore

    with PostStore.open() as store:
        store.write([], [])
        store._write(
            lambda c: c.execute(
                "INSERT INTO posts (id, title, title_is_derived, category, site, author, date,"
                " topics, body, words, sources, overrides, seq, url)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    "raw-post",
                    f"Raw {HOSTILE} title",
                    0,
                    f"Cat{HOSTILE}",
                    "",
                    f"Mallory{HOSTILE}",
                    "2020-01-02",
                    "[]",
                    f"Body about neighbourhoods {HOSTILE} and a quotable passage here.",
                    9,
                    '["x"]',
                    0,
                    1,
                    f"https://example.org/{HOSTILE}",
                ),
            )
        )
        store._write(
            lambda c: c.execute(
                "INSERT INTO subscriptions (name, url, category, added, position)"
                " VALUES (?, ?, NULL, '2020-01-01', 9)",
                (f"Site{HOSTILE}", f"https://example.org/{HOSTILE}"),
            )
        )
        store._write(lambda c: c.execute("UPDATE meta SET value = 'changed'"))
    ran = cli("highlight", "add", "raw-post", "--quote", "a quotable passage")
    assert ran.code == 0, ran.err
    with StateStore.open() as state:
        state._write(
            lambda c: c.execute(
                "UPDATE highlights SET note = ?, quote = ?", (f"note{HOSTILE}", f"q{HOSTILE}")
            )
        )
        state._write(
            lambda c: c.execute(
                "INSERT INTO bookmarks VALUES ('raw-post', ?, '2020-01-01', ?)",
                (f"Raw{HOSTILE}", f"bm{HOSTILE}"),
            )
        )
        state._write(
            lambda c: c.execute(
                "INSERT INTO saved_searches VALUES (?, ?, '2020-01-01')",
                (f"s{HOSTILE}", f"neighbourhoods {HOSTILE}"),
            )
        )
    return "raw-post"


COMMANDS = [
    ("list",),
    ("list", "--json"),
    ("show", "raw-post"),
    ("show", "raw-post", "--json"),
    ("search", "raw"),
    ("search", "raw", "--json"),
    ("searches",),
    ("searches", "--json"),
    ("highlight", "list"),
    ("highlight", "list", "--json"),
    ("highlight", "list", "raw-post"),
    ("export", "highlights"),
    ("bookmark", "list"),
    ("bookmark", "list", "--json"),
    ("bookmark", "note", "raw-post", "new note"),
    ("library", "list"),
    ("source", "list"),
    ("source", "list", "--json"),
    ("source", "export"),
    ("state", "export"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_no_command_prints_what_a_terminal_obeys(raw_stores, cli, args):
    assert_clean(cli(*args), args)


def test_json_output_is_still_exact(raw_stores, cli):
    """The escapes are JSON's own: parsed, the data is what the store holds."""
    shown = cli("show", "raw-post", "--json").json()
    assert shown["title"] == f"Raw {HOSTILE} title"
    assert shown["url"] == f"https://example.org/{HOSTILE}"
    (highlight,) = cli("highlight", "list", "--json").json()
    assert highlight["note"] == f"note{HOSTILE}"
    exported = json.loads(cli("state", "export").out)
    assert exported["bookmarks"][0]["note"] == f"bm{HOSTILE}"


@pytest.fixture
def redirecting_site() -> Iterator[str]:
    """A site whose every page redirects to an address carrying a C1 CSI and a bidi
    override (as UTF-8 bytes, which HTTP lets a header hold), round and round."""
    location = "/a\u009b2J\u202eb".encode().decode("latin-1")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            missing = self.path == "/robots.txt"
            self.send_response(404 if missing else 302)
            if not missing:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_sync_errors_quoting_what_a_site_sent_print_clean(cli, redirecting_site):
    assert cli("source", "add", redirecting_site, "--name", "Hostile").code == 0
    ran = cli("sync", "Hostile", "--pause", "0")
    assert ran.code == 1
    assert "redirect" in ran.out
    for stream in (ran.out, ran.err):
        assert UNSAFE.search(stream) is None, repr(stream)
    ran = cli("sync", "Hostile", "--pause", "0", "--json")
    assert UNSAFE.search(ran.out) is None, repr(ran.out)
    (error,) = ran.json()["sources"][0]["errors"]
    assert "\u009b2J\u202e" in error  # escaped in the JSON, exact once parsed


async def test_the_apps_sync_note_shows_what_a_site_sent_as_plain_clean_text(
    cli, redirecting_site, monkeypatch
):
    from reader.ui.app import build_app
    from reader.ui.launch import make_session
    from tests.ui_support import wait_until

    monkeypatch.setenv("GP_READER_SYNC_PAUSE", "0")
    for default in ("The General Practice Blog", "CCG Information"):
        assert cli("source", "remove", default).code == 0
    # A name is the user's, but may come from an OPML file: [b] in it is not markup.
    assert cli("source", "add", redirecting_site, "--name", "Site [b]bold[/b]").code == 0
    app = build_app(make_session())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("S")
        await wait_until(pilot, lambda: not screen._syncing and app._notifications, timeout=60)
        (note,) = [n for n in app._notifications if n.title == "Sync"]
        assert "Site [b]bold[/b]: added 0" in note.message and not note.markup
        assert UNSAFE.search(note.message) is None, repr(note.message)


def test_a_reading_pack_of_posts_xml_cannot_hold_is_written(raw_stores, cli, tmp_path):
    """lxml refuses control characters and U+FFFF: a title holding them (from an older
    store, or a --title typed) made `export epub` a traceback."""
    out = tmp_path / "pack.epub"
    ran = cli("export", "epub", "--post", "raw-post", "--output", str(out), "--title", "P\x01")
    assert ran.code == 0, ran.err
    assert out.stat().st_size > 0


def test_noncharacters_from_a_saved_page_are_not_stored(cli, tmp_path):
    page = tmp_path / "page.html"
    words = "A paragraph about neighbourhoods and general practice, long enough to keep. "
    page.write_text(
        "<html><head><title>Odd\uffff title</title></head><body><article>"
        f"<h1>Odd\uffff title</h1><p>{words * 12}\ufffe</p></article></body></html>",
        encoding="utf-8",
    )
    assert cli("import", str(page)).code == 0
    (post,) = [p for p in cli("list", "--json").json() if p["title"].startswith("Odd")]
    assert post["title"] == "Odd title"
    assert "\ufffe" not in cli("show", post["id"], "--json").json()["body"]
    ran = cli("export", "epub", "--post", post["id"], "--output", str(tmp_path / "x.epub"))
    assert ran.code == 0, ran.err


def test_open_hands_only_web_addresses_to_the_browser(cli, monkeypatch):
    """A site's REST 'link' can be any scheme; `o` in the app refused others, `gp-reader
    open` passed them to webbrowser (file:, or a desktop program's own handler)."""
    import webbrowser

    from reader.store.posts import PostStore

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    with PostStore.open() as store:
        store.write([], [])
        for post_id, url in (("odd-scheme", "file:///etc/passwd"), ("web", "https://e.org/p/")):
            store._write(
                lambda c, post_id=post_id, url=url: c.execute(
                    "INSERT INTO posts (id, title, title_is_derived, category, site, author,"
                    " date, topics, body, words, sources, overrides, seq, url)"
                    " VALUES (?, 'T', 0, 'C', '', '', NULL, '[]', 'Body text.', 2, '[]', 0, 1, ?)",
                    (post_id, url),
                )
            )
        store._write(lambda c: c.execute("UPDATE meta SET value = 'changed'"))
    ran = cli("open", "odd-scheme")
    assert ran.code == 2 and "not a web address" in ran.err and opened == []
    assert cli("open", "web").code == 0 and opened == ["https://e.org/p/"]
