"""`gp-reader highlight ...`, `bookmark note`, highlights in `state export/import`, as run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.annotations import place
from reader.articles.bundled import load_corpus
from reader.store.state import StateStore


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared_cache))
    return tmp_path


POST = "what-a-neighbourhood-health-service-for-london-means-for"


def test_add_list_note_remove(cli):
    code, out, _ = cli("highlight", "add", POST, "--quote", "a somewhat fuzzy concept")
    assert code == 0
    hid = out.split()[-1]
    code, out, _ = cli("highlight", "note", hid[:5], "Quote this in section 2")
    assert code == 0
    code, out, _ = cli("highlight", "list", "--json")
    (row,) = json.loads(out)
    assert set(row) == {"id", "article_id", "quote", "note", "created", "updated", "detached"}
    assert row["quote"] == "a somewhat fuzzy concept" and row["note"] == "Quote this in section 2"
    assert row["article_id"] == POST and row["detached"] is False
    code, out, _ = cli("highlight", "list", POST)
    assert "a somewhat fuzzy concept" in out and "note: Quote this" in out
    assert cli("highlight", "remove", hid)[0] == 0
    assert json.loads(cli("highlight", "list", "--json")[1]) == []


def test_a_quote_not_in_the_post_exits_2_with_one_line(cli):
    code, out, err = cli("highlight", "add", POST, "--quote", "the ARRS was abolished")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "not in" in err
    code, _, err = cli("highlight", "add", "no-such-post", "--quote", "x")
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = cli("highlight", "remove", "ffffffffffff")
    assert code == 2 and "no highlight" in err


def test_typed_straight_quotes_find_curly_ones(cli):
    code, out, _ = cli("highlight", "add", POST, "--quote", 'terming a "target operating model"')
    assert code == 0
    (row,) = json.loads(cli("highlight", "list", "--json")[1])
    assert row["quote"] == "terming a “target operating model”"


def test_bookmark_note_sets_and_clears(cli):
    assert cli("bookmark", "note", POST, "For the board paper")[0] == 0
    (mark,) = json.loads(cli("bookmark", "list", "--json")[1])
    assert mark["note"] == "For the board paper"
    assert cli("bookmark", "note", POST, "")[0] == 0
    (mark,) = json.loads(cli("bookmark", "list", "--json")[1])
    assert mark["note"] is None


def test_state_export_carries_highlights_and_version_1_still_imports(cli, tmp_path):
    cli("highlight", "add", POST, "--quote", "a somewhat fuzzy concept", "--note", "n1")
    out = tmp_path / "state.json"
    assert cli("state", "export", str(out))[0] == 0
    document = json.loads(out.read_text())
    assert document["version"] == 2 and len(document["highlights"]) == 1
    hid = document["highlights"][0]["id"]
    # Into a fresh store: the highlight comes back whole; a second import adds nothing.
    (tmp_path / "data").rename(tmp_path / "old-data")
    code, said, _ = cli("state", "import", str(out))
    assert code == 0 and "highlights: 1 added" in said
    assert "nothing new" in cli("state", "import", str(out))[1]
    (row,) = json.loads(cli("highlight", "list", "--json")[1])
    assert row["id"] == hid and row["note"] == "n1"
    # An older file (version 1, no highlights) imports.
    old = {"format": "gp-reader-state", "version": 1, "bookmarks": [], "history": []}
    (tmp_path / "v1.json").write_text(json.dumps(old))
    assert cli("state", "import", str(tmp_path / "v1.json"))[0] == 0
    # A bad highlight in an export: one line, nothing imported.
    document["highlights"][0]["end"] = 0
    (tmp_path / "bad.json").write_text(json.dumps(document))
    code, _, err = cli("state", "import", str(tmp_path / "bad.json"))
    assert code != 0 and "highlights[0]" in err and len(err.strip().splitlines()) == 1


def test_a_changed_post_reanchors_and_a_lost_passage_is_kept_detached():
    from dataclasses import replace

    article = load_corpus().get(POST)
    with StateStore.open() as store:
        from reader.annotations import highlight_quote

        kept, _ = highlight_quote(store, article, "a somewhat fuzzy concept")
        lost, _ = highlight_quote(store, article, "one it describes thus")
        fuller = replace(
            article,
            body="A new opening paragraph.\n\n"
            + article.body.replace("one it describes thus", "as follows"),
        )
        placed = {h.id: h for h in place(store, fuller)}
        assert not placed[kept.id].detached
        assert placed[kept.id].start == kept.start + len("A new opening paragraph.\n\n")
        assert placed[lost.id].detached
        # Kept in the store, flagged, never dropped; found again when the text comes back.
        assert store.highlight(lost.id).detached
        again = {h.id: h for h in place(store, article)}
        assert not again[lost.id].detached and again[kept.id].start == kept.start
