"""The web side of the PostStore: subscriptions (sites to sync) and what sync commits.

A subscription's `state` is a JSON object of what the last sync learnt about the site:
the route it took (rest, feed or pages), the API root or feed address, the validators
(ETag, Last-Modified) and the newest modification seen, so a later sync asks only for
what changed. A sync of one source is committed in one transaction: its posts, its
state and the library's version together, or none of them.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from reader.errors import ReaderError
from reader.store.sqlite import now

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    from reader.store.posts import PostRow, WebKey

    T = TypeVar("T")

_DEFAULTS_SEEDED = "web_defaults_seeded"
_LAST_ADDED_RUN = "web_last_added_run"
_ROBOTS = "web_robots "  # + the origin (scheme://host:port): {"fetched": epoch, "text": ...}


class SyncState(TypedDict, total=False):
    """What the last sync learnt about a source, kept as JSON; every key may be missing
    (a source never synced has none)."""

    # The route (reader.sources.web.discover.Route.to_state) and the address it was for.
    route: str  # "rest", "feed" or "pages"
    home: str
    api: str | None
    feed: str | None
    category_id: int | None
    site_name: str
    source_url: str
    complete: bool  # a sync of this source ran to its end
    last_sync: str  # ISO 8601, when
    # The feed route's validators.
    etag: str
    last_modified: str
    # The REST route: the newest modification seen (ISO 8601 UTC) and the names it read
    # once, by id: a term is its [name, parent id] as JSON keeps a pair.
    high_water: str
    categories: dict[str, list[Any]]
    tags: dict[str, list[Any]]
    authors: dict[str, str]


@dataclass(frozen=True)
class Subscription:
    name: str
    url: str
    category: str | None
    added: str = ""
    position: int = 0
    state: SyncState = field(default_factory=SyncState)


def _subscription(values: tuple[Any, ...]) -> Subscription:
    name, url, category, added, position, state = values
    try:
        parsed: SyncState = json.loads(state or "{}")
    except ValueError:
        parsed = {}  # damaged state only costs a full sync
    return Subscription(
        name, url, category, added, position, parsed if isinstance(parsed, dict) else {}
    )


class WebStore:
    """Mixed into PostStore: `_read` and `_write` come from SQLiteStore."""

    if TYPE_CHECKING:  # SQLiteStore's, typed here so that their results keep their types

        def _read(self, work: Callable[[sqlite3.Connection], T]) -> T: ...

        def _write(self, work: Callable[[sqlite3.Connection], T]) -> T: ...

    def subscriptions(self) -> list[Subscription]:
        found = self._read(
            lambda c: c.execute(
                "SELECT name, url, category, added, position, state FROM subscriptions "
                "ORDER BY position, name"
            ).fetchall()
        )
        return [_subscription(v) for v in found]

    def seed_subscriptions(self, defaults: Iterable[Subscription]) -> bool:
        """Add the sources gp-reader comes with, once: a source the reader removed stays
        removed. True when they were added now."""
        defaults = list(defaults)

        def work(conn: sqlite3.Connection) -> bool:
            seeded = conn.execute(
                "SELECT value FROM meta WHERE key = ?", (_DEFAULTS_SEEDED,)
            ).fetchone()
            if seeded:
                return False
            for sub in defaults:
                _insert_subscription(conn, sub)
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_DEFAULTS_SEEDED, now()))
            return True

        return self._write(work)

    def add_subscription(self, sub: Subscription) -> Subscription:
        def work(conn: sqlite3.Connection) -> Subscription:
            if conn.execute("SELECT 1 FROM subscriptions WHERE name = ?", (sub.name,)).fetchone():
                raise ReaderError(f"there is already a source named {sub.name!r}", exit_code=2)
            return _insert_subscription(conn, sub)

        return self._write(work)

    def remove_subscription(self, name: str, delete_posts: bool) -> int:
        """Forget a source; with delete_posts, the posts only it brought too (their count)."""
        from reader.store.posts import _bump_version

        def work(conn: sqlite3.Connection) -> int:
            conn.execute("DELETE FROM subscriptions WHERE name = ?", (name,))
            if not delete_posts:
                return 0
            # A bundled post that sync gave a fuller text (overrides) goes back to its
            # bundled text; a post only the web brought goes.
            gone = conn.execute("DELETE FROM posts WHERE feed = ?", (name,)).rowcount
            _bump_version(conn)
            return gone

        return self._write(work)

    def count_from(self, name: str) -> int:
        """How many posts the source named `name` brought."""
        count: int
        (count,) = self._read(
            lambda c: c.execute("SELECT COUNT(*) FROM posts WHERE feed = ?", (name,)).fetchone()
        )
        return count

    def web_keys(self) -> list[WebKey]:
        from reader.store.posts import WEB_COLUMNS, WebKey

        found = self._read(lambda c: c.execute(f"SELECT {WEB_COLUMNS} FROM posts").fetchall())
        return [WebKey(*values) for values in found]

    def row(self, post_id: str) -> PostRow | None:
        """One post with its body, or None."""
        from reader.store.posts import _MORE_COLUMNS, META_COLUMNS, _full_row

        found = self._read(
            lambda c: c.execute(
                f"SELECT {META_COLUMNS}, {_MORE_COLUMNS}, body FROM posts WHERE id = ?",
                (post_id,),
            ).fetchone()
        )
        return _full_row(found[:-1], found[-1]) if found else None

    def commit_sync(
        self,
        name: str,
        rows: Iterable[PostRow],
        state: SyncState,
        run: str,
        added: int,
        address_key: Callable[[str], str] | None = None,
    ) -> set[str]:
        """One source's sync, whole or not at all: its posts, its state, the version.

        `address_key` (one key for every spelling of an address): a new post whose address
        a post already stored has, under another id, is not added. Another gp-reader
        syncing the same site at the same time stored it since this sync read the library;
        the check is made inside the write, so two syncs never both add it. Returns the ids
        of the posts not added for that reason."""
        from reader.store.posts import _bump_version, insert_post

        rows = list(rows)
        skipped: set[str] = set()

        def work(conn: sqlite3.Connection) -> None:
            skipped.clear()
            (seq,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM posts").fetchone()
            held = dict(conn.execute("SELECT id, seq FROM posts"))
            addresses: set[str] = set()
            if address_key is not None and any(row.id not in held and row.url for row in rows):
                addresses = {
                    address_key(url)
                    for (url,) in conn.execute("SELECT url FROM posts WHERE url != ''")
                }
            for row in rows:
                if row.id in held:
                    insert_post(conn, row, held[row.id])
                elif row.url and address_key is not None and address_key(row.url) in addresses:
                    skipped.add(row.id)
                else:
                    seq += 1
                    insert_post(conn, row, seq)
            conn.execute(
                "UPDATE subscriptions SET state = ? WHERE name = ?",
                (json.dumps(state, sort_keys=True), name),
            )
            if added:
                conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_LAST_ADDED_RUN, run))
            if rows:
                _bump_version(conn)

        self._write(work)
        return skipped

    def cached_robots(self, origin: str, max_age: float) -> str | None:
        """The robots.txt of `origin` fetched less than `max_age` seconds ago, or None."""
        found = self._read(
            lambda c: c.execute(
                "SELECT value FROM meta WHERE key = ?", (_ROBOTS + origin,)
            ).fetchone()
        )
        try:
            kept = json.loads(found[0]) if found else None
            if not isinstance(kept, dict):
                return None
            fetched, text = float(kept["fetched"]), kept["text"]
        except (ValueError, TypeError, KeyError):
            return None  # none, or damaged: fetched again
        age = time.time() - fetched
        return text if isinstance(text, str) and 0 <= age < max_age else None

    def cache_robots(self, origin: str, text: str) -> None:
        """Keep the robots.txt of `origin`, fetched now."""
        value = json.dumps({"fetched": time.time(), "text": text})

        def work(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_ROBOTS + origin, value))

        self._write(work)

    def last_added_run(self) -> str | None:
        """The sync run that last added posts (the app's "New" section), or None."""
        found = self._read(
            lambda c: c.execute(
                "SELECT value FROM meta WHERE key = ?", (_LAST_ADDED_RUN,)
            ).fetchone()
        )
        return found[0] if found else None


def _insert_subscription(conn: sqlite3.Connection, sub: Subscription) -> Subscription:
    (position,) = conn.execute(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM subscriptions"
    ).fetchone()
    made = Subscription(sub.name, sub.url, sub.category, sub.added or now(), position, sub.state)
    conn.execute(
        "INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?, ?)",
        (made.name, made.url, made.category, made.added, made.position, json.dumps(made.state)),
    )
    return made
