"""Every post's address from the site's XML sitemap, for a backfill its feed cannot make.

A feed holds the newest posts alone (ten, by WordPress's default), and its older pages
(?paged=2) are lost behind a cache that ignores the query, or a theme that answers them
with a web page. A WordPress site whose REST API is refused still has its sitemap:
WordPress 5.5 and later write one (wp-sitemap.xml, or ?sitemap=index without pretty
permalinks, named in the robots.txt WordPress serves), and the SEO plugins that replace it
write theirs (Yoast's and Rank Math's sitemap_index.xml, post-sitemap.xml). The sitemaps
of posts alone are read: the pages', the categories' and the authors' are not posts. Each
post the reader does not hold yet is then read from its own page, as the pages route
reads it (reader.sources.web.pages), with the same manners.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, urljoin, urlsplit

from reader.sources.web.http import Disallowed, FetchError, PoliteClient
from reader.sources.web.matching import site_key, url_key
from reader.sources.web.pages import fetch_post
from reader.sources.web.records import Batch, WebPost
from reader.store.web import SyncState

MAX_SITEMAPS = 50  # sitemaps of posts read at most: 100,000 posts at WordPress's 2,000 each
MAX_URLS = 50_000  # the sitemaps protocol's own limit for one file
BATCH = 10  # posts committed together
_XML = "application/xml,text/xml;q=0.9"
# The sitemaps of posts: WordPress's (wp-sitemap-posts-post-2.xml), and Yoast's, Rank
# Math's and All in One SEO's (post-sitemap.xml, post-sitemap2.xml).
_POSTS_FILE = re.compile(r"(?:^|/)(?:wp-sitemap-posts-post-\d+|post-sitemap\d*)\.xml$")


def is_post_sitemap(url: str) -> bool:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if query.get("sitemap") == "posts" and query.get("sitemap-subtype") == "post":
        return True  # WordPress without pretty permalinks
    return bool(_POSTS_FILE.search(parts.path))


def _locs(body: bytes) -> tuple[str, list[str]] | None:
    """(the root's name, its <loc>s) of a sitemap or sitemap index; None for what is not
    one, or declares entities (which are never expanded)."""
    import defusedxml
    import defusedxml.ElementTree as SafeTree

    try:
        root = SafeTree.fromstring(body, forbid_dtd=False, forbid_entities=True)
    except (defusedxml.DefusedXmlException, SyntaxError, ValueError):
        return None
    name = root.tag.rsplit("}", 1)[-1]
    if name not in ("sitemapindex", "urlset"):
        return None
    locs = []
    for node in root.iter():
        if node.tag.rsplit("}", 1)[-1] == "loc" and node.text and node.text.strip():
            locs.append(node.text.strip())
            if len(locs) >= MAX_URLS:
                break
    return name, locs


def _fetch_locs(client: PoliteClient, url: str) -> tuple[str, list[str]] | None:
    try:
        response = client.get(url, accept=_XML)
    except Disallowed:
        return None
    except FetchError as exc:
        if exc.unreachable:
            raise
        return None
    return _locs(response.body) if response.ok else None


def post_urls(client: PoliteClient, home: str) -> list[str]:
    """The addresses of the site's posts its sitemaps list, on the site's own host; []
    when it has no sitemap of posts gp-reader recognises."""
    candidates = [*client.sitemaps(home), urljoin(home, "wp-sitemap.xml")]
    found: list[str] = []
    for index in dict.fromkeys(candidates):
        read = _fetch_locs(client, index)
        if read is None:
            continue
        kind, locs = read
        if kind == "sitemapindex":
            files = [urljoin(index, loc) for loc in locs if is_post_sitemap(urljoin(index, loc))]
            for file in files[:MAX_SITEMAPS]:
                part = _fetch_locs(client, file)
                if part is not None and part[0] == "urlset":
                    found.extend(urljoin(file, loc) for loc in part[1])
        elif is_post_sitemap(index):
            found.extend(urljoin(index, loc) for loc in locs)
        if found:
            break
    site = site_key(home)
    home_key = url_key(home)
    return [
        url
        for url in dict.fromkeys(found)
        if urlsplit(url).scheme in ("http", "https")
        and site_key(url) == site
        and url_key(url) != home_key
    ]


def sitemap_batches(
    client: PoliteClient,
    home: str,
    state: SyncState,
    is_known: Callable[[str], bool],
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Batch]:
    """The posts the sitemap lists and the reader does not hold, BATCH at a time (never a
    final Batch: the route that called this one ends the sync)."""
    todo = [url for url in post_urls(client, home) if not is_known(url)]
    posts: list[WebPost] = []
    for n, url in enumerate(todo, start=1):
        try:
            post = fetch_post(client, url)
        except Disallowed:
            post = None
        except FetchError as exc:
            if exc.unreachable:
                raise
            post = None  # one page refused (a 403, a 500 after retries): the rest go on
        if post is not None:
            posts.append(post)
        if len(posts) >= BATCH or n == len(todo):
            if progress:
                progress(n, len(todo))
            yield Batch(posts, state)
            posts = []
