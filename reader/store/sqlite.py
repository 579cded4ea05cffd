"""One footing for every SQLite file gp-reader keeps: the reading state and the posts it
imported or synced.

Durability and concurrency
    WAL journal, ``synchronous=FULL``, a busy timeout, and every write in one short
    ``BEGIN IMMEDIATE`` transaction (so a writer takes the write lock up front and never
    has to upgrade a read lock, the usual source of "database is locked"). A transaction
    that still finds the store busy is retried until the timeout; only then does the caller
    see a `StoreBusy` (a ReaderError with a plain message), never sqlite's own text.

Threads
    One store holds one connection opened with ``check_same_thread=False``; every
    transaction takes the store's lock, so a single store may be shared by worker threads.

Damage
    On open, a file that is not SQLite, or fails ``PRAGMA quick_check``, is moved aside to
    ``<name>.corrupt-<UTC timestamp>`` next to it (with its -wal file, if any), a fresh
    store is started and one line saying so is appended to `notices` for the caller to
    show. Text columns are read with ``text_factory`` decoding errors replaced, so a byte
    that is not UTF-8 never stops a listing or an export.

Unusable
    `open` raises `StoreUnavailable` (a ReaderError) with a one-line message when the store
    cannot be opened for writing: the directory is unwritable or missing and cannot be
    made, the disk is full, the path is not a regular file, or the file was written by a
    newer gp-reader (then it is left untouched).

Schema
    ``PRAGMA user_version`` is the schema version; a store's `MIGRATIONS` are applied
    forward, each in the same transaction that bumps the version. Append only: a
    migration that has shipped is never edited, since users' stores have run it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, Self, TypeVar

from reader.errors import ReaderError

try:  # Unix: a lock file so two processes never both move a damaged store aside.
    import fcntl
except ImportError:  # pragma: no cover - Windows: the re-check under the lock still helps
    fcntl = None  # type: ignore[assignment]

DEFAULT_TIMEOUT = 15.0  # seconds a write waits for another process before giving up
_SQLITE_MAGIC = b"SQLite format 3\x00"

T = TypeVar("T")


class StoreUnavailable(ReaderError):
    """The store cannot be used at all; what it holds is off this run."""


class StoreBusy(ReaderError):
    """Another process held the store for longer than the timeout."""


@dataclass(frozen=True)
class StoreKind:
    """What a store is called in messages, and the schema it keeps."""

    label: str  # "reading-state store"
    holds: str  # "bookmarks and reading state": what is unavailable when it is
    still_works: str  # what the user can still do then
    migrations: tuple[str, ...]

    @property
    def schema_version(self) -> int:
        return len(self.migrations)


def now() -> str:
    """The current time as stored: ISO 8601 in UTC, to the microsecond."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def decode_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


class SQLiteStore:
    """A store on the footing: open with `open()`; use as a context manager."""

    KIND: ClassVar[StoreKind]

    def __init__(self, conn: sqlite3.Connection, path: Path, timeout: float) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self._timeout = timeout
        self.path = path
        self.notices: list[str] = []  # one-line messages for the user (e.g. a recovery)

    @classmethod
    def default_path(cls) -> Path:
        raise NotImplementedError

    @classmethod
    def open(cls, path: Path | str | None = None, *, timeout: float = DEFAULT_TIMEOUT) -> Self:
        """Open (creating or migrating) the store at `path`, else its default path.

        Raises StoreUnavailable when it cannot be written; moves a damaged file aside
        and says so in `notices`.
        """
        kind = cls.KIND
        path = Path(path) if path is not None else cls.default_path()
        _prepare_directory(kind, path)
        notices: list[str] = []
        try:
            conn = _open_connection(kind, path, timeout)
        except _Damaged as damaged:
            notice = _move_aside(kind, path, damaged.reason)
            if notice:
                notices.append(notice)
            try:
                conn = _open_connection(kind, path, timeout)
            except _Damaged as again:
                raise StoreUnavailable(
                    f"the {kind.label} {path} is unusable even after starting afresh "
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

    def move_aside_damaged(self, reason: str) -> str | None:
        """Damage found by a read after the store opened (quick_check passed): close it and
        move the file aside now, so the next run starts afresh instead of failing again.
        The notice to show, or None if another process already moved it."""
        self.close()
        return _move_aside(self.KIND, self.path, reason)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def data_version(self) -> int:
        """A number that changes when another connection (a second gp-reader, the CLI)
        commits to the store; this store's own commits leave it as it is."""
        with self._lock:
            if self._conn is None:
                raise ReaderError(f"the {self.KIND.label} is closed")
            version: int = self._conn.execute("PRAGMA data_version").fetchone()[0]
            return version

    @property
    def schema_version(self) -> int:
        version: int = self._read(lambda c: c.execute("PRAGMA user_version").fetchone()[0])
        return version

    # -- transactions --------------------------------------------------------------------

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return self._transaction(work, "BEGIN")

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return self._transaction(work, "BEGIN IMMEDIATE")

    def _transaction(self, work: Callable[[sqlite3.Connection], T], begin: str) -> T:
        """Run `work` in one transaction, retrying the whole of it while the store is busy."""
        with self._lock:
            conn = self._conn
            if conn is None:
                raise ReaderError(f"the {self.KIND.label} is closed")
            deadline = time.monotonic() + self._timeout
            while True:
                try:
                    conn.execute(begin)
                    try:
                        result = work(conn)
                        conn.execute("COMMIT")
                        return result
                    except BaseException:
                        rollback(conn)
                        raise
                except sqlite3.Error as exc:
                    if _is_busy(exc) and time.monotonic() < deadline:
                        time.sleep(random.uniform(0.002, 0.02))  # back off, then retry
                        continue
                    raise _translate(self.KIND, exc, self.path, self._timeout) from exc


def connect_for_reading(path: Path, timeout: float = DEFAULT_TIMEOUT) -> sqlite3.Connection:
    """A second connection to a store already opened (and so checked and migrated), for a
    thread of its own: SQLite connections are not shared between threads here."""
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.text_factory = decode_text
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return conn


def rollback(conn: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.execute("ROLLBACK")


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


def is_damage(exc: BaseException) -> bool:
    """Is this sqlite error (or a ReaderError made of one) a damaged file?"""
    cause = exc if isinstance(exc, sqlite3.Error) else exc.__cause__
    return isinstance(cause, sqlite3.Error) and _is_damage(cause)


def _is_damage(exc: sqlite3.Error) -> bool:
    return _error_code(exc) in _CORRUPT_CODES or "malformed" in str(exc)


def unavailable(kind: StoreKind, path: Path, reason: object) -> StoreUnavailable:
    return StoreUnavailable(
        f"{kind.holds} are unavailable: cannot write {path} ({reason}); {kind.still_works}"
    )


def _translate(kind: StoreKind, exc: sqlite3.Error, path: Path, timeout: float) -> ReaderError:
    """A sqlite error as one line a user can act on."""
    if _is_busy(exc):
        return StoreBusy(
            f"the {kind.label} {path} was busy for over {timeout:g} s "
            "(another gp-reader is writing); try again"
        )
    if _is_damage(exc):
        return ReaderError(
            f"the {kind.label} {path} is damaged ({' '.join(str(exc).split())}); "
            "run gp-reader again to move it aside and start a fresh one"
        )
    if _error_code(exc) in _UNWRITABLE_CODES:
        return unavailable(kind, path, exc)
    return ReaderError(f"{kind.label} {path}: {exc}")


def _prepare_directory(kind: StoreKind, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unavailable(kind, path, exc.strerror or exc) from None
    if not path.parent.is_dir():
        raise unavailable(kind, path, f"{path.parent} is not a directory")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise unavailable(kind, path, f"{path.parent} is not writable")
    if path.exists() and not path.is_file():
        raise unavailable(kind, path, "it is not a regular file")


def _header_problem(kind: StoreKind, path: Path) -> str | None:
    """Why the file plainly is not a SQLite database, or None (an empty file is fine)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise unavailable(kind, path, exc.strerror or exc) from None
    if head and head != _SQLITE_MAGIC:
        return "not a SQLite database"
    return None


def _integrity_problem(conn: sqlite3.Connection) -> str | None:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows == [("ok",)]:
        return None
    return "failed its integrity check: " + "; ".join(str(r[0]) for r in rows[:3])


def _open_connection(kind: StoreKind, path: Path, timeout: float) -> sqlite3.Connection:
    """Connect, check and migrate; _Damaged if the file is not a healthy store."""
    deadline = time.monotonic() + timeout
    while True:
        # No look at the file's first bytes here (SQLite checks them itself): closing any
        # descriptor of the file drops every POSIX lock this process holds on it, so a
        # store already open here would lose its locks, and another process closing the
        # store would delete the WAL under it (and what it wrote next would be lost).
        conn = None
        try:
            conn = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            conn.text_factory = decode_text
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            problem = _integrity_problem(conn)
            if problem:
                raise _Damaged(problem)
            problem = _foreign_problem(kind, conn)
            if problem:
                raise _Damaged(problem)
            _migrate(kind, conn, path)
            problem = _schema_problem(kind, conn)
            if problem:
                raise _Damaged(problem)
            return conn
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            if _error_code(exc) == "SQLITE_NOTADB":
                raise _Damaged("not a SQLite database") from None
            if _is_damage(exc):
                raise _Damaged(str(exc)) from None
            if _is_busy(exc) and time.monotonic() < deadline:
                time.sleep(random.uniform(0.005, 0.05))  # back off, then retry
                continue
            if _is_busy(exc):
                raise _translate(kind, exc, path, timeout) from None
            raise unavailable(kind, path, exc) from None
        except BaseException:
            if conn is not None:
                conn.close()
            raise


@functools.cache
def _expected_columns(kind: StoreKind) -> dict[str, frozenset[str]]:
    """Each table the migrations make, with its columns (built once, in memory)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for script in kind.migrations:
            for statement in _statements(script):
                conn.execute(statement)
        return _columns(conn)
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        table: frozenset(row[1] for row in conn.execute(f'PRAGMA table_info("{table}")'))
        for table in tables
    }


def _foreign_problem(kind: StoreKind, conn: sqlite3.Connection) -> str | None:
    """A SQLite file of something else (no schema version, tables that are not ours) is
    moved aside rather than have our tables added to it."""
    if conn.execute("PRAGMA user_version").fetchone()[0] != 0:
        return None
    other = sorted(set(_columns(conn)) - set(_expected_columns(kind)))
    if other:
        return f"not a gp-reader store (it holds tables {', '.join(other[:3])})"
    return None


def _schema_problem(kind: StoreKind, conn: sqlite3.Connection) -> str | None:
    """Why the file's tables are not the store's (damage inside the schema's own text
    passes quick_check, then every query fails with "no such column"), or None."""
    have = _columns(conn)
    for table, columns in _expected_columns(kind).items():
        missing = columns - have.get(table, frozenset())
        if missing:
            return f"its table {table} lacks {', '.join(sorted(missing))}"
    return None


def _migrate(kind: StoreKind, conn: sqlite3.Connection, path: Path) -> None:
    latest = kind.schema_version
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == latest:
        return
    if version > latest:
        raise StoreUnavailable(
            f"the {kind.label} {path} was written by a newer gp-reader (schema "
            f"{version}; this one knows up to {latest}); upgrade gp-reader — "
            "the file is left untouched"
        )
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while this one waited for the lock.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version, latest):
            for statement in _statements(kind.migrations[step]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step + 1}")
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
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
def _recovery_lock(kind: StoreKind, path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        handle = lock_path.open("a")
    except OSError as exc:
        raise unavailable(kind, path, exc.strerror or exc) from None
    with handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def _diagnose(kind: StoreKind, path: Path) -> str | None:
    """Is the store at `path` (still) damaged? The reason, or None."""
    problem = _header_problem(kind, path)
    if problem or not path.exists():
        return problem
    try:
        conn = sqlite3.connect(path, timeout=DEFAULT_TIMEOUT, isolation_level=None)
        try:
            problem = _integrity_problem(conn) or _foreign_problem(kind, conn)
            if not problem and conn.execute("PRAGMA user_version").fetchone()[0]:
                problem = _schema_problem(kind, conn)
            return problem
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc) if _is_damage(exc) else None


def _move_aside(kind: StoreKind, path: Path, reason: str) -> str | None:
    """Move a damaged store (and its -wal) aside; the notice to show, or None if another
    process already did so."""
    with _recovery_lock(kind, path):
        reason = _diagnose(kind, path) or ""
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
            raise unavailable(
                kind, path, f"it is damaged and cannot be moved aside: {exc}"
            ) from None
    reason = " ".join(reason.split())  # the notice is one line, whatever sqlite said
    return (
        f"the {kind.label} {path} was damaged ({reason}); "
        f"moved it to {backup.name} and started a fresh one"
    )
