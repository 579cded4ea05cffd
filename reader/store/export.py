"""A state export: checking a whole document before anything is written, and merging it.

Merge rules: a bookmark already here keeps its title and note (an empty note is filled in)
and the earlier creation time; for read flag, reading position and a saved search's query
the more recent change wins; history entries are added unless the same (id, time) is
already there; a highlight is matched by its id, and the copy changed more recently (its
`updated`) wins.

Versions: 1 had no highlights; 2 adds `highlights`. A version 1 file still imports.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from reader.errors import ReaderError
from reader.sanitise import clean_text
from reader.store.highlights import Highlight, highlight_row, insert_highlight
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

EXPORT_FORMAT = "gp-reader-state"
EXPORT_VERSION = 2

# -- merging an import ---------------------------------------------------------------------


def _newer(candidate: str | None, current: str | None) -> bool:
    """Does a change stamped `candidate` supersede one stamped `current`? Ties keep current."""
    return candidate is not None and (current is None or candidate > current)


def _earliest(a: str | None, b: str | None) -> str | None:
    return min((x for x in (a, b) if x is not None), default=None)


def _latest(a: str | None, b: str | None) -> str | None:
    return max((x for x in (a, b) if x is not None), default=None)


def merge_snapshot(c: sqlite3.Connection, snap: StateSnapshot) -> ImportSummary:
    counts = dict.fromkeys(vars(ImportSummary()), 0)

    for mark in snap.bookmarks:
        have = bookmark_row(c, mark.article_id)
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
            f"SELECT {READ_STATE_COLUMNS} FROM read_state WHERE article_id = ?",
            (state.article_id,),
        ).fetchone()
        if row is None:
            merged, key = state, "read_state_added"
        else:
            stored = read_state_from_row(row)
            take_read = _newer(state.read_changed, stored.read_changed)
            take_position = _newer(state.position_changed, stored.position_changed)
            merged = ReadState(
                article_id=stored.article_id,
                read=state.read if take_read else stored.read,
                read_changed=state.read_changed if take_read else stored.read_changed,
                first_opened=_earliest(stored.first_opened, state.first_opened),
                last_opened=_latest(stored.last_opened, state.last_opened),
                position=state.position if take_position else stored.position,
                position_changed=(
                    state.position_changed if take_position else stored.position_changed
                ),
            )
            if merged == stored:
                continue
            key = "read_state_updated"
        c.execute(
            f"INSERT OR REPLACE INTO read_state ({READ_STATE_COLUMNS})"
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
    trim_history(c)

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

    for highlight in snap.highlights:
        had = highlight_row(c, highlight.id)
        if had is None:
            counts["highlights_added"] += 1
        elif had != highlight and _newer(highlight.updated, had.updated):
            counts["highlights_updated"] += 1
        else:
            continue
        insert_highlight(c, highlight)

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
            read_changed=_optional_stamp(item, "read_changed", where),
            first_opened=_optional_stamp(item, "first_opened", where),
            last_opened=_optional_stamp(item, "last_opened", where),
            position=_fraction(item, "position", where),
            position_changed=_optional_stamp(item, "position_changed", where),
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
    highlights = tuple(_highlight(item, where) for where, item in records("highlights"))
    return StateSnapshot(bookmarks, read_state, history, searches, highlights)


def _highlight(item: Mapping[str, Any], where: str) -> Highlight:
    start = _offset(item, "start", where)
    end = _offset(item, "end", where)
    if end <= start:
        raise InvalidExport(f'{where}: "end" must be after "start"')
    created = _stamp(item, "created", where)
    return Highlight(
        id=_text(item, "id", where),
        article_id=_text(item, "article_id", where),
        quote=_text(item, "quote", where),
        prefix=_optional_text(item, "prefix", where) or "",
        suffix=_optional_text(item, "suffix", where) or "",
        start=start,
        end=end,
        note=_optional_text(item, "note", where),
        created=created,
        updated=_optional_stamp(item, "updated", where) or created,
        detached=bool(item.get("detached", False) is True),
    )


def _offset(item: Mapping[str, Any], key: str, where: str) -> int:
    value = _field(item, key, where)
    if type(value) is not int or value < 0:
        raise InvalidExport(f'{where}: "{key}" must be a whole number from 0, not {_show(value)}')
    return value


def _show(value: Any) -> str:
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # a number of thousands of digits; deep nesting
        return f"a {type(value).__name__}"
    return text if len(text) <= 40 else text[:37] + "..."


def _field(item: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in item:
        raise InvalidExport(f'{where}: missing "{key}"')
    return item[key]


def _text(item: Mapping[str, Any], key: str, where: str, allow_empty: bool = False) -> str:
    value = _field(item, key, where)
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise InvalidExport(f'{where}: "{key}" must be a non-empty string, not {_show(value)}')
    # Stored clean, like any content: no escape sequences, controls or lone surrogates.
    value = clean_text(value)
    if not allow_empty and not value.strip():
        raise InvalidExport(f'{where}: "{key}" must be a non-empty string, not {_show(value)}')
    return value


def _optional_text(item: Mapping[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidExport(f'{where}: "{key}" must be a string or null, not {_show(value)}')
    return clean_text(value) if value is not None else None


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


def _optional_stamp(item: Mapping[str, Any], key: str, where: str) -> str | None:
    """_stamp, where the field may be missing or null."""
    return None if item.get(key) is None else _stamp(item, key, where)


def _stamp(item: Mapping[str, Any], key: str, where: str) -> str:
    """An ISO 8601 time, normalised to the stored form so comparisons are by time."""
    value = _field(item, key, where)
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
    try:
        return moment.astimezone(UTC).isoformat(timespec="microseconds")
    except OverflowError:  # 0001-01-01T00:00+05:00 is before the first moment there is
        raise InvalidExport(f'{where}: "{key}" is out of range: {_show(value)}') from None
