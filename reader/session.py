"""What the app shows and changes, in one place: the corpus, the reader's state, search.

The app's screens ask this object; it never imports Textual, so the same logic is tested
without a terminal. Sections are the nodes of the app's tree, named by keys:

    all                      every post
    category:NAME            one category
    topics / topic:NAME      the topics, one topic
    archive / year:YYYY / month:YYYY-MM / undated
    bookmarks, unread, recent
    highlights, saved / saved:NAME   (reader.session_notes)
"""

from __future__ import annotations

import calendar
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reader.articles.bundled import Corpus
from reader.articles.glossary import (
    Glossary,
    GlossaryEntry,
    article_acronyms,
    count_posts,
    load_glossary,
)
from reader.articles.model import Article
from reader.errors import ReaderError
from reader.session_notes import NotesMixin
from reader.store.state import StateStore

if TYPE_CHECKING:
    from reader.search.index import SearchIndex
    from reader.store.posts import PostStore

READ_AFTER_SECONDS = 5.0  # staying on a post this long counts as reading it
RECENT_LIMIT = 30
RELATED_LIMIT = 5


@dataclass(frozen=True)
class Entry:
    """A post as a section lists it; a bookmark can outlive its post (`article` None)."""

    id: str
    title: str
    article: Article | None
    note: str | None = None  # a bookmark's note, in the Bookmarks section
    count: int = 0  # shown before the title: the post's highlights, in that section

    @property
    def missing(self) -> bool:
        return self.article is None


class Session(NotesMixin):
    def __init__(
        self,
        corpus: Corpus,
        store: StateStore,
        index_opener: Callable[[], SearchIndex] | None = None,
        notices: list[str] | None = None,
        index_for: Callable[[Corpus], SearchIndex] | None = None,
    ) -> None:
        self.corpus = corpus
        self._index_for = index_for
        self._retired: list[SearchIndex] = []  # indexes replaced after the library changed
        self.store = store
        self.notices: list[str] = list(notices or []) + list(store.notices)
        self._index_opener = index_opener
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self._term_counts: Counter[str] | None = None
        self._counts_lock = threading.Lock()
        self._pending: list[tuple[Callable[..., object], tuple[object, ...]]] = []
        self.write_problem: str | None = None  # why the last write failed, while it does
        self._version = store.data_version()
        self._read = store.read_ids()
        self._bookmarks = self._bookmark_notes()  # id -> note (None: no note)
        self._recent = self._recent_ids()
        self._highlight_state = self._highlights_seen()
        self._library: PostStore | None = None  # opened when first looked at
        self._library_version = _library_part(corpus.fingerprint)
        self._gather_sections()

    def _gather_sections(self) -> None:
        corpus = self.corpus
        self._positions: dict[str, int] | None = None
        self._by_url: dict[str, str] | None = None
        self._by_year: dict[str, dict[str, list[Article]]] = {}
        self._undated: list[Article] = []
        # The ids each section holds (gathered again only when the library changes):
        # counting a section is then set arithmetic, not a walk over every post.
        everything: set[str] = set()
        self._ids: dict[str, frozenset[str] | set[str]] = {"all": everything}
        # One pass, sections keyed first by the plain names (10,000 posts: a fifth of the
        # app's start went here when each post built its section keys as strings).
        by_category: dict[str, set[str]] = {}
        by_topic: dict[str, set[str]] = {}
        by_year, undated = self._by_year, self._undated
        for article in corpus:
            article_id = article.id
            everything.add(article_id)
            ids = by_category.get(article.category)
            if ids is None:
                ids = by_category[article.category] = set()
            ids.add(article_id)
            for topic in article.topics:
                ids = by_topic.get(topic)
                if ids is None:
                    ids = by_topic[topic] = set()
                ids.add(article_id)
            date = article.date
            if date:
                months = by_year.get(date[:4])
                if months is None:
                    months = by_year[date[:4]] = {}
                posts = months.get(date[:7])
                if posts is None:
                    posts = months[date[:7]] = []
                posts.append(article)
            else:
                undated.append(article)
        for category, ids in by_category.items():
            self._ids[f"category:{category}"] = ids
        for topic, ids in by_topic.items():
            self._ids[f"topic:{topic}"] = ids

    # -- the library changing under the app (a sync, an import) ------------------------

    def library_changed(self) -> bool:
        """Whether the library's posts changed since this corpus was loaded (a sync or an
        import, here or in another gp-reader): one query of the store's version."""
        from reader.store.posts import PostStore

        if self._library is None:
            self._library = PostStore.open_existing()
            if self._library is None:
                return False
        return self._library.version() != self._library_version

    def index_for(self, corpus: Corpus) -> SearchIndex | None:
        """A search index brought up to date with `corpus` (a thread: it may write), or
        None when this session cannot make one."""
        if self._index_for is None:
            return None
        with self._index_lock:
            make = self._index_for
            index = make(corpus)
            # From now on the index this session opens is this corpus's: a warm-up still
            # to run must not take the index back to the corpus being replaced.
            self._index_opener = lambda: make(corpus)
            return index

    def replace_corpus(self, corpus: Corpus, index: SearchIndex | None = None) -> None:
        """Show `corpus` from now on (loaded again after the library changed), searching
        `index`, which was brought up to date with it."""
        with self._index_lock:
            old, self._index = self._index, index
            self.corpus = corpus
            self._library_version = _library_part(corpus.fingerprint)
            # A search may still be running on the old index in a worker: it is closed
            # with the session, not under that search's feet.
            if old is not None and old is not index:
                self._retired.append(old)
        with self._counts_lock:
            self._term_counts = None
        self._gather_sections()

    def find_by_url(self, url: str) -> Article | None:
        """The post held at this address (any spelling of it), if there is one."""
        from reader.sources.web.matching import url_key

        if self._by_url is None:
            self._by_url = {url_key(a.url): a.id for a in self.corpus if a.url}
        found = self._by_url.get(url_key(url))
        return self.corpus.find(found) if found else None

    # -- state -----------------------------------------------------------------------

    def sync(self) -> frozenset[str]:
        """Take in what another gp-reader (or the CLI) changed in the reading state: the
        parts that differ, empty when none does: "marks" (a read mark, a bookmark or its
        note, the recently opened list) and "highlights" (one added, removed, re-anchored
        or its note changed). Positions alone do not count: the other reader saves them as
        it scrolls."""
        if self._pending and not self.retry_writes():
            return frozenset()  # this session's unsaved changes win until they are saved
        version = self.store.data_version()
        if version == self._version:
            return frozenset()
        self._version = version
        changed = set()
        state = (self.store.read_ids(), self._bookmark_notes(), self._recent_ids())
        if state != (self._read, self._bookmarks, self._recent):
            self._read, self._bookmarks, self._recent = state
            changed.add("marks")
        highlights = self._highlights_seen()
        if highlights != self._highlight_state:
            self._highlight_state = highlights
            changed.add("highlights")
        return frozenset(changed)

    def _highlights_seen(self) -> tuple[tuple[object, ...], ...]:
        """What of every highlight the app shows: where it is, its note, whether detached."""
        return tuple(
            (h.id, h.article_id, h.start, h.end, h.note, h.updated, h.detached)
            for h in self.store.highlights()
        )

    def _bookmark_notes(self) -> dict[str, str | None]:
        return {b.article_id: b.note for b in self.store.bookmarks()}

    def _recent_ids(self) -> list[str]:
        return [h.article_id for h in self.store.recent(RECENT_LIMIT)]

    def is_read(self, article_id: str) -> bool:
        return article_id in self._read

    def is_bookmarked(self, article_id: str) -> bool:
        return article_id in self._bookmarks

    def bookmark_note(self, article_id: str) -> str | None:
        """The note kept with a post's bookmark (`gp-reader bookmark add ID --note`), as
        the store held it at the last `sync`."""
        return self._bookmarks.get(article_id)

    # -- writes that may fail (a full disk, a store gone read-only) --------------------

    def _save(self, write: Callable[..., object], *args: object) -> bool:
        """Write to the store, or keep the write to retry (`retry_writes`) and note why:
        the change holds in this session either way; the app never stops on it."""
        if self._pending:
            self._pending.append((write, args))  # keep the order: after those waiting
            return False
        try:
            write(*args)
        except ReaderError as exc:
            self._pending.append((write, args))
            self.write_problem = f"Could not save: {exc} (will retry)"
            return False
        return True

    def retry_writes(self) -> bool:
        """Try the writes kept after a failure again, in order; True when none are left."""
        while self._pending:
            write, args = self._pending[0]
            try:
                write(*args)
            except ReaderError as exc:
                self.write_problem = f"Could not save: {exc} (will retry)"
                return False
            self._pending.pop(0)
        self.write_problem = None
        return True

    @property
    def unsaved(self) -> int:
        return len(self._pending)

    def toggle_bookmark(self, article: Article) -> bool:
        """Bookmark the post, or remove its bookmark; True when it is now bookmarked."""
        if article.id in self._bookmarks:
            del self._bookmarks[article.id]
            self._save(self.store.remove_bookmark, article.id)
            return False
        self._bookmarks[article.id] = None  # a new bookmark has no note yet
        self._save(self.store.add_bookmark, article.id, article.title)
        return True

    def set_read(self, article_id: str, read: bool) -> None:
        if read == (article_id in self._read):
            return
        if read:
            self._read.add(article_id)
            self._save(self.store.mark_read, article_id)
        else:
            self._read.discard(article_id)
            self._save(self.store.mark_unread, article_id)

    def opened(self, article_id: str) -> None:
        self._save(self.store.record_open, article_id)
        # As the store now orders it: the post just opened first (no query to ask it).
        rest = [i for i in self._recent if i != article_id]
        self._recent = [article_id, *rest][:RECENT_LIMIT]

    def save_position(self, article_id: str, fraction: float) -> None:
        self._save(self.store.set_position, article_id, fraction)

    def position(self, article_id: str) -> float:
        state = self.store.read_state(article_id)
        return state.position if state else 0.0

    def start(self) -> tuple[Article | None, float]:
        """The post to show on start: the one open last time at its place, else the newest."""
        for article_id in self._recent[:5]:
            article = self.corpus.find(article_id)
            if article is not None:
                return article, self.position(article.id)
        return (self.corpus.articles[0] if len(self.corpus) else None), 0.0

    # -- sections --------------------------------------------------------------------

    def root_sections(self) -> list[str]:
        return [
            *(["new"] if self.corpus.new_ids else []),
            "all",
            *(f"category:{c}" for c in self.corpus.categories),
            "topics",
            "archive",
            "bookmarks",
            "highlights",
            "saved",
            "unread",
            "recent",
        ]

    def subsections(self, key: str) -> list[str]:
        if key == "saved":
            return self.notes_subsections(key)
        if key == "topics":
            return [f"topic:{t}" for t in self.corpus.topics]
        if key == "archive":
            years = [f"year:{y}" for y in sorted(self._by_year, reverse=True)]
            return years + (["undated"] if self._undated else [])
        if key.startswith("year:"):
            return [f"month:{m}" for m in sorted(self._by_year[key[5:]], reverse=True)]
        return []

    def label(self, key: str) -> str:
        kind, _, name = key.partition(":")
        if kind == "month":
            year, month = name.split("-")
            return f"{calendar.month_name[int(month)]} {year}"
        mine = self.notes_label(key)
        if mine is not None:
            return mine
        if name:
            return name
        return {
            "all": "All posts",
            "new": "New",
            "topics": "Topics",
            "archive": "Archive by date",
            "undated": "Date unknown",
            "bookmarks": "Bookmarks",
            "unread": "Unread",
            "recent": "Recently opened",
        }[key]

    def entries(self, key: str) -> list[Entry]:
        """The posts a section lists, in the order it lists them."""
        if key == "bookmarks":
            return [
                Entry(b.article_id, b.title, self.corpus.find(b.article_id), b.note)
                for b in self.store.bookmarks()
            ]
        mine = self.notes_entries(key)
        if mine is not None:
            return mine
        if key == "recent":
            found = []
            for article_id in self._recent:
                article = self.corpus.find(article_id)
                if article is not None:
                    found.append(Entry(article.id, article.title, article))
            return found
        return [Entry(a.id, a.title, a) for a in self._articles(key)]

    def _articles(self, key: str) -> list[Article]:
        kind, _, name = key.partition(":")
        if key == "all":
            return list(self.corpus)
        if key == "new":
            return [a for a in self.corpus if a.id in self.corpus.new_ids]
        if key == "unread":
            return [a for a in self.corpus if a.id not in self._read]
        if kind == "category":
            return [a for a in self.corpus if a.category == name]
        if kind == "topic":
            return [a for a in self.corpus if name in a.topics]
        if kind == "year":
            return [
                a for m in sorted(self._by_year[name], reverse=True) for a in self._by_year[name][m]
            ]
        if kind == "month":
            return list(self._by_year[name[:4]][name])
        if key == "undated":
            return list(self._undated)
        if key in ("topics", "archive"):
            return []
        raise KeyError(key)

    def counts(self, key: str) -> tuple[int, int]:
        """(posts, unread posts) in a section; for Topics and Archive, across their parts."""
        ids = self._section_ids(key)
        return len(ids), len(ids - self._read)

    def _section_ids(self, key: str) -> set[str] | frozenset[str]:
        if key in ("all", "archive"):
            return self._ids["all"]
        if key == "new":
            return self.corpus.new_ids
        if key == "unread":
            return self._ids["all"] - self._read
        if key == "topics":
            if "topics" not in self._ids:
                topics = [self._ids.get(f"topic:{t}", set()) for t in self.corpus.topics]
                self._ids["topics"] = set().union(*topics)
            return self._ids["topics"]
        if key.startswith(("category:", "topic:")):
            return self._ids.get(key, set())
        mine = self.notes_section_ids(key)
        if mine is not None:
            return mine
        return {e.id for e in self.entries(key) if not e.missing}

    def next_unread(self, current_id: str | None, step: int = 1) -> tuple[Article | None, bool]:
        """The next (step 1) or previous (step -1) unread post after the current one, in
        the order of All posts, going round past the end (or the start); and whether it
        went round. (None, False) when no other post is unread."""
        articles = self.corpus.articles
        n = len(articles)
        start = self.corpus_position(current_id)
        if start is None:
            start = -1 if step > 0 else n
        for k in range(1, n + 1):
            i = start + step * k
            article = articles[i % n]
            if article.id == current_id:
                break
            if article.id not in self._read:
                return article, not 0 <= i < n
        return None, False

    def corpus_position(self, article_id: str | None) -> int | None:
        """Where a post stands in All posts (0 first), if it is there."""
        if article_id is None:
            return None
        if self._positions is None:
            self._positions = {a.id: n for n, a in enumerate(self.corpus.articles)}
        return self._positions.get(article_id)

    # -- glossary and related reading --------------------------------------------------

    @cached_property
    def glossary(self) -> Glossary:
        """The acronym glossary; if it cannot be read, an empty one and a notice why."""
        try:
            return load_glossary()
        except ReaderError as exc:
            self.notices.append(f"{exc} (acronyms are not explained)")
            return Glossary([])

    def post_acronyms(self, article: Article) -> dict[str, GlossaryEntry]:
        """The acronyms a post uses that the glossary explains, as written -> entry."""
        found = {}
        for acronym in article_acronyms(article):
            entry = self.glossary.lookup(acronym)
            if entry is not None:
                found[acronym] = entry
        return found

    def post_glossary(self, article: Article) -> list[GlossaryEntry]:
        """The glossary entries for a post's acronyms, each once, in the glossary's order."""
        used = {entry.term for entry in self.post_acronyms(article).values()}
        return [entry for entry in self.glossary if entry.term in used]

    def term_counts(self) -> Counter[str]:
        """How many posts use each glossary term (reads every body: call from a thread)."""
        with self._counts_lock:
            if self._term_counts is None:
                self._term_counts = count_posts(self.corpus, self.glossary)
            return self._term_counts

    def related(self, article_id: str, limit: int = RELATED_LIMIT) -> list[Entry]:
        """The posts most like this one, best first (opens the search index: a thread)."""
        found = []
        for related_id, _title, _score in self.search_index().related(article_id, limit):
            article = self.corpus.find(related_id)
            if article is not None:
                found.append(Entry(article.id, article.title, article))
        return found

    # -- search ----------------------------------------------------------------------

    def search_index(self) -> SearchIndex:
        """The search index, opened (and built if need be) on first use; thread-safe."""
        with self._index_lock:
            if self._index is None:
                if self._index_opener is None:
                    raise RuntimeError("this library has no search index")
                self._index = self._index_opener()
                self.notices.extend(getattr(self._index, "notices", []))
            return self._index

    def close(self) -> None:
        with self._index_lock:
            if self._index is not None:
                self._index.close()
                self._index = None
            for old in self._retired:
                old.close()
            self._retired.clear()
        if self._library is not None:
            self._library.close()
            self._library = None
        self.store.close()


def _library_part(fingerprint: str) -> str | None:
    """The library store's version a corpus was loaded at (None: there was no store)."""
    return fingerprint.partition("+")[2] or None


def open_store_or_fallback() -> tuple[StateStore, list[str]]:
    """The user's store; if it cannot be opened, a throwaway one and a line saying so."""
    from reader.store.sqlite import StoreUnavailable

    try:
        return StateStore.open(), []
    except StoreUnavailable as exc:
        scratch = Path(tempfile.mkdtemp(prefix="gp-reader-")) / "state.sqlite3"
        return StateStore.open(scratch), [f"{exc} (bookmarks and reading state are not kept)"]
