"""Highlights and their notes, in the reading-state store (its migration 2).

A highlight keeps what finds it again when a post's text changes (reader.articles.anchoring):
the quote, some text before and after it, and its offsets in the post's plain text. One
that cannot be found is kept, flagged `detached`, never dropped. StateStore takes these
methods from `HighlightMethods`.

This module never imports textual.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reader.errors import ReaderError
from reader.sanitise import clean_text
from reader.store.sqlite import now

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")

MIGRATION = """
    CREATE TABLE highlights (
        id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL,
        quote TEXT NOT NULL,
        prefix TEXT NOT NULL DEFAULT '',
        suffix TEXT NOT NULL DEFAULT '',
        start INTEGER NOT NULL CHECK (start >= 0),
        "end" INTEGER NOT NULL CHECK ("end" > start),
        note TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        detached INTEGER NOT NULL DEFAULT 0 CHECK (detached IN (0, 1))
    );
    CREATE INDEX highlights_by_article ON highlights (article_id, start);
    CREATE INDEX highlights_by_time ON highlights (created);
"""

COLUMNS = 'id, article_id, quote, prefix, suffix, start, "end", note, created, updated, detached'
ID_BYTES = 6  # 12 hex digits: unique enough to merge exports from several machines


@dataclass(frozen=True)
class Highlight:
    id: str
    article_id: str
    quote: str
    prefix: str
    suffix: str
    start: int
    end: int
    note: str | None
    created: str  # ISO 8601, UTC
    updated: str  # the last change the reader made (the note); re-anchoring is not one
    detached: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "quote": self.quote,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "start": self.start,
            "end": self.end,
            "note": self.note,
            "created": self.created,
            "updated": self.updated,
            "detached": self.detached,
        }


def highlight_from_row(row: tuple[Any, ...]) -> Highlight:
    hid, article_id, quote, prefix, suffix, start, end, note, created, updated, detached = row
    return Highlight(
        hid, article_id, quote, prefix, suffix, start, end, note, created, updated, bool(detached)
    )


def highlight_row(c: sqlite3.Connection, highlight_id: str) -> Highlight | None:
    row = c.execute(f"SELECT {COLUMNS} FROM highlights WHERE id = ?", (highlight_id,)).fetchone()
    return highlight_from_row(row) if row else None


def insert_highlight(c: sqlite3.Connection, h: Highlight) -> None:
    c.execute(
        f"INSERT OR REPLACE INTO highlights ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            h.id,
            h.article_id,
            h.quote,
            h.prefix,
            h.suffix,
            h.start,
            h.end,
            h.note,
            h.created,
            h.updated,
            int(h.detached),
        ),
    )


def _clean_note(note: str | None) -> str | None:
    """A note as stored: free of escape sequences and controls (it reaches the terminal)."""
    if note is None:
        return None
    note = clean_text(note).strip()
    return note or None


class HighlightMethods:
    """Mixed into StateStore: `_read` and `_write` come from SQLiteStore."""

    if TYPE_CHECKING:  # SQLiteStore's, typed here so that their results keep their types

        def _read(self, work: Callable[[sqlite3.Connection], T]) -> T: ...

        def _write(self, work: Callable[[sqlite3.Connection], T]) -> T: ...

    def add_highlight(
        self,
        article_id: str,
        quote: str,
        prefix: str,
        suffix: str,
        start: int,
        end: int,
        note: str | None = None,
    ) -> Highlight:
        if not quote or not 0 <= start < end:
            raise ReaderError("a highlight needs a passage of the post", exit_code=2)
        stamp = now()
        highlight = Highlight(
            id=secrets.token_hex(ID_BYTES),
            article_id=article_id,
            quote=quote,
            prefix=prefix,
            suffix=suffix,
            start=start,
            end=end,
            note=_clean_note(note),
            created=stamp,
            updated=stamp,
        )
        self._write(lambda c: insert_highlight(c, highlight))
        return highlight

    def highlight(self, highlight_id: str) -> Highlight | None:
        return self._read(lambda c: highlight_row(c, highlight_id))

    def highlights(self, article_id: str | None = None) -> list[Highlight]:
        """Every highlight (or one post's), newest first."""
        where, args = ("WHERE article_id = ?", (article_id,)) if article_id else ("", ())
        rows = self._read(
            lambda c: c.execute(
                f"SELECT {COLUMNS} FROM highlights {where} ORDER BY created DESC, id", args
            ).fetchall()
        )
        return [highlight_from_row(r) for r in rows]

    def find_highlight(self, prefix: str) -> Highlight:
        """A highlight by its id or an unambiguous start of it (exit 2 otherwise)."""
        prefix = prefix.strip().lower()
        rows = self._read(
            lambda c: c.execute(
                f"SELECT {COLUMNS} FROM highlights WHERE id LIKE ? ESCAPE '\\' ORDER BY id",
                (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
            ).fetchall()
        )
        exact = [r for r in rows if r[0] == prefix]
        if exact or len(rows) == 1:
            return highlight_from_row((exact or rows)[0])
        if not rows or not prefix:
            raise ReaderError(f"no highlight {prefix!r} (see `gp-reader highlight list`)", 2)
        raise ReaderError(f"{prefix!r} is the start of {len(rows)} highlights' ids: say more", 2)

    def set_highlight_note(self, highlight_id: str, note: str | None) -> Highlight:
        def work(c: sqlite3.Connection) -> Highlight:
            done = c.execute(
                "UPDATE highlights SET note = ?, updated = ? WHERE id = ?",
                (_clean_note(note), now(), highlight_id),
            ).rowcount
            if not done:
                raise ReaderError(f"no highlight {highlight_id!r}", exit_code=2)
            return highlight_row(c, highlight_id)  # type: ignore[return-value]

        return self._write(work)

    def move_highlight(
        self, highlight_id: str, start: int, end: int, prefix: str, suffix: str, quote: str
    ) -> None:
        """The highlight found again at a new place (re-anchored); attached again. Not a
        change of the reader's, so `updated` stays (an export's newer note still wins)."""
        self._write(
            lambda c: c.execute(
                'UPDATE highlights SET start = ?, "end" = ?, prefix = ?, suffix = ?, quote = ?,'
                " detached = 0 WHERE id = ?",
                (start, end, prefix, suffix, quote, highlight_id),
            )
        )

    def set_detached(self, highlight_id: str, detached: bool) -> None:
        self._write(
            lambda c: c.execute(
                "UPDATE highlights SET detached = ? WHERE id = ?",
                (int(detached), highlight_id),
            )
        )

    def remove_highlight(self, highlight_id: str) -> bool:
        return self._write(
            lambda c: c.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,)).rowcount > 0
        )

    def highlight_counts(self) -> dict[str, int]:
        """How many highlights each post has."""
        rows = self._read(
            lambda c: c.execute(
                "SELECT article_id, COUNT(*) FROM highlights GROUP BY article_id"
            ).fetchall()
        )
        return dict(rows)

    def set_bookmark_note(self, article_id: str, title: str, note: str | None) -> None:
        """Set (or with None/empty, clear) a bookmark's note, bookmarking the post if need be."""
        note = _clean_note(note)
        self._write(
            lambda c: c.execute(
                "INSERT INTO bookmarks (article_id, title, created, note) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (article_id) DO UPDATE SET note = excluded.note",
                (article_id, title, now(), note),
            )
        )
