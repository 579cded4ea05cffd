"""An imported post keeps where it is on the web (a feed's link, a saved page's address,
front matter's canonical_url), with its tags and categories: `o` / `gp-reader open` open
it, and a later sync finds it by its address instead of adding a second copy."""

from __future__ import annotations

import json
import webbrowser
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.cli import main
from tests.wpsite import WordPressSite, build_post

SAVED = Path(__file__).resolve().parent / "data" / "saved_pages"
BUNDLED_ID = "why-engage-with-neighbourhoods"


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def listed(capsys) -> dict[str, dict]:
    code, out, _ = cli(capsys, "list", "--json")
    assert code == 0
    return {p["id"]: p for p in json.loads(out)}


def rows() -> dict:
    from reader.store.posts import PostStore

    store = PostStore.open_existing()
    assert store is not None
    with store:
        return {row.id: row for row in store.rows()}


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: urls.append(url) or True)
    return urls


def test_a_feed_items_link_tags_and_categories_are_kept_and_open_opens_it(capsys, opened):
    assert cli(capsys, "import", str(SAVED / "ockham-blogs-feed.xml"))[0] == 0
    post_id = "arrs-in-2025-26-what-has-changed"
    url = "https://ockham.healthcare/arrs-in-2025-26-what-has-changed/"
    assert listed(capsys)[post_id]["url"] == url
    row = rows()[post_id]
    assert row.url == url and row.web_categories and row.tags
    assert cli(capsys, "open", post_id)[0] == 0
    assert opened == [url]


def test_a_saved_pages_address_is_read_from_the_page(capsys):
    page = SAVED / (
        "Neighbourhood Health Providers_ What Would They Mean for General Practice_ - "
        "Ockham Healthcare.html"
    )
    assert cli(capsys, "import", str(page))[0] == 0
    urls = {p["url"] for p in listed(capsys).values() if p["url"]}
    # IE/Edge/Chrome's "saved from url" comment names the page it was saved from.
    assert urls == {
        "https://ockham.healthcare/neighbourhood-health-providers-what-would-they-mean/"
    }


def test_front_matter_canonical_url_is_kept_but_a_site_relative_url_is_not(capsys, tmp_path):
    text = "A post about PCN funding and the workforce, long enough to be a post of its own.\n"
    (tmp_path / "one.md").write_text(
        "---\ntitle: One\ncanonical_url: https://example.org/2024/05/one/\n---\n\n" + text * 3
    )
    (tmp_path / "two.md").write_text(
        "---\ntitle: Two\nurl: /posts/two/\n---\n\nAnother text, on access and triage.\n" * 1
    )
    assert cli(capsys, "import", str(tmp_path))[0] == 0
    posts = listed(capsys)
    assert posts["one"]["url"] == "https://example.org/2024/05/one/"
    assert posts["two"]["url"] is None


def _saved_page(url: str, title: str, date: str, paragraphs: list[str]) -> str:
    """A post's page as a browser's "Webpage, complete" saves it."""
    from html import escape

    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!-- saved from url=({len(url):04d}){url} -->\n<!DOCTYPE html>\n<html><head>"
        f"<title>{escape(title)} - Ockham Healthcare</title>"
        '<meta property="og:site_name" content="Ockham Healthcare" />'
        f'<meta property="article:published_time" content="{date}T08:00:00+00:00" />'
        "</head><body><nav><ul><li>Home</li><li>Blog</li></ul></nav><article>"
        f'<h1 class="entry-title">{escape(title)}</h1>'
        f'<time class="entry-date" datetime="{date}T08:00:00+00:00">{date}</time>'
        f'<div class="entry-content">{body}</div></article></body></html>'
    )


def test_a_saved_page_of_a_bundled_post_keeps_its_title_and_a_sync_finds_it_by_address(
    capsys, tmp_path, monkeypatch
):
    from reader.articles.bundled import load_corpus

    monkeypatch.setenv("GP_READER_SYNC_PAUSE", "0")
    bundled = load_corpus(with_library=False).get(BUNDLED_ID)
    paragraphs = bundled.body.strip().split("\n\n")
    extra = "A closing paragraph the bundled copy lost, on what neighbourhoods ask of PCNs."
    site_post = build_post(
        501,
        "Neighbourhoods: Why Engage at All?",  # retitled on the site since
        [*paragraphs, extra, "And one added on the site since, about estates."],
        datetime(2025, 6, 11, 9, tzinfo=UTC),  # a day after the saved page's date
        categories=["Blogs", "Neighbourhoods"],
        slug=BUNDLED_ID,
    )
    with WordPressSite([site_post], permalinks="postname") as site:
        url = site.permalink(site_post)
        page = tmp_path / "Why engage - Ockham Healthcare.html"
        page.write_text(
            _saved_page(
                url,
                "Why Engage with Neighbourhoods (Part 1)",
                "2025-06-10",
                [
                    *paragraphs,
                    extra,
                ],
            ),
            "utf-8",
        )
        code, out, err = cli(capsys, "import", str(page))
        assert code == 0, err
        assert "fuller text kept" in out
        before = listed(capsys)
        post = before[BUNDLED_ID]
        # The bundled post's title stays: a saved page is not the site speaking.
        assert post["title"] == bundled.title
        assert post["url"] == url
        assert cli(capsys, "bookmark", "add", BUNDLED_ID)[0] == 0

        assert cli(capsys, "source", "add", site.url, "--name", "Site")[0] == 0
        code, out, err = cli(capsys, "sync", "Site", "--pause", "0", "--json")
        assert code == 0, err
        result = json.loads(out)["sources"][0]
        assert (result["added"], result["updated"]) == (0, 1)
        after = listed(capsys)
        assert set(after) == set(before)  # one post, the same id: no second copy
        assert after[BUNDLED_ID]["title"] == "Neighbourhoods: Why Engage at All?"  # synced
        marks = json.loads(cli(capsys, "bookmark", "list", "--json")[1])
        assert [m["id"] for m in marks] == [BUNDLED_ID]
