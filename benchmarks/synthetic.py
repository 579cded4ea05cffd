"""A large synthetic corpus assembled from the real posts' paragraphs, for benchmarks.

Each synthetic post mixes runs of paragraphs from a few real posts until its body is
about 4 KB, so the words, their frequencies and the Markdown are the corpus's own. Its
title is a stretch of one of its own sentences in Title Case, unique across the corpus;
category, site and author follow the real mix of categories, topics come from the real
taxonomy, and posts of an undated category (the blog) stay undated as the real ones do.
The same seed always gives the same posts.

As a library: `synthetic_articles(10_000)`. As a script:

    python benchmarks/synthetic.py --posts 10000 --out posts.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

from reader import paths
from reader.articles.bundled import TAXONOMY, load_corpus
from reader.articles.model import Article
from reader.articles.parse import count_words, slugify
from reader.articles.topics import (
    ABSOLUTE_FLOOR,
    MAX_TOPICS,
    RELATIVE_FLOOR,
    Taxonomy,
    load_taxonomy,
)

DEFAULT_POSTS = 10_000
DEFAULT_SEED = 20240601
SOURCES_PER_POST = (3, 5)  # a post draws on this many real posts
RUN_LENGTH = (1, 4)  # consecutive paragraphs taken from a source at a time
BODY_CHARS = (2_800, 4_600)  # the last run overshoots: bodies average about 4 KB
TITLE_WORDS = (4, 8)
# Dated posts fall in the years the real archive covers, and a little either side.
FIRST_DATE, LAST_DATE = date(2011, 1, 1), date(2016, 12, 31)

_BLANK_LINES_RE = re.compile(r"\n\s*\n")
_SENTENCE_RE = re.compile(r"[^.?!]+[.?!]")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z’'-]*")
_MINOR_WORDS = frozenset("a an and as at but by for in of on or the to with".split())
# A title does not end mid-clause on words like these.
_DANGLING = _MINOR_WORDS | frozenset(
    "it is its was be are this that their they we which who".split()
)


def real_paragraphs(articles: Sequence[Article]) -> list[list[str]]:
    """Each real post's paragraphs (its body split on blank lines), in order."""
    return [[p.strip("\n") for p in _BLANK_LINES_RE.split(a.body) if p.strip()] for a in articles]


def _title_case(words: list[str]) -> str:
    cased = [
        w if w.isupper() or (i and w.lower() in _MINOR_WORDS) else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    ]
    return " ".join(cased)


def _title_from(body: str, rng: random.Random) -> str:
    """A few consecutive words of one of the body's sentences, in Title Case."""
    sentences = _SENTENCE_RE.findall(body) or [body]
    for _ in range(10):
        words = _WORD_RE.findall(rng.choice(sentences))
        if len(words) >= TITLE_WORDS[0]:
            break
    else:
        words = _WORD_RE.findall(body)
    n = min(len(words), rng.randint(*TITLE_WORDS))
    start = rng.randint(0, len(words) - n)
    chosen = words[start : start + n]
    while len(chosen) > 2 and chosen[-1].lower() in _DANGLING:
        chosen.pop()
    return _title_case(chosen)


def _pick_paragraphs(sources: list[int], paragraphs: list[list[str]], rng: random.Random):
    """(post, paragraph) positions of a body: runs from the sources until it is long enough."""
    target = rng.randint(*BODY_CHARS)
    chosen: list[tuple[int, int]] = []
    size = 0
    while size < target:
        post = rng.choice(sources)
        run = rng.randint(*RUN_LENGTH)
        start = rng.randrange(len(paragraphs[post]))
        for i in range(start, min(start + run, len(paragraphs[post]))):
            chosen.append((post, i))
            size += len(paragraphs[post][i]) + 2
    # A post opens with prose, not a subheading, a quotation or a list.
    for _ in range(len(chosen) - 1):
        post, i = chosen[0]
        if not paragraphs[post][i].startswith(("###", ">", "-")):
            break
        chosen.append(chosen.pop(0))
    return chosen


def _assign_topics(taxonomy: Taxonomy, scores: list[dict[str, int]]) -> tuple[str, ...]:
    """Taxonomy.assign's choice, from per-paragraph scores added up (same rules).

    The paragraphs are few and shared, so each is scored once: scoring every 4 KB body
    afresh would add seconds to minutes (depending on the taxonomy code) per 10,000.
    """
    total = {topic: sum(s[topic] for s in scores) for topic in scores[0]}
    ranked = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))
    best = ranked[0][1] if ranked else 0
    if best == 0:
        return (taxonomy.fallback,)
    floor = max(ABSOLUTE_FLOOR, best * RELATIVE_FLOOR)
    chosen = [t for t, s in ranked[:MAX_TOPICS] if s >= floor]
    return tuple(chosen or [ranked[0][0]])


def iter_synthetic_articles(
    n: int = DEFAULT_POSTS, seed: int = DEFAULT_SEED, source: Sequence[Article] | None = None
) -> Iterator[Article]:
    """`n` synthetic posts, each with a unique id and title; deterministic for a seed."""
    # The bundled corpus, parsed afresh: a benchmark leaves the user's cache alone.
    real = list(source if source is not None else load_corpus(use_cache=False).articles)
    taxonomy = load_taxonomy(paths.corpus_dir() / TAXONOMY)
    paragraphs = real_paragraphs(real)
    paragraph_scores = [[taxonomy.scores("", p) for p in post] for post in paragraphs]
    # Words never run across a blank line, so a body's count is its paragraphs' sum.
    paragraph_words = [[count_words(p) for p in post] for post in paragraphs]
    usable = [i for i, p in enumerate(paragraphs) if p]
    dated_categories = {a.category for a in real if a.date}
    rng = random.Random(seed)
    titles: set[str] = set()
    ids: set[str] = set()
    day_span = (LAST_DATE - FIRST_DATE).days
    for number in range(1, n + 1):
        picked = rng.sample(usable, k=min(len(usable), rng.randint(*SOURCES_PER_POST)))
        positions = _pick_paragraphs(picked, paragraphs, rng)
        body = "\n\n".join(paragraphs[post][i] for post, i in positions)
        like = real[picked[0]]  # category, site and author follow the real mix
        title = _title_from(body, rng)
        for _ in range(5):
            if title not in titles:
                break
            title = _title_from(body, rng)
        if title in titles:
            title = f"{title} ({number})"
        titles.add(title)
        when = None
        if like.category in dated_categories:
            when = (FIRST_DATE + timedelta(days=rng.randint(0, day_span))).isoformat()
        base = slugify(title)
        article_id = base if base not in ids else f"{base}-{number}"
        ids.add(article_id)
        yield Article(
            id=article_id,
            title=title,
            title_is_derived=False,
            category=like.category,
            site=like.site,
            author=like.author,
            date=when,
            topics=_assign_topics(
                taxonomy,
                [taxonomy.scores(title, ""), *(paragraph_scores[p][i] for p, i in positions)],
            ),
            body=body,
            source="synthetic",
            words=sum(paragraph_words[p][i] for p, i in positions),
        )


def synthetic_articles(
    n: int = DEFAULT_POSTS, seed: int = DEFAULT_SEED, source: Sequence[Article] | None = None
) -> list[Article]:
    """`n` synthetic posts (see the module docstring); `source` defaults to the real corpus."""
    return list(iter_synthetic_articles(n, seed, source))


def fingerprint(articles: Sequence[Article]) -> str:
    """A fingerprint of a list of posts, standing in for the corpus's source-page hash."""
    digest = hashlib.sha256()
    for article in articles:
        digest.update(json.dumps(article.to_json(with_body=True), sort_keys=True).encode())
    return digest.hexdigest()


def write_jsonl(articles: Sequence[Article], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article.to_json(with_body=True), ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[Article]:
    with path.open(encoding="utf-8") as handle:
        return [Article.from_json(json.loads(line)) for line in handle if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=DEFAULT_POSTS, help="how many posts")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="JSONL file to write (default: stdout)")
    args = parser.parse_args(argv)
    articles = iter_synthetic_articles(args.posts, args.seed)
    if args.out:
        write_jsonl(list(articles), args.out)
        print(f"wrote {args.posts} posts to {args.out}", file=sys.stderr)
        return 0
    for article in articles:
        sys.stdout.write(json.dumps(article.to_json(with_body=True), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
