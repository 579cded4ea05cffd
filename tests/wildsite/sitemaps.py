"""The wild site's XML sitemaps, as WordPress 5.5+ core writes them (wp-includes/sitemaps):
an index at /wp-sitemap.xml (/?sitemap=index without pretty permalinks) naming one sitemap
per provider, subtype and page of at most `sitemap_max_urls` URLs (2,000 by default),
posts ordered by ID ascending, each entry a <loc> alone; the pages' sitemap lists the
home page first; an empty sitemap is a 404; robots.txt gains a Sitemap: line."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from .site import WildSite

XML = "application/xml; charset=UTF-8"
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def index_url(site: WildSite) -> str:
    return f"{site.url}?sitemap=index" if _plain(site) else f"{site.url}wp-sitemap.xml"


def _plain(site: WildSite) -> bool:
    return site.quirks.permalinks == "plain"


def _sub_url(site: WildSite, provider: str, subtype: str, page: int) -> str:
    """As WP_Sitemaps_Index writes it, & escaped (the users' provider has no subtype)."""
    if _plain(site):
        sub = f"&amp;sitemap-subtype={subtype}" if subtype else ""
        return f"{site.url}?sitemap={provider}{sub}&amp;paged={page}"
    return f"{site.url}wp-sitemap-{provider}-{subtype + '-' if subtype else ''}{page}.xml"


def _lists(site: WildSite) -> dict[tuple[str, str], list[str]]:
    posts = [site.permalink(p) for p in sorted(site.posts, key=lambda p: p.id)]
    pages = [site.url, f"{site.url}about/", f"{site.url}contact/"]
    categories = [f"{site.url}?cat={t.id}" for t in site.categories[:3]]
    return {
        ("posts", "post"): posts,
        ("posts", "page"): pages,
        ("taxonomies", "category"): categories,
        ("users", ""): [f"{site.url}?author=1"],
    }


def _stylesheet(site: WildSite, name: str) -> str:
    return f'<?xml-stylesheet type="text/xsl" href="{site.url}wp-sitemap{name}.xsl" ?>\n'


def index(site: WildSite) -> bytes:
    size = site.quirks.sitemap_max_urls
    entries = []
    for (provider, subtype), urls in _lists(site).items():
        for page in range(1, -(-len(urls) // size) + 1):
            loc = _sub_url(site, provider, subtype, page)
            entries.append(f"<sitemap><loc>{loc}</loc></sitemap>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + _stylesheet(site, "-index")
        + f"<sitemapindex {_NS}>"
        + "".join(entries)
        + "</sitemapindex>\n"
    ).encode()


def sitemap(site: WildSite, provider: str, subtype: str, page: int) -> bytes | None:
    size = site.quirks.sitemap_max_urls
    urls = _lists(site).get((provider, subtype), [])[(page - 1) * size : page * size]
    if not urls:
        return None  # WordPress answers 404 for a sitemap with no URLs
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + _stylesheet(site, "")
        + f"<urlset {_NS}>"
        + "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls)
        + "</urlset>\n"
    ).encode()
