"""Some of the words: what a search goes on with when all of them find few posts.

A question in plain English ("why should my practice bother getting involved in the new
local joined-up care areas") has words no single post holds all of, so the strict
search (every word) finds nothing. Here each word that is not a stop word is searched
on its own, with the same fields, stemming, exact-form lift and acronym expansion as
the strict search, and a post's score is the sum of its words' BM25F scores (BM25 over
any of the words: a post with more of them ranks higher, other things equal). Lucene's
classic coordination factor (times the share of the words a post holds) was tried and
left out: on the half of benchmarks/questions.toml used for choosing, it lowered
MRR@10 from 0.897 to 0.873 (docs/search-quality.md). Only plain words go on: a query
with explicit syntax (AND, OR, NOT, -word, "a phrase", field:, wildcards, fuzzy~) keeps
its strict meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.search.analysis import TOKEN_PATTERN, token_forms

# Explicit query syntax: operators, quotes, brackets, fields, wildcards, fuzzy, boosts,
# and a leading - or + on a word (a hyphen inside a word, "joined-up", is no syntax).
_EXPLICIT_RE = re.compile(
    r"[\"()\[\]{}^~*]|(?<!\w)(?:AND|OR|NOT|ANDNOT|ANDMAYBE)(?!\w)|(?:^|\s)[-+](?=\S)|\w:"
)
_TOKEN_RE = re.compile(TOKEN_PATTERN)

# English function words, question words and auxiliaries (the usual stop list of
# information retrieval, e.g. NLTK's, less the negations): a question's "why should my
# ... be doing" says how it is asked, not what about. whoosh's own list (used for the
# strict search) has only 34 words. Each still counts in the strict search.
QUESTION_STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves s t ll d re ve m o y ought shall might must may also get got us let lets
    one thing things anything something whats what's there's it's
    """.split()
)

Scores = dict[int, float]


def is_explicit(text: str) -> bool:
    """Whether the query uses syntax that gives it a strict meaning."""
    return bool(_EXPLICIT_RE.search(text))


def content_words(text: str) -> list[str]:
    """The query's words that are not stop words, each once (by stem), in order.

    Stop words only: a question of nothing but stop words keeps them (whoosh's list)."""
    seen: set[str] = set()
    out: list[str] = []
    stops: list[str] = []
    for token in _TOKEN_RE.findall(text):
        form, root = token_forms(token)
        if root is None or root in seen:
            continue
        seen.add(root)
        (stops if form in QUESTION_STOP_WORDS else out).append(token)
    return out or stops


def some_of_the_words(
    words: list[str], score: Callable[[str], Scores]
) -> tuple[dict[int, float], dict[int, int]]:
    """Each post holding any of `words`: its summed score and how many of them it holds.

    `score(word)` gives the posts a single word matches and their BM25F scores.
    """
    totals: dict[int, float] = {}
    counts: dict[int, int] = {}
    for word in words:
        for docnum, value in score(word).items():
            totals[docnum] = totals.get(docnum, 0.0) + value
            counts[docnum] = counts.get(docnum, 0) + 1
    return totals, counts
