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


def test_a_neighbourhood_posts_related_posts_are_mostly_about_neighbourhoods(index, corpus):
    posts = [a for a in corpus if NEIGHBOURHOODS in a.topics]
    assert len(posts) >= 4
    for article in posts:
        topics = [corpus.get(i).topics for i, _, _ in index.related(article.id)]
        on_topic = sum(NEIGHBOURHOODS in t for t in topics)
        assert on_topic >= 3, (article.id, topics)


def test_the_related_posts_of_why_engage_with_neighbourhoods_all_discuss_them(index, corpus):
    for related_id, _, _ in index.related("why-engage-with-neighbourhoods"):
        text = corpus.get(related_id).body
        assert len(re.findall(r"neighbourhood", text, re.I)) >= 5, related_id


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
