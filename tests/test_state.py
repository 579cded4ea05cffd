"""The reading-state store (reader/state.py), against real SQLite files in tmp dirs.

Several processes at once, kill -9 in the middle of writes, damaged files, an unwritable
data directory, and export/import.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reader import paths
from reader.errors import ReaderError
from reader.store.export import EXPORT_FORMAT, EXPORT_VERSION, InvalidExport
from reader.store.records import ImportSummary
from reader.store.sqlite import StoreBusy, StoreUnavailable
from reader.store.state import SCHEMA_VERSION, StateStore


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own data and cache directories (child processes inherit them)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def store():
    with StateStore.open() as opened:
        yield opened


def without_stamp(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "exported"}


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    """A child Python process running `code` (it inherits the test's XDG dirs)."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


# -- the basics --------------------------------------------------------------------------


def test_a_new_store_lives_in_the_data_dir_in_wal_mode_with_the_current_schema(store):
    assert store.path == paths.state_db()
    assert store.path.is_file()
    assert store.schema_version == SCHEMA_VERSION
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert store.notices == []


def test_bookmarks_keep_their_first_time_and_title_and_take_a_new_note(store):
    first = store.add_bookmark("a-post", "A Post", note="read on the train")
    again = store.add_bookmark("a-post", "A Post, retitled")
    assert again == first
    noted = store.add_bookmark("a-post", "ignored", note="finished")
    assert (noted.created, noted.title, noted.note) == (first.created, "A Post", "finished")
    store.add_bookmark("b-post", "B Post")
    assert [b.article_id for b in store.bookmarks()] == ["b-post", "a-post"]
    assert store.bookmarked_ids() == {"a-post", "b-post"}
    assert store.remove_bookmark("a-post") is True
    assert store.remove_bookmark("a-post") is False
    assert store.bookmark("a-post") is None


def test_read_state_position_and_history(store):
    store.record_open("a")
    store.record_open("b")
    store.record_open("a")
    assert [h.article_id for h in store.recent(5)] == ["a", "b"]
    assert [h.article_id for h in store.recent(1)] == ["a"]
    assert len(store.export_state()["history"]) == 3
    state = store.read_state("a")
    assert state.read is False  # opening is not reading
    assert state.first_opened < state.last_opened

    store.set_position("a", 0.4)
    store.set_position("b", 1.0000001)  # scroll arithmetic; clamped
    assert store.read_state("a").position == 0.4
    assert store.read_state("b").position == 1.0
    with pytest.raises(ValueError):
        store.set_position("a", float("nan"))

    store.mark_read(["a", "c"])
    assert store.read_ids() == {"a", "c"}
    store.mark_unread("a")
    assert store.read_ids() == {"c"}
    assert store.read_state("a").position == 0.4  # marking keeps the place
    assert {s["id"] for s in store.export_state()["read_state"]} == {"a", "b", "c"}


def test_saved_searches(store):
    store.save_search("waiting", "waiting times")
    store.save_search("pcn", "primary care networks")
    store.save_search("waiting", "waiting lists")
    assert [(s.name, s.query) for s in store.saved_searches()] == [
        ("pcn", "primary care networks"),
        ("waiting", "waiting lists"),
    ]
    assert store.delete_search("pcn") is True
    assert store.delete_search("pcn") is False
    with pytest.raises(ReaderError):
        store.save_search("  ", "q")


def test_state_survives_closing_and_reopening():
    with StateStore.open() as first:
        first.add_bookmark("a", "A", note="n")
        first.mark_read("a")
        first.set_position("a", 0.25)
        first.save_search("s", "q")
        before = without_stamp(first.export_state())
    with StateStore.open() as second:
        assert without_stamp(second.export_state()) == before
        assert second.notices == []


# -- several writers at once --------------------------------------------------------------

WRITER = """
import sys
from reader.store.state import StateStore
worker, count = sys.argv[1], int(sys.argv[2])
store = StateStore.open()
print("ready", flush=True)
sys.stdin.readline()  # all workers start writing together
for i in range(count):
    aid = f"w{worker}-{i}"
    store.add_bookmark(aid, "Post " + aid)
    store.record_open(aid)
    store.record_open("shared")
    store.mark_read([aid, "shared"])
    store.set_position(aid, (i + 1) / count)
    store.save_search(f"s{worker}-{i}", "query " + aid)
store.close()
print("done", flush=True)
"""


def test_four_processes_writing_at_once_lose_nothing():
    workers, count = 4, 60
    children = [python(WRITER, str(w), str(count)) for w in range(workers)]
    for child in children:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0 and out.strip() == "done", err
        assert err == ""  # in particular, no "database is locked"

    with StateStore.open() as store:
        expected = {f"w{w}-{i}" for w in range(workers) for i in range(count)}
        assert store.bookmarked_ids() == expected
        assert store.read_ids() == expected | {"shared"}
        states = {s["id"]: s for s in store.export_state()["read_state"]}
        for w in range(workers):
            assert states[f"w{w}-{count - 1}"]["position"] == 1.0
        assert len(store.export_state()["history"]) == 2 * workers * count
        assert len(store.saved_searches()) == workers * count
    assert integrity(paths.state_db()) == "ok"


def test_threads_can_share_one_store(store):
    def write(worker: int) -> None:
        for i in range(50):
            store.add_bookmark(f"t{worker}-{i}", "t")
            store.record_open(f"t{worker}-{i}")

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.bookmarks()) == 200
    assert len(store.export_state()["history"]) == 200


def test_a_store_held_too_long_by_another_writer_is_a_plain_busy_error():
    with StateStore.open(timeout=0.2) as store:
        holder = sqlite3.connect(store.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreBusy) as caught:
                store.add_bookmark("a", "A")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert "locked" not in str(caught.value) and "busy" in str(caught.value)
        store.add_bookmark("a", "A")  # and once released, writing works again
        assert store.bookmarked_ids() == {"a"}


# -- kill -9 in the middle of writes ------------------------------------------------------

CRASHER = """
import sys
from reader.store.export import validate_export
from reader.store.state import StateStore
run = sys.argv[1]
store = StateStore.open()
print("ready", flush=True)
n = 0
while True:
    n += 1
    aid = f"one-{run}-{n}"
    store.add_bookmark(aid, "t", note="x" * 200)
    store.record_open(aid)
    store.set_position(aid, 0.5)
    store.mark_read(aid)
    print("done", aid, flush=True)
    batch = f"batch-{run}-{n}"
    snapshot = validate_export({  # validated first, so "start" means the writing starts
        "format": "gp-reader-state",
        "version": 1,
        "bookmarks": [
            {"id": f"{batch}-{i}", "title": "t", "created": "2024-01-01T00:00:00Z"}
            for i in range(BATCH)
        ],
        "history": [
            {"id": f"{batch}-{i}", "opened": f"2024-01-01T00:00:{i % 60:02d}Z"}
            for i in range(100)
        ],
    })
    print("start", batch, flush=True)
    store.import_state(snapshot)
    print("done", batch, flush=True)
"""
BATCH = 1000


def test_repeated_kill_9_during_writes_leaves_the_store_consistent():
    done: set[str] = set()
    started: set[str] = set()
    for run in range(12):
        child = python(CRASHER.replace("BATCH", str(BATCH)), str(run))
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        # Each line is printed once its write has committed (or, "start", just before a big
        # import). Let the child get a few writes in, then kill it: on even runs as it
        # starts a big import, on odd runs between the small writes.
        kill_after = ("start", "batch") if run % 2 == 0 else ("done", "one")
        seen = 0
        while seen < 1 + run % 3:
            line = child.stdout.readline().split()
            assert line, child.stderr.read()
            (done if line[0] == "done" else started).add(line[1])
            seen += (line[0], line[1].split("-")[0]) == kill_after
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        for line in child.stdout.read().splitlines():  # written before the kill landed
            words = line.split()
            if len(words) != 2:  # the kill landed while this line was being written
                continue
            what, name = words
            (done if what == "done" else started).add(name)
        for stream in (child.stdin, child.stdout, child.stderr):
            stream.close()

    path = paths.state_db()
    assert integrity(path) == "ok"
    with StateStore.open() as store:
        assert store.notices == []  # nothing looked damaged
        ids = store.bookmarked_ids()
    for name in done:  # every write that reported done is there
        assert name in ids or {f"{name}-{i}" for i in range(BATCH)} <= ids, name
    batch_sizes: dict[str, int] = {}
    for i in ids:
        if i.startswith("batch-"):
            prefix = i.rsplit("-", 1)[0]
            batch_sizes[prefix] = batch_sizes.get(prefix, 0) + 1
    # A batch is all there or not at all, however the kill fell ...
    assert set(batch_sizes.values()) == {BATCH}
    # ... and some kills did fall in the middle of one, or this proved nothing.
    assert started - done - set(batch_sizes)


# -- damaged files ------------------------------------------------------------------------


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".corrupt-*"))


def assert_moved_aside(store: StateStore, original: bytes) -> None:
    path = paths.state_db()
    [notice] = store.notices
    assert "\n" not in notice
    [backup] = [b for b in backups(path) if not b.name.endswith("-wal")]
    assert backup.name in notice and "fresh" in notice
    assert backup.read_bytes() == original  # the user's data is kept for recovery
    store.add_bookmark("after", "After")  # the fresh store works
    assert store.bookmarked_ids() == {"after"}
    assert integrity(path) == "ok"


def test_a_non_sqlite_file_is_moved_aside_and_a_fresh_store_started():
    path = paths.state_db()
    path.parent.mkdir(parents=True)
    original = b"my notes, not a database\n" * 20
    path.write_bytes(original)
    with StateStore.open() as store:
        assert "not a SQLite database" in store.notices[0]
        assert_moved_aside(store, original)


def test_a_sqlite_file_with_damaged_pages_is_moved_aside():
    with StateStore.open() as store:
        for i in range(300):
            store.add_bookmark(f"article-{i:04d}", "A title " * 5, note="n" * 50)
    path = paths.state_db()
    damaged = bytearray(path.read_bytes())
    assert len(damaged) > 5 * 4096
    damaged[2 * 4096 : 4 * 4096] = b"\xff" * (2 * 4096)
    path.write_bytes(damaged)
    with StateStore.open() as store:
        assert_moved_aside(store, bytes(damaged))


def test_a_truncated_store_is_moved_aside():
    with StateStore.open() as store:
        for i in range(300):
            store.add_bookmark(f"article-{i:04d}", "A title " * 5)
    path = paths.state_db()
    cut = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(cut)
    with StateStore.open() as store:
        assert_moved_aside(store, cut)


RECOVERER = """
from reader.store.state import StateStore
with StateStore.open() as store:
    store.add_bookmark("from-child", "t")
    for notice in store.notices:
        print(notice)
"""


def test_processes_meeting_a_damaged_store_at_once_move_it_aside_once():
    path = paths.state_db()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage" * 100)
    children = [python(RECOVERER) for _ in range(4)]
    outputs = [child.communicate(timeout=60) for child in children]
    assert all(child.returncode == 0 for child in children), outputs
    notices = [line for out, _ in outputs for line in out.splitlines()]
    assert len(notices) == 1
    assert len(backups(path)) == 1
    with StateStore.open() as store:
        assert store.bookmarked_ids() == {"from-child"}


def test_an_empty_file_is_simply_a_new_store():
    path = paths.state_db()
    path.parent.mkdir(parents=True)
    path.touch()
    with StateStore.open() as store:
        assert store.notices == [] and store.schema_version == SCHEMA_VERSION
    assert backups(path) == []


def test_a_store_from_a_newer_gp_reader_is_refused_and_left_untouched():
    with StateStore.open() as store:
        store.add_bookmark("a", "A")
    conn = sqlite3.connect(paths.state_db())
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = hashlib.sha256(paths.state_db().read_bytes()).hexdigest()
    with pytest.raises(StoreUnavailable, match="newer gp-reader"):
        StateStore.open()
    assert hashlib.sha256(paths.state_db().read_bytes()).hexdigest() == before
    assert backups(paths.state_db()) == []


# -- an unwritable data directory -----------------------------------------------------------


def test_an_unusable_data_dir_is_one_clear_error(tmp_path, monkeypatch):
    # A regular file where the data directory should be: no user, root included, can
    # create the store there.
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    with pytest.raises(StoreUnavailable) as caught:
        StateStore.open()
    message = str(caught.value)
    assert "\n" not in message and "browsing and search still work" in message
    assert isinstance(caught.value, ReaderError)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anyway")
def test_a_read_only_data_dir_is_one_clear_error():
    paths.data_dir().mkdir(parents=True)
    paths.data_dir().chmod(0o500)
    try:
        with pytest.raises(StoreUnavailable, match="not writable"):
            StateStore.open()
    finally:
        paths.data_dir().chmod(0o700)


# -- export and import --------------------------------------------------------------------


def fill(store: StateStore) -> None:
    store.add_bookmark("kept-post", "Kept Post", note="for the practice meeting")
    store.add_bookmark("gone-post", "A Post That Was Removed")
    store.record_open("kept-post")
    store.record_open("other-post")
    store.set_position("kept-post", 0.6)
    store.mark_read(["other-post"])
    store.save_search("arrs", "additional roles")


def test_export_then_import_into_an_empty_store_gives_the_same_state(tmp_path):
    with StateStore.open() as source:
        fill(source)
        exported = json.loads(json.dumps(source.export_state()))
    assert exported["format"] == EXPORT_FORMAT and exported["version"] == EXPORT_VERSION == 2
    with StateStore.open(tmp_path / "elsewhere" / "state.sqlite3") as target:
        summary = target.import_state(exported)
        assert (summary.bookmarks_added, summary.history_added, summary.searches_added) == (
            2,
            2,
            1,
        )
        assert without_stamp(target.export_state()) == without_stamp(exported)
        assert target.recent(5)[0].article_id == "other-post"
        assert target.read_state("kept-post").position == 0.6


def test_importing_the_same_export_again_adds_nothing(store):
    fill(store)
    exported = store.export_state()
    first = store.import_state(exported)
    assert first == ImportSummary() and first.describe() == "nothing new"
    assert without_stamp(store.export_state()) == without_stamp(exported)
    assert len(store.export_state()["history"]) == 2


def test_import_merges_by_the_more_recent_change(store):
    store.add_bookmark("a", "A")
    store.mark_read("a")
    mine = store.export_state()
    other = copy.deepcopy(mine)
    [state] = other["read_state"]
    state["read"], state["read_changed"] = False, "2000-01-01T00:00:00+00:00"  # older
    other["bookmarks"][0]["note"] = "from the laptop"
    other["bookmarks"].append({"id": "b", "title": "B", "created": "2001-01-01T00:00:00Z"})
    summary = store.import_state(other)
    assert store.read_ids() == {"a"}  # the older "unread" lost
    assert store.bookmark("a").note == "from the laptop"  # an empty note is filled in
    assert store.bookmark("b").created == "2001-01-01T00:00:00.000000+00:00"
    assert (summary.bookmarks_added, summary.bookmarks_updated) == (1, 1)

    state["read"], state["read_changed"] = False, "2999-01-01T00:00:00+00:00"  # newer
    store.import_state(other)
    assert store.read_ids() == set()


def _valid() -> dict:
    return {
        "format": EXPORT_FORMAT,
        "version": 1,
        "bookmarks": [
            {"id": "new-1", "title": "New", "created": "2024-01-01T00:00:00Z"},
            {"id": "new-2", "title": "New", "created": "2024-01-01T00:00:00Z", "note": None},
        ],
        "read_state": [{"id": "new-1", "read": True, "read_changed": "2024-01-02T00:00:00Z"}],
        "history": [{"id": "new-1", "opened": "2024-01-02T00:00:00Z"}],
        "saved_searches": [{"name": "new", "query": "q", "saved": "2024-01-02T00:00:00Z"}],
    }


def _broken(change) -> dict:
    document = _valid()
    change(document)
    return document


BAD_DOCUMENTS = {
    "a list": [],
    "no format": _broken(lambda d: d.pop("format")),
    "another format": _broken(lambda d: d.update(format="bookmarks")),
    "a future version": _broken(lambda d: d.update(version=99)),
    "a string version": _broken(lambda d: d.update(version="1")),
    "bookmarks not a list": _broken(lambda d: d.update(bookmarks={"id": "x"})),
    "a bookmark not an object": _broken(lambda d: d["bookmarks"].append("x")),
    "a bookmark without id": _broken(lambda d: d["bookmarks"].append({"title": "t"})),
    "an empty id": _broken(
        lambda d: d["bookmarks"].append({"id": " ", "title": "t", "created": "2024-01-01"})
    ),
    "a bad time": _broken(lambda d: d["bookmarks"][1].update(created="yesterday")),
    "a numeric note": _broken(lambda d: d["bookmarks"][1].update(note=3)),
    "read not a bool": _broken(lambda d: d["read_state"][0].update(read="yes")),
    "position above 1": _broken(lambda d: d["read_state"][0].update(position=1.5)),
    "position a bool": _broken(lambda d: d["read_state"][0].update(position=True)),
    "history without time": _broken(lambda d: d["history"].append({"id": "x"})),
    "a search without query": _broken(
        lambda d: d["saved_searches"].append({"name": "n", "saved": "2024-01-01"})
    ),
}


def test_the_valid_document_used_below_imports():
    with StateStore.open() as store:
        assert store.import_state(_valid()).bookmarks_added == 2


@pytest.mark.parametrize("name", BAD_DOCUMENTS)
def test_a_bad_import_changes_nothing(store, name):
    fill(store)
    before = without_stamp(store.export_state())
    with pytest.raises(InvalidExport) as caught:
        store.import_state(BAD_DOCUMENTS[name])
    assert "\n" not in str(caught.value)
    assert without_stamp(store.export_state()) == before


def test_a_bookmark_outlives_its_article_through_export_and_import(tmp_path, store):
    # The store knows nothing of the corpus: a bookmark is kept, with its remembered title,
    # whatever happens to the article (the CLI shows it as missing).
    fill(store)
    with StateStore.open(tmp_path / "moved" / "state.sqlite3") as target:
        target.import_state(store.export_state())
        kept = target.bookmark("gone-post")
    assert kept is not None and kept.title == "A Post That Was Removed"


def test_data_version_moves_when_another_connection_commits(tmp_path):
    path = tmp_path / "state.sqlite3"
    with StateStore.open(path) as one, StateStore.open(path) as other:
        before = one.data_version()
        one.mark_read("a")
        assert one.data_version() == before  # its own commit
        other.mark_read("b")
        assert one.data_version() != before
