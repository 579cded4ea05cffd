"""The reader's own data: bookmarks, read state, history and saved searches, in SQLite.

This is the one thing gp-reader holds that cannot be rebuilt, so the store is built to
survive: several processes at once, a kill -9 in the middle of a write, a damaged file,
an unwritable data directory, and upgrades.

Durability and concurrency
    WAL journal, ``synchronous=FULL``, a busy timeout, and every write in one short
    ``BEGIN IMMEDIATE`` transaction (so a writer takes the write lock up front and never
    has to upgrade a read lock, the usual source of "database is locked"). A transaction
    that still finds the store busy is retried until the timeout; only then does the caller
    see a `StoreBusy` (a ReaderError with a plain message), never sqlite's own text.

Threads
    One `StateStore` holds one connection opened with ``check_same_thread=False``; every
    public method takes the store's lock, so a single store may be shared by the app's
    worker threads. (Opening one store per thread also works: they are then separate
    connections, coordinated by SQLite like separate processes.)

Damage
    On open, a file that is not SQLite, or fails ``PRAGMA quick_check``, is moved aside to
    ``state.sqlite3.corrupt-<UTC timestamp>`` next to it (with its -wal file, if any), a
    fresh store is started and one line saying so is appended to `StateStore.notices` for
    the caller to show (the CLI prints it to stderr).

Graceful degradation
    `StateStore.open` raises `StoreUnavailable` (a ReaderError) with a one-line message
    when the store cannot be opened for writing: the data directory is unwritable, the
    disk is full, or the file was written by a newer gp-reader. There is no read-only or
    in-memory fallback, so nothing is ever silently not saved: the app catches
    `StoreUnavailable`, shows the message and carries on without bookmarks; the CLI prints
    it and exits 1. Browsing and search never open the store.

Schema
    ``PRAGMA user_version`` is the schema version; `MIGRATIONS` are applied forward, each in
    the same transaction that bumps the version. A store from a newer gp-reader is refused
    and left untouched.

Export and import
    `StateStore.export_state` gives a versioned JSON-able dict; `StateStore.import_state`
    validates a whole document before writing anything and merges it in one transaction,
    so importing the same file twice adds nothing. Merge rules: a bookmark already here
    keeps its title and note (an empty note is filled in) and the earlier creation time;
    for read flag, reading position and a saved search's query the more recent change wins;
    history entries are added unless the same (id, time) is already there.

This module never imports textual.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from reader import paths
from reader.errors import ReaderError

try:  # Unix: a lock file so two processes never both move a damaged store aside.
    import fcntl
except ImportError:  # pragma: no cover - Windows: the re-check under the lock still helps
    fcntl = None  # type: ignore[assignment]

EXPORT_FORMAT = "gp-reader-state"
EXPORT_VERSION = 1
DEFAULT_TIMEOUT = 15.0  # seconds a write waits for another process before giving up
HISTORY_LIMIT = 1000  # history entries kept; the oldest go first
_SQLITE_MAGIC = b"SQLite format 3\x00"

T = TypeVar("T")

# MIGRATIONS[n] takes a store from schema version n to n + 1. Append only; never edit one
# that has shipped, since users' stores have already run it.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE bookmarks (
        article_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created TEXT NOT NULL,
        note TEXT
    );
    CREATE TABLE read_state (
        article_id TEXT PRIMARY KEY,
        read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
        read_changed TEXT,
        first_opened TEXT,
        last_opened TEXT,
        position REAL NOT NULL DEFAULT 0 CHECK (position >= 0 AND position <= 1),
        position_changed TEXT
    );
    CREATE TABLE history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id TEXT NOT NULL,
        opened TEXT NOT NULL
    );
    CREATE INDEX history_by_time ON history (opened, seq);
    CREATE TABLE saved_searches (
        name TEXT PRIMARY KEY,
        query TEXT NOT NULL,
        saved TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreUnavailable(ReaderError):
    """The store cannot be used at all; bookmarks and reading state are off this run."""


class StoreBusy(ReaderError):
    """Another process held the store for longer than the timeout."""


@dataclass(frozen=True)
class Bookmark:
    article_id: str
    title: str  # the title when it was bookmarked, shown if the article disappears
    created: str  # ISO 8601, UTC
    note: str | None = None


@dataclass(frozen=True)
class ReadState:
    article_id: str
    read: bool
    read_changed: str | None  # when `read` was last set
    first_opened: str | None
    last_opened: str | None
    position: float  # how far through the post, 0.0 to 1.0
    position_changed: str | None


@dataclass(frozen=True)
class HistoryEntry:
    article_id: str
    opened: str


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str
    saved: str


@dataclass(frozen=True)
class StateSnapshot:
    """A validated export document, ready to merge."""

    bookmarks: tuple[Bookmark, ...] = ()
    read_state: tuple[ReadState, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    saved_searches: tuple[SavedSearch, ...] = ()


@dataclass(frozen=True)
class ImportSummary:
    bookmarks_added: int = 0
    bookmarks_updated: int = 0
    read_state_added: int = 0
    read_state_updated: int = 0
    history_added: int = 0
    searches_added: int = 0
    searches_updated: int = 0

    @property
    def changes(self) -> int:
        return sum(vars(self).values())

    def describe(self) -> str:
        parts = [
            (self.bookmarks_added, self.bookmarks_updated, "bookmarks"),
            (self.read_state_added, self.read_state_updated, "read states"),
            (self.history_added, 0, "history entries"),
            (self.searches_added, self.searches_updated, "saved searches"),
        ]
        said = [
            f"{what}: {added} added" + (f", {updated} updated" if updated else "")
            for added, updated, what in parts
            if added or updated
        ]
        return "; ".join(said) if said else "nothing new"


def now() -> str:
    """The current time as stored: ISO 8601 in UTC, to the microsecond."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class StateStore:
    """The user's reading state. Open with `StateStore.open()`; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path, timeout: float) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self._timeout = timeout
        self.path = path
        self.notices: list[str] = []  # one-line messages for the user (e.g. a recovery)

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path | str | None = None, *, timeout: float = DEFAULT_TIMEOUT
    ) -> StateStore:
        """Open (creating or migrating) the store; `paths.state_db()` unless told otherwise.

        Raises StoreUnavailable when it cannot be written; moves a damaged file aside
        (see the module docstring) and says so in `notices`.
        """
        path = Path(path) if path is not None else paths.state_db()
        _prepare_directory(path)
        notices: list[str] = []
        try:
            conn = _open_connection(path, timeout)
        except _Damaged as damaged:
            notice = _move_aside(path, damaged.reason)
            if notice:
                notices.append(notice)
            try:
                conn = _open_connection(path, timeout)
            except _Damaged as again:
                raise StoreUnavailable(
                    f"the reading-state store {path} is unusable even after starting afresh "
                    f"({again.reason})"
                ) from None
        store = cls(conn, path, timeout)
        store.notices.extend(notices)
        return store

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def data_version(self) -> int:
        """A number that changes when another connection (a second gp-reader, the CLI)
        commits to the store; this store's own commits leave it as it is."""
        with self._lock:
            if self._conn is None:
                raise ReaderError("the reading-state store is closed")
            return self._conn.execute("PRAGMA data_version").fetchone()[0]

    @property
    def schema_version(self) -> int:
        return self._read(lambda c: c.execute("PRAGMA user_version").fetchone()[0])

    # -- bookmarks -----------------------------------------------------------------------

    def add_bookmark(self, article_id: str, title: str, note: str | None = None) -> Bookmark:
        """Bookmark a post. Bookmarking it again keeps the original time and title and
        replaces the note only when a new one is given."""

        def work(c: sqlite3.Connection) -> Bookmark:
            c.execute(
                "INSERT INTO bookmarks (article_id, title, created, note) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (article_id) DO UPDATE SET note = COALESCE(excluded.note, note)",
                (article_id, title, now(), note),
            )
            return _bookmark_row(c, article_id)  # type: ignore[return-value]

        return self._write(work)

    def remove_bookmark(self, article_id: str) -> bool:
        """Remove a bookmark; False if there was none."""
        return self._write(
            lambda c: (
                c.execute("DELETE FROM bookmarks WHERE article_id = ?", (article_id,)).rowcount > 0
            )
        )

    def bookmark(self, article_id: str) -> Bookmark | None:
        return self._read(lambda c: _bookmark_row(c, article_id))

    def bookmarks(self) -> list[Bookmark]:
        """Every bookmark, newest first, whether or not its article still exists."""
        rows = self._read(
            lambda c: c.execute(
                "SELECT article_id, title, created, note FROM bookmarks"
                " ORDER BY created DESC, article_id"
            ).fetchall()
        )
        return [Bookmark(*row) for row in rows]

    def bookmarked_ids(self) -> set[str]:
        rows = self._read(lambda c: c.execute("SELECT article_id FROM bookmarks").fetchall())
        return {row[0] for row in rows}

    # -- read state ----------------------------------------------------------------------

    def mark_read(self, article_ids: Iterable[str] | str) -> None:
        self._set_read(article_ids, True)

    def mark_unread(self, article_ids: Iterable[str] | str) -> None:
        self._set_read(article_ids, False)

    def _set_read(self, article_ids: Iterable[str] | str, read: bool) -> None:
        ids = [article_ids] if isinstance(article_ids, str) else list(article_ids)

        def work(c: sqlite3.Connection) -> None:
            stamp = now()
            c.executemany(
                "INSERT INTO read_state (article_id, read, read_changed) VALUES (?, ?, ?)"
                " ON CONFLICT (article_id) DO UPDATE"
                " SET read = excluded.read, read_changed = excluded.read_changed",
                [(i, int(read), stamp) for i in ids],
            )

        self._write(work)

    def set_position(self, article_id: str, fraction: float) -> None:
        """Remember how far through a post the reader is (0.0 top, 1.0 end).

        Values a little outside 0..1 (scroll arithmetic) are clamped; NaN is a ValueError.
        """
        if not isinstance(fraction, int | float) or math.isnan(fraction):
            raise ValueError(f"reading position must be a number from 0 to 1, not {fraction!r}")
        fraction = min(1.0, max(0.0, float(fraction)))
        self._write(
            lambda c: c.execute(
                "INSERT INTO read_state (article_id, position, position_changed) VALUES (?, ?, ?)"
                " ON CONFLICT (article_id) DO UPDATE"
                " SET position = excluded.position, position_changed = excluded.position_changed",
                (article_id, fraction, now()),
            )
        )

    def read_state(self, article_id: str) -> ReadState | None:
        row = self._read(
            lambda c: c.execute(
                f"SELECT {_READ_STATE_COLUMNS} FROM read_state WHERE article_id = ?",
                (article_id,),
            ).fetchone()
        )
        return _read_state_from_row(row) if row else None

    def read_states(self) -> dict[str, ReadState]:
        rows = self._read(
            lambda c: c.execute(f"SELECT {_READ_STATE_COLUMNS} FROM read_state").fetchall()
        )
        return {row[0]: _read_state_from_row(row) for row in rows}

    def read_ids(self) -> set[str]:
        rows = self._read(
            lambda c: c.execute("SELECT article_id FROM read_state WHERE read = 1").fetchall()
        )
        return {row[0] for row in rows}

    # -- history -------------------------------------------------------------------------

    def record_open(self, article_id: str) -> None:
        """Note that a post was opened: history, and its first/last opened times.

        Opening does not mark a post read; `mark_read` (or the app) decides that.
        """

        def work(c: sqlite3.Connection) -> None:
            stamp = now()
            c.execute("INSERT INTO history (article_id, opened) VALUES (?, ?)", (article_id, stamp))
            c.execute(
                "INSERT INTO read_state (article_id, first_opened, last_opened) VALUES (?, ?, ?)"
                " ON CONFLICT (article_id) DO UPDATE"
                " SET first_opened = COALESCE(first_opened, excluded.first_opened),"
                " last_opened = excluded.last_opened",
                (article_id, stamp, stamp),
            )
            _trim_history(c)

        self._write(work)

    def recent(self, n: int = 20) -> list[HistoryEntry]:
        """The last `n` distinct posts opened, most recent first."""
        rows = self._read(
            lambda c: c.execute(
                "SELECT article_id, MAX(opened) AS last FROM history"
                " GROUP BY article_id ORDER BY last DESC, article_id LIMIT ?",
                (n,),
            ).fetchall()
        )
        return [HistoryEntry(*row) for row in rows]

    def history(self) -> list[HistoryEntry]:
        """Every remembered opening, oldest first."""
        rows = self._read(
            lambda c: c.execute(
                "SELECT article_id, opened FROM history ORDER BY opened, seq"
            ).fetchall()
        )
        return [HistoryEntry(*row) for row in rows]

    # -- saved searches ------------------------------------------------------------------

    def save_search(self, name: str, query: str) -> SavedSearch:
        """Save (or replace) a named search."""
        if not name.strip():
            raise ReaderError("a saved search needs a name", exit_code=2)
        stamp = now()
        self._write(
            lambda c: c.execute(
                "INSERT INTO saved_searches (name, query, saved) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET query = excluded.query, saved = excluded.saved",
                (name, query, stamp),
            )
        )
        return SavedSearch(name, query, stamp)

    def delete_search(self, name: str) -> bool:
        return self._write(
            lambda c: c.execute("DELETE FROM saved_searches WHERE name = ?", (name,)).rowcount > 0
        )

    def saved_searches(self) -> list[SavedSearch]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT name, query, saved FROM saved_searches ORDER BY name"
            ).fetchall()
        )
        return [SavedSearch(*row) for row in rows]

    # -- export and import ---------------------------------------------------------------

    def export_state(self) -> dict[str, Any]:
        """Everything, as a versioned JSON-able document (one consistent snapshot)."""

        def work(c: sqlite3.Connection) -> dict[str, Any]:
            bookmarks = c.execute(
                "SELECT article_id, title, created, note FROM bookmarks"
                " ORDER BY created, article_id"
            ).fetchall()
            states = c.execute(
                f"SELECT {_READ_STATE_COLUMNS} FROM read_state ORDER BY article_id"
            ).fetchall()
            history = c.execute(
                "SELECT article_id, opened FROM history ORDER BY opened, seq"
            ).fetchall()
            searches = c.execute(
                "SELECT name, query, saved FROM saved_searches ORDER BY name"
            ).fetchall()
            return {
                "format": EXPORT_FORMAT,
                "version": EXPORT_VERSION,
                "exported": now(),
                "bookmarks": [
                    {"id": i, "title": t, "created": cr, "note": n} for i, t, cr, n in bookmarks
                ],
                "read_state": [_read_state_to_json(_read_state_from_row(r)) for r in states],
                "history": [{"id": i, "opened": o} for i, o in history],
                "saved_searches": [{"name": n, "query": q, "saved": s} for n, q, s in searches],
            }

        return self._read(work)

    def import_state(self, document: Mapping[str, Any] | StateSnapshot) -> ImportSummary:
        """Merge an export into this store: all of it or, if anything is invalid, none."""
        snapshot = document if isinstance(document, StateSnapshot) else validate_export(document)
        return self._write(lambda c: _merge(c, snapshot))

    # -- plumbing ------------------------------------------------------------------------

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return self._transaction(work, "BEGIN")

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return self._transaction(work, "BEGIN IMMEDIATE")

    def _transaction(self, work: Callable[[sqlite3.Connection], T], begin: str) -> T:
        """Run `work` in one transaction, retrying the whole of it while the store is busy."""
        with self._lock:
            conn = self._conn
            if conn is None:
                raise ReaderError("the reading-state store is closed")
            deadline = time.monotonic() + self._timeout
            while True:
                try:
                    conn.execute(begin)
                    try:
                        result = work(conn)
                        conn.execute("COMMIT")
                        return result
                    except BaseException:
                        _rollback(conn)
                        raise
                except sqlite3.Error as exc:
                    if _is_busy(exc) and time.monotonic() < deadline:
                        time.sleep(random.uniform(0.002, 0.02))
                        continue
                    raise _translate(exc, self.path, self._timeout) from exc


_READ_STATE_COLUMNS = (
    "article_id, read, read_changed, first_opened, last_opened, position, position_changed"
)


def _bookmark_row(c: sqlite3.Connection, article_id: str) -> Bookmark | None:
    row = c.execute(
        "SELECT article_id, title, created, note FROM bookmarks WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    return Bookmark(*row) if row else None


def _read_state_from_row(row: tuple) -> ReadState:
    article_id, read, read_changed, first, last, position, position_changed = row
    return ReadState(article_id, bool(read), read_changed, first, last, position, position_changed)


def _read_state_to_json(state: ReadState) -> dict[str, Any]:
    return {
        "id": state.article_id,
        "read": state.read,
        "read_changed": state.read_changed,
        "first_opened": state.first_opened,
        "last_opened": state.last_opened,
        "position": state.position,
        "position_changed": state.position_changed,
    }


def _trim_history(c: sqlite3.Connection) -> None:
    c.execute(
        "DELETE FROM history WHERE seq IN (SELECT seq FROM history"
        " ORDER BY opened DESC, seq DESC LIMIT -1 OFFSET ?)",
        (HISTORY_LIMIT,),
    )


def _rollback(conn: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.execute("ROLLBACK")


# -- merging an import ---------------------------------------------------------------------


def _newer(candidate: str | None, current: str | None) -> bool:
    """Does a change stamped `candidate` supersede one stamped `current`? Ties keep current."""
    return candidate is not None and (current is None or candidate > current)


def _earliest(a: str | None, b: str | None) -> str | None:
    return min((x for x in (a, b) if x is not None), default=None)


def _latest(a: str | None, b: str | None) -> str | None:
    return max((x for x in (a, b) if x is not None), default=None)


def _merge(c: sqlite3.Connection, snap: StateSnapshot) -> ImportSummary:
    counts = dict.fromkeys(vars(ImportSummary()), 0)

    for mark in snap.bookmarks:
        have = _bookmark_row(c, mark.article_id)
        if have is None:
            c.execute(
                "INSERT INTO bookmarks (article_id, title, created, note) VALUES (?, ?, ?, ?)",
                (mark.article_id, mark.title, mark.created, mark.note),
            )
            counts["bookmarks_added"] += 1
            continue
        note = have.note if have.note else (mark.note or have.note)
        created = min(have.created, mark.created)
        if (note, created) != (have.note, have.created):
            c.execute(
                "UPDATE bookmarks SET note = ?, created = ? WHERE article_id = ?",
                (note, created, mark.article_id),
            )
            counts["bookmarks_updated"] += 1

    for state in snap.read_state:
        row = c.execute(
            f"SELECT {_READ_STATE_COLUMNS} FROM read_state WHERE article_id = ?",
            (state.article_id,),
        ).fetchone()
        if row is None:
            merged, key = state, "read_state_added"
        else:
            have = _read_state_from_row(row)
            take_read = _newer(state.read_changed, have.read_changed)
            take_position = _newer(state.position_changed, have.position_changed)
            merged = ReadState(
                article_id=have.article_id,
                read=state.read if take_read else have.read,
                read_changed=state.read_changed if take_read else have.read_changed,
                first_opened=_earliest(have.first_opened, state.first_opened),
                last_opened=_latest(have.last_opened, state.last_opened),
                position=state.position if take_position else have.position,
                position_changed=(
                    state.position_changed if take_position else have.position_changed
                ),
            )
            if merged == have:
                continue
            key = "read_state_updated"
        c.execute(
            f"INSERT OR REPLACE INTO read_state ({_READ_STATE_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                merged.article_id,
                int(merged.read),
                merged.read_changed,
                merged.first_opened,
                merged.last_opened,
                merged.position,
                merged.position_changed,
            ),
        )
        counts[key] += 1

    for entry in snap.history:
        present = c.execute(
            "SELECT 1 FROM history WHERE article_id = ? AND opened = ?",
            (entry.article_id, entry.opened),
        ).fetchone()
        if not present:
            c.execute(
                "INSERT INTO history (article_id, opened) VALUES (?, ?)",
                (entry.article_id, entry.opened),
            )
            counts["history_added"] += 1
    _trim_history(c)

    for search in snap.saved_searches:
        row = c.execute(
            "SELECT query, saved FROM saved_searches WHERE name = ?", (search.name,)
        ).fetchone()
        if row is None:
            counts["searches_added"] += 1
        elif row[0] != search.query and _newer(search.saved, row[1]):
            counts["searches_updated"] += 1
        else:
            continue
        c.execute(
            "INSERT OR REPLACE INTO saved_searches (name, query, saved) VALUES (?, ?, ?)",
            (search.name, search.query, search.saved),
        )

    return ImportSummary(**counts)


# -- validating an export document -----------------------------------------------------------


class InvalidExport(ReaderError):
    """An import document that is not a gp-reader state export (nothing was written)."""


def validate_export(document: Any) -> StateSnapshot:
    """Check a whole export document; InvalidExport names the first problem found."""
    if not isinstance(document, Mapping):
        raise InvalidExport("not a gp-reader state export (expected a JSON object)")
    if document.get("format") != EXPORT_FORMAT:
        raise InvalidExport(f'not a gp-reader state export (no "format": "{EXPORT_FORMAT}")')
    version = document.get("version")
    if type(version) is not int or version < 1:
        raise InvalidExport(f"bad export version {_show(version)}")
    if version > EXPORT_VERSION:
        raise InvalidExport(
            f"export version {version} is newer than this gp-reader understands "
            f"({EXPORT_VERSION}); upgrade gp-reader to import it"
        )

    def records(key: str) -> list[tuple[str, Mapping[str, Any]]]:
        items = document.get(key, [])
        if not isinstance(items, list):
            raise InvalidExport(f"{key}: expected a list")
        for n, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise InvalidExport(f"{key}[{n}]: expected an object")
        return [(f"{key}[{n}]", item) for n, item in enumerate(items)]

    bookmarks = tuple(
        Bookmark(
            article_id=_text(item, "id", where),
            title=_text(item, "title", where, allow_empty=True),
            created=_stamp(item, "created", where),
            note=_optional_text(item, "note", where),
        )
        for where, item in records("bookmarks")
    )
    read_state = tuple(
        ReadState(
            article_id=_text(item, "id", where),
            read=_flag(item, "read", where),
            read_changed=_stamp(item, "read_changed", where, optional=True),
            first_opened=_stamp(item, "first_opened", where, optional=True),
            last_opened=_stamp(item, "last_opened", where, optional=True),
            position=_fraction(item, "position", where),
            position_changed=_stamp(item, "position_changed", where, optional=True),
        )
        for where, item in records("read_state")
    )
    history = tuple(
        HistoryEntry(article_id=_text(item, "id", where), opened=_stamp(item, "opened", where))
        for where, item in records("history")
    )
    searches = tuple(
        SavedSearch(
            name=_text(item, "name", where),
            query=_text(item, "query", where, allow_empty=True),
            saved=_stamp(item, "saved", where),
        )
        for where, item in records("saved_searches")
    )
    return StateSnapshot(bookmarks, read_state, history, searches)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _field(item: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in item:
        raise InvalidExport(f'{where}: missing "{key}"')
    return item[key]


def _text(item: Mapping[str, Any], key: str, where: str, allow_empty: bool = False) -> str:
    value = _field(item, key, where)
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise InvalidExport(f'{where}: "{key}" must be a non-empty string, not {_show(value)}')
    return value


def _optional_text(item: Mapping[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidExport(f'{where}: "{key}" must be a string or null, not {_show(value)}')
    return value


def _flag(item: Mapping[str, Any], key: str, where: str) -> bool:
    value = _field(item, key, where)
    if not isinstance(value, bool):
        raise InvalidExport(f'{where}: "{key}" must be true or false, not {_show(value)}')
    return value


def _fraction(item: Mapping[str, Any], key: str, where: str) -> float:
    value = item.get(key, 0.0)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 1
    ):
        raise InvalidExport(f'{where}: "{key}" must be a number from 0 to 1, not {_show(value)}')
    return float(value)


def _stamp(item: Mapping[str, Any], key: str, where: str, optional: bool = False) -> str | None:
    """An ISO 8601 time, normalised to the stored form so comparisons are by time."""
    value = item.get(key) if optional else _field(item, key, where)
    if value is None and optional:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidExport(
            f'{where}: "{key}" must be an ISO 8601 time, not {_show(value)}'
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# -- opening, migrating, recovering ---------------------------------------------------------


class _Damaged(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_CORRUPT_CODES = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
_UNWRITABLE_CODES = {
    "SQLITE_CANTOPEN",
    "SQLITE_READONLY",
    "SQLITE_PERM",
    "SQLITE_IOERR",
    "SQLITE_FULL",
    "SQLITE_AUTH",
}


def _error_code(exc: sqlite3.Error) -> str:
    # sqlite_errorname is "SQLITE_IOERR_WRITE" etc.; the primary code is enough here.
    name = getattr(exc, "sqlite_errorname", "") or ""
    return "_".join(name.split("_")[:2])


def _is_busy(exc: sqlite3.Error) -> bool:
    code = _error_code(exc)
    if code in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return True
    text = str(exc)
    return not code and ("database is locked" in text or "database is busy" in text)


def _is_damage(exc: sqlite3.Error) -> bool:
    return _error_code(exc) in _CORRUPT_CODES or "malformed" in str(exc)


def _unavailable(path: Path, reason: object) -> StoreUnavailable:
    return StoreUnavailable(
        f"bookmarks and reading state are unavailable: cannot write {path} ({reason}); "
        "browsing and search still work"
    )


def _translate(exc: sqlite3.Error, path: Path, timeout: float) -> ReaderError:
    """A sqlite error as one line a user can act on."""
    if _is_busy(exc):
        return StoreBusy(
            f"the reading-state store {path} was busy for over {timeout:g} s "
            "(another gp-reader is writing); try again"
        )
    if _is_damage(exc):
        return ReaderError(
            f"the reading-state store {path} is damaged ({exc}); "
            "run gp-reader again to move it aside and start a fresh one"
        )
    if _error_code(exc) in _UNWRITABLE_CODES:
        return _unavailable(path, exc)
    return ReaderError(f"reading-state store {path}: {exc}")


def _prepare_directory(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unavailable(path, exc.strerror or exc) from None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise _unavailable(path, f"{path.parent} is not writable")
    if path.exists() and not path.is_file():
        raise _unavailable(path, "it is not a regular file")


def _header_problem(path: Path) -> str | None:
    """Why the file plainly is not a SQLite database, or None (an empty file is fine)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _unavailable(path, exc.strerror or exc) from None
    if head and head != _SQLITE_MAGIC:
        return "not a SQLite database"
    return None


def _integrity_problem(conn: sqlite3.Connection) -> str | None:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows == [("ok",)]:
        return None
    return "failed its integrity check: " + "; ".join(str(r[0]) for r in rows[:3])


def _open_connection(path: Path, timeout: float) -> sqlite3.Connection:
    """Connect, check and migrate; _Damaged if the file is not a healthy store."""
    deadline = time.monotonic() + timeout
    while True:
        problem = _header_problem(path)
        if problem:
            raise _Damaged(problem)
        conn = None
        try:
            conn = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            problem = _integrity_problem(conn)
            if problem:
                raise _Damaged(problem)
            _migrate(conn, path)
            return conn
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            if _is_damage(exc):
                raise _Damaged(str(exc)) from None
            if _is_busy(exc) and time.monotonic() < deadline:
                time.sleep(random.uniform(0.005, 0.05))
                continue
            if _is_busy(exc):
                raise _translate(exc, path, timeout) from None
            raise _unavailable(path, exc) from None
        except BaseException:
            if conn is not None:
                conn.close()
            raise


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StoreUnavailable(
            f"the reading-state store {path} was written by a newer gp-reader (schema "
            f"{version}; this one knows up to {SCHEMA_VERSION}); upgrade gp-reader — "
            "the file is left untouched"
        )
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while this one waited for the lock.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[step]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step + 1}")
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise


def _statements(script: str) -> Iterator[str]:
    # executescript() would COMMIT first; splitting keeps the migration in our transaction.
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


@contextlib.contextmanager
def _recovery_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        handle = lock_path.open("a")
    except OSError as exc:
        raise _unavailable(path, exc.strerror or exc) from None
    with handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def _diagnose(path: Path) -> str | None:
    """Is the store at `path` (still) damaged? The reason, or None."""
    problem = _header_problem(path)
    if problem or not path.exists():
        return problem
    try:
        conn = sqlite3.connect(path, timeout=DEFAULT_TIMEOUT, isolation_level=None)
        try:
            return _integrity_problem(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc) if _is_damage(exc) else None


def _move_aside(path: Path, reason: str) -> str | None:
    """Move a damaged store (and its -wal) aside; the notice to show, or None if another
    process already did so."""
    with _recovery_lock(path):
        reason = _diagnose(path) or ""
        if not reason:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 2
        while backup.exists():
            backup = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
            n += 1
        try:
            os.replace(path, backup)
            for suffix in ("-wal", "-journal"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    os.replace(side, backup.with_name(backup.name + suffix))
            # The shared-memory index is rebuilt from the WAL; it holds nothing to keep.
            path.with_name(path.name + "-shm").unlink(missing_ok=True)
        except OSError as exc:
            raise _unavailable(path, f"it is damaged and cannot be moved aside: {exc}") from None
    reason = " ".join(reason.split())  # the notice is one line, whatever sqlite said
    return (
        f"the reading-state store {path} was damaged ({reason}); "
        f"moved it to {backup.name} and started a fresh one"
    )
