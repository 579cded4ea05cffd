"""Two stores on one file in one process (the app: the session's library store and the
corpus's) while another gp-reader writes to it.

SQLite's locks are POSIX record locks, which a process loses on the file when it closes
*any* descriptor of it. Opening a store used to read the file's first bytes with Python
and close them, which dropped the locks of the store already open; another process that
closed then thought itself the last, deleted the WAL under the open store, and what it
wrote next was never seen, and was lost when the open store checkpointed over it."""

from __future__ import annotations

import subprocess
import sys

from reader import paths
from reader.store.posts import PostStore
from reader.store.state import StateStore

REPO_ROOT = paths.__file__.rsplit("/reader/", 1)[0]


def bookmark_elsewhere(path, article_id: str) -> None:
    code = (
        "import sys; from reader.store.state import StateStore\n"
        "s = StateStore.open(sys.argv[1]); s.add_bookmark(sys.argv[2], 'T'); s.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(path), article_id], check=True, cwd=REPO_ROOT)


def test_a_second_open_in_the_process_keeps_the_first_seeing_other_writers(tmp_path):
    path = tmp_path / "state.sqlite3"
    first = StateStore.open(path)
    first.bookmarked_ids()
    StateStore.open(path).close()  # as the app opens a store a second time
    for n in range(3):
        bookmark_elsewhere(path, f"elsewhere-{n}")
        assert (tmp_path / "state.sqlite3-wal").exists()  # not deleted under `first`
        assert first.bookmarked_ids() == {f"elsewhere-{i}" for i in range(n + 1)}
    first.add_bookmark("here", "H")
    first.close()
    with StateStore.open(path) as again:  # nothing the other process wrote was lost
        assert again.bookmarked_ids() == {"here", "elsewhere-0", "elsewhere-1", "elsewhere-2"}


def test_the_library_version_changes_for_a_store_open_beside_another(tmp_path):
    path = tmp_path / "library.sqlite3"
    PostStore.open(path).close()
    watcher = PostStore.open(path)  # the session's: it asks for the version
    before = watcher.version()
    reader = PostStore.open(path)  # the corpus's: it reads the posts
    code = (
        "import sys; from reader.store.posts import PostStore\n"
        "s = PostStore.open(sys.argv[1]); s._write(lambda c: c.execute("
        "\"INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)\", (sys.argv[2],)))\n"
        "s.close()"
    )
    for n in range(3):  # another gp-reader syncs, and again
        run = [sys.executable, "-c", code, str(path), f"v{n}"]
        subprocess.run(run, check=True, cwd=REPO_ROOT)
        assert watcher.version() == f"v{n}" != before
    reader.close()
    watcher.close()


def test_a_file_that_is_not_sqlite_is_still_named_so(tmp_path):
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"my notes, not a database\n" * 20)
    with StateStore.open(path) as store:
        assert "not a SQLite database" in store.notices[0]
