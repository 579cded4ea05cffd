"""The wild site's feeds: RSS 2.0 (as WordPress's feed-rss2.php writes it) and Atom
(feed-atom.php), newest first, posts_per_rss a page, ?paged=N for older ones, ETag and
Last-Modified with 304s, and the quirks of Quirks (excerpt only, a false charset, items
without GUIDs, relative links, paging ignored or answered with a 200 HTML page)."""

from __future__ import annotations

import hashlib
from datetime import UTC
from email.utils import format_datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from .content import WildPost

if TYPE_CHECKING:
    from .site import WildSite


def _rfc822(post: WildPost) -> str:
    return format_datetime(post.date_gmt.replace(tzinfo=UTC), usegmt=True)


def _iso(post: WildPost) -> str:
    return post.date_gmt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _title(post: WildPost) -> str:
    # the_title_rss: entities kept as numeric references, & as &#038;
    return post.title.replace("&amp;", "&#038;").replace("&eacute;", "&#233;")


def _link(site: WildSite, post: WildPost) -> str:
    link = site.permalink(post)
    return link.removeprefix(site.url.rstrip("/")) if site.quirks.feed_relative_links else link


def _rss_item(site: WildSite, post: WildPost) -> str:
    q = site.quirks
    cats = "".join(
        f"<category>{_cdata(t.name)}</category>"
        for t in [*site.categories, *site.tags]
        if t.id in post.categories or t.id in post.tags
    )
    guid = ""
    if q.feed_guid == "false":
        guid = f'<guid isPermaLink="false">{site.url}?p={post.id}</guid>'
    elif q.feed_guid == "permalink":
        guid = f"<guid>{escape(site.permalink(post))}</guid>"
    text = "" if post.builder else post.content
    excerpt = post.excerpt or text[:200]
    content = "" if q.feed_excerpt_only else f"<content:encoded>{_cdata(text)}</content:encoded>"
    return (
        f"<item><title>{_title(post)}</title><link>{escape(_link(site, post))}</link>"
        f"<dc:creator>{_cdata('Dr A. Author')}</dc:creator><pubDate>{_rfc822(post)}</pubDate>"
        f"{cats}{guid}<description>{_cdata(excerpt)}</description>{content}</item>"
    )


def _atom_entry(site: WildSite, post: WildPost) -> str:
    q = site.quirks
    cats = "".join(
        f'<category scheme="{site.url}" term="{t.name}" />'
        for t in site.categories
        if t.id in post.categories
    )
    content = (
        "" if q.feed_excerpt_only else f'<content type="html">{_cdata(post.content)}</content>'
    )
    return (
        "<entry><author><name>Dr A. Author</name></author>"
        f'<title type="html">{_cdata(post.title)}</title>'
        f'<link rel="alternate" type="text/html" href="{escape(_link(site, post))}" />'
        f"<id>{site.url}?p={post.id}</id><updated>{post.modified_gmt:%Y-%m-%dT%H:%M:%SZ}</updated>"
        f"<published>{_iso(post)}</published>{cats}"
        f'<summary type="html">{_cdata(post.excerpt or post.content[:200])}</summary>'
        f"{content}</entry>"
    )


def handle(site: WildSite, kind: str, params: dict[str, str], headers: dict[str, str]):  # noqa: ANN201
    q = site.quirks
    if q.feed == "none":
        return 404, "text/html; charset=UTF-8", site.not_found_html(), []
    newest = sorted(site.posts, key=lambda p: p.date, reverse=True)
    try:
        page = int(params.get("paged", "1"))
    except ValueError:
        page = 1
    if q.feed_paged == "ignored":
        page = 1  # a page cache keyed on the path alone
    chunk = newest[(page - 1) * q.posts_per_rss : page * q.posts_per_rss]
    if not chunk and page > 1:
        if q.feed_paged == "html200":
            return 200, "text/html; charset=UTF-8", site.not_found_html(), []
        return 404, "text/html; charset=UTF-8", site.not_found_html(), []
    charset = q.feed_charset
    if kind == "atom":
        body = (
            f'<?xml version="1.0" encoding="{charset}"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">'
            f'<title type="text">{site.name}</title><id>{site.url}feed/atom/</id>'
            f'<link rel="alternate" type="text/html" href="{site.url}" />'
            f"<updated>{newest[0].modified_gmt:%Y-%m-%dT%H:%M:%SZ}</updated>"
            + "".join(_atom_entry(site, p) for p in chunk)
            + "</feed>"
        )
        ctype = f"application/atom+xml; charset={charset}"
    else:
        body = (
            f'<?xml version="1.0" encoding="{charset}"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">'
            f"<channel><title>{site.name}</title><link>{site.url}</link>"
            "<description>Notes</description>"
            + "".join(_rss_item(site, p) for p in chunk)
            + "</channel></rss>"
        )
        ctype = f"application/rss+xml; charset={charset}"
    data = body.encode("utf-8")
    etag = '"' + hashlib.md5(data).hexdigest() + '"'  # noqa: S324 - a validator, not security
    last = format_datetime(newest[0].modified_gmt.replace(tzinfo=UTC), usegmt=True)
    validators = [("ETag", etag), ("Last-Modified", last)]
    if headers.get("if-none-match") == etag:
        return 304, "", b"", validators
    return 200, ctype, data, validators
