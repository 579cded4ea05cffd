"""Related reading: the five posts most like a post, from the index and `gp-reader related`."""

from __future__ import annotations

import json
import re

from reader.cli import main

NEIGHBOURHOODS = "Neighbourhoods"


def test_every_post_gets_five_others_never_itself(index, corpus):
    for article in corpus:
        related = index.related(article.id)
        ids = [i for i, _, _ in related]
        assert len(ids) == 5 and len(set(ids)) == 5, article.id
        assert article.id not in ids
        scores = [score for _, _, score in related]
        assert scores == sorted(scores, reverse=True)
        assert [title for _, title, _ in related] == [corpus.get(i).title for i in ids]


def _topic_agreement(corpus, related) -> float:
    """The share of related posts that share a topic with their post, over the corpus."""
    pairs = [
        bool(set(article.topics) & set(corpus.get(other).topics))
        for article in corpus
        if article.topics
        for other, _, _ in related(article.id)
    ]
    return sum(pairs) / len(pairs)


def test_related_by_meaning_shares_topics_more_often_than_by_words(index, corpus):
    by_meaning = _topic_agreement(corpus, index.related)
    by_words = _topic_agreement(corpus, lambda i: index._related_by_words(i, 5))
    assert by_meaning > by_words + 0.05, (by_meaning, by_words)  # 0.74 against 0.60


def test_a_neighbourhood_posts_related_posts_are_mostly_about_neighbourhoods(index, corpus):
    posts = [a for a in corpus if NEIGHBOURHOODS in a.topics]
    assert len(posts) >= 4
    on_topic = [
        sum(NEIGHBOURHOODS in corpus.get(i).topics for i, _, _ in index.related(article.id))
        for article in posts
    ]
    assert sum(on_topic) >= 3 * len(posts) and min(on_topic) >= 2, on_topic


def test_the_related_posts_of_why_engage_with_neighbourhoods_discuss_them(index, corpus):
    related = index.related("why-engage-with-neighbourhoods")
    counts = [len(re.findall(r"neighbourhood", corpus.get(i).body, re.I)) for i, _, _ in related]
    assert sum(n >= 5 for n in counts) >= 4, counts


def test_without_vectors_related_reading_is_by_words(index, corpus, monkeypatch):
    monkeypatch.setattr(index, "_meaning", None)
    related = [i for i, _, _ in index.related("why-engage-with-neighbourhoods")]
    assert related == [
        i for i, _, _ in index._related_by_words("why-engage-with-neighbourhoods", 5)
    ]
    assert len(related) == 5 and "why-engage-with-neighbourhoods" not in related


def test_an_unknown_id_in_the_index_has_no_related_posts(index):
    assert index.related("no-such-post") == []


def test_limit(index):
    assert len(index.related("50-to-1", limit=2)) == 2


# --- the command line ------------------------------------------------------------------


def test_cli_json_is_a_list_of_id_title_score(capsys, corpus):
    assert main(["related", "how-can-pcns-prepare-for-neighbourhoods", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == 5
    for item in data:
        assert set(item) == {"id", "title", "score"}
        assert item["title"] == corpus.get(item["id"]).title
        assert isinstance(item["score"], float) and item["score"] > 0
    assert "how-can-pcns-prepare-for-neighbourhoods" not in [item["id"] for item in data]


def test_cli_text_lists_ids_and_titles(capsys):
    assert main(["related", "50-to-1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Posts like “50 to 1”:"
    assert len(lines) == 6 and all(line.startswith("  ") for line in lines[1:])
    assert not any(line.split()[0] == "50-to-1" for line in lines[1:])


def test_cli_unknown_id_exits_2_with_one_line_naming_close_ids(capsys):
    assert main(["related", "why-engage-with-neighbourhood"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "why-engage-with-neighbourhoods" in captured.err
