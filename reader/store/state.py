"""The reader's own data: bookmarks, read state, history, saved searches and highlights,
in SQLite.

This is the one thing gp-reader holds that cannot be rebuilt, so the store stands on the
footing of reader.store.sqlite (WAL, BEGIN IMMEDIATE, busy retries, schema migrations,
damage moved aside): several processes at once, a kill -9 in the middle of a write, a
damaged file, an unwritable data directory and upgrades are survived there.

Export and import (reader.store.export): `StateStore.export_state` gives a versioned
JSON-able dict; `StateStore.import_state` validates a whole document before writing
anything and merges it in one transaction, so importing the same file twice adds nothing.

This module never imports textual.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from reader import paths
from reader.errors import ReaderError
from reader.sanitise import clean_text
from reader.store.export import EXPORT_FORMAT, EXPORT_VERSION, merge_snapshot, validate_export
from reader.store.highlights import COLUMNS as HIGHLIGHT_COLUMNS
from reader.store.highlights import MIGRATION as HIGHLIGHTS_MIGRATION
from reader.store.highlights import HighlightMethods, highlight_from_row
from reader.store.records import (
    READ_STATE_COLUMNS,
    Bookmark,
    HistoryEntry,
    ImportSummary,
    ReadState,
    SavedSearch,
    StateSnapshot,
    bookmark_row,
    read_state_from_row,
    trim_history,
)
from reader.store.sqlite import (
    SQLiteStore,
    StoreKind,
    now,
)

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
    HIGHLIGHTS_MIGRATION,
)

KIND = StoreKind(
    label="reading-state store",
    holds="bookmarks and reading state",
    still_works="browsing and search still work",
    migrations=MIGRATIONS,
)
SCHEMA_VERSION = KIND.schema_version


class StateStore(HighlightMethods, SQLiteStore):
    """The user's reading state (highlights: reader.store.highlights). Open with
    `StateStore.open()`; use as a context manager."""

    KIND = KIND

    @classmethod
    def default_path(cls) -> Path:
        return paths.state_db()

    # -- bookmarks -----------------------------------------------------------------------

    def add_bookmark(self, article_id: str, title: str, note: str | None = None) -> Bookmark:
        """Bookmark a post. Bookmarking it again keeps the original time and title and
        replaces the note only when a new one is given."""

        def work(c: sqlite3.Connection) -> Bookmark:
            c.execute(
                "INSERT INTO bookmarks (article_id, title, created, note) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (article_id) DO UPDATE SET note = COALESCE(excluded.note, note)",
                (article_id, clean_text(title), now(), clean_text(note) if note else note),
            )
            return bookmark_row(c, article_id)  # type: ignore[return-value]

        return self._write(work)

    def remove_bookmark(self, article_id: str) -> bool:
        """Remove a bookmark; False if there was none."""
        return self._write(
            lambda c: (
                c.execute("DELETE FROM bookmarks WHERE article_id = ?", (article_id,)).rowcount > 0
            )
        )

    def bookmark(self, article_id: str) -> Bookmark | None:
        return self._read(lambda c: bookmark_row(c, article_id))

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
                f"SELECT {READ_STATE_COLUMNS} FROM read_state WHERE article_id = ?",
                (article_id,),
            ).fetchone()
        )
        return read_state_from_row(row) if row else None

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
            trim_history(c)

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
                (clean_text(name), clean_text(query), stamp),
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
                f"SELECT {READ_STATE_COLUMNS} FROM read_state ORDER BY article_id"
            ).fetchall()
            history = c.execute(
                "SELECT article_id, opened FROM history ORDER BY opened, seq"
            ).fetchall()
            searches = c.execute(
                "SELECT name, query, saved FROM saved_searches ORDER BY name"
            ).fetchall()
            highlights = c.execute(
                f"SELECT {HIGHLIGHT_COLUMNS} FROM highlights ORDER BY created, id"
            ).fetchall()
            return {
                "format": EXPORT_FORMAT,
                "version": EXPORT_VERSION,
                "exported": now(),
                "bookmarks": [
                    {"id": i, "title": t, "created": cr, "note": n} for i, t, cr, n in bookmarks
                ],
                "read_state": [_read_state_to_json(read_state_from_row(r)) for r in states],
                "history": [{"id": i, "opened": o} for i, o in history],
                "saved_searches": [{"name": n, "query": q, "saved": s} for n, q, s in searches],
                "highlights": [highlight_from_row(r).to_json() for r in highlights],
            }

        return self._read(work)

    def import_state(self, document: Mapping[str, Any] | StateSnapshot) -> ImportSummary:
        """Merge an export into this store: all of it or, if anything is invalid, none."""
        snapshot = document if isinstance(document, StateSnapshot) else validate_export(document)
        return self._write(lambda c: merge_snapshot(c, snapshot))


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
