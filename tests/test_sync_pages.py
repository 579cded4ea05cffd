"""The pages route (no REST API, no feed) and a feed URL given directly, against the
simulated WordPress site."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.test_sync import add_and_sync, cli, listed
from tests.wpsite import WordPressSite, build_post, generate_posts


def source(capsys, name: str) -> dict:
    return {s["name"]: s for s in json.loads(cli(capsys, "source", "list", "--json")[1])}[name]


def test_pages_route_reads_listings_and_post_pages(capsys):
    posts = generate_posts(12, seed=4)
    with WordPressSite(
        posts, rest_api=False, feed=False, posts_per_page=5, utc_offset_hours=10
    ) as site:
        result = add_and_sync(capsys, site)
        assert (result["added"], result["errors"]) == (12, [])
        assert source(capsys, "Test site")["route"] == "pages"
        # Three listing pages (5, 5, 2) followed by their "next" links, one page a post.
        assert len(site.requests_to("/page/*")) == 2
        held = {p["url"]: p for p in listed(capsys).values() if p["source"] == site.url}
        assert len(held) == 12
        for post in site.posts:
            mine = held[site.permalink(post)]
            # The date the site shows (its own offset), not the UTC one.
            assert mine["date"] == site.local(post.date_gmt).date().isoformat()
            assert mine["title"] and mine["category"].casefold() not in ("blogs", "uncategorized")
        shown = json.loads(cli(capsys, "show", next(iter(held.values()))["id"], "--json")[1])
        assert len(shown["body"]) > 200
        for chrome in ("Share this", "Leave a Reply", "You may also like", "About Ben"):
            assert chrome not in shown["body"]

        # Nothing new: the first listing page only, no post page.
        site.clear_requests()
        again = add_and_sync(capsys, site)
        assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 12)
        assert [r.path for r in site.requests if r.path != "/robots.txt"] == ["/"]

        # A new post: the first listing page and that post's page.
        new = site.add_post(
            build_post(
                777,
                "Pages route news",
                ["A fresh text about ARRS roles and practice funding."] * 3,
                datetime.now(UTC),
                categories=["Blogs", "Workforce"],
            )
        )
        site.clear_requests()
        third = add_and_sync(capsys, site)
        assert third["added"] == 1
        fetched = [r.path for r in site.requests if r.path != "/robots.txt"]
        assert fetched == ["/", site.permalink(new).removeprefix(site.url.rstrip("/"))]
        assert listed(capsys)["pages-route-news"]["category"] == "Workforce"


def test_pages_route_interrupted_carries_on(capsys):
    # A listing page that fails: what came before it is kept, and the walk is not
    # complete, so the next sync walks every page again and fetches only what is missing.
    with WordPressSite(generate_posts(8), rest_api=False, feed=False, posts_per_page=3) as site:
        site.fault("/page/3/", "500", times=None)
        cli(capsys, "source", "add", site.url, "--name", "Q")
        code, out, _ = cli(capsys, "sync", "Q", "--pause", "0", "--json")
        assert code == 1
        assert json.loads(out)["sources"][0]["added"] == 6
        site.clear_faults()
        site.clear_requests()
        code, out, _ = cli(capsys, "sync", "Q", "--pause", "0", "--json")
        assert code == 0 and json.loads(out)["sources"][0]["added"] == 2
        # The held posts' pages were not fetched again: listings and two post pages.
        post_pages = [r for r in site.requests if r.path.count("/") > 3 and "/page/" not in r.path]
        assert len(post_pages) == 2


def test_a_category_page_on_the_pages_route_takes_that_category_only(capsys):
    with WordPressSite(generate_posts(15), rest_api=False, feed=False) as site:
        term = next(t for t in site.terms("category") if t.name != "Blogs")
        wanted = {site.permalink(p) for p in site.posts if term in site.post_terms(p, "category")}
        cli(capsys, "source", "add", site.term_link(term), "--name", "Cat")
        code, out, _ = cli(capsys, "sync", "Cat", "--pause", "0", "--json")
        assert code == 0
        held = {p["url"] for p in listed(capsys).values() if p["source"] == site.term_link(term)}
        assert held == wanted


def test_a_feed_address_finds_the_rest_api_behind_it(capsys):
    with WordPressSite(generate_posts(25), posts_per_rss=10) as site:
        cli(capsys, "source", "add", f"{site.url}feed/", "--name", "F")
        code, out, _ = cli(capsys, "sync", "F", "--pause", "0", "--json")
        assert code == 0 and json.loads(out)["sources"][0]["added"] == 25
        assert source(capsys, "F")["route"] == "rest"
        assert site.requests_to("/wp-json/wp/v2/posts*")
        assert len(site.requests_to("/feed/*")) == 1  # read once, to find the site


def test_a_category_feed_finds_that_category_in_the_rest_api(capsys):
    with WordPressSite(generate_posts(20)) as site:
        term = next(t for t in site.terms("category") if t.name != "Blogs")
        wanted = {site.permalink(p) for p in site.posts if term in site.post_terms(p, "category")}
        feed = f"{site.term_link(term)}feed/"
        cli(capsys, "source", "add", feed, "--name", "CF")
        assert cli(capsys, "sync", "CF", "--pause", "0")[0] == 0
        assert source(capsys, "CF")["route"] == "rest"
        held = {p["url"] for p in listed(capsys).values() if p["source"] == feed}
        assert held == wanted


def test_a_feed_of_a_site_without_the_api_stays_a_feed(capsys):
    with WordPressSite(generate_posts(6), rest_api=False) as site:
        cli(capsys, "source", "add", f"{site.url}feed/", "--name", "F")
        assert cli(capsys, "sync", "F", "--pause", "0")[0] == 0
        assert source(capsys, "F")["route"] == "feed"
        assert len(listed(capsys)) == 28 + 6
