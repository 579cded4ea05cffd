"""Property tests: any search string, any file, gets results or one clear line.

Bounded by the `ci` hypothesis profile (tests/conftest.py); HYPOTHESIS_PROFILE=deep runs
thousands of examples.
"""

from __future__ import annotations

import plistlib
import quopri
import time
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reader.sanitise import is_clean
from reader.sources.readers import ReadOptions, UnreadableFile, read_file

SYNTAX = [
    "pcn",
    "neighbourhood",
    "care",
    "AND",
    "OR",
    "NOT",
    "-",
    '"',
    "(",
    ")",
    "*",
    "~",
    "^",
    ":",
    "title:",
    "category:",
    "topic:",
    "date:",
    "foo:",
    "date:2013",
    "date:2013-13",
    "..",
    ">",
    "<",
    ">=",
    "<=",
    "=",
    "[",
    "]",
    "{",
    "}",
    "to",
    "\x1b[2J",
    "\x00",
    "\u202e",
    "'",
    "’",
    "/",
    "\\",
    "2013-07..2013-12",
    " ",
    " ",
    " ",
]
queries = st.one_of(
    st.lists(st.sampled_from(SYNTAX), min_size=1, max_size=12).map("".join),
    st.text(min_size=1, max_size=60),
)


@given(queries, st.booleans())
@example(">= a", False)
@example("pcn *  date:2013pcn’pcnpcn", False)
@example("<= a", True)
@example("foo:bar", False)
@example("a" * 100_000, False)
@example(" ".join(["neighbourhoods"] * 5000), False)
@example("x" * 40 + " " + "y" * 31, False)
@example(" ".join(f"word{n}~" for n in range(150)), False)
@example(" ".join(f"wor{n}*" for n in range(150)), True)
def test_any_query_gets_results_or_a_note_quickly(index, text, as_you_type):
    started = time.perf_counter()
    results = index.search(text, limit=5, as_you_type=as_you_type)
    # About a second at most on its own; the bound allows for a machine running the whole
    # suite in parallel (a search of 0.9 s alone took 4 s there).
    assert time.perf_counter() - started < 6
    assert results.total >= len(results.hits)
    if results.notice:
        assert "\n" not in results.notice


def test_unknown_fields_and_long_queries_say_so(index):
    assert "no field foo" in index.search("foo:bar").notice
    assert "cut to its first" in index.search("neighbourhood " * 10_000).notice
    assert "first 16 words" in index.search(" ".join(f"w{n}~" for n in range(20))).notice
    results = index.search(">= a")
    assert results.total > 0 or results.notice


# -- importers: random bytes and almost-valid files ------------------------------------------


def _read(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        kind, posts = read_file(path, ReadOptions(newest_year=2014))
    except UnreadableFile as exc:
        assert "\n" not in str(exc)
        return None
    for post in posts:
        for value in (post.title, post.body, post.category or "", post.author or ""):
            assert is_clean(value)
    return posts


SUFFIXES = [".md", ".xml", ".html", ".txt", ".rss", ".mhtml", ".webarchive", ""]


@given(st.binary(max_size=400), st.sampled_from(SUFFIXES))
def test_random_bytes_never_raise_anything_but_one_line(tmp_path_factory, data, suffix):
    _read(tmp_path_factory.mktemp("bytes"), "file" + suffix, data)


def _mutate(template: str, draw) -> str:
    """Cut, repeat and splice the template: almost valid, as a damaged download is."""
    text = template
    for _ in range(draw(st.integers(0, 4))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["cut", "insert", "dup", "drop"]))
        if action == "cut":
            text = text[:at]
        elif action == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif action == "dup":
            text = text[:at] + text[at : at + 40] * draw(st.integers(2, 5)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 30)) :]
    return text


PIECES = [
    "---\n",
    "\n---\n",
    "&a",
    "*a",
    "!!python/object:os.system",
    "<",
    "</",
    ">",
    "&amp;",
    "&lol;",
    "<![CDATA[",
    "]]>",
    "<!ENTITY x SYSTEM 'file:///etc/passwd'>",
    "\x1b]52;c;AA\x07",
    "\x00",
    "\ud800",
    "date: 2013-02-30\n",
    "tags: 5\n",
    "title: [a]\n",
    "<script>x</script>",
    "<item>",
    "</item>",
    "<entry>",
    "\r\n",
    "\u202e",
    "\x9b2J",
    "# ",
    "- ",
    "1. ",
    "> ",
]
MARKDOWN = (
    "---\ntitle: Why engage with neighbourhoods?\ndate: 2021-03-04\ncategory: Primary care\n"
    "tags: [access, pcn]\nauthor: Ben\n---\n\n# Heading\n\nA paragraph with **bold** and a "
    "[link](https://example.org).\n\n- one\n- two\n\n> quoted\n"
)
RSS = (
    '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Blog</title><item><title>'
    "First post</title><pubDate>Mon, 06 Sep 2021 16:45:00 +0000</pubDate><category>PCNs"
    "</category><description><![CDATA[<p>Hello <b>world</b>.</p><p>More text.</p>]]>"
    "</description></item></channel></rss>\n"
)
ATOM = (
    '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>Blog</title><entry><title>An entry</title><updated>2014-02-09T10:00:00Z</updated>"
    '<content type="html">&lt;p&gt;Entry text.&lt;/p&gt;</content></entry></feed>\n'
)
HTML = (
    "<!doctype html><html><head><title>A saved post</title></head><body><nav>Menu</nav>"
    "<article><h1>A saved post</h1><p>First paragraph of the post, long enough to count as "
    "the main text of the page for the extractor.</p><p>Second paragraph.</p>"
    '<a rel="category tag" href="/c">Commissioning</a></article><footer>(c)</footer>'
    "</body></html>\n"
)


@pytest.mark.parametrize(
    ("template", "name"),
    [(MARKDOWN, "post.md"), (RSS, "feed.xml"), (ATOM, "feed.atom"), (HTML, "post.html")],
    ids=["markdown", "rss", "atom", "html"],
)
@given(data=st.data())
def test_almost_valid_files_are_read_or_refused_in_one_line(tmp_path_factory, template, name, data):
    text = _mutate(template, data.draw)
    raw = text.encode("utf-8", "surrogatepass")
    _read(tmp_path_factory.mktemp("almost"), name, raw)


def test_the_templates_themselves_import(tmp_path):
    for template, name in [(MARKDOWN, "a.md"), (RSS, "b.xml"), (ATOM, "c.atom"), (HTML, "d.html")]:
        assert _read(tmp_path, name, template.encode()), name


def _mhtml(html: bytes, boundary: str = "----MultipartBoundary--x----") -> bytes:
    return (
        (
            f"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://example.org/p/\r\n"
            f'MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype="text/html";\r\n'
            f'\tboundary="{boundary}"\r\n\r\n--{boundary}\r\nContent-Type: text/html\r\n'
            f"Content-Transfer-Encoding: quoted-printable\r\n"
            f"Content-Location: https://example.org/p/\r\n\r\n"
        ).encode()
        + quopri.encodestring(html)
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _webarchive(html: bytes) -> bytes:
    main = {
        "WebResourceData": html,
        "WebResourceMIMEType": "text/html",
        "WebResourceTextEncodingName": "UTF-8",
        "WebResourceURL": "https://example.org/p/",
    }
    return plistlib.dumps({"WebMainResource": main}, fmt=plistlib.FMT_BINARY)


@given(data=st.data())
def test_almost_valid_single_file_saves_are_read_or_refused_in_one_line(tmp_path_factory, data):
    # The page inside damaged (it was), and the container around it cut or spliced.
    html = _mutate(HTML, data.draw).encode("utf-8", "surrogatepass")
    container = data.draw(st.sampled_from(["mhtml", "webarchive"]))
    raw = _mhtml(html) if container == "mhtml" else _webarchive(html)
    if data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(raw)))
        raw = (
            raw[:at] + data.draw(st.binary(max_size=40)) + raw[at + data.draw(st.integers(0, 40)) :]
        )
    _read(tmp_path_factory.mktemp("saves"), "page." + container, raw)


def test_the_single_file_save_templates_import(tmp_path):
    assert _read(tmp_path, "a.mhtml", _mhtml(HTML.encode()))
    assert _read(tmp_path, "b.webarchive", _webarchive(HTML.encode()))
