"""Is a post fetched from the web one the reader already holds?

In order: the WordPress id on the same site, the canonical URL (http and https, www.,
a trailing slash, tracking parameters and ?p=ID all normalised), the feed GUID; else the
same title together with text overlap, or, for a post the bundled pages left untitled,
the same date together with text overlap. Equal titles alone never make two texts one
post: the texts must share most of their five-word shingles.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from reader.sources.web.records import WebPost

SHINGLE = 5
OVERLAP = 0.5  # share of the shorter text's shingles the longer one must hold
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|share|amp|replytocom)$")


def url_key(url: str) -> str:
    """One key for every spelling of an address: scheme, www., case of the host, default
    port, trailing slash, fragment and tracking parameters do not count; ?p=ID stays."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/+", "/", parts.path or "/").rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k))
    return f"{host}{path}" + (f"?{urlencode(query)}" if query else "")


def site_key(url: str) -> str:
    return url_key(url).split("/", 1)[0]


def normal_title(title: str) -> str:
    return " ".join(_WORD.findall(title.casefold().replace("’", "'")))


def shingles(text: str) -> frozenset[int]:
    words = [w.replace("’", "'") for w in _WORD.findall(text.casefold())]
    # Links are written [text](url): the url's words are not the post's text.
    if len(words) < SHINGLE:
        return frozenset([zlib.crc32(" ".join(words).encode())]) if words else frozenset()
    return frozenset(
        zlib.crc32(" ".join(words[i : i + SHINGLE]).encode())
        for i in range(len(words) - SHINGLE + 1)
    )


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def plain(markdown: str) -> str:
    return _LINK.sub(r"\1", markdown)


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass(frozen=True)
class Held:
    """A post the reader holds, as matching sees it. body() reads its text on demand."""

    id: str
    title: str
    title_is_derived: bool
    date: str | None
    url: str = ""
    guid: str | None = None
    wp_id: int | None = None
    modified: str | None = None
    body: Callable[[], str] | None = None


class Matcher:
    def __init__(self, held: Iterable[Held]) -> None:
        self._by_wp: dict[tuple[str, int], Held] = {}
        self._by_url: dict[str, Held] = {}
        self._by_guid: dict[str, Held] = {}
        self._by_title: dict[str, list[Held]] = {}
        self._by_date: dict[str, list[Held]] = {}
        self._shingles: dict[str, frozenset[int]] = {}
        for item in held:
            self.add(item)

    def add(self, item: Held) -> None:
        if item.url:
            self._by_url[url_key(item.url)] = item
            if item.wp_id is not None:
                self._by_wp[(site_key(item.url), item.wp_id)] = item
                self._by_url.setdefault(f"{site_key(item.url)}/?p={item.wp_id}", item)
        if item.guid:
            self._by_guid[item.guid] = item
            self._by_url.setdefault(url_key(item.guid), item)
        if item.title and not item.title_is_derived:
            self._by_title.setdefault(normal_title(item.title), []).append(item)
        if item.date and (item.title_is_derived or not item.url):
            self._by_date.setdefault(item.date, []).append(item)

    def holds_url(self, url: str) -> bool:
        """Whether a post at this address (any spelling of it) is held."""
        return url_key(url) in self._by_url

    def match(self, post: WebPost) -> Held | None:
        site = site_key(post.url)
        if post.wp_id is not None and (found := self._by_wp.get((site, post.wp_id))):
            return found
        if found := self._by_url.get(url_key(post.url)):
            return found
        if post.wp_id is not None and (found := self._by_url.get(f"{site}/?p={post.wp_id}")):
            return found
        if post.guid and (found := self._by_guid.get(post.guid)):
            return found
        candidates = list(self._by_title.get(normal_title(post.title), []))
        if post.date:
            candidates += self._by_date.get(post.date, [])
        if not candidates:
            return None
        mine = shingles(plain(post.body))
        best, best_score = None, OVERLAP
        for item in candidates:
            if item.url and item.wp_id is not None and post.wp_id is not None:
                continue  # a different post of a site whose ids we know
            score = overlap(mine, self._text(item))
            if score >= best_score:
                best, best_score = item, score
        return best

    def _text(self, item: Held) -> frozenset[int]:
        if item.id not in self._shingles:
            self._shingles[item.id] = shingles(plain(item.body() if item.body else ""))
        return self._shingles[item.id]
