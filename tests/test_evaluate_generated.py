"""The evaluator against whoosh's own matchers, on generated queries and larger indexes.

tests/test_evaluate.py compares hand-picked queries on the 28 real posts, where every
term's postings fit in one block. Here hypothesis writes the queries (the corpus's
words, AND/OR/NOT, brackets, phrases, prefixes), parsed as the app parses them, and
the index is large enough for whoosh to behave as it does on a real library:

* 600 posts (the real 28 and synthetic ones made from their paragraphs), one segment:
  common words have several 128-posting blocks. Searched twice: with SizedOr's binary
  tree of unions (segments under 1,000 posts) and with whoosh's own OR matchers.
* marked slow: one segment of 5,200 posts, past the 5,000 at which whoosh's OR stops
  preloading its matches into an array and its prefix stops scoring as a constant.

The posts found must be the same, and their scores equal but for the order of sums.
The one known difference (reader.search.evaluate's docstring: whoosh's AND MAYBE inside
an AND can leave its optional part out of a post's score) is taken out by the
reference: where an AND MAYBE stands below another part, the parts are scored by
whoosh one by one and combined as whoosh's matchers combine them.

Examples are bounded and derandomized (the same queries every run); no deadline, as a
busy machine makes whoosh's matchers slow.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query
from whoosh.analysis.analyzers import STOP_WORDS
from whoosh.collectors import TopCollector
from whoosh.filedb.filestore import FileStorage

from reader.search import SearchIndex
from reader.search.evaluate import Evaluator
from reader.search.schema import article_fields, make_schema
from reader.search.whoosh_internals import FastSegmentWriter, matchers

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}
WORD_RE = re.compile(r"[A-Za-z][a-z]{2,}")


def build_one_segment(articles, directory: Path) -> SearchIndex:
    """The posts in one segment, written as a fresh build writes it."""
    directory.mkdir(parents=True)
    ix = FileStorage(str(directory)).create_index(make_schema())
    writer = FastSegmentWriter(ix)
    for article in articles:
        writer.add_document(**article_fields(article))
    writer.commit()
    index = SearchIndex(ix, articles)
    assert len(index._searcher_now().leaf_searchers()) == 1
    return index


def vocabulary(articles) -> tuple[list[str], list[str], list[str]]:
    """Common words (many blocks), other words, and two- and three-word phrases (stop
    words and all), from the real posts' text."""
    counts = Counter(w.lower() for a in articles for w in WORD_RE.findall(a.body))
    by_count = [w for w, _ in counts.most_common() if w not in STOP_WORDS]
    phrases = []
    for article in articles[:28]:
        words = WORD_RE.findall(article.body)
        phrases += [" ".join(words[i : i + 2 + i % 2]) for i in range(0, len(words) - 3, 97)]
    return by_count[:60], by_count[60:2000:7], phrases


def queries(common: list[str], other: list[str], phrases: list[str]):
    word = st.one_of(st.sampled_from(common), st.sampled_from(other))
    atom = st.one_of(
        word,
        word,
        word.map(lambda w: w[: max(3, len(w) // 2)] + "*"),
        st.sampled_from(phrases).map(lambda p: f'"{p}"'),
        st.sampled_from(common).map(lambda w: f"title:{w}"),
    )

    def combined(children):
        parts = st.lists(children, min_size=2, max_size=3)
        return st.one_of(
            parts.map(" ".join),
            parts.map(" OR ".join),
            st.tuples(children, children).map(lambda ab: f"{ab[0]} NOT {ab[1]}"),
            st.tuples(children, children).map(lambda ab: f"{ab[0]} -{ab[1].split()[0]}"),
            children.map(lambda c: f"({c})"),
        )

    return st.recursive(atom, combined, max_leaves=6)


def whoosh_scores(searcher, q) -> dict[int, float]:
    collector = TopCollector(limit=1_000_000, usequality=False, replace=0)
    searcher.search_with_collector(q, collector)
    return {hit.docnum: hit.score for hit in collector.results()}


def _has_and_maybe(q) -> bool:
    return isinstance(q, query.AndMaybe) or (
        not q.is_leaf() and any(_has_and_maybe(c) for c in q.children())
    )


def reference_scores(searcher, q) -> dict[int, float]:
    """whoosh's scores, but an AND MAYBE below another part scored on its own."""
    if not _has_and_maybe(q) or isinstance(q, query.Not):
        return whoosh_scores(searcher, q)
    if isinstance(q, query.AndMaybe) and not any(map(_has_and_maybe, (q.a, q.b))):
        return whoosh_scores(searcher, q)
    if isinstance(q, query.AndMaybe):
        a, b = reference_scores(searcher, q.a), reference_scores(searcher, q.b)
        return {d: s + b[d] if d in b else s for d, s in a.items()}
    if isinstance(q, query.AndNot):
        excluded = whoosh_scores(searcher, q.b)
        return {d: s for d, s in reference_scores(searcher, q.a).items() if d not in excluded}
    parts = [reference_scores(searcher, s) for s in q.subqueries]
    if len(parts) == 1:
        return parts[0]  # whoosh: a compound of one is its part, the boost left out
    if isinstance(q, query.And):
        docs = set.intersection(*(set(p) for p in parts))
    elif isinstance(q, query.Or) and not q.minmatch and not q.scale:
        docs = set().union(*parts)
    else:
        return whoosh_scores(searcher, q)
    return {d: sum(p[d] for p in parts if d in p) * q.boost for d in docs}


def assert_same(index, text: str) -> None:
    searcher = index._searcher_now()
    q, _ = index.parse(text)
    expected = reference_scores(searcher, q)
    got = Evaluator(searcher).scores(q)
    assert set(got) == set(expected), (text, str(q))
    for docnum, score in expected.items():
        assert got[docnum] == pytest.approx(score, rel=1e-9, abs=1e-12), (text, docnum)


@pytest.fixture(scope="module")
def real(corpus):
    return list(corpus.articles)


@pytest.fixture(scope="module")
def words(real):
    return vocabulary(real)


@pytest.fixture(scope="module")
def index_600(real, tmp_path_factory):
    articles = real + synthetic.synthetic_articles(572, source=real)
    index = build_one_segment(articles, tmp_path_factory.mktemp("600") / "index")
    yield index
    index.close()


def test_common_words_have_several_blocks(index_600, words):
    reader = index_600._searcher_now().reader()
    field = reader.schema["body"]
    stems = [t for w in words[0][:10] for t in field.process_text(w, mode="query")]
    assert max(reader.doc_frequency("body", t) for t in stems) > 3 * 128


@pytest.mark.parametrize("tree_union_below", [matchers.TREE_UNION_BELOW, 0])
def test_generated_queries_on_600_posts(index_600, words, monkeypatch, tree_union_below):
    # 0: whoosh's own OR matchers (its array union, for segments of up to 5,000 posts)
    monkeypatch.setattr(matchers, "TREE_UNION_BELOW", tree_union_below)

    @settings(max_examples=120, **SETTINGS)
    @given(queries(*words))
    def check(text):
        assert_same(index_600, text)

    check()


@pytest.mark.slow
def test_generated_queries_on_one_segment_of_5200_posts(real, words, tmp_path):
    articles = real + synthetic.synthetic_articles(5200 - len(real), source=real)
    index = build_one_segment(articles, tmp_path / "index")
    try:
        assert index.doc_count == 5200

        @settings(max_examples=40, **SETTINGS)
        @given(queries(*words))
        def check(text):
            assert_same(index, text)

        check()
    finally:
        index.close()
