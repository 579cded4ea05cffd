"""The full text of posts held only as a feed's summary, fetched from their pages.

Miniflux's "fetch original content", done for every summary the library holds (imported
from a feed file or synced from a summary-only feed): the post's page is fetched with the
sync's PoliteClient (robots.txt, a pause between requests, size caps) and its text read as
the pages route reads a post (reader.sources.web.pages.read_post_page, trafilatura). The
fuller body is committed to the same row, so the post keeps its id, and with it its
bookmarks, reading state and highlights (which re-anchor on the new text when shown,
reader.annotations.place); it stops being marked as a summary.

A summary whose page cannot be had (gone, robots.txt, no post text on it, a text that is
not this post's, the site unreachable) stays as it is, is named with the reason, and is
tried again the next time: each summary is tried once per run. When a site cannot be
reached, its other summaries are not tried in this run (offline, every one would wait).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from reader import paths
from reader.articles.bundled import TAXONOMY
from reader.articles.parse import count_words
from reader.articles.topics import Taxonomy, load_taxonomy
from reader.sources.web.http import FetchError, PoliteClient, refusal
from reader.sources.web.matching import OVERLAP, normal_title, overlap, plain, shingles, site_key
from reader.sources.web.pages import read_post_page
from reader.store.posts import PostRow, PostStore

_HTML = "text/html,application/xhtml+xml;q=0.9"
LISTED = 10  # failures named one by one, at most


@dataclass
class FullTextResult:
    """What a pass over the summaries did: fetched (id, title); failed (id, title, why)."""

    pending: int = 0  # summaries there were to fetch
    fetched: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # sites that could not be reached

    def summary(self, dry_run: bool = False) -> str:
        n = self.pending
        posts = f"{n} summar{'y' if n == 1 else 'ies'}"
        if dry_run:
            return f"full text: would fetch the pages of {posts}"
        line = f"full text: fetched {len(self.fetched)} of {posts}"
        if self.failed:
            n = len(self.failed)
            stay = "1 stays a summary" if n == 1 else f"{n} stay summaries"
            line += f"; {stay} (tried again at the next sync)"
        return line

    def lines(self) -> list[str]:
        """One line per summary that stays, at most LISTED of them, then how many more."""
        shown = [
            f"  full text not fetched: {title} [{post_id}]: {why}"
            for post_id, title, why in self.failed[:LISTED]
        ]
        if len(self.failed) > LISTED:
            shown.append(f"  … and {len(self.failed) - LISTED} more summaries stay")
        return shown

    def to_json(self) -> dict[str, object]:
        return {
            "pending": self.pending,
            "fetched": [post_id for post_id, _ in self.fetched],
            "failed": [{"id": i, "title": t, "why": w} for i, t, w in self.failed],
        }


def pending_summaries(
    store: PostStore, ids: set[str] | None = None, sites: set[str] | None = None
) -> list[tuple[PostRow, str]]:
    """The summaries to fetch, in library order: (row, page address). `ids` limits them to
    those posts, `sites` to posts on those sites (reader.sources.web.matching.site_key)."""
    marked = store.summaries()
    if not marked:
        return []
    found = []
    for row in store.rows():
        if row.id not in marked or (ids is not None and row.id not in ids):
            continue
        url = marked[row.id] or row.url
        if sites is not None and (not url or site_key(url) not in sites):
            continue
        found.append((row, url))
    return found


def fetch_full_texts(
    store: PostStore,
    client: PoliteClient,
    taxonomy: Taxonomy | None = None,
    *,
    ids: set[str] | None = None,
    sites: set[str] | None = None,
    unreachable: set[str] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> FullTextResult:
    """Fetch the page of each summary and keep its full text (see the module's note).

    `unreachable`: sites (site_key) already found unreachable in this run, not tried."""
    todo = pending_summaries(store, ids, sites)
    result = FullTextResult(pending=len(todo))
    if dry_run or not todo:
        return result
    down = set(unreachable or ())
    for n, (row, url) in enumerate(todo, start=1):
        if progress:
            progress(n - 1, len(todo))
        if not url:
            result.failed.append((row.id, row.title, "the feed gave no address for its page"))
            continue
        site = site_key(url)
        if site in down:
            result.failed.append((row.id, row.title, "the site cannot be reached"))
            continue
        try:
            body, page_date, page_author = _fetch(client, url, row, store)
        except FetchError as exc:
            if exc.unreachable:
                down.add(site)
                result.unreachable.append(site)
            result.failed.append((row.id, row.title, exc.reason))
            continue
        except _NotFetched as exc:
            result.failed.append((row.id, row.title, str(exc)))
            continue
        if taxonomy is None:  # loaded only when a page gives a text
            taxonomy = load_taxonomy(paths.corpus_dir() / TAXONOMY)
        fuller = replace(
            row,
            body=body,
            words=count_words(body),
            topics=_topics(taxonomy, row, body),
            date=row.date or page_date,
            author=row.author or page_author,
            summary_url=None,  # no longer a summary: its mark goes with this write
        )
        store.write([fuller], [])  # one post at a time: Ctrl+C keeps what was fetched
        result.fetched.append((row.id, row.title))
    if progress:
        progress(len(todo), len(todo))
    return result


class _NotFetched(Exception):
    """The page was had, but holds no fuller text of this post; str() says why."""


def _fetch(
    client: PoliteClient, url: str, row: PostRow, store: PostStore
) -> tuple[str, str | None, str]:
    response = client.get(url, accept=_HTML)
    if response.status in (404, 410):
        raise _NotFetched(f"the page is gone (the site answered {response.status})")
    if not response.ok:
        raise _NotFetched(refusal(response))
    if response.content_type and "html" not in response.content_type:
        raise _NotFetched(f"the address gives {response.content_type}, not a web page")
    page = read_post_page(response.text, response.url)
    if page is None:
        raise _NotFetched("no post text found on the page")
    summary = store.body(row.id)
    if count_words(page.body) <= count_words(summary):
        raise _NotFetched("the page holds no more of the post than the summary")
    # A redirect to the home page, or a page that is another post's, is not this post:
    # its opening words or its title must be the summary's.
    same_text = overlap(shingles(plain(summary)), shingles(plain(page.body))) >= OVERLAP
    same_title = bool(page.title) and normal_title(page.title) == normal_title(row.title)
    if not (same_text or same_title):
        raise _NotFetched("the page's text is not this post's")
    return page.body, page.date, page.author


def _topics(taxonomy: Taxonomy, row: PostRow, body: str) -> tuple[str, ...]:
    names = {name.casefold(): name for name in taxonomy.topics}
    tagged = [names[t.casefold()] for t in row.tags if t.casefold() in names]
    assigned = [t for t in taxonomy.assign(row.title, body) if t not in tagged]
    return tuple(dict.fromkeys(tagged + assigned))[:3] or row.topics
