"""A second simulated WordPress site that behaves unlike tests/wpsite in the ways real
sites differ: plain permalinks (?p=ID, ?rest_route=, ?feed=rss2), the REST root only in a
Link header, JSON after a BOM or a PHP notice, REST disabled by a security plugin, no
paging headers, Atom instead of RSS, excerpt-only feeds, a feed whose charset is a lie,
items without a GUID, relative links, ?paged=N ignored by a cache, robots.txt with
Crawl-delay and Disallow, gzip everywhere, soft 404s (200 with an HTML error page), rewrite
rules missing (/wp-json/ the server's 404), a REST cache that ignores ?page=, page-builder
posts with empty post_content, WordPress 5.5's core sitemaps (tests/wildsite/sitemaps.py),
and faults armed per path: Retry-After throttling, slowness, a huge body, Cloudflare's
challenge page.

    with WildSite(make_posts(30), Quirks(permalinks="plain")) as site: ...
    with Redirector(site.url) as old: ...   # 301 every request to the same path there

Started on 127.0.0.1 with an ephemeral port, stopped by the test; never the network.
"""

from __future__ import annotations

import gzip
import re
import threading
import time
from dataclasses import dataclass
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import feeds, rest, sitemaps
from .content import WildPost, make_posts, make_tags, make_terms

SERVER_404 = (
    b"<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1>"
    b"</center><hr><center>nginx</center></body></html>"
)
# Cloudflare's challenge page, much shortened: what a client without JavaScript gets.
CHALLENGE_HTML = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    b'<meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper">'
    b"<noscript>Enable JavaScript and cookies to continue</noscript></div>"
    b"<script>window._cf_chl_opt={cvId: '3',cType: 'managed'};</script>"
    b'<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>'
    b"</body></html>"
)
WP_ROBOTS = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"


@dataclass
class Quirks:
    permalinks: str = "plain"  # "plain": /?p=ID; "pretty": /YYYY/MM/DD/slug/
    api_link: str = "header"  # where the REST root is advertised: "header", "tag", "none"
    rest: str = "ok"  # "ok", "401", "403" (disabled by a plugin), "html200"
    json_junk: str = ""  # "", "bom", "notice"
    paging_headers: bool = True  # X-WP-Total / X-WP-TotalPages (a proxy may strip them)
    per_page_max: int = 100
    modified_after: bool = True  # WordPress 5.7+; older ones ignore the parameter
    feed: str = "rss2"  # "rss2", "atom", "none"
    feed_excerpt_only: bool = (
        False  # Settings > Reading: "For each post in a feed, include: Excerpt"
    )
    feed_charset: str = "UTF-8"  # declared; the bytes are always UTF-8
    feed_guid: str = "false"  # "false" (isPermaLink="false" ?p=ID), "none", "permalink"
    feed_relative_links: bool = False
    feed_paged: str = "404"  # past the end: "404", "ignored" (every page is page 1), "html200"
    posts_per_rss: int = 10
    robots: str | None = WP_ROBOTS  # None: /robots.txt is a 404
    gzip: bool = True
    soft_404: bool = False  # a missing page answers 200 with the theme's "Not found"
    # Pretty permalinks chosen, but the server's rewrite rules missing (nginx without
    # try_files, Apache without AllowOverride): /wp-json/, /feed/, /wp-sitemap.xml and every
    # pretty post address are the server's own 404; /?rest_route=, /?feed=, /?p= still work.
    rewrites: bool = True
    rest_page_ignored: bool = False  # a cache keyed on the path: every ?page= is page 1
    sitemap: str = "none"  # "core": WordPress 5.5+'s wp-sitemap.xml, named in robots.txt
    sitemap_max_urls: int = 2000  # wp_sitemaps_max_urls


@dataclass
class Request:
    target: str
    headers: dict[str, str]
    status: int = 0
    bytes: int = 0


@dataclass
class _Arm:
    pattern: str  # a prefix of the path-and-query
    # "throttle" (429 + Retry-After), "unavailable" (503 + Retry-After), "slow", "huge",
    # "challenge" (Cloudflare's "Just a moment..." page: 403, cf-mitigated: challenge),
    # "challenge503" (the same with the 503 of its older "I'm Under Attack" mode)
    kind: str
    times: int = 1
    seconds: float = 1.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        pass  # a client that gives up mid-response (a timeout test) is expected


class _Base:
    """The HTTP plumbing both servers share."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self.stopping = threading.Event()

    def start(self) -> _Base:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                record = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                with site._lock:
                    site.requests.append(record)
                status, ctype, body, headers = site.respond(record)
                if "gzip" in record.headers.get("accept-encoding", "") and site.gzip_ok(ctype):
                    body = gzip.compress(body)
                    headers = [*headers, ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
                record.status = status
                self.send_response(status)
                self.send_header("Server", "Apache")
                if ctype:
                    self.send_header("Content-Type", ctype)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                    record.bytes = len(body)
                except OSError:
                    self.close_connection = True

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):  # noqa: ANN204
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def gzip_ok(self, ctype: str) -> bool:
        return False

    def respond(self, record: Request) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        raise NotImplementedError

    def paths(self) -> list[str]:
        return [r.target for r in self.requests]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()


class Redirector(_Base):
    """An old domain: every request 301s to the same path and query on `target`."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target.rstrip("/")

    def respond(self, record: Request):  # noqa: ANN201
        return 301, "text/html", b"Moved", [("Location", self.target + record.target)]


class WildSite(_Base):
    def __init__(
        self, posts: list[WildPost] | None = None, quirks: Quirks | None = None, name: str = ""
    ) -> None:
        super().__init__()
        self.posts = posts if posts is not None else make_posts(25)
        self.quirks = quirks or Quirks()
        self.name = name or "Practice Matters &#8211; notes from a GP"
        self.categories = make_terms()
        self.tags = make_tags()
        self._arms: list[_Arm] = []

    # -- faults --------------------------------------------------------------------------

    def arm(self, pattern: str, kind: str, times: int = 1, seconds: float = 1.0) -> None:
        with self._lock:
            self._arms.append(_Arm(pattern, kind, times, seconds))

    def _take_arm(self, target: str) -> _Arm | None:
        with self._lock:
            for arm in self._arms:
                if target.startswith(arm.pattern) and arm.times > 0:
                    arm.times -= 1
                    return arm
        return None

    # -- addresses -----------------------------------------------------------------------

    def permalink(self, post: WildPost) -> str:
        if self.quirks.permalinks == "plain":
            return f"{self.url}?p={post.id}"
        return f"{self.url}{post.date:%Y/%m/%d}/{post.slug}/"

    def api_root(self) -> str:
        return (
            f"{self.url}?rest_route=/"
            if self.quirks.permalinks == "plain"
            else f"{self.url}wp-json/"
        )

    def feed_url(self) -> str:
        kind = "atom" if self.quirks.feed == "atom" else "rss2"
        if self.quirks.permalinks == "plain":
            return f"{self.url}?feed={kind}"
        return f"{self.url}feed/" + ("atom/" if kind == "atom" else "")

    def gzip_ok(self, ctype: str) -> bool:
        return self.quirks.gzip

    # -- pages ---------------------------------------------------------------------------

    def home_html(self) -> bytes:
        head = [f"<title>{self.name}</title>"]
        if self.quirks.api_link == "tag":
            head.append(f'<link rel="https://api.w.org/" href="{self.api_root()}" />')
        if self.quirks.feed != "none":
            kind = "atom+xml" if self.quirks.feed == "atom" else "rss+xml"
            head.append(
                f'<link rel="alternate" type="application/{kind}" href="{self.feed_url()}" />'
            )
        items = "".join(
            f'<article class="post-{p.id} post"><h2 class="entry-title">'
            f'<a href="{self.permalink(p)}" rel="bookmark">{p.title}</a></h2></article>'
            for p in sorted(self.posts, key=lambda p: p.date, reverse=True)[:10]
        )
        return (
            "<!DOCTYPE html><html><head>" + "".join(head) + "</head>"
            f'<body class="home blog"><main>{items}</main></body></html>'
        ).encode()

    def post_html(self, post: WildPost) -> bytes:
        return (
            f"<!DOCTYPE html><html><head><title>{post.title} &#8211; {self.name}</title>"
            f'<link rel="shortlink" href="{self.url}?p={post.id}" />'
            '<meta property="article:published_time" '
            f'content="{post.date_gmt:%Y-%m-%dT%H:%M:%S}+00:00" />'
            f'</head><body class="post-template-default single postid-{post.id}">'
            f'<article class="post-{post.id} post">'
            f'<header><h1 class="entry-title">{post.title}</h1>'
            f'<time class="entry-date published" datetime="{post.date:%Y-%m-%dT%H:%M:%S}+01:00">'
            f"{post.date:%d %B %Y}</time></header>"
            f'<div class="entry-content">{post.content}'
            '<div class="sharedaddy"><h3>Share this:</h3><a href="#">Twitter</a></div></div>'
            "</article></body></html>"
        ).encode()

    def _sitemap(self, path: str, params: dict[str, str]):  # noqa: ANN202
        if self.quirks.sitemap != "core":
            return None
        name = params.get("sitemap")
        page = int(params.get("paged", "1") or 1)
        subtype = params.get("sitemap-subtype", "")
        if name is None and (
            match := re.fullmatch(r"/wp-sitemap(?:-(\w+?)(?:-(\w+))?-(\d+))?\.xml", path)
        ):
            name = match.group(1) or "index"
            subtype, page = match.group(2) or "", int(match.group(3) or 1)
        if name is None:
            return None
        if name == "index":
            return 200, sitemaps.XML, sitemaps.index(self), []
        body = sitemaps.sitemap(self, name, subtype, page)
        if body is None:
            return 404, "text/html; charset=UTF-8", self.not_found_html(), []
        return 200, sitemaps.XML, body, []

    def not_found_html(self) -> bytes:
        return (
            b"<!DOCTYPE html><html><head><title>Page not found</title></head>"
            b"<body class='error404'>"
            b"<h1>Oops! That page can&#8217;t be found.</h1></body></html>"
        )

    # -- routing -------------------------------------------------------------------------

    def respond(self, record: Request):  # noqa: ANN201, C901 - one router, read top to bottom
        target = record.target
        arm = self._take_arm(target)
        if arm is not None:
            if arm.kind in ("throttle", "unavailable"):
                status = 429 if arm.kind == "throttle" else 503
                return status, "text/html", b"Slow down", [("Retry-After", f"{arm.seconds:g}")]
            if arm.kind == "slow":
                self.stopping.wait(arm.seconds)
            if arm.kind == "huge":
                return 200, "text/html", b"<p>" + b"x" * (21 * 1024 * 1024), []
            if arm.kind in ("challenge", "challenge503"):
                return (
                    403 if arm.kind == "challenge" else 503,
                    "text/html; charset=UTF-8",
                    CHALLENGE_HTML,
                    [
                        ("cf-mitigated", "challenge"),
                        ("Server", "cloudflare"),
                        ("CF-RAY", "8a1b2c3d4e5f-LHR"),
                    ],
                )
        parts = urlsplit(target)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        html_type = "text/html; charset=UTF-8"
        if parts.path == "/robots.txt":
            if self.quirks.robots is None:
                return 404, html_type, self.not_found_html(), []
            robots = self.quirks.robots
            if self.quirks.sitemap == "core":
                robots += f"\nSitemap: {sitemaps.index_url(self)}\n"  # WP_Sitemaps::add_robots
            return 200, "text/plain; charset=utf-8", robots.encode(), []
        if not self.quirks.rewrites and parts.path != "/":
            return 404, "text/html", SERVER_404, []  # the web server's, not WordPress's
        if reply := self._sitemap(parts.path, params):
            return reply
        if parts.path.startswith("/wp-json"):
            return rest.handle(self, parts.path.removeprefix("/wp-json") or "/", params)
        if parts.path == "/" and "rest_route" in params:
            route = params.pop("rest_route")
            return rest.handle(self, route, params)
        feed = params.get("feed") or (
            ("atom" if "/atom" in parts.path else "rss2")
            if parts.path.startswith("/feed")
            else None
        )
        if feed:
            return feeds.handle(self, feed, params, record.headers)
        if parts.path == "/" and "p" in params:
            post = next((p for p in self.posts if str(p.id) == params["p"]), None)
            if post is not None:
                if self.quirks.permalinks == "pretty":
                    return 301, html_type, b"", [("Location", self.permalink(post))]
                return 200, html_type, self.post_html(post), []
        if parts.path == "/" and not params:
            headers = []
            if self.quirks.api_link == "header":
                headers.append(("Link", f'<{self.api_root()}>; rel="https://api.w.org/"'))
            return 200, html_type, self.home_html(), headers
        for post in self.posts:
            if self.quirks.permalinks == "pretty" and self.permalink(post).endswith(parts.path):
                return 200, html_type, self.post_html(post), []
        return (200 if self.quirks.soft_404 else 404), html_type, self.not_found_html(), []


def http_date(when: float | None = None) -> str:
    from datetime import UTC, datetime

    return format_datetime(datetime.fromtimestamp(when or time.time(), UTC), usegmt=True)


__all__ = ["Quirks", "Redirector", "WildSite"]
