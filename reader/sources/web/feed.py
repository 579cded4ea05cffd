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
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from reader.sanitise import clean_text
from reader.sources.web.content import clean_title, post_markdown
from reader.sources.web.http import FetchError, PoliteClient
from reader.sources.web.records import Batch, WebPost, most_specific
from reader.store.web import SyncState

# A feedparser entry (a FeedParserDict, a dict subclass; feedparser ships no types).
Entry = Mapping[str, Any]

MAX_PAGES = 1000
_WP_ID = re.compile(r"[?&]p=(\d+)\b")


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
            raise FetchError(url, f"the feed answered {response.status}")
        if page == 1:
            validators = {}
            if etag := response.headers.get("etag"):
                validators["etag"] = etag
            if last_modified := response.headers.get("last-modified"):
                validators["last_modified"] = last_modified
        import feedparser  # a tenth of a second to import: only when a feed is read

        parsed = feedparser.parse(response.body)
        if parsed.bozo and not parsed.entries:
            raise FetchError(url, "this is not a feed gp-reader can read")
        posts = [p for p in (_entry(e, response.url) for e in parsed.entries) if p]
        if progress:
            progress(page, 0)
        yield Batch(posts, state)
        if not posts or (not first_sync and any(is_known(p) for p in posts)):
            break
        page += 1
    state.update(validators)
    state["complete"] = True
    yield Batch([], state, final=True)


def _entry(entry: Entry, base: str) -> WebPost | None:
    with warnings.catch_warnings():
        # feedparser warns when updated_parsed falls back to published_parsed; we ask for
        # each by name and take what is there.
        warnings.simplefilter("ignore", DeprecationWarning)
        return _read_entry(entry, base)


def _read_entry(entry: Entry, base: str) -> WebPost | None:
    link = entry.get("link") or ""
    if not link:
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
        title=clean_title(entry.get("title") or ""),
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
