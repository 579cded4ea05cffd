"""The simulated WordPress site (tests/wpsite) behaves as WordPress documents, checked with
the standard library's urllib (and feedparser for the feed), on 127.0.0.1 only."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zlib

import feedparser
import pytest

from tests.wpsite import (
    FAULT_KINDS,
    WordPressSite,
    build_post,
    generate_posts,
    posts_from_records,
    texturize,
)

UA = "gp-reader-test/1.0"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url, headers=None, timeout=5.0, follow=True):
    """(status, headers, body) for a GET; HTTP errors are answers too."""
    req = urllib.request.Request(url, headers={"User-Agent": UA, **(headers or {})})
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def get_json(url, **kw):
    status, headers, body = get(url, **kw)
    return status, headers, json.loads(body)


@pytest.fixture
def site():
    yield from WordPressSite.serving(generate_posts(30, seed=7))


def test_home_page_advertises_rest_and_feeds(site):
    status, headers, body = get(site.url)
    html = body.decode()
    assert status == 200 and site.url.startswith("http://127.0.0.1:")
    assert f'<link rel="https://api.w.org/" href="{site.url}wp-json/" />' in html
    assert (
        f'type="application/rss+xml" title="{site.name} &raquo; Feed" href="{site.url}feed/"'
    ) in html
    assert f'href="{site.url}comments/feed/"' in html
    assert f'<{site.url}wp-json/>; rel="https://api.w.org/"' in headers.get_all("Link")
    for label in ("Who We Are", "Our mission", "Blog Index", "Podcast Index", "Contact Us"):
        assert f">{label}</a>" in html
    assert "No products in the basket." in html
    assert html.count('class="entry-summary"') == 5 and "[&hellip;]</p>" in html
    assert "Page 1 of 6" in html


def test_rest_and_feed_can_be_switched_off():
    with WordPressSite(generate_posts(3), rest_api=False, feed=False) as s:
        status, headers, body = get(s.url)
        assert "api.w.org" not in body.decode() and not headers.get_all("Link")
        assert "application/rss+xml" not in body.decode()
        for path in ("wp-json/", "wp-json/wp/v2/posts", "?rest_route=/wp/v2/posts", "feed/"):
            assert get(s.url + path)[0] == 404, path
        assert get(s.permalink(s.posts[0]))[0] == 200  # the pages remain


def test_rest_index_lists_wp_v2(site):
    status, _, data = get_json(site.url + "wp-json/")
    assert status == 200 and "wp/v2" in data["namespaces"] and data["name"] == site.name
    assert data["routes"]["/wp/v2/posts"]["endpoints"][0]["args"]["per_page"]["maximum"] == 100


def test_rest_paging_headers_and_past_the_end(site):
    status, headers, page = get_json(site.url + "wp-json/wp/v2/posts?per_page=7")
    assert (status, headers["X-WP-Total"], headers["X-WP-TotalPages"]) == (200, "30", "5")
    assert len(page) == 7 and 'rel="next"' in headers["Link"] and "prev" not in headers["Link"]
    seen, url = [], site.url + "wp-json/wp/v2/posts?per_page=7"
    while url:
        _, headers, page = get_json(url)
        seen += [p["id"] for p in page]
        nxt = re.search(r'<([^>]+)>; rel="next"', headers.get("Link", ""))
        url = nxt and nxt.group(1)
    assert seen == [p.id for p in site.posts]  # newest first, each once
    assert 'rel="prev"' in headers["Link"] and "page=4" in headers["Link"]
    status, _, err = get_json(site.url + "wp-json/wp/v2/posts?per_page=7&page=6")
    assert status == 400 and err["code"] == "rest_post_invalid_page_number"
    assert err["data"] == {"status": 400}


@pytest.mark.parametrize("value", ["101", "0", "ten"])
def test_rest_per_page_is_validated(site, value):
    status, _, err = get_json(site.url + f"wp-json/wp/v2/posts?per_page={value}")
    assert status == 400 and err["code"] == "rest_invalid_param"
    assert "per_page" in err["data"]["params"]
    assert get(site.url + "wp-json/wp/v2/posts?per_page=100")[0] == 200


def test_rest_post_shape_and_rendered_entities():
    post = build_post(
        41, "It's a GP's job - or is it?", ["First para.", "Second para."], "2024-03-05T09:30"
    )
    with WordPressSite([post]) as s:
        _, _, (obj,) = get_json(s.url + "wp-json/wp/v2/posts")
    assert obj["title"]["rendered"] == "It&#8217;s a GP&#8217;s job &#8211; or is it?"
    assert (obj["id"], obj["date"], obj["date_gmt"]) == (
        41,
        "2024-03-05T09:30:00",
        "2024-03-05T09:30:00",
    )
    assert obj["modified"] == obj["date"] and obj["status"] == "publish"
    assert obj["link"] == f"{s.url}2024/03/05/its-a-gps-job-or-is-it/"
    assert obj["guid"] == {"rendered": f"{s.url}?p=41"}
    assert (
        obj["content"]["protected"] is False and "<p>First para.</p>" in obj["content"]["rendered"]
    )
    assert obj["excerpt"]["rendered"].startswith("<p>First para. Second para.")
    assert isinstance(obj["categories"], list) and obj["author"] == 1


def test_rest_embed_fields_and_category_filter(site):
    _, _, posts = get_json(site.url + "wp-json/wp/v2/posts?per_page=5&_embed")
    for obj, post in zip(posts, site.posts, strict=False):
        cats, tags = obj["_embedded"]["wp:term"]
        assert [t["name"] for t in cats] == post.categories
        assert [t["name"] for t in tags] == post.tags
        assert obj["_embedded"]["author"][0]["name"] == "Ben Gowland"
    _, _, slim = get_json(site.url + "wp-json/wp/v2/posts?_fields=id,title.rendered,link")
    assert set(slim[0]) == {"id", "title", "link"} and set(slim[0]["title"]) == {"rendered"}
    _, headers, terms = get_json(site.url + "wp-json/wp/v2/categories?per_page=100")
    workforce = next(t for t in terms if t["name"] == "Workforce")
    assert set(workforce) >= {"id", "name", "slug", "parent", "count", "link", "taxonomy"}
    assert workforce["link"] == f"{site.url}category/blogs/workforce/"
    _, headers, posts = get_json(
        site.url + f"wp-json/wp/v2/posts?categories={workforce['id']}&per_page=100"
    )
    assert len(posts) == workforce["count"] == int(headers["X-WP-Total"])
    assert all(workforce["id"] in p["categories"] for p in posts)
    status, _, empty = get_json(site.url + "wp-json/wp/v2/tags?page=99")
    assert (status, empty) == (200, [])  # the terms controller has no page-number error


def test_rest_route_form_and_ordering(site):
    _, _, pretty = get_json(site.url + "wp-json/wp/v2/posts?orderby=title&order=asc&per_page=50")
    _, _, plain = get_json(
        site.url + "?rest_route=/wp/v2/posts&orderby=title&order=asc&per_page=50"
    )
    assert pretty == plain
    titles = [p.title.lower() for p in sorted(site.posts, key=lambda p: p.title.lower())]
    assert [site.get(p["id"]).title.lower() for p in pretty] == titles
    status, _, err = get_json(site.url + "wp-json/wp/v2/posts?orderby=popularity")
    assert status == 400 and err["code"] == "rest_invalid_param"
    status, _, err = get_json(site.url + "wp-json/wp/v2/posts/999999")
    assert (status, err["code"]) == (404, "rest_post_invalid_id")


def test_modified_after_after_and_edits(site):
    newest = max(p.modified_gmt for p in site.posts).strftime("%Y-%m-%dT%H:%M:%S")
    url = site.url + f"wp-json/wp/v2/posts?modified_after={newest}"
    assert get_json(url)[2] == []
    target = site.posts[-1]  # the oldest
    site.edit_post(target.id, title="A title with & in it", content="<p>Changed.</p>\n")
    _, headers, changed = get_json(url)
    assert [p["id"] for p in changed] == [target.id] and headers["X-WP-Total"] == "1"
    assert changed[0]["title"]["rendered"] == "A title with &amp; in it"
    assert changed[0]["modified_gmt"] > changed[0]["date_gmt"]
    _, _, late = get_json(site.url + "wp-json/wp/v2/posts?after=2024-01-01T00:00:00Z&per_page=100")
    assert all(p["date_gmt"] > "2024-01-01" for p in late)
    status, _, err = get_json(site.url + "wp-json/wp/v2/posts?modified_after=yesterday")
    assert status == 400 and err["data"]["params"]["modified_after"] == "Invalid date."


def test_add_and_remove_posts_change_totals(site):
    site.add_post(build_post(9001, "Brand new post", ["Hello."], "2030-01-01"))
    _, headers, first = get_json(site.url + "wp-json/wp/v2/posts?per_page=1")
    assert first[0]["id"] == 9001 and headers["X-WP-Total"] == "31"
    site.remove_post(9001)
    site.remove_post(site.posts[0].id)
    assert get_json(site.url + "wp-json/wp/v2/posts")[1]["X-WP-Total"] == "29"
    assert get(site.url + "2030/01/01/brand-new-post/")[0] == 404


def test_feed_parses_with_full_content_and_pages(site):
    status, headers, body = get(site.url + "feed/")
    assert status == 200 and headers["Content-Type"] == "application/rss+xml; charset=UTF-8"
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.feed.title == site.name and len(feed.entries) == 10
    newest = site.posts[0]
    entry = feed.entries[0]
    assert entry.link == site.permalink(newest) and entry.id == f"{site.url}?p={newest.id}"
    assert entry.author == "Ben Gowland" and entry.tags[0].term == "Blogs"
    assert entry.content[0].value.startswith(newest.content[:40])
    text = body.decode()
    assert "<sy:updatePeriod>" in text and 'isPermaLink="false"' in text
    assert "<dc:creator><![CDATA[Ben Gowland]]></dc:creator>" in text
    assert re.search(r"<pubDate>\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000</pubDate>", text)
    assert "[&#8230;]]]></description>" in text
    ids = [
        e.id
        for n in (1, 2, 3)
        for e in feedparser.parse(get(f"{site.url}feed/?paged={n}")[2]).entries
    ]
    assert len(ids) == len(set(ids)) == 30
    assert get(site.url + "feed/?paged=4")[0] == 404


def test_category_and_comments_feeds_parse(site):
    feed = feedparser.parse(get(site.url + "category/blogs/workforce/feed/")[2])
    assert not feed.bozo and feed.entries
    assert all("Workforce" in [t.term for t in e.tags] for e in feed.entries)
    comments = feedparser.parse(get(site.url + "comments/feed/")[2])
    assert not comments.bozo and comments.feed.title == f"Comments for {site.name}"
    req = urllib.request.Request(site.url + "feed/", method="HEAD")
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.status == 200 and resp.read() == b"" and int(resp.headers["Content-Length"])


def test_summary_feed_and_yoast_footer():
    with WordPressSite(generate_posts(3), full_text_feed=False) as s:
        text = get(s.url + "feed/")[2].decode()
        assert "content:encoded>" not in text and "<description>" in text
    with WordPressSite(generate_posts(3), yoast_footer=True) as s:
        entry = feedparser.parse(get(s.url + "feed/")[2]).entries[0]
        assert f'appeared first on <a href="{s.url}">{s.name}</a>' in entry.content[0].value


@pytest.mark.parametrize("path", ["feed/", "wp-json/wp/v2/posts?per_page=3"])
def test_conditional_get(site, path):
    status, headers, body = get(site.url + path)
    etag, last = headers["ETag"], headers["Last-Modified"]
    status, headers304, body304 = get(site.url + path, {"If-None-Match": etag})
    assert (status, body304) == (304, b"")
    assert get(site.url + path, {"If-Modified-Since": last})[0] == 304
    site.edit_post(site.posts[0].id, content="<p>Edited.</p>\n")
    status, headers, body2 = get(site.url + path, {"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag and body2 != body
    assert site.requests[-1].header("if-none-match") == etag


def test_post_page_theme_chrome_and_shortlink_redirect(site):
    post = site.posts[3]
    status, headers, _ = get(f"{site.url}?p={post.id}", follow=False)
    assert status == 301 and headers["Location"] == site.permalink(post)
    status, headers, body = get(f"{site.url}?p={post.id}")
    html = body.decode()
    assert status == 200 and f"<{site.url}?p={post.id}>; rel=shortlink" in headers.get_all("Link")
    assert f'<link rel="canonical" href="{site.permalink(post)}" />' in html
    assert f'<link rel="shortlink" href="{site.url}?p={post.id}" />' in html
    og_title = f"{texturize(post.title)} - {site.name}"
    assert f'<meta property="og:title" content="{og_title}" />' in html
    assert '<h1 class="entry-title">' in html and 'rel="category tag"' in html
    for marker in (
        "sharedaddy",
        "jp-relatedposts",
        "related-posts",
        "author-box",
        "commentform",
        "No products in the basket.",
        "site-footer",
        'class="posted-on"',
    ):
        assert marker in html, marker
    assert get(site.permalink(post).rstrip("/"), follow=False)[0] == 301


def test_postname_permalinks():
    with WordPressSite(generate_posts(2), permalinks="postname") as s:
        post = s.posts[0]
        assert s.permalink(post) == f"{s.url}{post.slug}/"
        assert get(s.permalink(post))[0] == 200


def test_category_listing_pages(site):
    blogs = [p for p in site.posts if "Blogs" in p.categories]
    pages = -(-len(blogs) // 5)
    html = get(site.url + "category/blogs/")[2].decode()
    assert html.count('class="entry-title"') == 5 and f"Page 1 of {pages}" in html
    last = get(f"{site.url}category/blogs/page/{pages}/")[2].decode()
    assert last.count('class="entry-title"') == len(blogs) - 5 * (pages - 1)
    assert get(f"{site.url}category/blogs/page/{pages + 1}/")[0] == 404
    assert get(site.url + "blog-index/")[2].decode().count("<li><a href=") == 30


def test_robots_txt_options():
    with WordPressSite() as s:
        text = get(s.url + "robots.txt")[2].decode()
        assert "User-agent: *\nDisallow: /wp-admin/\n" in text
    with WordPressSite(disallow=["/"]) as s:
        assert "Disallow: /\n" in get(s.url + "robots.txt")[2].decode()
    with WordPressSite(robots="User-agent: gp-reader\nDisallow: /feed/\n") as s:
        assert get(s.url + "robots.txt")[2] == b"User-agent: gp-reader\nDisallow: /feed/\n"


def test_serves_the_bundled_corpus(corpus):
    records = [
        (a.title, a.body.split("\n\n"), a.date, ["Blogs", a.category]) for a in corpus.articles[:12]
    ]
    with WordPressSite(posts_from_records(records)) as s:
        entries = feedparser.parse(get(s.url + "feed/")[2]).entries
        _, _, posts = get_json(s.url + "wp-json/wp/v2/posts?per_page=12")
    assert len(entries) == 10 and len(posts) == 12
    first_para = corpus.articles[0].body.split("\n\n")[0][:30]
    assert any(first_para.split()[0] in p["content"]["rendered"] for p in posts)


def test_request_log_counts_headers_and_bytes(site):
    _, _, body = get(site.url + "feed/")
    (record,) = site.requests_to("/feed/")
    assert record.method == "GET" and record.status == 200 and record.header("user-agent") == UA
    assert record.bytes_sent == len(body) == site.bytes_sent("/feed/")
    site.clear_requests()
    assert site.requests == []


def test_429_then_ok_and_other_statuses(site):
    site.fault("/feed/", "429", times=2, retry_after=1)
    for _ in range(2):
        status, headers, _ = get(site.url + "feed/")
        assert (status, headers["Retry-After"]) == (429, "1")
    assert get(site.url + "feed/")[0] == 200
    assert get(site.url + "wp-json/")[0] == 200  # other paths untouched
    site.fault("/wp-json/*", "503")
    status, headers, _ = get(site.url + "wp-json/wp/v2/posts")
    assert status == 503 and "Retry-After" not in headers
    site.fault("/wp-json/*", "503", retry_after=120)
    assert get(site.url + "wp-json/wp/v2/posts")[1]["Retry-After"] == "120"
    site.fault(re.compile(r"paged=2"), "500")
    assert get(site.url + "feed/?paged=2")[0] == 500
    assert [r.fault for r in site.requests if r.fault] == ["429", "429", "503", "503", "500"]
    with pytest.raises(ValueError):
        site.fault("/", "teapot")
    assert {"429", "slow", "gzip_bomb", "redirect_loop"} <= FAULT_KINDS


@pytest.mark.parametrize("after_headers", [False, True])
def test_slow_response_times_out_and_stop_is_prompt(after_headers):
    s = WordPressSite(generate_posts(3)).start()
    s.fault("/feed/", "slow", after_headers=after_headers)
    with (
        pytest.raises((TimeoutError, urllib.error.URLError)),
        urllib.request.urlopen(s.url + "feed/", timeout=0.3) as resp,
    ):
        resp.read()
    began = time.monotonic()
    s.stop()
    assert time.monotonic() - began < 2


def test_stop_is_prompt_with_a_keep_alive_connection_open():
    s = WordPressSite(generate_posts(2)).start()
    port = int(s.url.rsplit(":", 1)[1].strip("/"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/robots.txt")
    assert conn.getresponse().read()
    began = time.monotonic()
    s.stop()
    s.stop()  # twice is harmless
    assert time.monotonic() - began < 2
    conn.close()


@pytest.mark.parametrize("kind", ["reset", "close"])
def test_connection_dropped_mid_body(site, kind):
    site.fault("/feed/", kind)
    dropped = (ConnectionError, http.client.IncompleteRead, urllib.error.URLError)
    with pytest.raises(dropped), urllib.request.urlopen(site.url + "feed/", timeout=5) as resp:
        resp.read()


def test_truncated_feed_is_malformed(site):
    site.fault("/feed/", "truncated")
    status, _, body = get(site.url + "feed/")
    assert status == 200 and feedparser.parse(body).bozo
    with pytest.raises(ET.ParseError):
        ET.fromstring(body)


@pytest.mark.parametrize("chunked", [False, True])
def test_oversized_body_is_streamed(site, chunked):
    size = 50_000_000 if not chunked else 5_000_000
    site.fault("/feed/", "oversized", size=size, chunked=chunked)
    with urllib.request.urlopen(site.url + "feed/", timeout=10) as resp:
        assert resp.headers.get("Content-Length") == (None if chunked else str(size))
        total = 0
        while chunk := resp.read(1 << 20):
            total += len(chunk)
    assert total == size


def test_gzip_encoding_and_gzip_bomb(site):
    plain = get(site.url + "feed/")[2]
    site.fault("/feed/", "gzip")
    status, headers, body = get(site.url + "feed/")
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == plain
    site.fault("/feed/", "gzip_bomb")
    status, headers, body = get(site.url + "feed/")
    assert headers["Content-Encoding"] == "gzip" and len(body) < 2_000_000
    inflater = zlib.decompressobj(31)
    inflated = len(inflater.decompress(body, 64_000_000))
    assert inflated == 64_000_000 and inflater.unconsumed_tail  # far more behind it: cap it
    with WordPressSite(generate_posts(2), gzip=True) as s:
        _, headers, body = get(s.url + "feed/", {"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip" and b"<rss" in gzip.decompress(body)
        assert "Content-Encoding" not in get(s.url + "feed/")[1]


def test_redirect_faults_and_wrong_content_type(site):
    site.fault("/feed/", "redirect_loop")
    status, headers, _ = get(site.url + "feed/", follow=False)
    assert status == 302 and headers["Location"] == site.url + "feed/?loop=1"
    assert get(site.url + "feed/?loop=1", follow=False)[1]["Location"] == site.url + "feed/"
    with pytest.raises(urllib.error.HTTPError, match="loop"):
        urllib.request.urlopen(site.url + "feed/", timeout=5)
    site.clear_faults()
    site.fault("/feed/", "redirect_scheme")
    status, headers, _ = get(site.url + "feed/", follow=False)
    assert status == 301 and headers["Location"].startswith("file:")
    site.fault("/wp-json/*", "wrong_content_type")
    status, headers, body = get(site.url + "wp-json/wp/v2/posts")
    assert headers["Content-Type"].startswith("text/html") and json.loads(body)


def test_two_sites_side_by_side():
    with (
        WordPressSite(generate_posts(2, seed=1)) as a,
        WordPressSite(generate_posts(4, seed=2)) as b,
    ):
        assert a.url != b.url
        assert get_json(a.url + "wp-json/wp/v2/posts")[1]["X-WP-Total"] == "2"
        assert get_json(b.url + "wp-json/wp/v2/posts")[1]["X-WP-Total"] == "4"
        assert len(a.requests) == len(b.requests) == 1
