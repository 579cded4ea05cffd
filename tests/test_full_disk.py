"""A full data directory: browsing goes on, failed writes are kept and retried, the app
says so and never stops (a tmpfs filled to the last byte; needs root to mount one)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 2 MB file system of its own, and a way to fill it and free it again."""
    if not _can_mount():
        pytest.skip("mounting a small file system needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)])
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    filler = mount / "filler"
    views: list[Path] = []

    class Disk:
        path = mount

        def fill(self) -> None:
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            try:
                for size in (65536, 4096, 1):  # big writes, then the last scraps
                    try:
                        while True:
                            os.write(fd, b"\0" * size)
                    except OSError:
                        continue
            finally:
                os.close(fd)

        def free(self) -> None:
            filler.unlink()

        def read_only(self) -> Path:
            """The same files through a read-only bind mount."""
            view = tmp_path / "read-only-view"
            view.mkdir()
            subprocess.run(["mount", "--bind", str(mount), str(view)], check=True)
            views.append(view)
            subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True)
            return view

    try:
        yield Disk()
    finally:
        for view in views:
            subprocess.run(["umount", "-l", str(view)])
        subprocess.run(["umount", "-l", str(mount)])


def test_a_full_data_directory_still_shows_imported_posts(small_disk, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(small_disk.path / "data"))
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Imported before the disk filled\n---\n\nAbout tmpfs disks.\n")
    assert cli("import", str(post))[0] == 0
    small_disk.fill()
    code, out, err = cli("list", "--json")
    assert code == 0 and "Imported before the disk filled" in [p["title"] for p in json.loads(out)]
    # Opened for writing if SQLite needs no new byte to do so, else read-only, with a line.
    assert err.count("\n") <= 1 and "Traceback" not in err
    code, out, _ = cli("show", "imported-before-the-disk-filled")
    assert code == 0 and "About tmpfs disks." in out
    code, out, _ = cli("search", "tmpfs")
    assert code == 0 and "Imported before the disk filled" in out
    code, _, err = cli("import", str(tmp_path / "p.md"))  # nothing new: no write needed
    assert "Traceback" not in err


def test_a_failed_write_in_the_session_is_kept_and_retried(small_disk, monkeypatch):
    from reader.articles.bundled import load_corpus
    from reader.session import Session
    from reader.store.state import StateStore

    monkeypatch.setenv("XDG_DATA_HOME", str(small_disk.path / "data"))
    corpus = load_corpus()
    store = StateStore.open()
    session = Session(corpus, store)
    first, second = corpus.articles[0], corpus.articles[1]
    small_disk.fill()
    for article in corpus.articles[:6]:  # enough rows that some write needs a new page
        session.toggle_bookmark(article)
        session.set_read(article.id, True)
    assert session.is_bookmarked(first.id) and session.is_read(second.id)
    assert session.unsaved and "Could not save" in session.write_problem
    assert not session.retry_writes()
    small_disk.free()
    assert session.retry_writes() and session.unsaved == 0 and session.write_problem is None
    with StateStore.open() as again:
        assert {a.id for a in corpus.articles[:6]} <= again.bookmarked_ids()
        assert {a.id for a in corpus.articles[:6]} <= again.read_ids()
    session.close()


async def test_b_on_a_full_disk_says_so_and_the_app_keeps_going(small_disk, monkeypatch):
    from tests.ui_support import make_app, wait_until

    monkeypatch.setenv("XDG_DATA_HOME", str(small_disk.path / "data"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.screen.current is not None)
        small_disk.fill()
        screen = app.screen
        for _ in range(8):  # bookmark, unbookmark ... until a write needs a page
            await pilot.press("b")
            if screen.session.unsaved:
                break
        await pilot.pause()
        assert screen.session.unsaved
        assert any("Could not save" in str(n.message) for n in app._notifications)
        small_disk.free()
        screen._sync_state()
        assert screen.session.unsaved == 0
        await pilot.press("j")  # still running


def test_an_unwritable_data_directory_shows_imported_posts_read_only(
    small_disk, cli, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_DATA_HOME", str(small_disk.path / "data"))
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Imported before it went read-only\n---\n\nText.\n")
    assert cli("import", str(post))[0] == 0
    monkeypatch.setenv("XDG_DATA_HOME", str(small_disk.read_only() / "data"))
    code, out, err = cli("list")
    assert code == 0 and "Imported before it went read-only" in out
    assert err.count("\n") == 1 and "read-only" in err
    assert cli("search", "imported")[0] == 0
    other = tmp_path / "q.md"
    other.write_text("---\ntitle: Another\n---\n\nText.\n")
    code, _, err = cli("import", str(other))
    assert code == 1 and "Traceback" not in err and "cannot write" in err
