"""Some of the words: what a search goes on with when all of them find few posts.

A question in plain English ("why should my practice bother getting involved in the new
local joined-up care areas") has words no single post holds all of, so the strict
search (every word) finds nothing. Here each word that is not a stop word is searched
on its own, with the same fields, stemming, exact-form lift and acronym expansion as
the strict search, and a post's score is the sum of its words' BM25F scores times the
share of the words it holds (a post with more of the words ranks higher: Lucene's
classic coordination factor). Only plain words go on: a query with explicit syntax
(AND, OR, NOT, -word, "a phrase", field:, wildcards, fuzzy~) keeps its strict meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.search.analysis import TOKEN_PATTERN, _forms

# Explicit query syntax: operators, quotes, brackets, fields, wildcards, fuzzy, boosts,
# and a leading - or + on a word (a hyphen inside a word, "joined-up", is no syntax).
_EXPLICIT_RE = re.compile(
    r"[\"()\[\]{}^~*]|(?<!\w)(?:AND|OR|NOT|ANDNOT|ANDMAYBE)(?!\w)|(?:^|\s)[-+](?=\S)|\w:"
)
_TOKEN_RE = re.compile(TOKEN_PATTERN)

Scores = dict[int, float]


def is_explicit(text: str) -> bool:
    """Whether the query uses syntax that gives it a strict meaning."""
    return bool(_EXPLICIT_RE.search(text))


def content_words(text: str) -> list[str]:
    """The query's words that are not stop words, each once (by stem), in order."""
    seen: set[str] = set()
    out = []
    for token in _TOKEN_RE.findall(text):
        _form, root = _forms(token)
        if root is not None and root not in seen:
            seen.add(root)
            out.append(token)
    return out


def some_of_the_words(
    words: list[str], score: Callable[[str], Scores]
) -> tuple[dict[int, float], dict[int, int]]:
    """Each post holding any of `words`: its coordinated score and how many it holds.

    `score(word)` gives the posts a single word matches and their BM25F scores.
    """
    totals: dict[int, float] = {}
    counts: dict[int, int] = {}
    for word in words:
        for docnum, value in score(word).items():
            totals[docnum] = totals.get(docnum, 0.0) + value
            counts[docnum] = counts.get(docnum, 0) + 1
    n = len(words) or 1
    return {d: s * counts[d] / n for d, s in totals.items()}, counts
