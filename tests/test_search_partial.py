"""Some of the words, meaning, and their fusion, on the real bundled corpus."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from reader.search.fusion import reciprocal_rank_fusion
from reader.search.partial import content_words, is_explicit, some_of_the_words
from reader.search.results import MATCHED_LABELS

REPO = Path(__file__).resolve().parent.parent

NEIGHBOURHOOD_POSTS = {
    "why-engage-with-neighbourhoods",
    "how-can-pcns-prepare-for-neighbourhoods",
    "neighbourhoods-6-things-to-look-out-for",
    "what-is-in-store-for-general-practice-next-year-change-is",
    "what-a-neighbourhood-health-service-for-london-means-for",
}


def test_a_plain_english_question_finds_the_neighbourhood_posts(index):
    text = "why should my practice bother getting involved in the new local joined-up care areas"
    results = index.search(text, limit=10)
    top = [hit.id for hit in results.hits[:5]]
    assert "why-engage-with-neighbourhoods" in top[:3]
    assert len(set(top) & NEIGHBOURHOOD_POSTS) >= 3
    assert {hit.matched for hit in results.hits} <= {"some", "meaning"}
    assert results.total >= len(results.hits)


def test_its_snippet_is_a_paragraph_of_the_post(index, corpus):
    results = index.search("how did the doctors get the maggots out of her ear", limit=3)
    hit = results.hits[0]
    body = next(a.body for a in corpus.articles if a.id == hit.id)
    plain = hit.snippet.strip("…")
    assert plain.split()[0] in body and plain[-20:] in " ".join(body.split())
    assert "\n" not in hit.snippet and len(plain) <= 200
    marked = [hit.snippet[a:b].lower() for a, b in hit.highlights]
    assert "maggots" in marked  # the question's words are marked in the paragraph


@pytest.mark.parametrize(
    "text", ["what is wrong with advice and guidance", "how do I get my ARRS staff to stay"]
)
def test_a_question_marks_its_own_words_not_its_stop_words(index, text):
    # A few posts hold every word, so the results go on; the strict query's terms then
    # held 'what', 'is', 'the', 'to' and marked them in every snippet.
    results = index.search(text, limit=10)
    marked = {hit.snippet[a:b].lower() for hit in results.hits for a, b in hit.highlights}
    assert marked and not marked & {"what", "is", "with", "and", "how", "do", "i", "to", "my"}
    assert not {w for t in results.terms for w in t.words} & {"what", "is", "to", "how"}


def test_keywords_with_enough_posts_keep_the_strict_ranking(index):
    results = index.search("neighbourhood health", limit=10)
    assert len(results.hits) >= 3
    assert all(hit.matched == "all" for hit in results.hits)
    assert results.hits[0].id == "what-a-neighbourhood-health-service-for-london-means-for"


def test_few_strict_results_come_first_then_the_others(index):
    results = index.search("cynefin framework", limit=10)
    strict = [hit for hit in results.hits if hit.matched == "all"]
    assert [hit.id for hit in strict] == ["50-to-1"]
    assert results.hits[0].matched == "all" and len(results.hits) > 1
    assert {hit.matched for hit in results.hits[1:]} <= {"some", "meaning"}


@pytest.mark.parametrize(
    "text",
    [
        '"local joined-up care areas"',  # a phrase no post has
        "neighbourhood AND xqzvwkplm",
        "title:xqzvwkplm",
        "neighbourhood -neighbourhood",
        "xqzvwk*",
    ],
)
def test_explicit_syntax_stays_strict(index, text):
    assert index.search(text, limit=10).hits == ()


def test_gibberish_finds_nothing(index):
    assert index.search("xqzvwk blorptangle", limit=10).hits == ()


def test_no_question_of_the_set_returns_nothing(index):
    with (REPO / "benchmarks" / "questions.toml").open("rb") as f:
        questions = tomllib.load(f)["question"]
    assert len(questions) >= 45
    empty = [q["question"] for q in questions if not index.search(q["question"]).hits]
    assert empty == []


def test_json_says_how_each_hit_matched(index):
    out = index.search("why should my practice bother getting involved", limit=5).to_json()
    assert set(out) == {"query", "took_ms", "total", "suggestion", "hits"}
    assert {h["matched"] for h in out["hits"]} <= {"all", "some", "meaning"}


def test_as_you_type_goes_on_too(index):
    typed = "why should my practice bother getting involved in the new local joined-up care ar"
    results = index.search(typed, as_you_type=True)
    assert results.hits and {hit.matched for hit in results.hits} <= {"some", "meaning"}
    assert "why-engage-with-neighbourhoods" in [hit.id for hit in results.hits[:5]]


@pytest.mark.parametrize(
    ("text", "explicit"),
    [
        ("why engage with neighbourhoods", False),
        ("joined-up care", False),
        ("what's next for surgeries?", False),
        ("£5 per head over 75s", False),
        ('"joined up"', True),
        ("pcn OR ccg", True),
        ("ccg -pcn", True),
        ("title:neighbourhoods", True),
        ("integr*", True),
        ("neighbourhod~", True),
        ("(pcn ccg)", True),
    ],
)
def test_what_counts_as_explicit_syntax(text, explicit):
    assert is_explicit(text) is explicit


def test_content_words_drop_stop_words_and_repeats():
    assert content_words("Why should my practice bother with the practices") == [
        "practice",
        "bother",
    ]
    assert content_words("what is it") == ["what"]  # only stop words: they are kept
    words = content_words("what is the point of the networks and the network")
    assert "the" not in words and "is" not in words
    assert len([w for w in words if w.startswith("network")]) == 1


def test_more_of_the_words_rank_higher():
    per_word = {"a": {1: 2.0, 2: 2.0}, "b": {1: 1.0}, "c": {3: 3.5}}
    scores, counts = some_of_the_words(["a", "b", "c"], lambda w: per_word[w])
    assert counts == {1: 2, 2: 1, 3: 1}
    assert scores == {1: pytest.approx(3.0), 2: pytest.approx(2.0), 3: pytest.approx(3.5)}


def test_reciprocal_rank_fusion():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    assert [item for item, _ in fused] == ["b", "a", "d", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)
    assert reciprocal_rank_fusion([]) == []


def test_the_cli_prints_how_each_hit_matched(cli):
    text = "why engage with local areas"
    hits = cli("search", "--json", text).json()["hits"]
    assert hits and all(h["matched"] in ("all", "some", "meaning") for h in hits)
    assert {"some", "meaning"} & {h["matched"] for h in hits}
    # The text output says it on each such hit's line, as the app does.
    ran = cli("search", text, "--limit", str(len(hits)))
    assert ran.code == 0
    lines = [line for line in ran.out.splitlines() if " · score " in line]
    assert len(lines) == len(hits)
    for line, hit in zip(lines, hits, strict=True):
        labels = [label for label in MATCHED_LABELS.values() if line.endswith(f" · {label}")]
        assert labels == ([MATCHED_LABELS[hit["matched"]]] if hit["matched"] != "all" else [])
