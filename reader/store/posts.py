"""Posts imported from files (and synced from the web), in SQLite in the user data directory.

The bundled corpus stays read-only; `reader.articles.bundled.load_corpus` merges these posts into
it. A row either adds a post or (overrides=1) gives a bundled post a fuller text found in
an import. Bodies are read lazily, so thousands of posts load in milliseconds.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from reader import paths
from reader.errors import ReaderError
from reader.sanitise import clean_text
from reader.store.sqlite import (
    DEFAULT_TIMEOUT,
    SQLiteStore,
    StoreKind,
    StoreUnavailable,
    connect_for_reading,
    decode_text,
    is_damage,
)
from reader.store.web import WebStore

# MIGRATIONS[n] takes the store from schema version n to n + 1; append only. The first
# uses IF NOT EXISTS so that a store made before versions were kept is adopted as it is.
_FIRST = """
CREATE TABLE IF NOT EXISTS posts (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    title_is_derived INTEGER NOT NULL,
    category TEXT NOT NULL,
    site TEXT NOT NULL,
    author TEXT NOT NULL,
    date TEXT,
    topics TEXT NOT NULL,
    body TEXT NOT NULL,
    words INTEGER NOT NULL,
    sources TEXT NOT NULL,
    overrides INTEGER NOT NULL DEFAULT 0,
    seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    source TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    imported TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Every column but the body, in listing order: start-up lists 10,000 posts from this
-- index alone instead of stepping over each post's body in the table (twice as fast).
CREATE INDEX IF NOT EXISTS posts_listing ON posts (
    seq, id, title, title_is_derived, category, site, author, date, topics, words, sources,
    overrides
);
"""
# Posts synced from the web: where each came from (url, feed GUID, WordPress id, the
# site's last modification), its WordPress tags and categories, the subscription that
# brought it and the sync run that first added it (the app's "New" section). The listing
# index is rebuilt to cover url and synced, so start-up still reads no bodies.
_WEB = """
ALTER TABLE posts ADD COLUMN url TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN guid TEXT;
ALTER TABLE posts ADD COLUMN wp_id INTEGER;
ALTER TABLE posts ADD COLUMN modified TEXT;
ALTER TABLE posts ADD COLUMN feed TEXT;
ALTER TABLE posts ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE posts ADD COLUMN web_categories TEXT NOT NULL DEFAULT '[]';
ALTER TABLE posts ADD COLUMN synced TEXT;
DROP INDEX IF EXISTS posts_listing;
CREATE INDEX posts_listing_v2 ON posts (
    seq, id, title, title_is_derived, category, site, author, date, topics, words, sources,
    overrides, url, synced
);
CREATE INDEX posts_by_url ON posts (url);
CREATE TABLE subscriptions (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    category TEXT,
    added TEXT NOT NULL,
    position INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT '{}'
);
"""
# Posts held only as a feed's summary (cut with '[…]'): the page to fetch the full text
# from. A fuller text of the post, imported or fetched, takes its row out.
_SUMMARIES = """
CREATE TABLE summaries (id TEXT PRIMARY KEY, url TEXT NOT NULL DEFAULT '');
"""
KIND = StoreKind(
    label="store of imported posts",
    holds="imported posts",
    still_works="the bundled posts can still be read",
    migrations=(_FIRST, _WEB, _SUMMARIES),
)
META_COLUMNS = (
    "id, title, title_is_derived, category, site, author, date, topics, words, sources, "
    "overrides, seq, url, synced"
)
WEB_COLUMNS = "id, url, guid, wp_id, modified, feed, title, date, words"


@dataclass(frozen=True)
class PostRow:
    id: str
    title: str
    title_is_derived: bool
    category: str
    site: str
    author: str
    date: str | None
    topics: tuple[str, ...]
    words: int
    sources: tuple[str, ...]
    overrides: bool
    seq: int = 0
    body: str | None = None  # None when loaded without bodies
    url: str = ""
    synced: str | None = None  # the sync run that added it (None: imported from a file)
    guid: str | None = None
    wp_id: int | None = None
    modified: str | None = None
    feed: str | None = None  # the subscription's name
    tags: tuple[str, ...] = ()
    web_categories: tuple[str, ...] = ()
    summary_url: str | None = None  # a summary only: where its full text is ('' unknown)


class ListedPost(NamedTuple):
    """A post as the app lists it: a PostRow without body or seq, made by `listing()`.

    A tuple (read by name) rather than a PostRow: making 10,000 frozen dataclasses took a
    third of the start-up's loading time at 10,000 posts."""

    id: str
    title: str
    title_is_derived: bool
    category: str
    site: str
    author: str
    date: str | None
    topics: tuple[str, ...]
    words: int
    sources: tuple[str, ...]
    overrides: bool
    url: str = ""
    synced: str | None = None


@dataclass(frozen=True)
class WebKey:
    """What identifies a post held from the web (or a file), for matching a fetched one."""

    id: str
    url: str
    guid: str | None
    wp_id: int | None
    modified: str | None
    feed: str | None
    title: str
    date: str | None
    words: int


@dataclass(frozen=True)
class SourceInfo:
    source: str
    kind: str
    imported: str
    posts: int


def _json_list(text: str) -> tuple[str, ...]:
    """A JSON list of strings as a tuple; one plain string without json's machinery."""
    inner = text[2:-2] if isinstance(text, str) else ""
    if text[:2] == '["' and text[-2:] == '"]' and '"' not in inner and "\\" not in inner:
        return (inner,)
    return _loose_list(text)


def _loose_list(text: object) -> tuple[str, ...]:
    """A stored list as strings, whatever damage or an older writer left in the column."""
    try:
        value = json.loads(text) if isinstance(text, str | bytes) else None
    except (ValueError, RecursionError):
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


@functools.lru_cache(maxsize=4096)
def _topics(text: str) -> tuple[str, ...]:
    return _loose_list(text)  # few distinct lists: posts share their topics


def _row(values: tuple[Any, ...], body: str | None = None) -> PostRow:
    (id_, title, derived, category, site, author, date, topics, words, sources, overrides, seq) = (
        values[:12]
    )
    return PostRow(
        id=id_,
        title=title,
        title_is_derived=bool(derived),
        category=category,
        site=site,
        author=author,
        date=date,
        topics=_topics(topics),
        words=words,
        sources=_json_list(sources),
        overrides=bool(overrides),
        seq=seq,
        body=body,
        url=values[12] or "",
        synced=values[13],
    )


_MORE_COLUMNS = "guid, wp_id, modified, feed, tags, web_categories"


def _full_row(values: tuple[Any, ...], body: str | None = None) -> PostRow:
    guid, wp_id, modified, feed, tags, web_categories = values[14:20]
    return replace(
        _row(values, body),
        guid=guid,
        wp_id=wp_id,
        modified=modified,
        feed=feed,
        tags=tuple(json.loads(tags or "[]")),
        web_categories=tuple(json.loads(web_categories or "[]")),
    )


class PostStore(WebStore, SQLiteStore):
    """Imported and synced posts, on the footing of reader.store.sqlite."""

    KIND = KIND

    def __init__(self, conn: sqlite3.Connection, path: Path, timeout: float) -> None:
        super().__init__(conn, path, timeout)
        self._readers = threading.local()
        self._uri: str | None = None  # set when opened read-only

    @classmethod
    def default_path(cls) -> Path:
        return paths.library_db()

    @classmethod
    def open_existing(cls, path: Path | None = None) -> PostStore | None:
        """The store, or None when there is none yet (nothing was ever imported).

        When it exists but cannot be opened for writing (the data directory is read-only
        or full), it is opened read-only, with a notice: the imported posts can still be
        read and searched; only importing and removing fail, each with one line.
        """
        path = path or cls.default_path()
        if not path.exists():
            return None
        try:
            return cls.open(path)
        except StoreUnavailable as exc:
            if not path.is_file():
                raise
            store = cls._open_read_only(path, exc)
            if store is None:
                raise
            return store

    @classmethod
    def _open_read_only(cls, path: Path, why: StoreUnavailable) -> PostStore | None:
        for flags in ("mode=ro", "mode=ro&immutable=1"):  # immutable: no -shm to create
            uri = f"{path.resolve().as_uri()}?{flags}"
            conn = None
            try:
                conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
                conn.text_factory = decode_text
                if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                    conn.close()
                    return None
                if conn.execute("PRAGMA user_version").fetchone()[0] != KIND.schema_version:
                    conn.close()
                    return None
                conn.execute("SELECT COUNT(*) FROM posts").fetchone()
            except sqlite3.Error:
                if conn is not None:
                    conn.close()
                continue
            store = cls(conn, path, DEFAULT_TIMEOUT)
            store._uri = uri
            reason = str(why).split(";")[0].split(": ", 1)[-1]  # "cannot write PATH (why)"
            store.notices.append(
                f"{reason}; showing the imported posts read-only (import and library "
                "remove will fail until it can be written)"
            )
            return store
        return None

    def version(self) -> str:
        """Changes whenever the library's posts change (part of the corpus fingerprint)."""
        row = self._read(
            lambda c: c.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        )
        return row[0] if row else "empty"

    def rows(self) -> list[PostRow]:
        """Every post, without bodies, in import order (with all it knows of the web)."""
        found = self._read(
            lambda c: c.execute(
                f"SELECT {META_COLUMNS}, {_MORE_COLUMNS} FROM posts ORDER BY seq"
            ).fetchall()
        )
        summaries = self.summaries()
        rows = [_full_row(values) for values in found]
        if summaries:
            rows = [
                replace(row, summary_url=summaries[row.id]) if row.id in summaries else row
                for row in rows
            ]
        return rows

    def listing(self) -> Iterator[ListedPost]:
        """Every post as the app lists it, in import order, without bodies."""
        found = self._read(
            lambda c: c.execute(f"SELECT {META_COLUMNS} FROM posts ORDER BY seq").fetchall()
        )
        for values in found:
            id_, title, derived, category, site, author, date, topics = values[:8]
            words, sources, overrides, _seq, url, synced = values[8:14]
            yield ListedPost(
                id_,
                title,
                bool(derived),
                category,
                site,
                author,
                date,
                _topics(topics),
                words,
                _json_list(sources),
                bool(overrides),
                url,
                synced,
            )

    def summaries(self) -> dict[str, str]:
        """{id: url} of the posts held only as a summary (their full text not yet found)."""
        found = self._read(lambda c: c.execute("SELECT id, url FROM summaries").fetchall())
        return dict(found)

    def body(self, post_id: str) -> str:
        """A post's body, on this thread's own connection (the app reads from workers)."""
        try:
            conn = getattr(self._readers, "conn", None)
            if conn is None:
                if self._uri is not None:
                    conn = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
                    conn.text_factory = decode_text
                else:
                    conn = connect_for_reading(self.path, self._timeout)
                self._readers.conn = conn
            row = conn.execute("SELECT body FROM posts WHERE id = ?", (post_id,)).fetchone()
        except sqlite3.Error as exc:
            if is_damage(exc):
                notice = self.move_aside_damaged(str(exc))
                raise ReaderError(notice or f"the {KIND.label} {self.path} is damaged") from None
            raise ReaderError(f"cannot read post {post_id!r} from {self.path}: {exc}") from None
        if row is None:
            raise ReaderError(f"post {post_id!r} has gone from your library")
        return row[0] if isinstance(row[0], str) else str(row[0] or "")

    def sources(self) -> list[SourceInfo]:
        def read(c: sqlite3.Connection) -> list[SourceInfo]:
            listed = c.execute("SELECT source, kind, imported FROM sources ORDER BY imported")
            counts: dict[str, int] = {}
            for (sources_json,) in c.execute("SELECT sources FROM posts"):
                for source in json.loads(sources_json):
                    counts[source] = counts.get(source, 0) + 1
            return [
                SourceInfo(source, kind, imported, counts.get(source, 0))
                for source, kind, imported in listed.fetchall()
            ]

        return self._read(read)

    def write(self, posts: Iterable[PostRow], sources: Iterable[tuple[str, str]]) -> None:
        """Add or replace posts and record their sources, all in one transaction."""
        now = datetime.now(UTC).isoformat(timespec="seconds")

        def work(conn: sqlite3.Connection) -> None:
            (seq,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM posts").fetchone()
            for post in posts:
                seq += 1
                insert_post(conn, post, post.seq or seq)
            for source, kind in sources:
                conn.execute(
                    "INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
                    (clean_text(source), kind, now),
                )
            _bump_version(conn)

        self._write(work)

    def remove_source(self, source: str) -> tuple[list[str], list[str]]:
        """Forget a source: (ids removed, ids kept because another source has them too)."""
        removed: list[str] = []
        kept: list[str] = []

        def work(conn: sqlite3.Connection) -> None:
            rows = conn.execute("SELECT id, sources FROM posts").fetchall()
            for post_id, sources_json in rows:
                sources = json.loads(sources_json)
                if source not in sources:
                    continue
                sources.remove(source)
                if sources:
                    conn.execute(
                        "UPDATE posts SET sources = ? WHERE id = ?", (json.dumps(sources), post_id)
                    )
                    kept.append(post_id)
                else:
                    conn.execute("DELETE FROM posts WHERE id = ?", (post_id,))
                    removed.append(post_id)
            conn.execute("DELETE FROM sources WHERE source = ?", (source,))
            _bump_version(conn)

        self._write(work)
        return removed, kept


_INSERT = (
    "INSERT OR REPLACE INTO posts (id, title, title_is_derived, category, site, author, date, "
    "topics, body, words, sources, overrides, seq, url, guid, wp_id, modified, feed, tags, "
    "web_categories, synced) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def insert_post(conn: sqlite3.Connection, post: PostRow, seq: int) -> None:
    """Add or replace one post (in the caller's transaction)."""
    conn.execute(
        _INSERT,
        (  # content is stored clean: it comes from files and sites anyone wrote
            clean_text(post.id),
            clean_text(post.title),
            int(post.title_is_derived),
            clean_text(post.category),
            clean_text(post.site),
            clean_text(post.author),
            post.date,
            json.dumps([clean_text(t) for t in post.topics]),
            clean_text(post.body) if post.body is not None else post.body,
            post.words,
            json.dumps([clean_text(s) for s in post.sources]),
            int(post.overrides),
            seq,
            clean_text(post.url) if post.url else post.url,
            clean_text(post.guid) if post.guid else post.guid,
            post.wp_id,
            post.modified,
            clean_text(post.feed) if post.feed else post.feed,
            json.dumps([clean_text(t) for t in post.tags]),
            json.dumps([clean_text(c) for c in post.web_categories]),
            post.synced,
        ),
    )
    _mark_summary(conn, post)


def bump_version(conn: sqlite3.Connection) -> None:
    """Mark the library changed (in the caller's transaction)."""
    _bump_version(conn)


def _mark_summary(conn: sqlite3.Connection, post: PostRow) -> None:
    if post.summary_url is not None:
        conn.execute("INSERT OR REPLACE INTO summaries VALUES (?, ?)", (post.id, post.summary_url))
    elif post.body is not None:
        conn.execute("DELETE FROM summaries WHERE id = ?", (post.id,))


def _bump_version(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (uuid.uuid4().hex,))
