"""`gp-reader bookmark`, `mark`, `state` and `list --unread/--bookmarked`, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import reader.articles.bundled
from reader import paths
from reader.articles.bundled import Corpus, load_corpus
from reader.store.state import StateStore
from tests.cli_support import Ran


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The parsed corpus is rebuildable and not under test here: parse it once per module.
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own data directory (child processes inherit it)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared_cache))
    return tmp_path


@pytest.fixture(scope="module")
def ids(shared_cache: Path) -> list[str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(shared_cache))
        return [a.id for a in load_corpus()]


def one_line_error(ran: Ran) -> str:
    assert ran.err.count("\n") == 1 and ran.err.startswith("gp-reader"), ran.err
    assert "Traceback" not in ran.err
    return ran.err


def exported(cli) -> dict:
    ran = cli("state", "export")
    assert ran.code == 0, ran.err
    return {k: v for k, v in ran.json().items() if k != "exported"}


# -- bookmarks ----------------------------------------------------------------------------


def test_bookmark_add_list_remove(cli, ids):
    assert cli("bookmark", "add", ids[0], "--note", "for Tuesday").code == 0
    assert cli("bookmark", "add", ids[1]).code == 0
    ran = cli("bookmark", "list", "--json")
    assert ran.code == 0
    rows = ran.json()
    assert [r["id"] for r in rows] == [ids[1], ids[0]]  # newest first
    assert set(rows[0]) == {"id", "title", "note", "created", "missing"}
    assert rows[1]["note"] == "for Tuesday" and rows[1]["missing"] is False
    text = cli("bookmark", "list").out
    assert ids[0] in text and "for Tuesday" in text

    assert cli("bookmark", "remove", ids[0]).code == 0
    assert [r["id"] for r in cli("bookmark", "list", "--json").json()] == [ids[1]]
    again = cli("bookmark", "remove", ids[0])
    assert again.code == 1 and "not bookmarked" in one_line_error(again)


def test_bookmarking_again_changes_the_note_not_the_time(cli, ids):
    cli("bookmark", "add", ids[0])
    [first] = cli("bookmark", "list", "--json").json()
    cli("bookmark", "add", ids[0], "--note", "later")
    [second] = cli("bookmark", "list", "--json").json()
    assert second["created"] == first["created"] and second["note"] == "later"


def test_unknown_ids_exit_2_with_one_line_and_change_nothing(cli, ids):
    for args in (
        ("bookmark", "add", "no-such-post"),
        ("bookmark", "remove", "no-such-post"),
        ("mark", "read", ids[0], "no-such-post"),
        ("mark", "unread", "no-such-post"),
    ):
        ran = cli(*args)
        assert ran.code == 2, args
        assert "no-such-post" in one_line_error(ran)
    assert exported(cli)["bookmarks"] == [] and exported(cli)["read_state"] == []


def test_usage_errors_are_one_line(cli):
    for args in (("bookmark",), ("mark", "read"), ("state", "import")):
        ran = cli(*args)
        assert ran.code == 2
        one_line_error(ran)


def test_a_bookmark_outlives_its_article(cli, ids, monkeypatch):
    gone = ids[3]
    assert cli("bookmark", "add", gone, "--note", "cite this").code == 0
    assert cli("bookmark", "add", ids[0]).code == 0
    title = load_corpus().get(gone).title

    # A later corpus no longer has the post (a re-capture, a parser change...).
    full = load_corpus()
    smaller = Corpus([a for a in full if a.id != gone], full.manifest, full.fingerprint)
    monkeypatch.setattr(reader.articles.bundled, "load_corpus", lambda *a, **k: smaller)

    rows = {r["id"]: r for r in cli("bookmark", "list", "--json").json()}
    assert rows[gone] == {
        "id": gone,
        "title": title,  # remembered from when it was bookmarked
        "note": "cite this",
        "created": rows[gone]["created"],
        "missing": True,
    }
    assert rows[ids[0]]["missing"] is False
    assert (
        "missing" in [line for line in cli("bookmark", "list").out.splitlines() if gone in line][0]
    )
    assert gone in [b["id"] for b in exported(cli)["bookmarks"]]
    # and it can still be removed
    assert cli("bookmark", "remove", gone).code == 0
    assert [r["id"] for r in cli("bookmark", "list", "--json").json()] == [ids[0]]


# -- read state and list filters ----------------------------------------------------------


def test_mark_read_and_list_unread_and_bookmarked(cli, ids):
    assert cli("mark", "read", ids[0], ids[1], ids[2]).code == 0
    assert cli("mark", "unread", ids[2]).code == 0
    unread = [a["id"] for a in cli("list", "--unread", "--json").json()]
    assert unread == [i for i in ids if i not in (ids[0], ids[1])]

    cli("bookmark", "add", ids[1])
    cli("bookmark", "add", ids[5])
    assert [a["id"] for a in cli("list", "--bookmarked", "--json").json()] == [ids[1], ids[5]]
    both = cli("list", "--bookmarked", "--unread")
    assert both.code == 0 and ids[5] in both.out and ids[1] not in both.out
    assert len(cli("list", "--json").json()) == len(ids)  # plain list is unchanged


# -- export and import --------------------------------------------------------------------


def fill(cli, ids) -> None:
    cli("bookmark", "add", ids[0], "--note", "n")
    cli("bookmark", "add", ids[4])
    cli("mark", "read", ids[2], ids[3])
    with StateStore.open() as store:
        store.record_open(ids[2])
        store.set_position(ids[2], 0.3)
        store.save_search("pcn", "primary care networks")


def test_export_import_round_trip_to_another_machine(cli, ids, tmp_path, monkeypatch):
    fill(cli, ids)
    backup = tmp_path / "backup.json"
    ran = cli("state", "export", str(backup))
    assert ran.code == 0 and ran.out == ""
    assert json.loads(backup.read_text())["format"] == "gp-reader-state"
    before = exported(cli)

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "other-machine"))
    assert exported(cli)["bookmarks"] == []
    ran = cli("state", "import", str(backup))
    assert ran.code == 0 and "bookmarks: 2 added" in ran.out
    assert exported(cli) == before

    again = cli("state", "import", str(backup))
    assert again.code == 0 and "nothing new" in again.out
    assert exported(cli) == before


def test_import_from_stdin(cli, ids, tmp_path, monkeypatch):
    fill(cli, ids)
    document = cli("state", "export").out
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "elsewhere"))
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": _Bytes(document.encode())})())
    assert cli("state", "import", "-").code == 0
    assert len(exported(cli)["bookmarks"]) == 2


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self) -> bytes:
        return self.data


BAD_FILES = {
    "empty.json": b"",
    "not-json.json": b"{bookmarks: yes",
    "binary.json": b"\xff\xfe\x00garbage",
    "list.json": b"[]",
    "wrong-format.json": b'{"format": "firefox", "version": 1}',
    "future.json": b'{"format": "gp-reader-state", "version": 7}',
    "half-good.json": json.dumps(
        {
            "format": "gp-reader-state",
            "version": 1,
            "bookmarks": [
                {"id": "good-one", "title": "t", "created": "2024-01-01T00:00:00Z"},
                {"id": "bad-one", "title": "t", "created": "last week"},
            ],
        }
    ).encode(),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_import_file_changes_nothing_and_says_so_in_one_line(cli, ids, tmp_path, name):
    fill(cli, ids)
    before = exported(cli)
    bad = tmp_path / name
    bad.write_bytes(BAD_FILES[name])
    ran = cli("state", "import", str(bad))
    assert ran.code != 0
    assert "nothing was imported" in one_line_error(ran)
    assert exported(cli) == before


def test_importing_a_missing_file_or_a_directory_is_one_line(cli, tmp_path):
    for target in (tmp_path / "nowhere.json", tmp_path):
        ran = cli("state", "import", str(target))
        assert ran.code == 1
        one_line_error(ran)


def test_state_path_names_the_store(cli):
    assert cli("state", "path").out.strip() == str(paths.state_db())


# -- faults, through the real command -----------------------------------------------------


def gp_reader(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "reader", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def test_four_gp_reader_processes_at_once_lose_nothing(ids):
    rounds = [
        [("bookmark", "add", ids[w]) for w in range(4)],
        [("bookmark", "add", ids[4 + w], "--note", f"n{w}") for w in range(4)],
        [("mark", "read", *ids[w::4]) for w in range(4)],
    ]
    for commands in rounds:
        children = [gp_reader(*args) for args in commands]
        for child in children:
            out, err = child.communicate(timeout=60)
            assert child.returncode == 0 and err == "", err
    with StateStore.open() as store:
        assert store.bookmarked_ids() == set(ids[:8])
        assert store.read_ids() == set(ids)


def test_a_corrupt_store_is_moved_aside_with_one_line_and_the_command_still_works(cli, ids):
    path = paths.state_db()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00\x01 this is not a database " * 50)
    ran = cli("bookmark", "add", ids[0])
    assert ran.code == 0
    notice = one_line_error(ran)
    [backup] = path.parent.glob("state.sqlite3.corrupt-*")
    assert backup.name in notice
    assert backup.read_bytes() == b"\x00\x01 this is not a database " * 50
    assert [r["id"] for r in cli("bookmark", "list", "--json").json()] == [ids[0]]
    assert cli("bookmark", "list").err == ""  # said once, not on every run


def test_an_unusable_data_dir_is_one_line_and_browsing_still_works(cli, ids, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))
    for args in (("bookmark", "list"), ("mark", "read", ids[0]), ("list", "--unread")):
        ran = cli(*args)
        assert ran.code == 1, args
        assert "browsing and search still work" in one_line_error(ran)
    assert cli("list").code == 0
    ran = cli("show", ids[0])
    assert ran.code == 0 and ran.out.startswith("# ")
