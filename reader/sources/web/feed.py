"""The feed route: the RSS or Atom feed a site names in its head, and its older pages.

WordPress serves older entries at ?paged=N (404 past the last). The first sync reads
pages until they end; later ones send the validators (ETag, Last-Modified) for the first
page, a 304 ends the sync there, and an older page is read only while every entry on the
page before it was new to the reader.
"""

from __future__ import annotations

import calendar
import re
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from reader.sanitise import clean_text
from reader.sources.web.content import clean_title, post_markdown
from reader.sources.web.http import FetchError, PoliteClient, declared_charset, refusal
from reader.sources.web.matching import url_key
from reader.sources.web.records import Batch, WebPost, most_specific
from reader.store.web import SyncState

# A feedparser entry (a FeedParserDict, a dict subclass; feedparser ships no types).
Entry = Mapping[str, Any]

MAX_PAGES = 1000
# A feed lists 10 posts by default (WordPress), a few hundred at most; one of 300,000
# (18 MB, under the response cap) held a sync five minutes and 2 GB. The first
# MAX_ENTRIES of a feed document are read; its later pages (?paged=) give the rest.
MAX_ENTRIES = 10_000
_WP_ID = re.compile(r"[?&]p=(\d+)\b")
_PROLOG_ENCODING = re.compile(rb"""(<\?xml[^>]*encoding\s*=\s*["'])([\w.:-]+)(["'])""", re.I)
_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"}


def parse_feed(body: bytes, url: str, content_type: str = "") -> Any:
    """feedparser's reading of a feed fetched from `url`: relative links resolved against
    it, and a feed that declares a single-byte charset (ISO-8859-1, the default of many
    old servers and of WordPress sites set up long ago) but is valid UTF-8 read as UTF-8,
    not as mojibake."""
    import feedparser  # a tenth of a second to import: only when a feed is read

    declared = declared_charset(body, content_type)
    if declared in _SINGLE_BYTE and not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass  # truly single-byte: as declared
        else:
            body = _PROLOG_ENCODING.sub(rb"\1UTF-8\3", body[:200], count=1) + body[200:]
            content_type = "application/xml; charset=utf-8"
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    return feedparser.parse(body, response_headers=headers)


def paged(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "paged"]
    if page > 1:
        query.append(("paged", str(page)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def looks_like_feed(body: bytes, content_type: str) -> bool:
    head = body[:1024].lstrip().lower()
    if any(t in content_type for t in ("rss", "atom", "rdf")):
        return True
    return head.startswith((b"<rss", b"<feed")) or (
        head.startswith(b"<?xml") and any(t in head for t in (b"<rss", b"<feed", b"<rdf"))
    )


def feed_batches(
    client: PoliteClient,
    feed_url: str,
    state: SyncState,
    is_known: Callable[[WebPost], bool],
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Batch]:
    """Posts page by page; the last Batch (final) carries the validators to keep."""
    state = state.copy()
    first_sync = not state.get("complete")
    page = 1
    validators: SyncState = {}
    seen: set[str] = set()
    while page <= MAX_PAGES:
        url = paged(feed_url, page)
        if page == 1 and not first_sync:
            response = client.get(
                url, etag=state.get("etag"), last_modified=state.get("last_modified")
            )
        else:
            response = client.get(url)
        if response.not_modified:
            break
        if response.status in (404, 410) and page > 1:
            break
        if not response.ok:
            raise FetchError(url, refusal(response, "the feed"))
        if page == 1:
            validators = {}
            if etag := response.headers.get("etag"):
                validators["etag"] = etag
            if last_modified := response.headers.get("last-modified"):
                validators["last_modified"] = last_modified
        parsed = parse_feed(response.body, response.url, response.headers.get("content-type", ""))
        if parsed.bozo and not parsed.entries:
            if page > 1:
                break  # an older page answered with a web page (a "not found" with a 200)
            raise FetchError(url, "this is not a feed gp-reader can read")
        entries = parsed.entries[:MAX_ENTRIES]
        posts = [p for p in (_entry(e, response.url) for e in entries) if p]
        # A cache or a feed service that ignores ?paged= sends page 1 again and again:
        # a page with nothing this sync has not seen is the end.
        fresh = [p for p in posts if _key(p) not in seen]
        seen.update(_key(p) for p in posts)
        posts = fresh  # an excerpt's full text is fetched after the sync (web.fulltext)
        if progress:
            progress(page, 0)
        yield Batch(posts, state)
        if not posts or (not first_sync and any(is_known(p) for p in posts)):
            break
        page += 1
    state.update(validators)
    state["complete"] = True
    yield Batch([], state, final=True)


def _key(post: WebPost) -> str:
    return post.guid or url_key(post.url)


def _entry(entry: Entry, base: str) -> WebPost | None:
    with warnings.catch_warnings():
        # feedparser warns when updated_parsed falls back to published_parsed; we ask for
        # each by name and take what is there.
        warnings.simplefilter("ignore", DeprecationWarning)
        return _read_entry(entry, base)


def _title(entry: Entry) -> str:
    """The entry's title as text: feedparser gives HTML (entities, maybe tags) unless it
    knows the title is plain text, which must then not be unescaped a second time."""
    detail = entry.get("title_detail") or {}
    title = entry.get("title") or ""
    if detail.get("type") == "text/plain":
        return clean_text(" ".join(title.split()))
    return clean_title(title)


def _read_entry(entry: Entry, base: str) -> WebPost | None:
    link = entry.get("link") or ""
    if not link:
        # An RSS item whose guid is its address (isPermaLink true, the default).
        guid = entry.get("guid") or ""
        if entry.get("guidislink") and guid.startswith(("http://", "https://")):
            link = guid
    if not link:
        return None
    link = urljoin(base, link)
    if urlsplit(link).scheme not in ("http", "https"):
        return None
    content = ""
    full = False
    for item in entry.get("content") or []:
        if item.get("value"):
            content, full = item["value"], True
            break
    if not content:
        content = entry.get("summary") or ""
    guid = entry.get("id") or None
    wp_id = None
    if guid and (match := _WP_ID.search(guid)):
        wp_id = int(match.group(1))
    terms = [clean_title(t.get("term") or "") for t in entry.get("tags") or []]
    terms = [t for t in terms if t]
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    date = _local_date(entry.get("published") or entry.get("updated") or "", parsed)
    modified = None
    if entry.get("updated_parsed"):
        modified = datetime.fromtimestamp(calendar.timegm(entry["updated_parsed"]), UTC).isoformat()
    return WebPost(
        url=link,
        title=_title(entry),
        body=post_markdown(content, link),
        date=date,
        modified=modified,
        guid=clean_text(guid) if guid else None,
        wp_id=wp_id,
        categories=tuple(most_specific(terms)),
        tags=tuple(terms),
        author=clean_text(entry.get("author") or ""),
        full_text=full,
    )


def _local_date(raw: str, parsed: time.struct_time | None) -> str | None:
    """The post's date as the site shows it (in the site's own offset, not UTC)."""
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(raw).date().isoformat()
    except (TypeError, ValueError):
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    return time.strftime("%Y-%m-%d", parsed) if parsed else None
