"""The site's routes: which URL gets which page, feed or REST answer, as a WordPress 6
site with pretty permalinks resolves them."""

from __future__ import annotations

import re
from html import escape

from . import render, rest
from .content import Post, slugify, texturize
from .wire import HTML, RSS, TEXT, Response, http_date, quoted_md5


def html(site, text: str, status: int = 200, headers=()) -> Response:
    links = (
        [("Link", f'<{site.url}wp-json/>; rel="https://api.w.org/"')] if site.rest_enabled else []
    )
    return Response(status, text.encode(), HTML, [*links, *headers])


def not_found(site) -> Response:
    return html(site, render.not_found(site), 404)


def redirect(site, location: str, status: int = 301) -> Response:
    return Response(status, b"", HTML, [("Location", location), ("X-Redirect-By", "WordPress")])


def route(site, path: str, params: dict[str, list[str]]) -> Response:
    if path == "/robots.txt":
        return robots(site)
    if path.startswith("/wp-json") or (path in ("/", "/index.php") and "rest_route" in params):
        if not site.rest_enabled:
            return not_found(site)
        route = params["rest_route"][0] if "rest_route" in params else path[len("/wp-json") :]
        resp = rest.dispatch(site, route, params)
        resp.headers += [
            ("X-Robots-Tag", "noindex"),
            ("X-Content-Type-Options", "nosniff"),
            ("Link", f'<{site.url}wp-json/>; rel="https://api.w.org/"'),
            ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
            ("Allow", "GET"),
        ]
        return resp
    if path in ("/", "/index.php") and "p" in params:
        post = site.get(int(params["p"][0])) if params["p"][0].isdigit() else None
        return redirect(site, site.permalink(post)) if post else not_found(site)
    if path == "/feed" or re.fullmatch(r"(/.+)/feed", path):
        return redirect(site, f"{site.url.rstrip('/')}{path}/")
    if path == "/feed/" or (path == "/" and params.get("feed") in (["rss2"], ["rss"])):
        return feed(site, site.snapshot(), params, f"{site.url}feed/")
    if path == "/comments/feed/":
        name = escape(site.name, quote=False)
        return feed(site, [], params, f"{site.url}comments/feed/", f"Comments for {name}")
    if m := re.fullmatch(r"/category/(?:[^/]+/)*([^/]+)/feed/", path):
        term = site.term_by_slug("category", m.group(1))
        if term is None:
            return not_found(site)
        posts = [p for p in site.snapshot() if term in site.post_terms(p, "category")]
        return feed(
            site,
            posts,
            params,
            f"{site.term_link(term)}feed/",
            f"{escape(term.name, quote=False)} &#8211; {escape(site.name, quote=False)}",
        )
    if m := re.fullmatch(r"(?:/page/(\d+))?/", path):
        return listing(site, "", site.url, site.snapshot(), m.group(1), "home blog")
    if m := re.fullmatch(r"/(category|tag)/(?:[^/]+/)*?([^/]+)/(?:page/(\d+)/)?", path):
        taxonomy = "category" if m.group(1) == "category" else "post_tag"
        term = site.term_by_slug(taxonomy, m.group(2))
        if term is None:
            return not_found(site)
        posts = [p for p in site.snapshot() if term in site.post_terms(p, taxonomy)]
        return listing(
            site,
            escape(term.name),
            site.term_link(term),
            posts,
            m.group(3),
            f"archive {m.group(1)}",
        )
    if m := re.fullmatch(r"/author/([^/]+)/(?:page/(\d+)/)?", path):
        posts = [p for p in site.snapshot() if slugify(p.author) == m.group(1)]
        if not posts:
            return not_found(site)
        return listing(
            site,
            escape(posts[0].author),
            f"{site.url}author/{m.group(1)}/",
            posts,
            m.group(2),
            "archive author",
        )
    if resp := page(site, path):
        return resp
    bare = not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]
    if bare and page(site, path + "/"):  # redirect_canonical adds the slash
        return redirect(site, f"{site.url.rstrip('/')}{path}/")
    return not_found(site)


def page(site, path: str) -> Response | None:
    """A post at its permalink, or one of the menu's pages."""
    for post in site.snapshot():
        if site.permalink(post) == site.url.rstrip("/") + path:
            others = [p for p in site.snapshot() if p.id != post.id]
            same = [p for p in others if set(p.categories[1:]) & set(post.categories[1:])]
            api = f"{site.url}wp-json/wp/v2/posts/{post.id}"
            headers = [
                ("Link", f'<{api}>; rel="alternate"; title="JSON"; type="application/json"'),
                ("Link", f"<{site.url}?p={post.id}>; rel=shortlink"),
            ]
            return html(site, render.single(site, post, (same or others)[:3]), headers=headers)
    if not path.endswith("/"):
        return None
    slug = path.strip("/")
    for label, link in render.MENU:
        if link and link.strip("/") == slug and not link.startswith("category/"):
            if slug in ("blog-index", "podcast-index"):
                posts = site.snapshot()
                if slug == "podcast-index":
                    posts = [p for p in posts if "Podcast" in p.categories]
                items = "".join(
                    f'<li><a href="{site.permalink(p)}">{texturize(p.title)}</a> '
                    f'<span class="date">{site.local(p.date_gmt):%d/%m/%Y}</span></li>\n'
                    for p in posts
                )
                inner = f'<ul class="blog-index">\n{items}</ul>'
            else:
                inner = f"<p>{escape(label)} &#8211; {escape(site.name)}.</p>"
            return html(site, render.static_page(site, label, inner, slug))
    return None


def listing(site, heading, base, posts, page, body_class) -> Response:
    page_no = int(page or 1)
    total = max(1, -(-len(posts) // site.posts_per_page))
    if page_no > total or page_no < 1:
        return not_found(site)
    chunk = posts[(page_no - 1) * site.posts_per_page : page_no * site.posts_per_page]
    return html(site, render.listing(site, heading, base, chunk, page_no, total, body_class))


def feed(site, posts: list[Post], params, self_link: str, title: str | None = None) -> Response:
    if not site.feed_enabled:
        return not_found(site)
    paged = params.get("paged", ["1"])[-1]
    page_no = int(paged) if paged.isdigit() and int(paged) > 0 else 1
    chunk = posts[(page_no - 1) * site.posts_per_rss : page_no * site.posts_per_rss]
    if page_no > 1 and not chunk:
        return not_found(site)
    if page_no > 1:
        self_link += f"?paged={page_no}"
    last = site.last_modified()  # get_lastpostmodified: the headers, whichever page
    build = max((p.modified_gmt for p in chunk), default=last)  # get_feed_build_date
    text = render.feed(site, chunk, self_link, title, last_build=build)
    resp = Response(200, text.encode(), RSS, [])
    resp.last_modified = last
    resp.etag = quoted_md5(http_date(last))  # WP::send_headers: md5 of Last-Modified
    return resp


def robots(site) -> Response:
    if site.robots is not None:
        text = site.robots
    else:
        lines = ["User-agent: *", *(f"Disallow: {p}" for p in site.disallow)]
        if "/wp-admin/" in site.disallow:
            lines.append("Allow: /wp-admin/admin-ajax.php")
        text = "\n".join(lines) + f"\n\nSitemap: {site.url}wp-sitemap.xml\n"
    return Response(200, text.encode(), TEXT, [])
