"""What a saved post page says about its post: title, date, categories.

A saved page's <title> and og:title are 'Post - Site name'; the theme's page header may
be an h1 of its own ('Blog') beside the post's h1.entry-title; the Blog view of one post
has no entry title at all. The post's own heading is preferred, the site's name comes
off the others, and a page name ('Blog', 'Home') is no title. The date is the one the
page publishes (article:published_time, the article's <time datetime>, JSON-LD
datePublished), never a guess from dates in comments or related posts.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import urlsplit

from reader.sources import titles

if TYPE_CHECKING:  # selectolax is imported only when a page is read
    from selectolax.lexbor import LexborHTMLParser, LexborNode

# A parsed page, or the part of it (its <article>) a lookup is scoped to.
Page: TypeAlias = "LexborHTMLParser | LexborNode"

# The post's heading in WordPress themes and most CMSs, most specific first.
_TITLE_SELECTORS = (
    "h1.entry-title",
    ".entry-title",
    "h1.post-title",
    "h1[itemprop=headline]",
    "article h1",
    "main h1",
    "h1[class*=title]",
)
_DATE_RE = re.compile(r"^((?:19|20)\d\d-\d\d-\d\d)")


def _meta(page: Page, name: str) -> str:
    node = page.css_first(f'meta[property="{name}"]') or page.css_first(f'meta[name="{name}"]')
    return (node.attributes.get("content") or "").strip() if node else ""


def site_name(page: Page) -> str:
    return _meta(page, "og:site_name")


def post_title(page: Page) -> tuple[str | None, tuple[str, ...]]:
    """The post's title if the page gives one (not junk), and the site names it shows."""
    site = site_name(page)
    sites = (site,) if site else ()
    candidates = []
    for selector in _TITLE_SELECTORS:
        for node in page.css(selector):
            if "page-title" in (node.attributes.get("class") or ""):
                continue
            candidates.append(node.text(strip=True))
    candidates.append(_meta(page, "og:title"))
    title_node = page.css_first("title")
    candidates.append(title_node.text(strip=True) if title_node else "")
    for candidate in candidates:
        text = titles.without_site(" ".join(candidate.split()), sites)
        if text and not titles.is_junk(text, sites):
            return text, sites
    return None, sites


# Where themes print the published date, most explicit first. A theme that shows when a
# post was updated prints that too, often first (GeneratePress's time.updated before
# time.entry-date.published): those are never the post's date.
_PUBLISHED_SELECTORS = (
    "[itemprop=datePublished]",
    "time.published",
    "time.entry-date",
    ".published",
    ".entry-date",
    "article time",
    "main time",
)
_MODIFIED_CLASSES = {"updated", "modified", "date-modified", "last-modified"}


def _is_modified_date(node: LexborNode) -> bool:
    classes = set((node.attributes.get("class") or "").split())
    if "published" in classes:
        return False
    return bool(classes & _MODIFIED_CLASSES) or node.attributes.get("itemprop") == "dateModified"


def _printed_date(page: Page) -> str:
    """The post's date as its header prints it: a datetime or content attribute, else
    the text ('May 12, 2025'), outside comments and related-post boxes."""
    from reader.sources.readers.chrome import parse_date_line

    for selector in _PUBLISHED_SELECTORS:
        for node in page.css(selector):
            if _is_modified_date(node) or _in_aside(node):
                continue
            found = node.attributes.get("datetime") or node.attributes.get("content") or ""
            if _DATE_RE.match(found.strip()):
                return found.strip()
            text = parse_date_line(node.text(strip=True))
            if text:
                return text
    return ""


# Comments, related posts and widgets carry dates of their own.
_ASIDE_MARKS = ("comment", "related", "widget", "sidebar", "jp-relatedposts", "pingback")


def _in_aside(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        marks = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}"
        if parent.tag == "aside" or any(mark in marks.casefold() for mark in _ASIDE_MARKS):
            return True
        parent = parent.parent
    return False


# A post on a listing page: WordPress prints each as an <article> (or .hentry) with the
# post's heading and its text in .entry-content.
_LISTED_POST = "article, .hentry, .type-post"
_LISTED_TEXT = ".entry-content, .post-content, [itemprop=articleBody]"


def listed_posts(page: Page) -> list[LexborNode]:
    """The posts a listing page prints in full, outermost first; [] on a post's page (one
    article) or where none has both a heading and its own text."""
    found: list[LexborNode] = []
    for node in page.css(_LISTED_POST):
        if _in_aside(node) or any(_contains(outer, node) for outer in found):
            continue
        if node.css_first(_LISTED_TEXT) is None:
            continue
        headed = any(node.css_first(selector) for selector in _TITLE_SELECTORS[:4])
        if headed or node.css_first("h1, h2") is not None:
            found.append(node)
    return found


def _contains(outer: LexborNode, inner: LexborNode) -> bool:
    """Whether `inner` is `outer` or inside it."""
    node: LexborNode | None = inner
    while node is not None:
        if node.mem_id == outer.mem_id:
            return True
        node = node.parent
    return False


def title_link(scope: Page) -> str | None:
    """The address a listed post's heading links to (its own page)."""
    for selector in (".entry-title a[href]", "h2 a[href]", "h1 a[href]"):
        node = scope.css_first(selector)
        if node is not None and (url := web_address(node.attributes.get("href"))):
            return url
    return None


def published(page: Page) -> str | None:
    found = _meta(page, "article:published_time")
    if not found:
        found = _printed_date(page)
    if not found:
        for node in page.css('script[type="application/ld+json"]'):
            found = _ld_date(node.text())
            if found:
                break
    m = _DATE_RE.match(found or "")
    return m.group(1) if m else None


def _ld_date(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            date = item.get("datePublished")
            if isinstance(date, str):
                return date
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return ""


# Where themes and readers print the post's author: schema.org markup, the hAuthor
# vcard of WordPress themes, rel=author links, the AMP plugin's byline, Firefox Reader
# View's credits line.
_AUTHOR_SELECTORS = (
    "[itemprop=author] [itemprop=name]",
    ".author.vcard .fn",
    ".author.vcard a",
    ".author.vcard",
    "a[rel~=author]",
    ".author-name",
    ".amp-wp-author",
    ".reader-credits",
    ".byline .author",
)


def author(page: Page) -> str | None:
    """The post's author as the page prints it, else its meta author, else None.

    An Evernote export's meta author is the person who clipped the page, not the post's
    author, and is not taken."""
    for selector in _AUTHOR_SELECTORS:
        for node in page.css(selector):
            if _in_aside(node):
                continue
            name = " ".join(node.text(strip=True).split())
            if name and len(name) <= 80:
                return name
    printed = _byline_author(page)
    if printed or is_clip(page):
        return printed
    return _meta(page, "author") or None


def is_clip(page: Page) -> bool:
    """An Evernote export, whose meta author is the person who clipped the page."""
    return _meta(page, "exporter-version").casefold().startswith("evernote")


def _byline_author(page: Page) -> str | None:
    """The author of a 'Posted by …' byline that lost its markup (a clip, a pasted copy)."""
    from reader.sources.readers.capture import KNOWN_AUTHORS
    from reader.sources.readers.chrome import split_byline

    for node in page.css("p, div, span, header"):
        text = node.text(deep=True)
        if len(text) > 200 or _in_aside(node) or "osted" not in text:
            continue
        byline = split_byline(" ".join(text.split()), KNOWN_AUTHORS)
        if byline and byline.author:
            return byline.author
    return None


def categories(page: Page) -> tuple[str, ...]:
    """The post's category links (rel="category tag"), in the page's order, once each."""
    scope = page.css_first("article") or page
    found: list[str] = []
    for node in scope.css('a[rel~="category"]'):
        name = node.text(strip=True)
        if name and name not in found:
            found.append(name)
    return tuple(found)


def without_title_heading(body: str, title: str | None) -> str:
    """The body without a first heading that repeats the post's title."""
    first, _, rest = body.partition("\n\n")
    if title and first.startswith("### ") and _fold(first[4:]) == _fold(title) and rest.strip():
        return rest
    return body


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


# What browsers and savers write into a page they save: IE/Edge/Chrome's "Mark of the Web"
# comment, SingleFile's header comment.
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_SINGLEFILE = re.compile(r"<!--\s*Page saved with SingleFile\s.*?\burl:\s*(\S+)", re.I | re.S)


def post_url(page: Page, text: str) -> str | None:
    """Where the saved post is on the web: the page's canonical link, og:url, or the
    address the browser noted when saving it. Only an http(s) address of a page (not a
    site's home page) counts."""
    link = page.css_first('link[rel~="canonical"][href]')
    candidates = [(link.attributes.get("href") or "") if link else "", _meta(page, "og:url")]
    candidates.append(_meta(page, "source-url"))  # Evernote's export: the clip's page
    head = text[:4096]  # both comments are written at the top
    for pattern in (_SAVED_FROM, _SINGLEFILE):
        if found := pattern.search(head):
            candidates.append(found.group(1))
    for candidate in candidates:
        if url := web_address(candidate):
            return url
    return None


# The Wayback Machine rewrites every address of a page it replays, the page's own
# canonical link included, to /web/<timestamp><modifier>/<original address>.
_WAYBACK = re.compile(
    r"^https?://(?:web\.|wayback\.)?archive\.org/web/\d{1,14}(?:[a-z]{2}_)?/(?P<url>.+)$", re.I
)


def unarchived(value: str) -> str:
    """The original address of a Wayback Machine address; any other as it is."""
    found = _WAYBACK.match(value.strip())
    if not found:
        return value
    url = found["url"]
    return url if re.match(r"^https?://", url, re.I) else f"http://{url}"


def web_address(value: str | None) -> str | None:
    """`value` when it is the absolute http(s) address of a page, not of a site's root
    (a Wayback Machine address as the page's own)."""
    value = unarchived((value or "").strip())
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.path.strip("/") == "" and not parts.query:
        return None
    return value
