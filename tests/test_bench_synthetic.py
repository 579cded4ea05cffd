"""The benchmarks' synthetic corpus: real paragraphs, unique titles, the same every time."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from reader import paths
from reader.articles.bundled import TAXONOMY, load_corpus
from reader.articles.topics import load_taxonomy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402


@pytest.fixture(scope="module")
def real():
    return load_corpus(use_cache=False).articles


@pytest.fixture(scope="module")
def posts(real):
    return synthetic.synthetic_articles(50, source=real)


def test_n_posts_with_unique_ids_and_titles(posts):
    assert len(posts) == 50
    assert len({p.id for p in posts}) == 50
    assert len({p.title for p in posts}) == 50


def test_bodies_are_made_of_real_paragraphs(posts, real):
    def paragraphs_of(body):
        return {p.strip("\n") for p in re.split(r"\n\s*\n", body) if p.strip()}

    paragraphs = set().union(*(paragraphs_of(a.body) for a in real))
    for post in posts:
        assert 2_500 < len(post.body) < 9_000
        assert paragraphs_of(post.body) <= paragraphs
        assert not post.body.startswith(("###", ">"))


def test_categories_topics_and_dates_follow_the_real_corpus(posts, real):
    dated = {a.category for a in real if a.date}
    taxonomy = load_taxonomy(paths.corpus_dir() / TAXONOMY)
    assert {p.category for p in posts} <= {a.category for a in real}
    for post in posts:
        assert post.topics == taxonomy.assign(post.title, post.body)
        assert (post.date is not None) == (post.category in dated)
    assert any(p.date is None for p in posts) and any(p.date for p in posts)


def test_the_same_seed_gives_the_same_posts(posts, real):
    assert synthetic.synthetic_articles(50, source=real) == posts
    assert synthetic.synthetic_articles(50, seed=1, source=real) != posts


def test_jsonl_round_trip(posts, tmp_path):
    path = tmp_path / "posts.jsonl"
    synthetic.write_jsonl(posts, path)
    assert synthetic.read_jsonl(path) == posts
