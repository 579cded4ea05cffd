"""The reading state's records, as the store returns them and an export holds them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.store.highlights import Highlight

HISTORY_LIMIT = 1000  # history entries kept; the oldest go first


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
    highlights: tuple[Highlight, ...] = ()


@dataclass(frozen=True)
class ImportSummary:
    bookmarks_added: int = 0
    bookmarks_updated: int = 0
    read_state_added: int = 0
    read_state_updated: int = 0
    history_added: int = 0
    searches_added: int = 0
    searches_updated: int = 0
    highlights_added: int = 0
    highlights_updated: int = 0

    def describe(self) -> str:
        parts = [
            (self.bookmarks_added, self.bookmarks_updated, "bookmarks"),
            (self.read_state_added, self.read_state_updated, "read states"),
            (self.history_added, 0, "history entries"),
            (self.searches_added, self.searches_updated, "saved searches"),
            (self.highlights_added, self.highlights_updated, "highlights"),
        ]
        said = [
            f"{what}: {added} added" + (f", {updated} updated" if updated else "")
            for added, updated, what in parts
            if added or updated
        ]
        return "; ".join(said) if said else "nothing new"


# -- rows ----------------------------------------------------------------------------------

READ_STATE_COLUMNS = (
    "article_id, read, read_changed, first_opened, last_opened, position, position_changed"
)


def bookmark_row(c: sqlite3.Connection, article_id: str) -> Bookmark | None:
    row = c.execute(
        "SELECT article_id, title, created, note FROM bookmarks WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    return Bookmark(*row) if row else None


def read_state_from_row(row: tuple[Any, ...]) -> ReadState:
    article_id, read, read_changed, first, last, position, position_changed = row
    return ReadState(article_id, bool(read), read_changed, first, last, position, position_changed)


def trim_history(c: sqlite3.Connection) -> None:
    c.execute(
        "DELETE FROM history WHERE seq IN (SELECT seq FROM history"
        " ORDER BY opened DESC, seq DESC LIMIT -1 OFFSET ?)",
        (HISTORY_LIMIT,),
    )
