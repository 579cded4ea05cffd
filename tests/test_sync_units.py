"""Plain logic of web sync: address keys, same-article matching, sanitising, Retry-After."""

from __future__ import annotations

from reader.sanitise import clean_text
from reader.sources.web.content import post_markdown
from reader.sources.web.http import retry_after
from reader.sources.web.matching import Held, Matcher, url_key
from reader.sources.web.records import WebPost, most_specific

TEXT = " ".join(f"word{n} practice funding list" for n in range(60))


def test_url_variants_share_one_key():
    keys = {
        url_key(u)
        for u in (
            "http://ockham.healthcare/2020/01/02/a-post/",
            "https://www.ockham.healthcare/2020/01/02/a-post",
            "https://Ockham.Healthcare:443/2020/01/02/a-post/?utm_source=x#comments",
        )
    }
    assert len(keys) == 1
    assert url_key("https://ockham.healthcare/?p=12") != url_key("https://ockham.healthcare/")


def test_equal_titles_with_different_texts_are_not_one_post():
    held = Held("a", "Same title", False, None, body=lambda: TEXT)
    matcher = Matcher([held])
    same = WebPost("https://x.org/1/", "Same title", TEXT + " more at the end", "2020-01-01")
    other = WebPost("https://x.org/2/", "Same title", "Something else " * 40, "2020-01-01")
    assert matcher.match(same) is held
    assert matcher.match(other) is None


def test_wordpress_id_matches_across_url_changes():
    held = Held("a", "Old", False, "2020-01-01", url="https://x.org/old/", wp_id=7)
    post = WebPost("http://www.x.org/new-slug/", "New", "text", "2020-01-01", wp_id=7)
    assert Matcher([held]).match(post) is held


def test_generic_categories_go_last():
    assert most_specific(["Blogs", "Uncategorized", "Workforce"])[0] == "Workforce"
    assert most_specific(["Blogs", "PCNs"], {"PCNs": "Blogs"})[0] == "PCNs"


def test_sanitiser_strips_escapes_controls_and_bidi():
    dirty = "a\x1b[31mred\x1b[0m\x1b]0;title\x07b\x07c\u202ed\x00e\tf\ng\x9bq"
    assert clean_text(dirty) == "aredbcde\tf\ng"


def test_post_markdown_keeps_structure_drops_chrome():
    html = (
        "<h2>Heading</h2><p>One <a href='/x/'>link</a>.</p><ol><li>first</li><li>second</li>"
        "</ol><blockquote><p>quoted</p></blockquote>"
        "<div class='sharedaddy'><h3>Share this:</h3><div class='sd-block'>x</div></div>"
        "<p>The post <a href='/p/'>P</a> appeared first on <a href='/'>S</a>.</p>"
    )
    md = post_markdown(html, "https://site.org/post/")
    assert md.split("\n\n") == [
        "### Heading",
        "One [link](https://site.org/x/).",
        "1. first",
        "2. second",
        "> quoted\n",
    ]


def test_retry_after_seconds_and_dates():
    assert retry_after("3") == 3.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after("soon") is None


def test_user_agent_names_the_reader_and_no_made_up_address():
    from reader import __version__
    from reader.sources.web.http import USER_AGENT

    assert USER_AGENT.startswith(f"gp-reader/{__version__} (+")
    assert "github.com" not in USER_AGENT and "pypi.org/project/gp-reader/" in USER_AGENT
    assert USER_AGENT.isascii()  # a header value: no curly quotes


def test_a_connection_that_cannot_be_made_is_tried_twice_then_reported():
    import socket

    import pytest

    from reader.sources.web.http import FetchError, PoliteClient

    with socket.socket() as probe:  # a port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with PoliteClient(pause=0, backoff=0.01) as client, pytest.raises(FetchError) as failed:
        client.get(f"http://127.0.0.1:{port}/")
    assert failed.value.unreachable and "cannot connect" in str(failed.value)
    assert client.stats.requests == 2  # robots.txt: the first try and one retry
