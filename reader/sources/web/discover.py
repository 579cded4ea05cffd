"""What a site offers, read from the page a source names (home page, category page or feed).

The richest route wins: the WordPress REST API when the page advertises it
(<link rel="https://api.w.org/"> in the head, or the same in a Link header), else the feed
the head names, else the listing pages themselves. On a category page the API is asked for
that category only (its id from the page's rel="alternate" JSON link, or by its slug).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from reader.sanitise import clean_text
from reader.sources.web.content import clean_text_title, clean_title
from reader.sources.web.feed import looks_like_feed, parse_feed
from reader.sources.web.http import FetchError, PoliteClient, refusal
from reader.store.web import SyncState

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_TERM_JSON = re.compile(r"/wp/v2/categories/(\d+)\b")
_LINK_HEADER = re.compile(r'<([^>]+)>\s*;\s*rel="?([^";]+)"?')


@dataclass(frozen=True)
class Route:
    kind: str  # "rest", "feed" or "pages"
    home: str  # the page the source names, after redirects
    api: str | None = None  # the REST root, ending in /
    feed: str | None = None
    category_id: int | None = None
    site_name: str = ""

    def to_state(self) -> SyncState:
        return {
            "route": self.kind,
            "home": self.home,
            "api": self.api,
            "feed": self.feed,
            "category_id": self.category_id,
            "site_name": self.site_name,
        }

    @classmethod
    def from_state(cls, state: SyncState) -> Route | None:
        if state.get("route") not in ("rest", "feed", "pages") or not state.get("home"):
            return None
        return cls(
            kind=state["route"],
            home=state["home"],
            api=state.get("api"),
            feed=state.get("feed"),
            category_id=state.get("category_id"),
            site_name=state.get("site_name") or "",
        )


def discover(client: PoliteClient, url: str, *, behind_feed: bool = False) -> Route:
    response = client.get(url, accept="text/html,application/xhtml+xml,application/xml;q=0.9")
    if not response.ok:
        raise FetchError(url, refusal(response))
    if looks_like_feed(response.body, response.content_type):
        parsed = parse_feed(response.body, response.url, response.headers.get("content-type", ""))
        name = clean_title(parsed.feed.get("title", "")) if parsed.feed else ""
        feed_route = Route("feed", response.url, feed=response.url, site_name=name)
        page = None if behind_feed else page_behind_feed(response.url, parsed.feed.get("link"))
        if page:
            # A WordPress feed given directly: the REST API behind it is richer (every
            # post, full text, edits), so take it when the page the feed is for has it.
            try:
                found = discover(client, page, behind_feed=True)
            except FetchError:
                return feed_route
            if found.kind == "rest":
                return replace(found, feed=response.url, site_name=found.site_name or name)
        return feed_route
    tree = HTMLParser(response.text)
    api = None
    for node in tree.css('link[rel="https://api.w.org/"]'):
        api = node.attributes.get("href")
    for target, rel in _LINK_HEADER.findall(", ".join(response.headers.get_list("link"))):
        if rel == "https://api.w.org/" and not api:
            api = target
    feeds = [
        urljoin(response.url, node.attributes.get("href") or "")
        for node in tree.css('link[rel="alternate"]')
        if (node.attributes.get("type") or "").lower() in _FEED_TYPES
        and node.attributes.get("href")
    ]
    feed = _best_feed(feeds, response.url)
    name = _site_name(tree)
    category_id = _category_id(tree, response.url) if _is_term_page(response.url) else None
    if api:
        api = urljoin(response.url, api)
        api = api if api.endswith("/") else api + "/"
        if _is_term_page(response.url) and category_id is None:
            category_id = _category_by_slug(client, api, response.url)
        if _is_term_page(response.url) and category_id is None:
            return Route("feed" if feed else "pages", response.url, feed=feed, site_name=name)
        return Route(
            "rest", response.url, api=api, feed=feed, category_id=category_id, site_name=name
        )
    if feed:
        return Route("feed", response.url, feed=feed, site_name=name)
    return Route("pages", response.url, site_name=name)


def page_behind_feed(feed_url: str, channel_link: str | None) -> str | None:
    """The page a feed is the feed of, on the feed's own site: a WordPress feed's address
    less its /feed/ (a category feed's category page), else the channel's link (which
    WordPress sets to the home page for every feed, so it comes second)."""
    parts = urlsplit(feed_url)
    path = parts.path
    for tail in ("/feed/", "/feed", "/rss/", "/atom/"):
        if path.endswith(tail):
            return parts._replace(path=path[: -len(tail)] + "/", query="", fragment="").geturl()
    if "feed=" in parts.query:
        return parts._replace(query="", fragment="").geturl()
    if channel_link:
        link = urljoin(feed_url, channel_link)
        if urlsplit(link).netloc == parts.netloc and urlsplit(link).scheme in ("http", "https"):
            return link
    return None


def _is_term_page(url: str) -> bool:
    path = urlsplit(url).path
    return "/category/" in path or "cat=" in urlsplit(url).query


def _category_id(tree: HTMLParser, url: str) -> int | None:
    for node in tree.css('link[rel="alternate"]'):
        if (node.attributes.get("type") or "") == "application/json":
            match = _TERM_JSON.search(node.attributes.get("href") or "")
            if match:
                return int(match.group(1))
    match = re.search(
        r"\bcategory-(\d+)\b", (tree.body.attributes.get("class") or "") if tree.body else ""
    )
    return int(match.group(1)) if match else None


def _category_by_slug(client: PoliteClient, api: str, url: str) -> int | None:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if "category" not in parts or parts[-1] == "category":
        return None
    slug = parts[-1] if not parts[-1].isdigit() or parts[-2] != "page" else parts[-3]
    try:
        response = client.get(
            f"{api}wp/v2/categories?slug={slug}&_fields=id", accept="application/json"
        )
        from reader.sources.web.wordpress import parse_json

        found = parse_json(response.body) if response.ok else []
    except (FetchError, ValueError):
        return None
    if isinstance(found, list) and found and isinstance(found[0], dict):
        value = found[0].get("id")
        return value if isinstance(value, int) else None
    return None


def _best_feed(feeds: list[str], page: str) -> str | None:
    """The page's own feed (a category page's category feed), else the site's, never the
    comments feed."""
    feeds = [f for f in feeds if "comments" not in urlsplit(f).path]
    own = [f for f in feeds if f.startswith(page.rstrip("/") + "/")]
    return next(iter(own or feeds), None)


def _site_name(tree: HTMLParser) -> str:
    node = tree.css_first('meta[property="og:site_name"]')
    if node and node.attributes.get("content"):
        return clean_text(" ".join((node.attributes.get("content") or "").split()))
    title = tree.css_first("title")
    text = clean_text_title(title.text()) if title else ""
    return re.split(r"\s+[|\-–—»]\s+", text)[-1] if text else ""
