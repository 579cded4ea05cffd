"""The reader's own library: posts imported from files, in SQLite in the user data directory.

The bundled corpus stays read-only; `reader.corpus.load_corpus` merges these posts into
it. A row either adds a post or (overrides=1) gives a bundled post a fuller text found in
an import. Bodies are read lazily, so thousands of posts load in milliseconds.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reader import paths
from reader.errors import ReaderError

SCHEMA = """
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
"""
# Every column but the body, in listing order: start-up lists 10,000 posts from this index
# alone instead of stepping over each post's body in the table (about twice as fast).
LISTING_INDEX = """
CREATE INDEX IF NOT EXISTS posts_listing ON posts (
    seq, id, title, title_is_derived, category, site, author, date, topics, words, sources,
    overrides
)
"""
META_COLUMNS = (
    "id, title, title_is_derived, category, site, author, date, topics, words, sources, "
    "overrides, seq"
)
BUSY_TIMEOUT_SECONDS = 15.0


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


@dataclass(frozen=True)
class SourceInfo:
    source: str
    kind: str
    imported: str
    posts: int


def _json_list(text: str) -> tuple[str, ...]:
    """A JSON list of strings as a tuple; one plain string without json's machinery."""
    inner = text[2:-2]
    if text[:2] == '["' and text[-2:] == '"]' and '"' not in inner and "\\" not in inner:
        return (inner,)
    return tuple(json.loads(text))


@functools.lru_cache(maxsize=4096)
def _topics(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))  # few distinct lists: posts share their topics


def _row(values: tuple, body: str | None = None) -> PostRow:
    (id_, title, derived, category, site, author, date, topics, words, sources, overrides, seq) = (
        values
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
    )


class UserLibrary:
    """One SQLite file; safe for several processes (WAL, busy timeout, short transactions)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.RLock()
        self._readers = threading.local()

    @classmethod
    def open(cls, path: Path | None = None, create: bool = True) -> UserLibrary | None:
        """The library; None when it does not exist and `create` is False."""
        path = path or paths.library_db()
        if not create and not path.exists():
            return None
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            conn = _connect(path)
            with conn:
                conn.executescript(SCHEMA)
            try:
                with conn:
                    conn.execute(LISTING_INDEX)
            except sqlite3.OperationalError:
                pass  # a read-only library made before the index: listing is only slower
        except (OSError, sqlite3.Error) as exc:
            raise ReaderError(f"cannot open your library at {path}: {exc}") from exc
        return cls(path, conn)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def version(self) -> str:
        """Changes whenever the library's posts change (part of the corpus fingerprint)."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return row[0] if row else "empty"

    def rows(self) -> list[PostRow]:
        """Every post, without bodies, in import order."""
        with self._lock:
            cursor = self._conn.execute(f"SELECT {META_COLUMNS} FROM posts ORDER BY seq")
            return [_row(values) for values in cursor]

    def listing(self) -> Iterator[tuple]:
        """Every post as the app lists it, in import order, without bodies or PostRows:
        (id, title, title_is_derived, category, site, author, date, topics, words,
        sources, overrides), topics and sources as tuples. The app's start at 10,000
        posts spent a third of its loading time making PostRows it threw away."""
        with self._lock:
            cursor = self._conn.execute(f"SELECT {META_COLUMNS} FROM posts ORDER BY seq")
            found = cursor.fetchall()
        for values in found:
            id_, title, derived, category, site, author, date, topics = values[:8]
            words, sources, overrides = values[8:11]
            yield (
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
            )

    def body(self, post_id: str) -> str:
        """A post's body, on this thread's own connection (the app reads from workers)."""
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = self._readers.conn = _connect(self.path)
        row = conn.execute("SELECT body FROM posts WHERE id = ?", (post_id,)).fetchone()
        if row is None:
            raise ReaderError(f"post {post_id!r} has gone from your library")
        return row[0]

    def sources(self) -> list[SourceInfo]:
        with self._lock:
            listed = self._conn.execute(
                "SELECT source, kind, imported FROM sources ORDER BY imported"
            )
            infos = []
            counts: dict[str, int] = {}
            for (sources_json,) in self._conn.execute("SELECT sources FROM posts"):
                for source in json.loads(sources_json):
                    counts[source] = counts.get(source, 0) + 1
            for source, kind, imported in listed.fetchall():
                infos.append(SourceInfo(source, kind, imported, counts.get(source, 0)))
            return infos

    def write(self, posts: Iterable[PostRow], sources: Iterable[tuple[str, str]]) -> None:
        """Add or replace posts and record their sources, all in one transaction."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, _immediate(self._conn) as conn:
            (seq,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM posts").fetchone()
            for post in posts:
                seq += 1
                conn.execute(
                    "INSERT OR REPLACE INTO posts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        post.id,
                        post.title,
                        int(post.title_is_derived),
                        post.category,
                        post.site,
                        post.author,
                        post.date,
                        json.dumps(list(post.topics)),
                        post.body,
                        post.words,
                        json.dumps(list(post.sources)),
                        int(post.overrides),
                        post.seq or seq,
                    ),
                )
            for source, kind in sources:
                conn.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)", (source, kind, now))
            _bump_version(conn)

    def remove_source(self, source: str) -> tuple[list[str], list[str]]:
        """Forget a source: (ids removed, ids kept because another source has them too)."""
        removed, kept = [], []
        with self._lock, _immediate(self._conn) as conn:
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
        return removed, kept


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


class _immediate:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return self.conn
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise ReaderError(
                        "your library is busy in another gp-reader; try again"
                    ) from exc

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def _bump_version(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (uuid.uuid4().hex,))
