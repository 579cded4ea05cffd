"""Bytes scattered over each store and over the index's segments, then the commands a
user runs: one line at most, never a traceback, and the next run works."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from reader import paths

POSTS = [
    f"---\ntitle: Imported post number {n}\ndate: 2020-01-{n + 1:02d}\n---\n\n"
    + f"Paragraph about neighbourhoods and PCNs, variant {n}. " * 40
    for n in range(12)
]


def scatter(path: Path, seed: int, count: int = 24, skip: int = 100) -> None:
    """Overwrite `count` random bytes of the file (past its first `skip`)."""
    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    for _ in range(count):
        at = rng.randrange(min(skip, len(data) - 1), len(data))
        data[at] = rng.randrange(256)
    path.write_bytes(bytes(data))


def no_traceback(result: tuple[int, str, str]) -> None:
    code, out, err = result
    assert "Traceback" not in err and "Error:" not in err.split("gp-reader:")[0], err
    for line in err.splitlines():
        assert line.startswith(("gp-reader", "no bookmarks yet")), err


def imported(cli, tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    for n, text in enumerate(POSTS):
        (folder / f"post{n}.md").write_text(text)
    code, _, err = cli("import", str(folder))
    assert code == 0, err


USER_COMMANDS = [
    ("list",),
    ("show", "imported-post-number-3"),
    ("search", "neighbourhoods"),
    ("library", "list"),
    ("bookmark", "list"),
]


@pytest.mark.parametrize("seed", range(10))
def test_a_damaged_library_store_is_moved_aside_and_the_next_run_works(cli, tmp_path, seed):
    imported(cli, tmp_path)
    store = paths.library_db()
    scatter(store, seed, skip=0 if seed % 3 == 0 else 100)  # seed 0, 3, ...: the header too
    for args in USER_COMMANDS:
        no_traceback(cli(*args))
    # The next run: the store was healthy or was moved aside; either way list works, quietly.
    code, out, err = cli("list")
    assert code == 0 and "Why Engage with Neighbourhoods?" in out and not err, err
    assert cli("search", "neighbourhoods")[0] == 0


@pytest.mark.parametrize("seed", range(6))
def test_a_damaged_state_store_is_moved_aside_and_the_next_run_works(cli, seed):
    from reader.articles.bundled import load_corpus

    ids = [a.id for a in load_corpus().articles[:5]]
    for post in ids:
        assert cli("bookmark", "add", post, "--note", "a note " * 20)[0] == 0
    cli("mark", "read", *ids)
    scatter(paths.state_db(), seed, skip=0 if seed % 3 == 0 else 100)
    for args in (*USER_COMMANDS, ("list", "--unread"), ("state", "export")):
        no_traceback(cli(*args))
    code, _, err = cli("bookmark", "list")
    assert code == 0 and "Traceback" not in err
    assert cli("bookmark", "add", ids[0])[0] == 0


def _segment_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".seg", ".pst", ".trm", ".pos"))


@pytest.mark.parametrize("seed", range(8))
def test_damage_inside_an_index_segment_is_found_on_search_and_rebuilt(seed, corpus, tmp_path):
    from reader.search.index import SearchIndex

    directory = tmp_path / "index"
    SearchIndex.open(corpus.articles, corpus.fingerprint, directory).close()
    for segment in _segment_files(directory):
        scatter(segment, seed, count=40, skip=2000)
    queries = [
        "neighbourhoods",
        "pcn OR ics",
        '"primary care"',
        "federaton~",
        "neighb*",
        "title:access",
        "date:2013",
        "care NOT des",
    ]
    index = SearchIndex.open(corpus.articles, corpus.fingerprint, directory)
    try:
        for text in queries:
            results = index.search(text)  # never raises
            assert results.notice is None or "\n" not in results.notice
        index.related(corpus.articles[0].id)
    finally:
        index.close()
    # The next run finds an index that works and says nothing.
    again = SearchIndex.open(corpus.articles, corpus.fingerprint, directory)
    try:
        assert again.search("neighbourhoods").total > 0
        assert not again.notices
    finally:
        again.close()
    # Only the newest damaged copy is kept.
    assert len(list(tmp_path.glob("index.broken-*"))) <= 1


def test_only_the_newest_broken_index_is_kept(corpus, tmp_path):
    from reader.search.index import SearchIndex

    directory = tmp_path / "index"
    for round_ in range(3):
        SearchIndex.open(corpus.articles, corpus.fingerprint, directory).close()
        toc = next(directory.glob("*.toc"))
        toc.write_bytes(b"\x00" * 64)  # damaged beyond reading
        index = SearchIndex.open(corpus.articles, corpus.fingerprint, directory)
        assert any("damaged" in n for n in index.notices), (round_, index.notices)
        index.close()
    assert len(list(tmp_path.glob("index.broken-*"))) == 1


def test_an_unusable_cache_directory_still_searches(cli, tmp_path, monkeypatch):
    cache = tmp_path / "cache-is-a-file"
    cache.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    code, out, err = cli("search", "neighbourhoods")
    assert code == 0 and "results for" in out
    assert err.count("\n") == 1 and "cache directory" in err
    assert cli("list")[0] == 0
    assert cli("index")[0] == 0


def test_a_foreign_sqlite_file_is_moved_aside_not_adopted(cli):
    import sqlite3

    store = paths.library_db()
    store.parent.mkdir(parents=True)
    conn = sqlite3.connect(store)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    conn.commit()
    conn.close()
    code, out, err = cli("list")
    assert code == 0 and "Why Engage with Neighbourhoods?" in out
    assert err.count("\n") == 1 and "not a gp-reader store" in err
    (aside,) = store.parent.glob("library.sqlite3.corrupt-*")
    tables = sqlite3.connect(aside).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("photos",)]  # left as it was
    assert cli("list") == (0, out, "")


def test_text_that_does_not_decode_never_blocks_list_or_export(cli, tmp_path):
    import sqlite3

    imported(cli, tmp_path)
    conn = sqlite3.connect(paths.library_db())
    # Bytes that are not UTF-8, as a damaged page or another writer leaves them.
    conn.execute(
        "UPDATE posts SET title = CAST(x'4261642074c328e97469746c65' AS TEXT), "
        "body = CAST(x'426f647920fffe2074657874' AS TEXT) WHERE id = 'imported-post-number-3'"
    )
    conn.commit()
    conn.close()
    code, out, err = cli("list")
    assert code == 0 and "\ufffd" in out and not err
    code, out, _ = cli("show", "imported-post-number-3", "--json")
    assert code == 0 and "\ufffd" in out
    assert cli("bookmark", "add", "imported-post-number-3")[0] == 0
    assert cli("state", "export")[0] == 0


def test_damage_a_read_finds_after_opening_moves_the_library_aside(tmp_path):
    """A post's body is read on a connection of its own; when the file has been damaged
    since the store opened, the reader gets one line saying it was moved aside."""
    from reader.errors import ReaderError
    from reader.store.posts import PostRow, PostStore

    path = tmp_path / "library.sqlite3"
    row = PostRow("p1", "A post", False, "blog", "ockham", "", None, (), 3, ("f.md",), False)
    with PostStore.open(path) as store:
        store.write([dataclasses.replace(row, body="three words here")], [("f.md", "markdown")])
    store = PostStore.open(path)
    try:
        path.write_bytes(b"not a database at all " * 400)
        with pytest.raises(ReaderError, match="was damaged .*moved it to library.sqlite3.corrupt-"):
            store.body("p1")
    finally:
        store.close()
    assert not path.exists() and list(tmp_path.glob("library.sqlite3.corrupt-*"))
    with PostStore.open(path) as fresh:
        assert fresh.rows() == []
