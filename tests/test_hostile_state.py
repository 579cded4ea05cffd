"""State import and export against hostile files: one line, the store untouched."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_support import Ran

EXPORT = {
    "format": "gp-reader-state",
    "version": 1,
    "bookmarks": [{"id": "some-post", "title": "T", "created": "2024-01-02T03:04:05+00:00"}],
}


def one_line(ran: Ran) -> str:
    assert ran.code != 0, ran.out
    assert ran.err.count("\n") == 1 and ran.err.startswith("gp-reader"), ran.err
    return ran.err


def state_now(cli) -> dict:
    ran = cli("state", "export")
    assert ran.code == 0, ran.err
    return {k: v for k, v in json.loads(ran.out).items() if k != "exported"}


def with_bookmark(**fields) -> bytes:
    mark = {"id": "x", "title": "T", "created": "2024-01-02T03:04:05Z"} | fields
    return json.dumps({**EXPORT, "bookmarks": [mark]}).encode()


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"format": "gp-reader-state", "version": ' + b"9" * 5000 + b"}", "not usable JSON"),
        (with_bookmark(created="0001-01-01T00:00:00+05:00"), "out of range"),
        (with_bookmark(created="9999-12-31T23:59:59-05:00"), "out of range"),
        (with_bookmark(created=12), "ISO 8601"),
        (with_bookmark(id=["x"]), '"id"'),
        (with_bookmark(note={"a": 1}), '"note"'),
        (b'{"format": "gp-reader-state", "version": 1, "bookmarks": {"a": 1}}', "list"),
        (b'{"format": "gp-reader-state", "version": 1, "read_state": [7]}', "object"),
        (b'{"format": "gp-reader-state", "version": 1e400}', "version"),
        (b"\xff\xfe{}", "UTF-8"),
        (b"", "JSON"),
    ],
    ids=lambda v: v[:30] if isinstance(v, str) else None,
)
def test_hostile_state_files_are_one_line_and_change_nothing(cli, tmp_path, raw, said):
    before = state_now(cli)
    path = tmp_path / "state.json"
    path.write_bytes(raw)
    err = one_line(cli("state", "import", str(path)))
    assert said in err and "nothing was imported" in err
    assert state_now(cli) == before


def test_a_lone_surrogate_and_escape_codes_are_stored_clean(cli, tmp_path):
    path = tmp_path / "state.json"
    # json.dumps writes a lone surrogate as the escape \\udc80, as another tool might.
    path.write_bytes(with_bookmark(title="bad \udc80 \x1b]52;c;AAAA\x07title", note="n\x1b[2J"))
    ran = cli("state", "import", str(path))
    assert ran.code == 0, ran.err
    (mark,) = state_now(cli)["bookmarks"]
    assert mark["title"] == "bad \ufffd title" and mark["note"] == "n"


def test_an_undecodable_note_is_refused_in_one_line(cli):
    from reader.articles.bundled import load_corpus

    post = load_corpus().articles[0].id
    before = state_now(cli)
    note = b"caf\xe9".decode("utf-8", "surrogateescape")  # as Python hands over argv
    err = one_line(cli("bookmark", "add", post, "--note", note))
    assert "not UTF-8" in err and "--note" in err
    assert state_now(cli) == before
    assert "not UTF-8" in one_line(cli("search", b"\xff\xfe".decode("utf-8", "surrogateescape")))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(alphabet=st.characters(codec=None) | st.just("\udc80"), max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
record_keys = st.sampled_from(
    [
        "id",
        "title",
        "created",
        "note",
        "read",
        "read_changed",
        "position",
        "opened",
        "name",
        "query",
        "saved",
        "first_opened",
        "last_opened",
        "position_changed",
    ]
)
records = st.lists(st.dictionaries(record_keys, json_values, max_size=8), max_size=3)
documents = st.fixed_dictionaries(
    {"format": st.just("gp-reader-state"), "version": st.sampled_from([1, 1, 2, 0, "1"])},
    optional={
        "bookmarks": records | json_values,
        "read_state": records | json_values,
        "history": records,
        "saved_searches": records,
    },
)


@given(documents | json_values)
def test_any_json_is_imported_whole_or_refused_in_one_line(tmp_path_factory, document):
    from reader.store.export import InvalidExport
    from reader.store.state import StateStore

    path = tmp_path_factory.mktemp("fuzz") / "state.sqlite3"
    with StateStore.open(path) as store:
        before = store.export_state()
        try:
            store.import_state(document)
        except InvalidExport as exc:
            assert "\n" not in str(exc)
            after = store.export_state()
            assert {k: v for k, v in after.items() if k != "exported"} == {
                k: v for k, v in before.items() if k != "exported"
            }
        else:  # what was stored is clean, and exports and imports again
            again = store.export_state()
            text = json.dumps(again, ensure_ascii=False)
            assert "\x1b" not in text and "\udc80" not in text
            store.import_state(json.loads(text))


# -- state export FILE ---------------------------------------------------------------------


def test_export_writes_through_a_symlink(cli, tmp_path):
    target = tmp_path / "backups" / "state.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    ran = cli("state", "export", str(link))
    assert ran.code == 0, ran.err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["format"] == "gp-reader-state"


def test_export_to_dash_is_stdout(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ran = cli("state", "export", "-")
    assert json.loads(ran.out)["format"] == "gp-reader-state"
    assert not (tmp_path / "-").exists()


def test_export_refuses_special_files_and_missing_folders(cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "not a regular file" in one_line(cli("state", "export", str(fifo)))
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert "folder" in one_line(cli("state", "export", str(tmp_path)))
    missing = tmp_path / "no" / "such" / "state.json"
    assert "does not exist" in one_line(cli("state", "export", str(missing)))
    assert not (tmp_path / "no").exists()
    if os.path.exists("/dev/null"):
        assert "not a regular file" in one_line(cli("state", "export", "/dev/null"))
        assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
