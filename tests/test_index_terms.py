"""The search index's fast term extraction gives exactly what the analyzers give."""

from __future__ import annotations

import pytest
from whoosh.fields import TEXT

from reader.articles.bundled import load_corpus
from reader.search.analysis import exact_analyzer, stemming_analyzer
from reader.search.schema import IndexedText

TRICKY = [
    "",
    "   ",
    "The government’s plans: a PCN's DES, the ICBs’ and GPs' roles.",
    "Organization, neighborhoods and centers; prioritize behaviour; e.g. 3.5% of £1.2bn",
    "I a an to of — the end. A&E; 111; co-operation; e-mail; U.S.A. x y z",
    "Ünïcödé wörds, naïve café; ’s 's ’ '",
    "Practice practice PRACTICE practise practising practices practice’s",
]


def pairs():
    for stemmed, analyzer in ((True, stemming_analyzer()), (False, exact_analyzer())):
        yield IndexedText(stemmed=stemmed), TEXT(analyzer=analyzer)
        # Frequencies without positions, as the exact-form fields keep them.
        yield IndexedText(stemmed=stemmed, phrase=False), TEXT(analyzer=analyzer, phrase=False)


def terms(field, text):
    return sorted(field.index(text))


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts(text):
    for fast, slow in pairs():
        assert terms(fast, text) == terms(slow, text)


def test_every_title_and_body_of_the_corpus():
    for article in load_corpus(use_cache=False):
        for fast, slow in pairs():
            assert terms(fast, article.title) == terms(slow, article.title)
            assert terms(fast, article.body) == terms(slow, article.body)


@pytest.mark.parametrize("typed", ["practises", "practised", "practising", "practise"])
def test_the_british_verb_finds_the_noun(index, typed):
    """A reader's 'practises' (the British verb's spelling) finds the posts' 'practices'."""
    found = {hit.id for hit in index.search(typed, limit=100).hits}
    nouns = {hit.id for hit in index.search("practices", limit=100).hits}
    assert nouns and found == nouns
