"""The fast segment writers (reader.search.whoosh_internals.segment_writer) write what
whoosh's own writer writes, byte for byte."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from reader.articles.bundled import load_corpus
from reader.search.schema import article_fields, make_schema
from reader.search.whoosh_internals.segment_writer import (
    FastMpWriter,
    FastSegmentWriter,
    plain_codec,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402


@pytest.fixture(scope="module")
def articles():
    real = load_corpus(use_cache=False).articles
    # 200 posts: common words fill several 128-posting blocks, rare ones a single one.
    return list(real) + synthetic.synthetic_articles(200, source=real)


def segment_files(directory: Path) -> dict[str, bytes]:
    """Each segment file's bytes by its name less the random segment id."""
    files = {}
    for path in sorted(directory.iterdir()):
        if path.suffix in (".toc", "") or path.name.endswith("WRITELOCK"):
            continue
        files[path.name.split(".", 1)[1]] = path.read_bytes()
    return files


def build(directory: Path, batches, writer_for) -> Path:
    directory.mkdir()
    ix = whoosh_index.create_in(str(directory), make_schema())
    for batch, optimize in batches:
        writer = writer_for(ix)
        for article in batch:
            writer.add_document(**article_fields(article))
        writer.commit(optimize=optimize)
    ix.close()
    return directory


def whoosh_writer(ix):
    # whoosh's own writer, told to store posting blocks as ours does (plain, not zlib)
    return ix.writer(compound=False, codec=plain_codec())


def fast_writer(ix):
    return FastSegmentWriter(ix, compound=False)


def test_a_new_segment_is_byte_for_byte_whooshs(articles, tmp_path):
    ours = segment_files(build(tmp_path / "fast", [(articles, False)], fast_writer))
    theirs = segment_files(build(tmp_path / "whoosh", [(articles, False)], whoosh_writer))
    assert set(ours) == set(theirs) and "pst" in ours and "trm" in ours
    for name in theirs:
        assert ours[name] == theirs[name], name


def test_merging_older_segments_in_is_byte_for_byte_whooshs(articles, tmp_path):
    # Segments written by whoosh, then merged with new posts: the pool's generic path.
    first, second, third = articles[:80], articles[80:160], articles[160:]

    def run(name, last_writer):
        directory = build(tmp_path / name, [(first, False), (second, False)], whoosh_writer)
        ix = whoosh_index.open_dir(str(directory))
        writer = last_writer(ix)
        for article in third:
            writer.add_document(**article_fields(article))
        writer.commit(optimize=True)
        ix.close()
        return segment_files(directory)

    ours, theirs = run("fast", fast_writer), run("whoosh", whoosh_writer)
    assert set(ours) == set(theirs)
    for name in theirs:
        assert ours[name] == theirs[name], name


def test_segments_name_whooshs_codec(articles, tmp_path):
    directory = build(tmp_path / "fast", [(articles[:20], False)], fast_writer)
    ix = whoosh_index.open_dir(str(directory))
    (segment,) = ix._segments()
    assert (
        type(segment.codec()) is W3Codec
    )  # opening never needs reader.search.whoosh_internals.segment_writer
    ix.close()


def index_contents(ix) -> tuple:
    with ix.searcher() as searcher:
        reader = searcher.reader()
        terms = sorted(
            (
                fieldname,
                text,
                reader.doc_frequency(fieldname, text),
                reader.frequency(fieldname, text),
            )
            for fieldname, text in reader.all_terms()
        )
        stored = sorted((f["id"], sorted(f.items())) for f in searcher.all_stored_fields())
        lengths = {name: reader.field_length(name) for name in ("title", "body", "body_exact")}
    return terms, stored, lengths


def test_two_build_processes_index_what_one_does(articles, tmp_path):
    serial = build(tmp_path / "serial", [(articles, False)], fast_writer)

    def two_processes(ix):
        return FastMpWriter(ix, procs=2, batchsize=50, compound=False)

    parallel = build(tmp_path / "parallel", [(articles, False)], two_processes)
    one, two = whoosh_index.open_dir(str(serial)), whoosh_index.open_dir(str(parallel))
    assert len(two._segments()) == 2 and two.doc_count() == len(articles)
    assert index_contents(two) == index_contents(one)
    one.close()
    two.close()


def test_a_large_sync_into_an_index_appends_one_segment(articles, tmp_path):
    """sync_index writes a big batch into an existing index with the fast writer, as a
    segment of its own: the held segment is not rewritten, and the index holds the posts
    a build of everything holds (a changed post included)."""
    from dataclasses import replace

    from reader.search.storage import APPEND_FAST_AT, sync_index

    first, rest = articles[:28], articles[28:]
    assert len(rest) >= APPEND_FAST_AT
    changed = replace(first[0], body=first[0].body + "\n\nA sentence about quinoa.")
    directory = tmp_path / "synced"
    directory.mkdir()
    ix = whoosh_index.create_in(str(directory), make_schema())
    known = sync_index(ix, first, None, None)
    held = set(segment_files(directory))
    everything = [changed, *first[1:], *rest]
    sync_index(ix, everything, None, known)
    assert held <= set(segment_files(directory))  # the first segment is still there, as it was
    assert len(ix._segments()) == 2 and ix.doc_count() == len(everything)
    whole = build(tmp_path / "whole", [(everything, False)], fast_writer)
    other = whoosh_index.open_dir(str(whole))
    # The same posts stored (term statistics still count the replaced post's old copy,
    # as whoosh's own writer leaves them until a merge).
    assert index_contents(ix)[1] == index_contents(other)[1]
    with ix.searcher() as searcher:
        from whoosh.query import Term

        assert [f["id"] for f in searcher.search(Term("body", "quinoa"))] == [changed.id]
    ix.close()
    other.close()
