"""Summary-only feed items get their full text from their pages (never the real network).

A feed saved from the simulated WordPress site with summaries only ("[…]", no
content:encoded) is imported; `gp-reader import --fetch-full-text` or a later `gp-reader
sync` fetches each post's page with the sync's client and keeps the fuller text under the
same id, with its bookmark and highlights. A page that cannot be had leaves the summary,
is named in one line and is tried again at the next sync.
"""

from __future__ import annotations

import html
import json
import re
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from reader.cli import main
from tests.wpsite import WordPressSite, generate_posts


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setenv("GP_READER_SYNC_PAUSE", "0")


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def saved_feed(site: WordPressSite, folder: Path) -> Path:
    """The site's feed as a reader saves it from the browser."""
    path = folder / "ockham-feed.xml"
    with urllib.request.urlopen(site.url + "feed/") as response:  # the test's own server
        path.write_bytes(response.read())
    return path


def body(capsys, post_id: str) -> str:
    code, out, err = cli(capsys, "show", post_id, "--json")
    assert code == 0, err
    return json.loads(out)["body"]


def summaries() -> dict[str, str]:
    from reader.store.posts import PostStore

    store = PostStore.open_existing()
    assert store is not None
    with store:
        return store.summaries()


def library_ids(capsys, site: WordPressSite) -> dict[str, str]:
    """{url path: id} of the posts of this site the library holds."""
    code, out, _ = cli(capsys, "list", "--json")
    assert code == 0
    found: dict[str, str] = {}
    for post in json.loads(out):
        if (post.get("url") or "").startswith(site.url):
            path = urlsplit(post["url"]).path
            assert path not in found, f"two copies of {path}"
            found[path] = post["id"]
    return found


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", html.unescape(re.sub(r"<[^>]+>", " ", text)).lower()))


def last_words(site: WordPressSite, post) -> str:
    """Words from the post's last paragraph of text: in the full text, never in the summary."""
    paragraphs = [words(p) for p in re.findall(r"<p>(.*?)</p>", post.content, re.S)]
    return " ".join([p for p in paragraphs if len(p.split()) >= 8][-1].split()[:8])


def has_ending(site: WordPressSite, post, text: str) -> bool:
    return last_words(site, post) in words(text)


def test_import_with_fetch_full_text_keeps_the_pages_text_under_the_same_ids(capsys, tmp_path):
    with WordPressSite(generate_posts(3), full_text_feed=False) as site:
        feed = saved_feed(site, tmp_path)
        code, out, err = cli(capsys, "import", str(feed), "--fetch-full-text")
        assert code == 0, err
        assert "summary only:" in out
        assert "full text: fetched 3 of 3 summaries" in out
        assert summaries() == {}
        held = library_ids(capsys, site)
        assert len(held) == 3
        for post in site.posts:
            post_id = held[urlsplit(site.permalink(post)).path]
            text = body(capsys, post_id)
            assert has_ending(site, post, text)
            assert "[…]" not in text and "Continue reading" not in text
        pages = [r for r in site.requests if r.path.startswith("/20")]
        assert len(pages) == 3  # each page once, robots.txt read first
        assert site.requests_to("/robots.txt")


def test_the_flag_fetches_summaries_imported_before_without_it(capsys, tmp_path):
    # Found trying it as a user: the same feed again with --fetch-full-text added nothing
    # new, so it returned before fetching anything, and said nothing about it.
    with WordPressSite(generate_posts(2), full_text_feed=False) as site:
        feed = saved_feed(site, tmp_path)
        assert cli(capsys, "import", str(feed))[0] == 0
        assert len(summaries()) == 2
        code, out, err = cli(capsys, "import", str(feed), "--fetch-full-text")
        assert code == 0, err
        assert "added 0 posts, 2 duplicates" in out
        assert "full text: fetched 2 of 2 summaries" in out
        assert summaries() == {}


def test_offline_the_import_stands_and_the_summaries_stay(capsys, tmp_path):
    with WordPressSite(generate_posts(2), full_text_feed=False) as site:
        feed = saved_feed(site, tmp_path)
    # The site is gone (offline): the import is whole, the summaries stay, one note.
    code, out, err = cli(capsys, "import", str(feed), "--fetch-full-text")
    assert code == 0, err
    assert "added 2 posts" in out
    assert "full text: fetched 0 of 2 summaries; 2 stay summaries" in out
    assert "offline?" in out and "Traceback" not in err
    assert len(summaries()) == 2


def test_sync_fetches_imported_summaries_and_keeps_bookmarks_highlights_and_failures(
    capsys, tmp_path
):
    with WordPressSite(generate_posts(4), rest_api=False, full_text_feed=False) as site:
        feed = saved_feed(site, tmp_path)
        assert cli(capsys, "import", str(feed))[0] == 0
        held = library_ids(capsys, site)
        newest, gone, empty, barred = site.posts
        path = {p.id: urlsplit(site.permalink(p)).path for p in site.posts}
        reader_id = held[path[newest.id]]
        summary = body(capsys, reader_id)
        quote = " ".join(summary.split()[3:12])
        assert not has_ending(site, newest, summary)
        assert cli(capsys, "bookmark", "add", reader_id)[0] == 0
        assert cli(capsys, "highlight", "add", reader_id, "--quote", quote)[0] == 0
        assert len(summaries()) == 4

        site.fault(path[gone.id], "status", times=None, status=404)
        blank = "<!DOCTYPE html><html><head><title>x</title></head><body></body></html>"
        site.fault(
            path[empty.id], "status", times=None, status=200, body=blank, content_type="text/html"
        )
        site.disallow.append(path[barred.id])
        assert cli(capsys, "source", "add", site.url, "--name", "Site")[0] == 0
        code, out, err = cli(capsys, "sync", "Site", "--pause", "0")
        assert code == 0, err  # a summary that stays is a note, not a failed sync
        assert "full text: fetched 1 of 4 summaries; 3 stay summaries" in out
        lines = [line for line in out.splitlines() if "full text not fetched" in line]
        assert len(lines) == 3
        assert any(held[path[gone.id]] in line and "404" in line for line in lines)
        assert any(held[path[empty.id]] in line and "no post text" in line for line in lines)
        assert any(held[path[barred.id]] in line and "robots.txt" in line for line in lines)
        assert len(site.requests_to(path[gone.id])) == 1  # once a run, not again and again

        # One post each, the same ids; the fetched one keeps its bookmark and highlight.
        assert library_ids(capsys, site) == held
        assert has_ending(site, newest, body(capsys, reader_id))
        assert set(summaries()) == {held[path[p.id]] for p in (gone, empty, barred)}
        marks = json.loads(cli(capsys, "bookmark", "list", "--json")[1])
        assert [m["id"] for m in marks] == [reader_id]
        highlights = json.loads(cli(capsys, "highlight", "list", reader_id, "--json")[1])
        assert len(highlights) == 1 and not highlights[0]["detached"]

        # The next sync tries them again; now the pages are there. robots.txt is kept
        # for a day (RFC 9309 allows it), so the page it barred stays barred.
        site.clear_faults()
        site.disallow.remove(path[barred.id])
        code, out, err = cli(capsys, "sync", "Site", "--pause", "0")
        assert code == 0, err
        assert "full text: fetched 2 of 3 summaries; 1 stays a summary" in out
        assert set(summaries()) == {held[path[barred.id]]}
        assert has_ending(site, gone, body(capsys, held[path[gone.id]]))
        assert library_ids(capsys, site) == held


def test_a_summary_only_feed_synced_gets_its_full_text(capsys):
    with WordPressSite(generate_posts(3), rest_api=False, full_text_feed=False) as site:
        assert cli(capsys, "source", "add", site.url, "--name", "Site")[0] == 0
        code, out, err = cli(capsys, "sync", "Site", "--pause", "0", "--json")
        assert code == 0, err
        result = json.loads(out)
        assert result["sources"][0]["added"] == 3
        assert len(result["full_text"]["fetched"]) == 3 and not result["full_text"]["failed"]
        assert summaries() == {}
        for post in site.posts:
            post_id = library_ids(capsys, site)[urlsplit(site.permalink(post)).path]
            assert has_ending(site, post, body(capsys, post_id))
        # Nothing new: the next sync fetches no page again.
        site.clear_requests()
        code, out, _ = cli(capsys, "sync", "Site", "--pause", "0")
        assert code == 0 and "full text" not in out
        assert not [r for r in site.requests if r.path.startswith("/20")]


def test_a_page_that_stops_answering_leaves_the_summary(tmp_path, capsys):
    from reader.sources.web.fulltext import fetch_full_texts
    from reader.sources.web.http import PoliteClient
    from reader.store.posts import PostStore

    with WordPressSite(generate_posts(2), full_text_feed=False) as site:
        assert cli(capsys, "import", str(saved_feed(site, tmp_path)))[0] == 0
        first = site.posts[0]
        site.fault(urlsplit(site.permalink(first)).path, "slow", times=None)
        with PostStore.open() as store, PoliteClient(pause=0, read_timeout=0.5, retries=0) as c:
            result = fetch_full_texts(store, c)
            assert result.fetched == []
            assert [why for _, _, why in result.failed] == [
                "the site stopped answering (timed out)",
                "the site cannot be reached",  # not waited for again in this run
            ]
            assert len(store.summaries()) == 2
