"""The pages route: a site with neither the REST API nor a feed, read as a visitor reads it.

The listing the source names (the home page or a category page) is read page by page,
following its "next" link (rel="next" in the head or on the pager, WP-PageNavi's
"Page 1 of N" and the theme's "Older posts" alike) until there is none. Each post the
reader does not hold yet is fetched and its text extracted with trafilatura, after the
theme's chrome (share buttons, related posts, author boxes, comments) is removed; its
date, categories, tags and WordPress id come from the marks WordPress themes put on the
page (time.entry-date, rel="category tag", rel="tag", the ?p=ID shortlink).

A first sync walks every listing page (an interrupted one walks them again and fetches
only the posts it does not hold); a later sync stops at the first listing page with a
post it already holds. A page carries no modification date a listing shows, so edits to
posts already held are not seen on this route.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode

from reader.sanitise import clean_text
from reader.sources.web.content import (
    CHROME_SELECTOR,
    clean_text_title,
    post_markdown,
    remove_outermost,
)
from reader.sources.web.http import FetchError, PoliteClient, refusal
from reader.sources.web.matching import url_key
from reader.sources.web.records import Batch, WebPost, most_specific
from reader.store.web import SyncState

MAX_PAGES = 2000
_HTML = "text/html,application/xhtml+xml;q=0.9"
_POST_ID = re.compile(r"[?&]p=(\d+)\b")
_BODY_POST_ID = re.compile(r"\bpostid-(\d+)\b")
_PAGE_OF = re.compile(r"\bPage\s+(\d+)\s+of\s+(\d+)\b", re.I)
# Where themes put a post's link in a listing, most specific first.
_POST_LINKS = (
    "article .entry-title a[href]",
    "article h2 a[href]",
    "article a[rel~='bookmark'][href]",
    ".post .entry-title a[href]",
    "h2.entry-title a[href], h2.post-title a[href]",
)
_NEXT_LINKS = (
    "link[rel~='next'][href]",
    "a[rel~='next'][href]",
    "a.nextpostslink[href]",
    ".nav-previous a[href]",  # "Older posts" in themes without a pager
    "a.next.page-numbers[href]",
)


def page_batches(
    client: PoliteClient,
    listing: str,
    state: SyncState,
    is_known: Callable[[str], bool],
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Batch]:
    """Posts listing page by listing page; the last Batch (final) carries the state."""
    state = state.copy()
    first_sync = not state.get("complete")
    url: str | None = listing
    seen: set[str] = set()
    page = 0
    while url and page < MAX_PAGES and url_key(url) not in seen:
        seen.add(url_key(url))
        page += 1
        response = client.get(url, accept=_HTML)
        if response.status in (404, 410) and page > 1:
            break
        if not response.ok:
            raise FetchError(url, refusal(response))
        tree = HTMLParser(response.text)
        links = post_links(tree, response.url)
        if page == 1 and not links:
            # A host's parking or maintenance page, a login wall, a page that is not a
            # blog's: said so, rather than a sync that "succeeds" with nothing.
            raise FetchError(
                url, "found no posts here, nor a feed or the WordPress REST API to read"
            )
        total = _total_pages(tree)
        posts: list[WebPost] = []
        held_one = False
        for link in links:
            if is_known(link):
                held_one = True
                continue
            post = fetch_post(client, link)
            if post is not None:
                posts.append(post)
        if progress:
            progress(page, total)
        yield Batch(posts, state)
        if not links or (held_one and not first_sync):
            break
        url = next_page(tree, response.url)
    state["complete"] = True
    yield Batch([], state, final=True)


def post_links(tree: HTMLParser, base: str) -> list[str]:
    """The posts a listing page links to, in its order, on the listing's own site."""
    host = urlsplit(base).netloc
    for selector in _POST_LINKS:
        found = []
        for node in tree.css(selector):
            href = urljoin(base, (node.attributes.get("href") or "").strip()).split("#")[0]
            if urlsplit(href).netloc == host and href not in found and href != base:
                found.append(href)
        if found:
            return found
    return []


def next_page(tree: HTMLParser, base: str) -> str | None:
    for selector in _NEXT_LINKS:
        node = tree.css_first(selector)
        if node is not None:
            href = urljoin(base, (node.attributes.get("href") or "").strip())
            if urlsplit(href).scheme in ("http", "https") and href != base:
                return href
    return None


def _total_pages(tree: HTMLParser) -> int:
    node = tree.css_first(".wp-pagenavi .pages, .pages")
    match = _PAGE_OF.search(node.text() if node else "")
    return int(match.group(2)) if match else 0


def fetch_post(client: PoliteClient, url: str) -> WebPost | None:
    response = client.get(url, accept=_HTML)
    if response.status in (404, 410):
        return None  # listed but gone: nothing to take
    if not response.ok:
        raise FetchError(url, refusal(response))
    return read_post_page(response.text, response.url)


def _meta(tree: HTMLParser, prop: str) -> str:
    node = tree.css_first(f'meta[property="{prop}"], meta[name="{prop}"]')
    return (node.attributes.get("content") or "").strip() if node else ""


def _iso_utc(value: str) -> str | None:
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def read_post_page(text: str, url: str) -> WebPost | None:
    """One post's page as a WebPost, or None when no post text is found in it."""
    import trafilatura

    tree = HTMLParser(text)
    article = tree.css_first("article") or tree.body
    if article is None:
        return None
    heading = article.css_first(".entry-title, h1")
    title = clean_text_title(heading.text() if heading else "") or clean_text_title(
        _meta(tree, "og:title")
    )
    stamp = article.css_first("time.entry-date[datetime], time[datetime]")
    published = (stamp.attributes.get("datetime") or "") if stamp else ""
    published = published or _meta(tree, "article:published_time")
    date = published[:10] if re.match(r"\d{4}-\d\d-\d\d", published) else None
    modified = _iso_utc(_meta(tree, "article:modified_time"))
    categories = _texts(article, "a[rel~='category']")
    tags = [t for t in _texts(article, "a[rel='tag']") if t not in categories]
    author_node = article.css_first(".author a, .author, [rel='author']")
    author = clean_text(author_node.text(strip=True)) if author_node else ""
    author = author or clean_text(_meta(tree, "author"))
    wp_id = _wp_id(tree)
    if tree.body is not None:
        remove_outermost(tree.body.css(CHROME_SELECTOR))
    main_html = trafilatura.extract(
        tree.html or text,
        url=url,
        output_format="html",
        include_links=True,
        include_comments=False,
        include_images=False,
        favor_precision=True,
    )
    if not main_html:
        return None
    meta = trafilatura.extract_metadata(text)
    body = post_markdown(main_html, url)
    if title:
        # trafilatura may keep the post's own heading as the first block.
        first, _, rest = body.partition("\n\n")
        if clean_text_title(first.lstrip("# ")) == title:
            body = rest
    if not body.strip():
        return None
    return WebPost(
        url=url,
        title=title or clean_text_title(getattr(meta, "title", "") or ""),
        body=body,
        date=date or (getattr(meta, "date", None) if meta else None),
        modified=modified,
        guid=None,
        wp_id=wp_id,
        categories=tuple(most_specific(categories)),
        tags=tuple(tags),
        author=author or clean_text(getattr(meta, "author", "") or ""),
        full_text=True,
    )


def _texts(node: LexborNode, selector: str) -> list[str]:
    found: list[str] = []
    for a in node.css(selector):
        name = clean_text_title(a.text(strip=True))
        if name and name not in found:
            found.append(name)
    return found


def _wp_id(tree: HTMLParser) -> int | None:
    node = tree.css_first("link[rel='shortlink'][href]")
    if node is not None and (match := _POST_ID.search(node.attributes.get("href") or "")):
        return int(match.group(1))
    classes = tree.body.attributes.get("class") or "" if tree.body is not None else ""
    match = _BODY_POST_ID.search(classes)
    return int(match.group(1)) if match else None
