"""What a search marks in a post: the words it matched, as the index holds them."""

from __future__ import annotations

import pytest

from reader.search import MatchTerm, find_match_spans
from reader.search.analysis import TOKEN_PATTERN, token_forms
from reader.search.highlight import _TOKEN_RE
from reader.search.query import malformed, plain_words


def marked(text, terms):
    return [text[a:b] for a, b in find_match_spans(text, terms)]


def stem(*words):
    return MatchTerm(tuple(token_forms(w)[1] for w in words), "stem")


def exact(*words):
    return MatchTerm(tuple(token_forms(w)[0] for w in words), "exact")


def test_the_tokens_are_the_analyzers_tokens():
    assert _TOKEN_RE.pattern == TOKEN_PATTERN


def test_a_short_stem_marks_only_its_own_words():
    text = "The INT, an interest of ours, came into being; INTs’ work."
    assert marked(text, [stem("INT")]) == ["INT", "INTs"]


def test_a_stem_marks_the_forms_indexed_as_it_and_no_other():
    text = "An integrator integrates; integration is integral. Integrated care, integrating."
    # Porter: integr (integrator, integrates, integration, integral), integrat (integrated,
    # integrating): the index holds them as two terms, and a search for one finds only it.
    found = marked(text, [stem("integrator")])
    assert found == ["integrator", "integrates", "integration", "integral"]
    assert marked(text, [stem("integrated")]) == ["Integrated", "integrating"]


def test_exact_forms_meet_across_spelling_and_possessives():
    text = "The organization’s plan; organisations; the neighborhood."
    assert marked(text, [exact("organisation")]) == ["organization’s"]
    assert marked(text, [exact("neighbourhood")]) == ["neighborhood"]


def test_a_phrase_is_marked_where_its_words_stand_together():
    text = (
        "Integrated care teams. An Integrated Neighbourhood Team (INT) and "
        "integrated neighbourhood teams; neighbourhood team integrated."
    )
    phrase = stem("integrated", "neighbourhood", "team")
    assert marked(text, [phrase]) == [
        "Integrated Neighbourhood Team",
        "integrated neighbourhood teams",
    ]
    # the phrase wins over its own words, which are still marked elsewhere
    assert marked(text, [phrase, stem("team")]) == [
        "teams",
        "Integrated Neighbourhood Team",
        "integrated neighbourhood teams",
        "team",
    ]


def test_stop_words_may_stand_inside_a_stemmed_phrase_but_not_an_exact_one():
    text = "care of the elderly; care elderly"
    assert marked(text, [stem("care", "elderly")]) == ["care of the elderly", "care elderly"]
    assert marked(text, [exact("care", "elderly")]) == ["care elderly"]


def test_tokens_are_whole_as_the_analyzers_cut_them():
    text = "e.g. the U.S.A. and g. and e-mail"
    assert marked(text, [exact("g")]) == ["g"]  # not the g of e.g
    assert marked(text, [exact("e.g")]) == ["e.g"]
    assert marked(text, [exact("mail")]) == ["mail"]


def test_nothing_to_mark():
    assert find_match_spans("some text", []) == []
    assert find_match_spans("", [stem("care")]) == []


def test_the_newcomers_phrase_and_acronym_mark_the_phrase(index):
    """'"integrated neighbourhood team"' and 'INT' marked 'interest' and 'into'."""
    cases = [('"integrated neighbourhood team"', False), ("INT", False), ("INT", True)]
    for text, as_you_type in cases:
        results = index.search(text, as_you_type=as_you_type)
        assert results.hits, text
        # The posts with the acronym itself (past them, fewer than 3, results go on with
        # some of the words, stemmed, or meaning: reader.search.continuation).
        for hit in [hit for hit in results.hits if hit.matched == "all"]:
            words = {hit.snippet[a:b].lower() for a, b in hit.highlights}
            assert words & {"integrated neighbourhood team", "int"}, (text, hit.snippet)
            assert not words & {"interest", "into"}, (text, hit.snippet)
    # In the search bar an acronym typed in capitals is whole, not a prefix of 'into'
    assert index.search("INT", as_you_type=True).total == index.search("INT").total
    assert index.search("int", as_you_type=True).total > index.search("int").total


@pytest.mark.parametrize(
    "text",
    [
        "(pcn OR",
        "pcn OR",
        "OR pcn",
        "pcn)",
        "(pcn",
        "pcn AND",
        "pcn NOT",
        "AND NOT",
        "pcn OR OR ics",
    ],
)
def test_a_dangling_bracket_or_operator_is_searched_as_words_with_a_note(index, text):
    assert malformed(text)
    results = index.search(text)
    assert results.notice and "words" in results.notice
    if plain_words(text) != "pcn":
        return
    assert {h.id for h in results.hits} == {h.id for h in index.search("pcn", limit=100).hits}
    allowed = {"pcn", "pcns", "primary care network", "primary care networks"}
    for hit in results.hits:  # no 'or' (nor 'organised') marked
        assert {hit.snippet[a:b].lower() for a, b in hit.highlights} <= allowed, hit.snippet


@pytest.mark.parametrize(
    "text",
    [
        "pcn OR ics",
        "(pcn OR ics) federation",
        "pcn NOT des",
        "pcn AND NOT des",
        "NOT des pcn",
        '"(" care',
        '"care OR" pcn',
    ],
)
def test_well_formed_syntax_is_not_malformed(index, text):
    assert not malformed(text)
    assert index.search(text).notice is None
