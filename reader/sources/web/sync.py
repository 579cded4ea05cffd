"""Sync: for each source, fetch what changed by the richest route and commit it whole.

Each batch (a page of the REST API or of a feed) is committed in one transaction with the
posts it matched or added, so Ctrl+C or kill -9 leaves every committed page whole and
nothing half written; the source's new state (validators, the newest modification seen)
is committed only with the last batch, so an interrupted sync starts again where the
last complete one ended and passes quickly over what it had already taken in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urljoin, urlsplit

from reader import paths
from reader.articles.bundled import TAXONOMY, Corpus
from reader.articles.model import Article
from reader.articles.parse import count_words, derive_title, short_hash, slugify
from reader.articles.topics import Taxonomy, load_taxonomy
from reader.sources.web.discover import Route, discover, page_behind_feed
from reader.sources.web.feed import feed_batches
from reader.sources.web.http import FetchError, PoliteClient
from reader.sources.web.matching import Held, Matcher, url_key
from reader.sources.web.pages import page_batches
from reader.sources.web.records import GENERIC_CATEGORIES, Batch, WebPost
from reader.sources.web.sitemap import sitemap_batches
from reader.sources.web.wordpress import RestUnavailable, plain_rest_root, rest_batches
from reader.store.posts import PostRow, PostStore
from reader.store.sqlite import now
from reader.store.web import Subscription, SyncState

Progress = Callable[[str, int, int], None]  # (source name, done, total or 0)


@dataclass
class SourceResult:
    name: str
    url: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    route: str = ""
    unreachable: bool = False
    added_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "url": self.url,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": list(self.errors),
        }

    def summary(self, dry_run: bool = False) -> str:
        if self.unreachable:
            return f"{self.name}: {self.errors[0]}; nothing changed"
        would = "would add" if dry_run else "added"
        line = (
            f"{self.name}: {would} {self.added}, updated {self.updated}, "
            f"unchanged {self.unchanged}, failed {len(self.errors)}"
        )
        if self.route:
            line += f" (by {_ROUTE_NAMES.get(self.route, self.route)})"
        return line


_ROUTE_NAMES = {"rest": "the WordPress REST API", "feed": "the feed", "pages": "its pages"}


class Syncer:
    """Syncs sources into one store, matching against everything the reader holds."""

    def __init__(
        self,
        store: PostStore,
        corpus: Corpus | Callable[[], Corpus],
        client: PoliteClient,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        taxonomy: Taxonomy | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.dry_run = dry_run
        self.progress = progress
        self.run = uuid.uuid4().hex
        self._rows_by_id: dict[str, PostRow] | None = None
        # The corpus, the matcher over it and the taxonomy are made when a site first
        # sends a post: a sync with nothing new never loads them.
        self._corpus = corpus if isinstance(corpus, Corpus) else None
        self._load_corpus = corpus if not isinstance(corpus, Corpus) else None
        self._taxonomy = taxonomy
        self._matcher: Matcher | None = None
        self._taken_ids: set[str] | None = None

    @property
    def _rows(self) -> dict[str, PostRow]:
        if self._rows_by_id is None:
            self._rows_by_id = {row.id: row for row in self.store.rows()}
        return self._rows_by_id

    @property
    def corpus(self) -> Corpus:
        if self._corpus is None:
            assert self._load_corpus is not None
            self._corpus = self._load_corpus()
        return self._corpus

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            self._taxonomy = load_taxonomy(paths.corpus_dir() / TAXONOMY)
        return self._taxonomy

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = Matcher(self._held())
        return self._matcher

    @property
    def _taken(self) -> set[str]:
        if self._taken_ids is None:
            self._taken_ids = set(self._rows) | {a.id for a in self.corpus}
        return self._taken_ids

    def _held(self) -> list[Held]:
        held = []
        for article in self.corpus:
            row = self._rows.get(article.id)
            held.append(
                Held(
                    id=article.id,
                    title=article.title,
                    title_is_derived=article.title_is_derived,
                    date=article.date,
                    url=row.url if row else "",
                    guid=row.guid if row else None,
                    wp_id=row.wp_id if row else None,
                    modified=row.modified if row else None,
                    body=_article_body(article),
                )
            )
        return held

    # -- one source ---------------------------------------------------------------------------

    def sync(self, sub: Subscription) -> SourceResult:
        result = SourceResult(sub.name, sub.url)
        state = sub.state.copy()
        try:
            route = Route.from_state(state) if state.get("complete") else None
            if route is None or state.get("source_url") != sub.url:
                route = discover(self.client, sub.url)
                state.update(route.to_state())
                state["source_url"] = sub.url
            while True:
                result.route = route.kind
                try:
                    for batch in self._batches(route, state, sub):
                        self._take(batch, sub, route, result)
                    break
                except RestUnavailable as exc:
                    if route.kind != "rest":
                        raise
                    # The head advertises the REST API but the site will not serve it
                    # there. The web server's own 404 for /wp-json/ (rewrite rules
                    # missing): ask at ?rest_route=, which every WordPress answers. Else
                    # (a security plugin, robots.txt, a web page for JSON, a bot check,
                    # paging that does not page): its feed, else its pages, as if the API
                    # were not there. Kept for the next syncs.
                    plain = plain_rest_root(route.api or "") if exc.not_routed else None
                    route = replace(route, api=plain) if plain else _without_rest(route)
                    for key in _ROUTE_PROGRESS:
                        state.pop(key, None)
                    state.update(route.to_state())
                    state["source_url"] = sub.url
        except FetchError as exc:
            result.errors.append(_error_line(exc))
            result.unreachable = exc.unreachable and not (result.added or result.updated)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
            # What the site sent is not what its format promises, in a way no check
            # above foresaw: one line for this source, never a traceback.
            result.errors.append(
                f"{sub.url}: the site sent something gp-reader cannot read ({exc})"
            )
        # Posts of this source the site did not send (nothing changed since the last sync)
        # are unchanged too.
        held = self.store.count_from(sub.name)
        result.unchanged = max(result.unchanged, held - result.added - result.updated)
        return result

    def _batches(self, route: Route, state: SyncState, sub: Subscription) -> Iterator[Batch]:
        def step(done: int, total: int) -> None:
            if self.progress:
                self.progress(sub.name, done, total)

        if route.kind == "rest" and route.api:
            yield from rest_batches(self.client, route.api, state, route.category_id, step)
        elif route.kind == "feed" and route.feed:
            home = _site_home(route) if not state.get("complete") else None
            for batch in feed_batches(self.client, route.feed, state, self._known, step):
                if batch.final and home:
                    # The feed holds the newest posts alone and may not go back (older
                    # pages lost behind a cache): the sitemap names the rest.
                    yield from sitemap_batches(
                        self.client, home, batch.state, self.matcher.holds_url, step
                    )
                yield batch
        else:
            yield from page_batches(self.client, route.home, state, self.matcher.holds_url, step)

    def _known(self, post: WebPost) -> bool:
        held = self.matcher.match(post)
        return held is not None and (not post.modified or held.modified == post.modified)

    def _take(self, batch: Batch, sub: Subscription, route: Route, result: SourceResult) -> None:
        rows: list[PostRow] = []
        added = 0
        for post in batch.posts:
            try:
                row, outcome = self._plan(post, sub, route)
            except Exception as exc:  # one malformed post never stops a sync
                result.errors.append(f"{post.url}: cannot read this post ({exc})")
                continue
            if row is None or outcome == "unchanged":
                result.unchanged += 1
                continue
            rows.append(row)
            if outcome == "added":
                added += 1
                result.added += 1
                result.added_ids.append(row.id)
            else:
                result.updated += 1
        state = batch.state.copy()
        if batch.final:
            state["complete"] = True
            state.setdefault("source_url", sub.url)
            state["last_sync"] = now()
        if self.dry_run:
            return
        if rows or batch.final:
            stored_elsewhere = self.store.commit_sync(
                sub.name,
                rows,
                state if batch.final else sub.state,
                self.run,
                added,
                address_key=url_key,
            )
            if stored_elsewhere:  # another gp-reader's sync added them a moment ago
                rows = [row for row in rows if row.id not in stored_elsewhere]
                result.added_ids = [i for i in result.added_ids if i not in stored_elsewhere]
                result.added -= len(stored_elsewhere)
                result.unchanged += len(stored_elsewhere)
        for row in rows:
            self._rows[row.id] = row
            self.matcher.add(
                Held(
                    row.id,
                    row.title,
                    row.title_is_derived,
                    row.date,
                    row.url,
                    row.guid,
                    row.wp_id,
                    row.modified,
                    body=_row_body(row.body),
                )
            )

    # -- one post -----------------------------------------------------------------------------

    def _plan(self, post: WebPost, sub: Subscription, route: Route) -> tuple[PostRow | None, str]:
        """The row to commit for `post` and what it is: "added", "updated" or "unchanged"
        (no row when the site's modification date says so)."""
        held = self.matcher.match(post)
        if held is None:
            row = self._new_row(post, sub, route)
            self._taken.add(row.id)
            self.matcher.add(
                Held(
                    row.id,
                    row.title,
                    row.title_is_derived,
                    row.date,
                    row.url,
                    row.guid,
                    row.wp_id,
                    row.modified,
                    body=_row_body(row.body),
                )
            )
            return row, "added"
        if held.modified and post.modified and held.modified == post.modified:
            return None, "unchanged"
        row = self._updated_row(held, post, sub, route)
        before = self._rows.get(held.id)
        if before is not None and _same(before, row, self.store):
            return row, "unchanged"
        return row, "updated"

    def _category(self, post: WebPost, sub: Subscription, route: Route) -> str:
        if sub.category:
            return sub.category
        specific = [c for c in post.categories if c.casefold() not in GENERIC_CATEGORIES]
        return (specific or [route.site_name or sub.name])[0]

    def _topics(self, post: WebPost, title: str, body: str) -> tuple[str, ...]:
        names = {name.casefold(): name for name in self.taxonomy.topics}
        tagged = [names[t.casefold()] for t in post.tags if t.casefold() in names]
        assigned = [t for t in self.taxonomy.assign(title, body) if t not in tagged]
        return tuple(dict.fromkeys(tagged + assigned))[:3]

    def _new_row(self, post: WebPost, sub: Subscription, route: Route) -> PostRow:
        title, derived = post.title, False
        if not title:
            title, derived = derive_title(post.body.split("\n\n", 1)[0]), True
        base = slugify(title) or slugify(post.url) or "post"
        post_id = base
        if post_id in self._taken:
            post_id = f"{base}-{post.wp_id}" if post.wp_id else f"{base}-{short_hash(post.url)}"
        n = 2
        while post_id in self._taken:
            post_id = f"{base}-{short_hash(post.url)}-{n}"
            n += 1
        return PostRow(
            id=post_id,
            title=title,
            title_is_derived=derived,
            category=self._category(post, sub, route),
            site=route.site_name or sub.name,
            author=post.author,
            date=post.date,
            topics=self._topics(post, title, post.body),
            words=count_words(post.body),
            sources=(sub.url,),
            overrides=False,
            body=post.body,
            url=post.url,
            synced=self.run,
            guid=post.guid,
            wp_id=post.wp_id,
            modified=post.modified,
            feed=sub.name,
            tags=post.tags,
            web_categories=post.categories,
            # A summary-only feed's post: its page's full text is fetched after the sync
            # (reader.sources.web.fulltext).
            summary_url=None if post.full_text else post.url,
        )

    def _updated_row(self, held: Held, post: WebPost, sub: Subscription, route: Route) -> PostRow:
        before = self._rows.get(held.id)
        bundled = held.id in self.corpus.bundled_ids
        article = self.corpus.find(held.id)
        if before is not None:
            held_body = before.body if before.body is not None else self.store.body(held.id)
        elif article is not None:
            held_body = article.body
        else:  # a post this sync added moments before (in this batch, or a dry run's)
            held_body = held.body() if held.body else ""
        fuller = post.full_text and bool(post.body.strip())
        body = post.body if fuller else held_body
        # Still a summary when the held text is one and the site sent no more of it.
        still_summary = before is not None and before.summary_url is not None and not fuller
        title = post.title or held.title
        derived = False if post.title else held.title_is_derived
        if bundled and article is not None:
            category, site, author = article.category, article.site, article.author
        elif before is not None and before.synced is None and before.feed is None:
            category, site, author = before.category, before.site, before.author  # imported
        else:
            category = self._category(post, sub, route)
            site, author = route.site_name or sub.name, post.author
        return PostRow(
            id=held.id,
            title=title,
            title_is_derived=derived,
            category=category,
            site=site,
            author=author or (before.author if before else ""),
            date=post.date or held.date,
            topics=self._topics(post, title, body),
            words=count_words(body),
            sources=tuple(dict.fromkeys([*(before.sources if before else ()), sub.url])),
            overrides=bundled,
            body=body,
            url=post.url,
            synced=before.synced if before else None,
            guid=post.guid,
            wp_id=post.wp_id,
            modified=post.modified,
            feed=sub.name,
            tags=post.tags,
            web_categories=post.categories,
            summary_url=post.url if still_summary else None,
        )


# What a route learnt of its own progress, which another route must not take for its own.
_ROUTE_PROGRESS: tuple[Literal["complete", "high_water", "etag", "last_modified"], ...] = (
    "complete",
    "high_water",
    "etag",
    "last_modified",
)


def _site_home(route: Route) -> str | None:
    """The home page of the whole site a feed route reads, whose sitemap lists every post;
    None for a category's or a tag's (a sitemap does not say which posts are in it)."""
    page = route.home
    if route.feed and url_key(route.home) == url_key(route.feed):
        page = page_behind_feed(route.feed, None) or urljoin(route.feed, "/")
    parts = urlsplit(page)
    if parts.query or any(f"/{term}/" in parts.path for term in ("category", "tag", "author")):
        return None
    return page


def _without_rest(route: Route) -> Route:
    if route.feed:
        return Route("feed", route.home, feed=route.feed, site_name=route.site_name)
    return Route("pages", route.home, site_name=route.site_name)


def _article_body(article: Article) -> Callable[[], str]:
    """The post's text when matching asks for it (an Article reads its body lazily)."""
    return lambda: article.body


def _row_body(body: str | None) -> Callable[[], str]:
    return lambda: body or ""


def _same(before: PostRow, after: PostRow, store: PostStore) -> bool:
    keys = ("title", "date", "url", "category", "tags", "web_categories", "guid", "wp_id")
    if any(getattr(before, k) != getattr(after, k) for k in keys):
        return False
    body = before.body if before.body is not None else store.body(before.id)
    return body == after.body


def _error_line(exc: FetchError) -> str:
    if exc.unreachable:
        # The site, not the address that failed first (robots.txt, as a rule).
        parts = urlsplit(exc.url)
        return f"cannot reach {parts.scheme}://{parts.netloc}/: {exc.reason}"
    return str(exc)


def with_body(row: PostRow, body: str) -> PostRow:
    return replace(row, body=body)
