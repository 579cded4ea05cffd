"""gp-reader sync against behaviours of real WordPress sites and their hosts that the other
sync tests leave out: a page builder's empty post_content, /wp-json/ lost to missing
rewrite rules, Cloudflare's challenge pages, a REST cache that ignores ?page=, and a feed
that cannot go back past its first page on a site whose REST API is refused, where the
core sitemap (WordPress 5.5+) names every post. Each is simulated in tests/wildsite."""

from __future__ import annotations

import json

import pytest

from tests.cli_support import Ran
from tests.wildsite import Quirks, WildSite, make_posts, plain_title


@pytest.fixture
def wild(cli):
    """Add `site` as the source "Wild", sync it; (the sync's JSON result, Ran)."""

    def run(site: WildSite, *extra: str) -> tuple[dict, Ran]:
        if "Wild" not in cli("source", "list").out:
            assert cli("source", "add", site.url, "--name", "Wild").code == 0
        ran = cli("sync", "Wild", "--pause", "0", "--json", *extra)
        return json.loads(ran.out)["sources"][0], ran

    return run


def held(cli, site: WildSite) -> dict[str, dict]:
    return {p["title"]: p for p in cli("list", "--json").json() if p["source"] == site.url}


def body(cli, post_id: str) -> str:
    return cli("show", post_id, "--json").json()["body"]


# -- a page builder's posts ------------------------------------------------------------------


def test_posts_a_page_builder_leaves_empty_in_rest_get_their_text_from_their_pages(cli, wild):
    # Oxygen, Bricks and Thrive keep the layout in post meta: REST's content.rendered is
    # "" (the excerpt only, where the author wrote one); the page shows the whole post.
    posts = make_posts(6)
    for post in posts[:3]:
        post.builder = True  # posts[2] has no excerpt either (every third has none)
    with WildSite(posts, Quirks(permalinks="pretty", api_link="tag")) as site:
        result, ran = wild(site)
        assert (ran.code, result["added"], result["errors"]) == (0, 6, []), ran.out
        assert json.loads(ran.out)["full_text"]["failed"] == []
        now = held(cli, site)
        for post in posts[:3]:
            text = body(cli, now[plain_title(post)]["id"])
            assert "[…]" not in text and text.count("\n\n") >= 3, text  # every paragraph
        site.clear()
        again, _ = wild(site)
        assert (again["added"], again["updated"]) == (0, 0)
        assert not [p for p in site.paths() if "/post-" in p]  # no page fetched again


# -- the REST API lost to missing rewrite rules ---------------------------------------------


def test_rest_api_at_rest_route_when_wp_json_is_the_servers_404(wild, cli):
    # Pretty permalinks chosen, the server's rewrite rules missing: /wp-json/ and /feed/
    # are nginx's 404, while /?rest_route=/ (which every WordPress answers) works.
    quirks = Quirks(permalinks="pretty", api_link="tag", rewrites=False)
    with WildSite(make_posts(12), quirks) as site:
        result, ran = wild(site)
        assert (ran.code, result["added"], result["errors"]) == (0, 12, []), ran.out
        assert "by the WordPress REST API" in cli("sync", "Wild", "--pause", "0").out
        site.clear()
        again, _ = wild(site)
        assert again["unchanged"] == 12
        assert [p for p in site.paths() if "wp-json" in p] == []  # straight to ?rest_route=


# -- Cloudflare's challenge pages ------------------------------------------------------------


def test_a_challenge_in_front_of_the_rest_api_is_not_retried_and_the_feed_is_taken(wild):
    with WildSite(make_posts(8), Quirks(permalinks="pretty", api_link="tag")) as site:
        site.arm("/wp-json/", "challenge503", times=100)  # the older 503 "Under Attack" page
        result, ran = wild(site)
        assert (ran.code, result["added"], result["errors"]) == (0, 8, []), ran.out
        # Asked once: a browser check is not a fault that passes with a retry.
        assert len([p for p in site.paths() if p.startswith("/wp-json/")]) == 1


@pytest.mark.parametrize("kind", ["challenge", "challenge503"])
def test_a_site_behind_a_challenge_fails_in_a_line_that_says_so(cli, kind):
    with WildSite(make_posts(4)) as site:
        site.arm("/", kind, times=100)
        assert cli("source", "add", site.url, "--name", "Wild").code == 0
        ran = cli("sync", "Wild", "--pause", "0")
        assert ran.code == 1 and "Traceback" not in ran.out + ran.err
        (line,) = [line for line in ran.out.splitlines() if "failed:" in line]
        assert "bot check" in line and "Cloudflare" in line, ran.out
        assert len(site.requests) <= 2, site.paths()  # robots.txt and the home page, once


# -- a REST cache that ignores ?page= --------------------------------------------------------


@pytest.mark.parametrize("headers", [True, False], ids=["paging headers", "no paging headers"])
def test_a_rest_api_that_sends_page_one_for_every_page_is_left_for_the_feed(wild, headers):
    quirks = Quirks(rest_page_ignored=True, per_page_max=10, paging_headers=headers)
    with WildSite(make_posts(23), quirks) as site:
        result, ran = wild(site)
        assert (ran.code, result["added"], result["errors"]) == (0, 23, []), ran.out
        posts_pages = [p for p in site.paths() if "wp/v2/posts" in p]
        assert len(posts_pages) <= 3, posts_pages  # not 2,000 copies of page 1


# -- the core sitemap, when the feed cannot go back ------------------------------------------


@pytest.mark.parametrize(
    "quirks",
    [
        Quirks(rest="401", feed_paged="ignored", sitemap="core", sitemap_max_urls=10),
        Quirks(
            rest="403", permalinks="pretty", api_link="tag", feed_paged="ignored", sitemap="core"
        ),
    ],
    ids=["plain permalinks, small sitemaps", "pretty permalinks"],
)
def test_rest_refused_and_a_short_feed_the_sitemap_finds_the_rest(cli, wild, quirks):
    posts = make_posts(25)  # the feed gives the newest 10 alone
    with WildSite(posts, quirks) as site:
        result, ran = wild(site)
        assert (ran.code, result["added"], result["errors"]) == (0, 25, []), ran.out
        now = held(cli, site)
        assert set(now) == {plain_title(p) for p in posts}
        oldest = now[plain_title(posts[0])]
        assert oldest["date"] == posts[0].date.date().isoformat()
        assert body(cli, oldest["id"]).count("\n\n") >= 3
        # The site's pages, categories and authors are in the sitemap too: never posts.
        assert not [p for p in site.paths() if "about" in p or "author=" in p or "cat=" in p]
        site.clear()
        again, _ = wild(site)
        assert (again["added"], again["unchanged"]) == (0, 25)
        assert len(site.requests) <= 2, site.paths()  # the feed (and robots.txt), no sitemap


def test_a_post_pages_heading_is_text_not_markup():
    # The heading's text is decoded already: "<ARRS>" in it is words, not a tag to strip.
    from reader.sources.web.pages import read_post_page

    paragraph = "<p>" + "Words about the additional roles and what they pay for. " * 8 + "</p>"
    page = (
        "<html><head><title>Q&amp;A &#8211; Site</title></head><body><article>"
        '<h1 class="entry-title">Q&amp;A: what the &lt;ARRS&gt; pays for</h1>'
        f'<div class="entry-content">{paragraph}{paragraph}</div></article></body></html>'
    )
    post = read_post_page(page, "https://example.org/qa/")
    assert post is not None and post.title == "Q&A: what the <ARRS> pays for"
