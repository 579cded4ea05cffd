"""The bundled corpus: source pages + manifest -> Article records, cached.

The records are deterministic: the same pages give the same articles, ids and order.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader import paths
from reader.articles.model import Article
from reader.articles.parse import (
    PARSER_VERSION,
    Capture,
    RawPost,
    count_words,
    derive_title,
    infer_years,
    parse_archive,
    parse_listing,
    render_markdown,
    short_hash,
    slugify,
)
from reader.articles.topics import Taxonomy, load_taxonomy
from reader.errors import ReaderError
from reader.files import write_atomically

if TYPE_CHECKING:
    from reader.store.posts import PostStore

MANIFEST = "sources.toml"
TAXONOMY = "topics.toml"


@dataclass(frozen=True)
class Category:
    name: str
    site: str
    author: str


@dataclass(frozen=True)
class SourcePage:
    file: str
    kind: str  # "listing" or "archive"
    category: str
    newest_year: int | None = None


@dataclass(frozen=True)
class Manifest:
    categories: tuple[Category, ...]
    sources: tuple[SourcePage, ...]

    def category(self, name: str) -> Category:
        for category in self.categories:
            if category.name == name:
                return category
        raise ReaderError(f"manifest: unknown category {name!r}")


def load_manifest(corpus_dir: Path) -> Manifest:
    path = corpus_dir / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        categories = tuple(
            Category(name=c["name"], site=c["site"], author=c["author"]) for c in data["category"]
        )
        sources = tuple(
            SourcePage(
                file=s["file"],
                kind=s["kind"],
                category=s["category"],
                newest_year=s.get("newest_year"),
            )
            for s in data["source"]
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ReaderError(f"cannot read the corpus manifest {path}: {exc}") from exc
    for source in sources:
        if source.kind not in ("listing", "archive"):
            raise ReaderError(f"{path}: {source.file}: unknown kind {source.kind!r}")
        if source.kind == "archive" and source.newest_year is None:
            raise ReaderError(f"{path}: {source.file}: an archive page needs newest_year")
    return Manifest(categories=categories, sources=sources)


def _post_key(post: RawPost) -> str:
    """What makes two captures of a post the same post."""
    if post.title is not None:
        return "t:" + " ".join(post.title.casefold().split())
    return f"d:{post.month}-{post.day}:" + " ".join(post.first_paragraph.split())[:80]


def _capture_is_newer(a: Capture, b: Capture) -> int:
    """cmp for sorting captures newest first."""
    if a.total_pages and b.total_pages and a.total_pages != b.total_pages:
        # The blog only grows: a larger page count was captured later.
        return -1 if a.total_pages > b.total_pages else 1
    keys_a = [_post_key(p) for p in a.posts]
    keys_b = [_post_key(p) for p in b.posts]
    # Of two overlapping captures, the one with extra posts on top is newer.
    if keys_b and keys_b[0] in keys_a[1:]:
        return -1
    if keys_a and keys_a[0] in keys_b[1:]:
        return 1
    return 0


def merge_captures(captures: Iterable[Capture]) -> list[tuple[RawPost, list[str]]]:
    """Posts of several captures of one listing, newest first, each once.

    Where a post was captured twice, the more complete capture's text is kept (a post at
    the bottom of a page can be cut off mid-paragraph).
    """
    ordered = sorted(captures, key=functools.cmp_to_key(_capture_is_newer))
    merged: dict[str, tuple[RawPost, list[str]]] = {}
    for capture in ordered:
        for post in capture.posts:
            key = _post_key(post)
            if key not in merged:
                merged[key] = (post, [post.source])
                continue
            kept, sources = merged[key]
            if post.source not in sources:
                sources.append(post.source)
            if sum(map(len, post.lines)) > sum(map(len, kept.lines)):
                merged[key] = (post, sources)
    return list(merged.values())


def _unique_id(base: str, post: RawPost, taken: set[str]) -> str:
    candidate = base
    if candidate in taken:
        candidate = f"{base}-{short_hash(post.first_paragraph)}"
    n = 2
    while candidate in taken:
        candidate = f"{base}-{short_hash(post.first_paragraph)}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def build_articles(corpus_dir: Path, manifest: Manifest, taxonomy: Taxonomy) -> list[Article]:
    """Parse every source page into articles: categories in manifest order, newest first."""
    articles: list[Article] = []
    taken: set[str] = set()
    for category in manifest.categories:
        pages = [s for s in manifest.sources if s.category == category.name]
        dated: list[tuple[RawPost, list[str], str]] = []
        listings: list[Capture] = []
        for page in pages:
            text = _read_page(corpus_dir / page.file)
            if page.kind == "listing":
                listings.append(parse_listing(text, page.file))
            else:
                try:
                    posts = parse_archive(text, page.file)
                except ValueError as exc:
                    raise ReaderError(str(exc)) from exc
                if page.newest_year is None:  # load_manifest refuses this; say so if not
                    raise ReaderError(f"{page.file}: an archive page needs newest_year")
                years = infer_years(posts, page.newest_year)
                for post, year in zip(posts, years, strict=True):
                    dated.append((post, [page.file], f"{year:04d}-{post.month:02d}-{post.day:02d}"))
        # Archive posts of one category can come from several pages: newest date first.
        dated.sort(key=lambda item: item[2], reverse=True)
        entries: list[tuple[RawPost, list[str], str | None]] = [
            *((p, s, None) for p, s in merge_captures(listings)),
            *dated,
        ]
        for post, sources, date in entries:
            if not post.lines and post.title is None:
                continue
            body = render_markdown(post.lines)
            if post.title is not None:
                title, derived = post.title, False
                base = slugify(post.title)
            else:
                title, derived = derive_title(post.first_paragraph), True
                base = f"{date}-{slugify(post.first_paragraph, max_len=40)}"
            articles.append(
                Article(
                    id=_unique_id(base, post, taken),
                    title=title,
                    title_is_derived=derived,
                    category=category.name,
                    site=category.site,
                    author=category.author,
                    date=date,
                    topics=taxonomy.assign(title, body),
                    body=body,
                    source=", ".join(sources),
                    words=count_words(body),
                )
            )
    return articles


def _read_page(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReaderError(f"cannot read source page {path}: {exc}") from exc


def _fingerprint(corpus_dir: Path, manifest: Manifest) -> str:
    digest = hashlib.sha256(f"parser-{PARSER_VERSION}".encode())
    for name in [MANIFEST, TAXONOMY, *(s.file for s in manifest.sources)]:
        digest.update(name.encode())
        try:
            digest.update((corpus_dir / name).read_bytes())
        except OSError as exc:
            raise ReaderError(f"cannot read {corpus_dir / name}: {exc}") from exc
    return digest.hexdigest()


class Corpus:
    """All articles, with look-ups by id, category and topic."""

    def __init__(
        self,
        articles: list[Article],
        manifest: Manifest,
        fingerprint: str,
        bundled_ids: frozenset[str] | None = None,
    ) -> None:
        self.articles: tuple[Article, ...] = tuple(articles)
        self.manifest = manifest
        self.fingerprint = fingerprint
        self._by_id = {a.id: a for a in self.articles}
        # Which posts ship with gp-reader (the rest were imported by the reader).
        self.bundled_ids = bundled_ids if bundled_ids is not None else frozenset(self._by_id)
        # One-line messages for the user: the store of imported posts was damaged and
        # moved aside, or could only be read, or not at all (then the bundled posts show).
        self.notices: list[str] = []
        # What the last sync that added posts added (the app's "New" section).
        self.new_ids: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._by_id

    @property
    def categories(self) -> list[str]:
        names = [c.name for c in self.manifest.categories]
        for article in self.articles:
            if article.category not in names:
                names.append(article.category)
        return names

    @functools.cached_property
    def _topics(self) -> tuple[str, ...]:
        return tuple(sorted({topic for article in self.articles for topic in article.topics}))

    @property
    def topics(self) -> list[str]:
        return list(self._topics)

    def find(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def get(self, article_id: str) -> Article:
        """The article with this id; an unknown id is a ReaderError naming the closest ids."""
        article = self._by_id.get(article_id)
        if article is not None:
            return article
        close = difflib.get_close_matches(article_id, list(self._by_id), n=3, cutoff=0.4)
        if not close:
            close = [i for i in self._by_id if article_id.lower() in i][:3]
        hint = f"; closest: {', '.join(close)}" if close else "; `gp-reader list` shows every id"
        raise ReaderError(f"no article with id {article_id!r}{hint}", exit_code=2)

    def select(self, category: str | None = None, topic: str | None = None) -> list[Article]:
        """Articles newest first, filtered by category and topic (case-insensitive names)."""
        result = list(self.articles)
        if category is not None:
            name = _match_name(category, self.categories, "category")
            result = [a for a in result if a.category == name]
        if topic is not None:
            name = _match_name(topic, self.topics, "topic")
            result = [a for a in result if name in a.topics]
        return result


def _match_name(given: str, names: list[str], what: str) -> str:
    """The name meant: the same name in any case, else the one name it begins ('CCGs')."""
    wanted = given.casefold().strip()
    for name in names:
        if name.casefold() == wanted:
            return name
    starting = [name for name in names if wanted and name.casefold().startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    choices = starting or names
    raise ReaderError(f"unknown {what} {given!r}; choose one of: {', '.join(choices)}", exit_code=2)


def load_corpus(
    corpus_dir: Path | None = None, use_cache: bool = True, with_library: bool = True
) -> Corpus:
    """The bundled corpus (from the parsed cache when the pages have not changed), merged
    with the posts the reader imported (see reader.store.posts)."""
    corpus_dir = corpus_dir or paths.corpus_dir()
    manifest = load_manifest(corpus_dir)
    fingerprint = _fingerprint(corpus_dir, manifest)
    cache = paths.parsed_corpus_cache()
    articles = _read_cache(cache, fingerprint) if use_cache else None
    if articles is None:
        articles = build_articles(corpus_dir, manifest, load_taxonomy(corpus_dir / TAXONOMY))
        if use_cache:
            _write_cache(cache, fingerprint, articles)
    if with_library:
        from reader.store.posts import PostStore
        from reader.store.sqlite import is_damage

        notices: list[str] = []
        store = None
        try:
            store = PostStore.open_existing()
            if store is not None:
                notices.extend(store.notices)
                corpus = merge_imported(articles, manifest, fingerprint, store)
                corpus.notices.extend(notices)
                return _noted(corpus)
        except ReaderError as exc:
            # Damage a read found after the store opened: moved aside now, so the next
            # run starts afresh; this run shows the bundled posts.
            moved = store.move_aside_damaged(str(exc)) if is_damage(exc) and store else None
            notices.append(f"{moved or exc} (showing the bundled posts only)")
        corpus = Corpus(articles, manifest, fingerprint)
        corpus.notices.extend(notices)
        return _noted(corpus)
    return Corpus(articles, manifest, fingerprint)


# Notices of every corpus loaded in this process, for the command line to print once.
PENDING_NOTICES: list[str] = []


def _noted(corpus: Corpus) -> Corpus:
    PENDING_NOTICES.extend(n for n in corpus.notices if n not in PENDING_NOTICES)
    return corpus


_WEB_SCHEMES = ("http://", "https://")


def merge_imported(
    bundled: list[Article], manifest: Manifest, fingerprint: str, store: PostStore
) -> Corpus:
    """Bundled posts plus imported ones: undated posts first (as their sources list them),
    then dated ones newest first.

    An imported fuller text of a bundled post replaces its body (and gives it a date if the
    bundled one has none); the bundled id, title and category stay.
    """
    from reader.articles.model import StoredArticle

    by_id = {a.id: a for a in bundled}
    merged = list(bundled)
    index = {a.id: n for n, a in enumerate(merged)}
    body = store.body
    new_ids: dict[str, str] = {}  # post id -> the sync run that added it
    for post in store.listing():
        load = functools.partial(body, post.id)
        if post.overrides and post.id in by_id:
            base = by_id[post.id]
            # A post synced from the web takes the site's title (an edit there, or the real
            # title of a post the bundled pages left untitled) and the site's date; an
            # imported one keeps the bundled title unless that was derived and the import
            # found a real one. An import may know the post's address too (a feed's link,
            # a saved page's canonical): what makes a row synced is a sync's source, an
            # http(s) address, among its sources (an import's are files).
            from_web = any(source.startswith(_WEB_SCHEMES) for source in post.sources)
            real_title = from_web or (base.title_is_derived and not post.title_is_derived)
            merged[index[post.id]] = StoredArticle.lazy(
                load,
                id=base.id,
                title=post.title if real_title else base.title,
                title_is_derived=post.title_is_derived if real_title else base.title_is_derived,
                category=base.category,
                site=base.site,
                author=base.author,
                date=(post.date or base.date) if from_web else (base.date or post.date),
                topics=post.topics or base.topics,
                source=", ".join([base.source, *post.sources]),
                words=post.words,
                url=post.url,
            )
            if post.synced:
                new_ids[post.id] = post.synced
            continue
        if post.id in index:
            continue  # cannot happen through `gp-reader import`; never show a post twice
        if post.synced:
            new_ids[post.id] = post.synced
        index[post.id] = len(merged)
        merged.append(
            StoredArticle.lazy(
                load,
                id=post.id,
                title=post.title,
                title_is_derived=post.title_is_derived,
                category=post.category,
                site=post.site,
                author=post.author,
                date=post.date,
                topics=post.topics,
                source=", ".join(post.sources),
                words=post.words,
                url=post.url,
            )
        )
    order = {name: n for n, name in enumerate(c.name for c in manifest.categories)}
    for article in merged:
        order.setdefault(article.category, len(order))
    # Every list newest first by date, whatever file a post came from. A post with no date
    # cannot be placed among dated ones: undated posts come first, by category and in the
    # order their source lists them (the blog's own pages: newest first, and newer than
    # any dated bundled post), then every dated post, newest first.
    position = {a.id: n for n, a in enumerate(merged)}
    merged.sort(
        key=lambda a: (
            a.date is not None,
            order[a.category] if a.date is None else 0,
            _newest_first(a.date),
            position[a.id],
        )
    )
    corpus = Corpus(merged, manifest, f"{fingerprint}+{store.version()}", frozenset(by_id))
    last_run = store.last_added_run()
    corpus.new_ids = frozenset(i for i, run in new_ids.items() if last_run and run == last_run)
    return corpus


def _newest_first(iso_date: str | None) -> int:
    """A sort key that puts later ISO dates (YYYY-MM-DD) first."""
    try:
        return -int(iso_date.replace("-", "")) if iso_date else 0
    except ValueError:
        return 0


def _read_cache(cache: Path, fingerprint: str) -> list[Article] | None:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("fingerprint") != fingerprint:
            return None
        return [Article.from_json(a) for a in data["articles"]]
    except (OSError, ValueError, KeyError, TypeError):
        # Missing, stale or damaged: the cache is only a shortcut, parse again.
        return None


def _write_cache(cache: Path, fingerprint: str, articles: list[Article]) -> None:
    payload = {
        "fingerprint": fingerprint,
        "articles": [a.to_json(with_body=True) for a in articles],
    }
    try:
        write_atomically(cache, json.dumps(payload, ensure_ascii=False))
    except OSError:
        # An unwritable cache directory costs a re-parse next time, nothing more.
        return
