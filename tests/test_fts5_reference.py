"""The search backend protocol, and SQLite FTS5 as a reference for gp-reader's engine.

Both engines implement reader.search.SearchBackend. On plain keyword queries over the
bundled corpus, where their query languages mean the same (every word must match,
Porter stems), they must find the same posts: a sanity check of gp-reader's matching
against an engine it shares no code with.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest

from reader.search import SearchBackend, SearchIndex

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from fts5_engine import Fts5Index  # noqa: E402

# Words and pairs without acronyms (gp-reader expands those), British/American pairs
# (gp-reader joins them) or stop words (FTS5 keeps them): plain Porter matching.
KEYWORD_QUERIES = [
    "maggots",
    "federation",
    "workload",
    "commissioning",
    "neighbourhoods",
    "funding",
    "practices",
    "contract",
    "leadership",
    "federation workload",
    "maggots burger",
    "general practice funding",
    "neighbourhood leadership",
    "zzzqqq",
]


@pytest.fixture(scope="module")
def fts5(corpus, tmp_path_factory):
    engine = Fts5Index.open(corpus.articles, corpus.fingerprint, tmp_path_factory.mktemp("fts5"))
    yield engine
    engine.close()


def _protocol_members():
    return [
        name for name in dir(SearchBackend) if not name.startswith("_") and name not in ("notices",)
    ]


@pytest.mark.parametrize("engine_class", [SearchIndex, Fts5Index])
def test_both_engines_implement_the_protocol(engine_class, request):
    engine = request.getfixturevalue("index" if engine_class is SearchIndex else "fts5")
    assert isinstance(engine, SearchBackend)
    assert isinstance(engine.notices, list) and engine.doc_count == 28
    for name in _protocol_members():
        if isinstance(inspect.getattr_static(SearchBackend, name), property):
            assert isinstance(inspect.getattr_static(engine_class, name), property), name
            continue
        wanted = inspect.signature(getattr(SearchBackend, name))
        got = inspect.signature(getattr(engine_class, name))
        for parameter in wanted.parameters.values():
            if parameter.name in ("self", "cls"):
                continue
            assert parameter.name in got.parameters, (engine_class, name, parameter.name)
            theirs = got.parameters[parameter.name]
            if parameter.default is not inspect.Parameter.empty:
                assert theirs.default == parameter.default, (engine_class, name, parameter)
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                assert theirs.kind in (theirs.KEYWORD_ONLY, theirs.POSITIONAL_OR_KEYWORD)


@pytest.mark.parametrize("text", KEYWORD_QUERIES)
def test_the_engines_find_the_same_posts_for_keywords(index, fts5, text):
    ours = index.search(text, limit=100)
    theirs = fts5.search(text, limit=100)
    # Past fewer than 3 posts with every word, ours goes on (reader.search.continuation).
    strict = {h.id for h in ours.hits if h.matched == "all"}
    assert strict == {h.id for h in theirs.hits}, text
    went_on = any(h.matched != "all" for h in ours.hits)
    assert (len(strict) if went_on else ours.total) == theirs.total


def test_found_at_all(index):
    # The reference is no reference if the queries find nothing.
    assert sum(bool(index.search(text).total) for text in KEYWORD_QUERIES) >= 12


@pytest.mark.parametrize("engine_name", ["index", "fts5"])
def test_hits_and_related_have_the_same_shape(engine_name, request, corpus):
    engine = request.getfixturevalue(engine_name)
    results = engine.search("federation", limit=3)
    assert results.terms and results.hits
    for hit in results.hits:
        assert hit.highlights and "**" not in hit.snippet
        assert all(hit.snippet[a:b].lower().startswith("federation") for a, b in hit.highlights)
        assert "**federation**" in hit.marked_snippet().lower()
    related = engine.related(corpus.articles[0].id, limit=3)
    assert 0 < len(related) <= 3 and corpus.articles[0].id not in {r.id for r in related}
    assert all(r.score > 0 and r.title for r in related)
    assert engine.related("no-such-post") == []
