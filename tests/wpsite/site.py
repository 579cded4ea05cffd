"""WordPressSite: the simulated site's state, options and routes."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from . import routes
from .content import GENERIC_CATEGORIES, Post, Term, slugify
from .faults import UNLIMITED_BY_DEFAULT, Fault, FaultTable
from .server import serve
from .wire import (
    RequestRecord,
    Response,
    gzip_bomb,
    gzip_bytes,
    http_date,
    not_modified,
    quoted_md5,
)

_DEFAULT = object()


class WordPressSite:
    """A WordPress 6 site on 127.0.0.1:<ephemeral port>. Use as a context manager, or
    start() and stop(). See tests/wpsite/__init__.py for the options."""

    def __init__(
        self,
        posts: Iterable[Post] = (),
        *,
        name: str = "Ockham Healthcare",
        description: str = "Supporting general practice",
        rest_api: bool = True,
        feed: bool = True,
        full_text_feed: bool = True,
        yoast_footer: bool = False,
        jetpack: bool = True,
        permalinks: str = "date",  # "date": /YYYY/MM/DD/slug/, "postname": /slug/
        posts_per_page: int = 5,
        posts_per_rss: int = 10,
        nest_categories: bool = True,  # specific categories under "Blogs", as /blogs/x/
        robots: str | None = None,  # the whole robots.txt; None: built from disallow
        disallow: Sequence[str] = ("/wp-admin/",),
        gzip: bool = False,  # gzip responses to clients that send Accept-Encoding: gzip
        utc_offset_hours: float = 0,
    ) -> None:
        if permalinks not in ("date", "postname"):
            raise ValueError("permalinks is 'date' or 'postname'")
        self.name, self.description = name, description
        self.rest_enabled, self.feed_enabled = rest_api, feed
        self.feed_full_text, self.yoast_footer, self.jetpack = full_text_feed, yoast_footer, jetpack
        self.permalinks, self.posts_per_page, self.posts_per_rss = (
            permalinks,
            posts_per_page,
            posts_per_rss,
        )
        self.nest_categories, self.robots, self.disallow = nest_categories, robots, list(disallow)
        self.gzip, self.utc_offset_hours = gzip, utc_offset_hours
        self._tz = timezone(timedelta(hours=utc_offset_hours))
        self._lock = threading.RLock()
        self._posts: dict[int, Post] = {}
        self._terms: dict[tuple[str, str], Term] = {}
        self._authors: dict[str, int] = {}
        self._next_term = 1
        self._term("category", "Uncategorized")
        self._records: list[RequestRecord] = []
        self._faults = FaultTable()
        self._stopping = threading.Event()
        self._conns: set = set()
        self._bombs: dict[int, bytes] = {}
        self._server = self._thread = None
        self.url = ""
        for post in posts:
            self.add_post(post)

    # --- life -----------------------------------------------------------------------------

    def start(self) -> WordPressSite:
        if self._server is None:
            self._stopping.clear()
            self._server, self._thread = serve(self)
            self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        return self

    def stop(self) -> None:
        """Release every held response, stop serving, drop open connections; prompt."""
        if self._server is None:
            return
        self._stopping.set()
        self._faults.release_all()
        self._server.shutdown()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._thread.join(5)
        self._server = self._thread = None

    @classmethod
    def serving(cls, *args, **kwargs) -> Iterator[WordPressSite]:
        """For a pytest fixture: `yield from WordPressSite.serving(posts, ...)`."""
        with cls(*args, **kwargs) as site:
            yield site

    def __enter__(self) -> WordPressSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what tests read and change ---------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def requests_to(self, pattern: str) -> list[RequestRecord]:
        """Requests whose path (or path and query) matches the glob pattern."""
        probe = Fault(pattern, "500")
        return [r for r in self.requests if probe.matches(r.path, r.target)]

    def bytes_sent(self, pattern: str = "*") -> int:
        return sum(r.bytes_sent for r in self.requests_to(pattern))

    def clear_requests(self) -> None:
        with self._lock:
            self._records.clear()

    def fault(self, pattern, kind: str, times: int | None = _DEFAULT, **options) -> Fault:
        """Arm a fault (see faults.KINDS) for the next `times` matching requests."""
        if times is _DEFAULT:
            times = None if kind in UNLIMITED_BY_DEFAULT else 1
        return self._faults.add(Fault(pattern, str(kind), times, options))

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def posts(self) -> list[Post]:
        return self.snapshot()

    def add_post(self, post: Post) -> Post:
        with self._lock:
            if post.id in self._posts:
                raise ValueError(f"post {post.id} exists")
            self._posts[post.id] = post
            for name in post.categories:
                self._term("category", name)
            for name in post.tags:
                self._term("post_tag", name)
            self._authors.setdefault(post.author, len(self._authors) + 1)
        return post

    def edit_post(self, post_id: int, *, modified: datetime | None = None, **changes) -> Post:
        """Change title, content, categories, tags or excerpt; modified moves on (to now, or
        a second past the newest modification, whichever is later) unless given."""
        with self._lock:
            post = self._posts[post_id]
            for key, value in changes.items():
                if not hasattr(post, key) or key in ("id", "date_gmt", "modified_gmt"):
                    raise TypeError(f"cannot edit {key}")
                setattr(post, key, list(value) if key in ("categories", "tags") else value)
            for name in post.categories:
                self._term("category", name)
            for name in post.tags:
                self._term("post_tag", name)
            floor = self.last_modified() + timedelta(seconds=1)
            now = datetime.now(UTC).replace(microsecond=0)
            post.modified_gmt = modified or max(now, floor)
            return post

    def remove_post(self, post_id: int) -> Post:
        with self._lock:
            return self._posts.pop(post_id)

    # --- what render and rest ask -----------------------------------------------------------

    def snapshot(self) -> list[Post]:
        """Published posts, newest first (date, then id)."""
        with self._lock:
            return sorted(self._posts.values(), key=lambda p: (p.date_gmt, p.id), reverse=True)

    def get(self, post_id: int) -> Post | None:
        with self._lock:
            return self._posts.get(post_id)

    def last_modified(self) -> datetime:
        """get_lastpostmodified('GMT')."""
        with self._lock:
            stamps = [p.modified_gmt for p in self._posts.values()]
        return max(stamps, default=datetime(2015, 1, 1, tzinfo=UTC))

    def local(self, when: datetime) -> datetime:
        return when.astimezone(self._tz)

    def from_local(self, naive: datetime) -> datetime:
        return naive.replace(tzinfo=self._tz).astimezone(UTC)

    def _term(self, taxonomy: str, name: str) -> Term:
        key = (taxonomy, name)
        if key not in self._terms:
            parent = 0
            if (
                taxonomy == "category"
                and self.nest_categories
                and name not in GENERIC_CATEGORIES
                and name != "Podcast"
            ):
                parent = self._term("category", "Blogs").id
            self._terms[key] = Term(self._next_term, name, slugify(name), taxonomy, parent)
            self._next_term += 1
        return self._terms[key]

    def terms(self, taxonomy: str) -> list[Term]:
        with self._lock:
            return [t for (tax, _), t in self._terms.items() if tax == taxonomy]

    def term_by_slug(self, taxonomy: str, slug: str) -> Term | None:
        return next((t for t in self.terms(taxonomy) if t.slug == slug), None)

    def post_terms(self, post: Post, taxonomy: str) -> list[Term]:
        names = post.categories if taxonomy == "category" else post.tags
        with self._lock:
            return [self._term(taxonomy, n) for n in names]

    def term_count(self, term: Term) -> int:
        return sum(1 for p in self.snapshot() if term in self.post_terms(p, term.taxonomy))

    def term_link(self, term: Term) -> str:
        if term.taxonomy == "post_tag":
            return f"{self.url}tag/{term.slug}/"
        parents = [t for t in self.terms("category") if t.id == term.parent]
        path = f"{parents[0].slug}/{term.slug}" if parents else term.slug
        return f"{self.url}category/{path}/"

    def permalink(self, post: Post) -> str:
        if self.permalinks == "postname":
            return f"{self.url}{post.slug}/"
        return f"{self.url}{self.local(post.date_gmt).strftime('%Y/%m/%d')}/{post.slug}/"

    def authors(self) -> list[str]:
        with self._lock:
            return list(self._authors)

    def author_id(self, name: str) -> int:
        with self._lock:
            return self._authors.get(name, 1)

    def author_slug_for(self, name: str) -> str:
        return slugify(name)

    def author_slug(self, post: Post) -> str:
        return slugify(post.author)

    def bomb(self, expanded: int) -> bytes:
        with self._lock:
            if expanded not in self._bombs:
                self._bombs[expanded] = gzip_bomb(expanded)
            return self._bombs[expanded]

    # --- the server's side ------------------------------------------------------------------

    def _log(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def _track(self, conn, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def _respond(self, record: RequestRecord) -> Response:
        """The response to a request, conditional GET and gzip applied."""
        parts = urlsplit(record.target)
        params = parse_qs(parts.query, keep_blank_values=True)
        resp = routes.route(self, parts.path or "/", params)
        if (
            resp.status == 200
            and resp.etag is None
            and resp.content_type.startswith("application/json")
        ):
            resp.etag = quoted_md5(resp.body)
        if resp.etag:
            resp.set("ETag", resp.etag)
        if resp.last_modified:
            resp.set("Last-Modified", http_date(resp.last_modified))
        if resp.status == 200 and not_modified(record.headers, resp.etag, resp.last_modified):
            resp.status, resp.body = 304, b""
        elif self.gzip and "gzip" in record.header("accept-encoding", "") and resp.body:
            resp.body = gzip_bytes(resp.body)
            resp.set("Content-Encoding", "gzip")
            resp.set("Vary", "Accept-Encoding")
        return resp
