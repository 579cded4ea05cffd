"""gp-reader sync against a second simulated WordPress site (tests/wildsite) that behaves
as real sites and their hosts do and tests/wpsite does not: plain permalinks, a Link
header, REST refused, JSON after junk, Atom, excerpt-only feeds, false charsets, moved
domains, throttling, robots.txt rules. Run as a user runs it: source add, then sync."""

from __future__ import annotations

import json

import pytest

from reader.cli import main
from tests.wildsite import Quirks, Redirector, WildSite, make_posts, plain_title

ROBOTS_WILDCARD = "User-agent: *\nDisallow: /wp-admin/\nDisallow: /*?s=\nCrawl-delay: 0.1\n"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def sync(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict, str]:
    code, out, err = cli(capsys, "sync", "Wild", "--pause", "0", "--json", *extra)
    return code, json.loads(out)["sources"][0], err


def synced(capsys: pytest.CaptureFixture[str], site_url: str) -> dict[str, dict]:
    code, out, _ = cli(capsys, "list", "--json")
    assert code == 0
    return {p["title"]: p for p in json.loads(out) if p["source"] == site_url}


def add(capsys: pytest.CaptureFixture[str], url: str) -> None:
    assert cli(capsys, "source", "add", url, "--name", "Wild")[0] == 0


QUIRKS = {
    "plain permalinks, REST root in a Link header": Quirks(),
    "pretty permalinks, <link> tag": Quirks(permalinks="pretty", api_link="tag"),
    "JSON after a UTF-8 BOM": Quirks(json_junk="bom"),
    "JSON after a PHP notice, no paging headers": Quirks(json_junk="notice", paging_headers=False),
    "per_page capped at 50": Quirks(per_page_max=50),
    "REST disabled, 401": Quirks(rest="401"),
    "REST disabled, 403, Atom": Quirks(rest="403", feed="atom", permalinks="pretty"),
    "REST answers a web page": Quirks(rest="html200", feed_relative_links=True),
    "robots.txt disallows the REST API": Quirks(robots="User-agent: *\nDisallow: /?rest_route=\n"),
    "no REST link, RSS without GUIDs": Quirks(api_link="none", feed_guid="none"),
    "Atom with relative links": Quirks(api_link="none", feed="atom", feed_relative_links=True),
    "wildcard robots.txt, soft 404s": Quirks(robots=ROBOTS_WILDCARD, soft_404=True),
}


@pytest.mark.parametrize("quirks", QUIRKS.values(), ids=QUIRKS.keys())
def test_every_post_once_with_its_title_date_and_category(capsys, quirks):
    posts = make_posts(23)
    with WildSite(posts, quirks, name="Practice Matters") as site:
        add(capsys, site.url)
        code, first, err = sync(capsys)
        assert (code, first["added"], first["errors"]) == (0, 23, []), err
        held = synced(capsys, site.url)
        assert len(held) == 23
        for post in posts:
            got = held[plain_title(post)]  # entities decoded once: ’ “ & < >
            assert got["date"] == post.date.date().isoformat()
            assert got["category"] not in ("Blogs", "Uncategorized")
            assert "&#" not in got["title"] and "&amp;" not in got["title"]
        assert (
            held["Why GP partners’ pensions matter"]["category"] == "Primary Care & Commissioning"
        )
        assert "Q&A: what the <ARRS> pays for" in held
        # Nothing new: no second copy, and only a request or two.
        site.clear()
        code, again, err = sync(capsys)
        assert (code, again["added"], again["updated"], again["unchanged"]) == (0, 0, 0, 23), err
        assert len(site.requests) <= 2, site.paths()
        assert "/robots.txt" not in site.paths()  # kept from the first sync
        assert len(synced(capsys, site.url)) == 23


def test_rest_route_addresses_and_term_lookups_by_id(capsys):
    with WildSite(make_posts(30)) as site:
        add(capsys, site.url)
        assert sync(capsys)[0] == 0
        paths = site.paths()
        assert all("?rest_route=/wp/v2/" in p for p in paths if "rest_route" in p)
        # Categories 121..129 are on the second page of /wp/v2/categories: asked by id.
        terms = [p for p in paths if "wp/v2/categories" in p]
        assert len(terms) == 1 and "include=" in terms[0]


def test_body_of_a_post_is_its_text_without_chrome(capsys):
    with WildSite(make_posts(4), Quirks(api_link="none", feed_excerpt_only=True)) as site:
        add(capsys, site.url)
        code, result, err = sync(capsys)
        assert (code, result["added"]) == (0, 4), err
        # An excerpt-only feed: each new post's own page gives the whole text.
        assert len([p for p in site.paths() if p.startswith("/?p=")]) == 4
        post = next(iter(synced(capsys, site.url).values()))
        body = json.loads(cli(capsys, "show", post["id"], "--json")[1])["body"]
        assert "[…]" not in body and "Share this" not in body
        assert body.count("\n\n") >= 3  # every paragraph, not the first 120 characters
        site.clear()
        assert sync(capsys)[1]["added"] == 0
        assert not [p for p in site.paths() if p.startswith("/?p=")]  # not fetched again


def test_a_feed_that_lies_about_its_charset_reads_as_written(capsys):
    quirks = Quirks(api_link="none", feed_charset="ISO-8859-1", feed_paged="ignored")
    with WildSite(make_posts(25), quirks) as site:
        add(capsys, site.url)
        code, result, err = sync(capsys)
        # ?paged= ignored by a cache: page 1 again is the end, not 1,000 requests.
        assert (code, result["added"]) == (0, 10), err
        assert len([p for p in site.paths() if "feed" in p]) == 2
        titles = set(synced(capsys, site.url))
        assert "Why GP partners’ pensions matter (part 5)" in titles
        assert not any("â€" in t for t in titles)


def test_older_feed_pages_that_are_web_pages_end_the_backfill(capsys):
    quirks = Quirks(api_link="none", feed_paged="html200", posts_per_rss=10)
    with WildSite(make_posts(25), quirks) as site:
        add(capsys, site.url)
        code, result, err = sync(capsys)
        assert (code, result["added"], result["errors"]) == (0, 25, []), err


def test_password_protected_and_empty_posts_are_not_blank_pages(capsys):
    posts = make_posts(6)
    posts[1].protected = True
    posts[2].content, posts[2].excerpt = "", ""
    with WildSite(posts) as site:
        add(capsys, site.url)
        code, result, err = sync(capsys)
        assert (code, result["added"]) == (0, 4), err


def test_an_old_wordpress_that_ignores_modified_after(capsys):
    with WildSite(make_posts(12), Quirks(modified_after=False)) as site:
        add(capsys, site.url)
        sync(capsys)
        code, again, _ = sync(capsys)
        assert (code, again["added"], again["updated"], again["unchanged"]) == (0, 0, 0, 12)


def test_a_site_moved_to_a_new_domain(capsys):
    with WildSite(make_posts(8)) as site, Redirector(site.url) as old:
        add(capsys, old.url)
        code, result, err = sync(capsys)
        assert (code, result["added"]) == (0, 8), err
        assert all(p["url"].startswith(site.url) for p in synced(capsys, site.url).values())
        old.clear()
        assert sync(capsys)[1]["unchanged"] == 8
        assert old.requests == []  # the route is kept at the new address


def test_throttled_and_unavailable_wait_for_retry_after(capsys):
    with WildSite(make_posts(5)) as site:
        site.arm("/?rest_route=/wp/v2/posts", "throttle", times=1, seconds=0.2)
        site.arm("/?rest_route=/wp/v2/categories", "unavailable", times=1, seconds=0.2)
        add(capsys, site.url)
        code, result, err = sync(capsys)
        assert (code, result["added"], result["errors"]) == (0, 5, []), err


def test_retry_after_too_long_is_one_line_and_exit_1(capsys):
    with WildSite(make_posts(5)) as site:
        site.arm("/?rest_route=/wp/v2/posts", "throttle", times=5, seconds=3600)
        add(capsys, site.url)
        code, out, err = cli(capsys, "sync", "Wild", "--pause", "0")
        assert code == 1 and "Traceback" not in out + err
        lines = out.strip().splitlines()
        assert len(lines) == 1 and "429" in lines[0] and "3600 s" in lines[0]


def test_a_huge_response_is_refused_and_nothing_is_lost(capsys):
    with WildSite(make_posts(5)) as site:
        add(capsys, site.url)
        assert sync(capsys)[1]["added"] == 5
        site.posts.extend(make_posts(8)[5:])
        site.arm("/?rest_route=/wp/v2/posts", "huge", times=1)
        code, result, _ = sync(capsys)
        assert code == 1 and "over 20 MB" in result["errors"][0]
        assert len(synced(capsys, site.url)) == 5  # what the first sync brought stays
        code, result, _ = sync(capsys)
        assert (code, result["added"]) == (0, 3)  # and the next sync takes the rest


def test_dry_run_changes_nothing_not_even_the_robots_cache(capsys):
    with WildSite(make_posts(5)) as site:
        add(capsys, site.url)
        code, result, _ = sync(capsys, "--dry-run")
        assert (code, result["added"]) == (0, 5)
        assert synced(capsys, site.url) == {}
        site.clear()
        sync(capsys)
        assert site.paths()[0] == "/robots.txt"  # the dry run kept no robots.txt


def test_a_maintenance_page_for_everything_is_one_clear_failure(capsys):
    with WildSite(make_posts(5), Quirks(api_link="none", feed="none")) as site:
        site.posts.clear()  # the home page lists nothing: a host's parking page
        add(capsys, site.url)
        code, out, err = cli(capsys, "sync", "Wild", "--pause", "0")
        assert code == 1 and "Traceback" not in out + err
        assert "found no posts" in out and len(out.strip().splitlines()) == 2


def test_robots_txt_is_read_as_rfc_9309_says(capsys):
    # The group naming gp-reader wins over *; the longest rule wins; $ ends a path.
    robots = (
        "User-agent: *\nDisallow: /\n\n"
        "User-agent: gp-reader\nDisallow: /\nAllow: /$\nAllow: /robots.txt\nAllow: /?feed=\n"
    )
    with WildSite(make_posts(7), Quirks(robots=robots)) as site:
        add(capsys, site.url)
        code, result, err = sync(capsys)
        assert (code, result["added"]) == (0, 7), err  # by the feed: the API is disallowed
        assert not [p for p in site.paths() if "rest_route" in p]


def test_robots_cache_expires():
    from reader.store.posts import PostStore

    with PostStore.open() as store:
        assert store.cached_robots("http://a.example", 60) is None
        store.cache_robots("http://a.example", "User-agent: *\nDisallow: /x\n")
        assert store.cached_robots("http://a.example", 60) == "User-agent: *\nDisallow: /x\n"
        assert store.cached_robots("http://a.example", 0) is None
        assert store.cached_robots("https://a.example", 60) is None  # per origin
