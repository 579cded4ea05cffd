"""reader.search.evaluate finds the posts whoosh's own matchers find, with the same scores.

Each query is parsed as the app and the CLI parse it, then searched twice: by whoosh
(its collector over its matcher tree) and by the evaluator. On the real corpus, and on
an index of several segments with deleted posts.
"""

from __future__ import annotations

import pickle
from itertools import accumulate

import pytest
from whoosh import query
from whoosh.collectors import TopCollector
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions

from reader.search.evaluate import Evaluator
from reader.search.index import SearchIndex
from reader.search.schema import article_fields, make_schema
from reader.search.whoosh_internals import blocks

QUERIES = [
    "practice",
    "neighbourhoods",
    "neighborhood",
    "organization",
    "programme",
    "integrator",
    "primary care",
    "primary care network",
    "GP contract funding",
    "integrated care board",
    "PCN",
    "ICB",
    "ARRS",
    "QOF",
    '"local areas"',
    '"general practice"',
    '"primary care" networks',
    "federation OR network",
    "GP -funding",
    "GP NOT funding",
    "-practice",
    "integrat*",
    "neighbourh",
    "nieghbourhood~",
    "title:federation",
    "title:gp body:funding",
    "category:ccg",
    "date:2013",
    "date:2013-07..2013-12",
    "practice date:2013",
    "federation^3 practices",
    "the",
    "a and",
    "care OR",
    "(gp",
    '"',
    "zzzqqq",
]


def whoosh_scores(searcher, q) -> dict[int, float]:
    collector = TopCollector(limit=1_000_000, usequality=False, replace=0)
    searcher.search_with_collector(q, collector)
    return {hit.docnum: hit.score for hit in collector.results()}


def assert_same(expected: dict[int, float], got: dict[int, float], text: str) -> None:
    assert set(got) == set(expected), text
    for docnum, score in expected.items():
        # sums may be added in another order: the last bits may differ
        assert got[docnum] == pytest.approx(score, rel=1e-12, abs=1e-12), (text, docnum)


@pytest.mark.parametrize("as_you_type", [False, True])
def test_same_posts_and_scores_as_whoosh_on_the_real_corpus(index, as_you_type):
    searcher = index._searcher_now()
    matched = 0
    for text in QUERIES:
        q, _ = index.parse(text, as_you_type=as_you_type)
        expected = whoosh_scores(searcher, q)
        assert_same(expected, Evaluator(searcher).scores(q), text)
        matched += bool(expected)
    assert matched >= len(QUERIES) - 6  # most of the queries find posts


@pytest.fixture(scope="module")
def segmented(corpus, tmp_path_factory):
    """The corpus in three segments, with two posts deleted and one rewritten, written
    by whoosh's own writer with its default zlib'd posting blocks, as gp-reader wrote
    them before it stored them plain (segment_writer.POSTING_COMPRESSION): an index
    from then still reads the same."""
    directory = tmp_path_factory.mktemp("segments")
    ix = FileStorage(str(directory)).create_index(make_schema())
    articles = list(corpus.articles)
    half = len(articles) // 2
    for part in (articles[:half], articles[half:]):
        writer = ix.writer()
        for article in part:
            writer.add_document(**article_fields(article))
        writer.commit(merge=False)
    writer = ix.writer()
    for article in (articles[1], articles[half + 1], articles[3]):
        writer.delete_by_term("id", article.id)
    writer.add_document(**article_fields(articles[3]))
    writer.commit(merge=False)
    search_index = SearchIndex(ix, articles)
    yield search_index
    search_index.close()


def test_several_segments_and_deleted_posts(segmented, corpus):
    searcher = segmented._searcher_now()
    assert len(searcher.leaf_searchers()) == 3
    assert searcher.reader().has_deletions()
    for text in QUERIES:
        q, _ = segmented.parse(text)
        assert_same(whoosh_scores(searcher, q), Evaluator(searcher).scores(q), text)
    deleted = {corpus.articles[1].id, corpus.articles[len(corpus.articles) // 2 + 1].id}
    found = {h.id for h in segmented.search("the", limit=100).hits}
    assert found and not found & deleted
    assert corpus.articles[3].id in found  # rewritten, so in the newest segment


def test_a_phrase_counts_its_exact_wording_inside_an_and(index):
    """whoosh adds the optional side of an AND MAYBE only when its matcher was moved to
    the post; inside an AND it can skip past it and drop the exact-wording lift. Here
    the lift counts wherever the post has it: the sum of the parts, each part scored
    by whoosh alone."""
    searcher = index._searcher_now()
    q, _ = index.parse('"primary care" networks')
    assert isinstance(q, query.And)
    phrase, word = q.subqueries
    assert isinstance(phrase, query.AndMaybe)
    phrase_scores = whoosh_scores(searcher, phrase)
    word_scores = whoosh_scores(searcher, word)
    expected = {d: phrase_scores[d] + word_scores[d] for d in phrase_scores.keys() & word_scores}
    assert expected
    assert_same(expected, Evaluator(searcher).scores(q), "phrase AND word")


def test_ranking_is_by_score_then_document_number():
    scores = {5: 1.0, 3: 2.0, 9: 2.0, 1: 0.5, 7: 2.0}
    evaluator = Evaluator.__new__(Evaluator)
    assert evaluator.top(scores, 3) == [(3, 2.0), (7, 2.0), (9, 2.0)]
    assert evaluator.top(scores, 4) == [(3, 2.0), (7, 2.0), (9, 2.0), (5, 1.0)]
    assert evaluator.top(scores, None) == [(3, 2.0), (7, 2.0), (9, 2.0), (5, 1.0), (1, 0.5)]
    assert evaluator.top({}, 20) == []


BOTH_KINDS_OF_BLOCK = pytest.mark.parametrize("built", ["index", "segmented"])  # plain, zlib


@BOTH_KINDS_OF_BLOCK
def test_block_reading_without_values_reads_the_same_ids_and_weights(built, request):
    """The cut pickle gives what whoosh's own block reading gives, in every field."""
    reader = request.getfixturevalue(built)._searcher_now().reader()
    checked = 0
    for fieldname in ("title", "body", "title_exact", "body_exact", "category"):
        for term in list(reader.lexicon(fieldname))[:60]:
            ours = list(blocks.read_blocks(reader.postings(fieldname, term)))  # values as bytes
            theirs = reader.postings(fieldname, term)
            expected = []
            while theirs.is_active():
                expected.append((theirs.id(), theirs.weight(), theirs.value()))
                theirs.next()
            got = [
                (docnum, weight, value)
                for ids, weights, read_values in ours
                for docnum, weight, value in zip(ids, weights, read_values(), strict=True)
            ]
            assert got == expected, (fieldname, term)
            checked += 1
    assert checked >= 200


@BOTH_KINDS_OF_BLOCK
def test_positions_read_from_blocks_are_whoosh_positions(built, request):
    reader = request.getfixturevalue(built)._searcher_now().reader()
    fmt = reader.schema["body"].format
    checked = 0
    for term in list(reader.lexicon("body"))[::7][:150]:
        theirs = reader.postings("body", term)
        expected = []
        while theirs.is_active():
            expected.append((theirs.id(), theirs.value_as("positions")))
            theirs.next()
        got = [
            (docnum, list(accumulate(blocks.value_deltas(value))))
            for ids, _, read in blocks.read_blocks(reader.postings("body", term), fmt)
            for docnum, value in zip(ids, read(), strict=True)
        ]
        assert got == expected, term
        checked += 1
    assert checked >= 100


def test_positions_of_every_shape_are_decoded_as_whoosh_decodes_them():
    fmt = Positions()
    lists = [
        [3],  # one delta
        [0],
        [1, 2, 3, 75, 101],  # 'K' (75) and 'e' (101) as deltas
        [1, 2, 900],  # a delta over 255
        list(range(0, 2600, 2)),  # over 1,000 deltas: pickled in several batches
        [70000, 70001],
        [5, 300, 301, 302],
    ]
    values = [fmt.encode(p) for p in lists]
    values.append(values[1][:4] + pickle.dumps([1, 1, 898], 4))  # a newer protocol
    lists.append([1, 2, 900])
    raw = pickle.dumps((tuple(range(len(values))), None, tuple(values)), 2)
    texts = pickle.loads(raw.replace(blocks.VALUES_START, blocks.TEXT_KEPT, 1))[2]
    for text, expected in zip(texts, lists, strict=True):
        deltas = blocks.value_deltas(text.start)
        assert list(accumulate(deltas)) == expected
    assert blocks.value_deltas([1, 2]) == [1, 2]  # already deltas


def test_field_lengths_read_at_once_are_whoosh_lengths(segmented):
    checked = 0
    for sub, _ in segmented._searcher_now().leaf_searchers():
        reader = sub.reader()
        for fieldname in ("title", "body", "title_exact", "body_exact", "category", "topic"):
            stored = blocks.length_bytes(reader, fieldname)
            assert stored is not None and len(stored) == reader.doc_count_all()
            decoded = [blocks.length_of_byte(b) if b else None for b in stored]
            assert decoded == blocks.field_lengths(reader, fieldname), fieldname
            checked += 1
    assert checked == 18


def test_an_and_with_a_word_no_post_has_reads_no_other_word(index, monkeypatch):
    """The parts of an AND are read rarest first: one word in no post ends it unread."""
    searcher = index._searcher_now()
    q, _ = index.parse("why should my practice bother with zzyzxqq neighbourhoods")
    assert whoosh_scores(searcher, q) == {}
    read: list[str] = []
    real = Evaluator._read_term

    def counting(self, reader, sub, field, fieldname, btext, boost, with_values):
        read.append(btext)
        return real(self, reader, sub, field, fieldname, btext, boost, with_values)

    monkeypatch.setattr(Evaluator, "_read_term", counting)
    assert Evaluator(searcher).scores(q) == {}
    reader = searcher.reader()
    assert read and not any(reader.doc_frequency("body", word) for word in read)
    assert b"neighbourhood" not in read and b"practic" not in read


def test_terms_shared_within_a_search_score_as_when_read_apart(index, monkeypatch):
    searcher = index._searcher_now()
    evaluator = Evaluator(searcher)
    texts = ["primary care networks", "primary", "care", '"primary care"', "PCN care"]
    apart = [evaluator.scores(index.parse(text)[0]) for text in texts]
    read: list[tuple] = []
    real = Evaluator._read_term

    def counting(self, reader, sub, field, fieldname, btext, boost, with_values):
        read.append((fieldname, btext, boost, with_values))
        return real(self, reader, sub, field, fieldname, btext, boost, with_values)

    monkeypatch.setattr(Evaluator, "_read_term", counting)
    with evaluator.sharing_terms():
        shared = [evaluator.scores(index.parse(text)[0]) for text in texts]
    for text, a, b in zip(texts, apart, shared, strict=True):
        assert_same(a, b, text)
    assert len(read) == len(set(read))  # each term read once


def test_the_two_indexes_hold_the_two_kinds_of_block(index, segmented):
    """The tests above read both: blocks stored plain, and zlib'd as whoosh stores them."""

    def compressions(search_index) -> set[int]:
        found = set()
        for sub, _ in search_index._searcher_now().leaf_searchers():
            matcher = sub.reader().postings("body", "care")
            matcher = getattr(matcher, "child", matcher)  # a deletions filter's
            found.add(matcher._compression)
        return found

    assert compressions(index) == {0} and 0 not in compressions(segmented)
