"""When all the words find few posts: the results go on with some of the words and
with meaning, fused.

The strict results (every word) come first, as ever. Below FEW of them, a query of
plain words goes on with two rankings of the other posts, fused by reciprocal rank
(reader.search.fusion): some of the words (reader.search.partial, BM25F) and meaning
(reader.search.meaning, when the model is there). Each post that goes on says how it
matched: "some" (it holds some of the words) or "meaning" (none of them: it is only
close in meaning, and then only when its meaning score is at least MEANING_FLOOR, so
that gibberish finds nothing rather than the least unrelated posts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reader.search.fusion import reciprocal_rank_fusion
from reader.search.meaning.engine import Meaning
from reader.search.partial import Scores, content_words, is_explicit, some_of_the_words

__all__ = ["FEW", "Continued", "content_words", "continue_results", "goes_on"]

FEW = 3  # fewer strict results than this and the results go on
DEPTH = 100  # how far down each ranking is fused
# Meaning scores (mean of post and best-paragraph cosine) of text unrelated to every post
# ("xyzzy", "banana recipe", "asdfgh qwerty") stay under 0.19 on the bundled posts, and
# the closest post to a real question scores 0.25-0.7.
MEANING_FLOOR = 0.2


@dataclass(frozen=True)
class Continued:
    article_id: str
    docnum: int | None
    matched: str  # "some" or "meaning"
    score: float  # the fused score


def goes_on(text: str, strict_total: int) -> bool:
    return strict_total < FEW and not is_explicit(text)


def continue_results(
    text: str,
    strict: set[int],
    word_scores: Callable[[str], Scores],
    id_of: Callable[[int], str],
    meaning: Meaning | None,
    question: np.ndarray | None,
    known: Callable[[str], bool],
    docnum_for: Callable[[str], int | None] = lambda post_id: None,
    common: Callable[[str], bool] = lambda word: False,
) -> tuple[list[Continued], int]:
    """The posts after the strict ones, best first (at most DEPTH), and how many there are.

    `word_scores(word)` scores the posts one word matches (docnum -> BM25F); `id_of`
    gives a docnum's post id, `docnum_for` the other way; `known(id)` says whether a post
    is in the index.
    """
    words = content_words(text)
    # A word in more than half the posts has a BM25 idf near nothing ("practice" in a
    # library of general-practice posts) but costs a score for nearly every post: left
    # out, unless every word is such a word.
    words = [w for w in words if not common(w)] or words
    scores, _counts = some_of_the_words(words, word_scores)
    for docnum in strict:
        scores.pop(docnum, None)
    ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
    docnum_of = {id_of(docnum): docnum for docnum, _ in ranked[:DEPTH]}
    by_words = list(docnum_of)
    strict_ids = {id_of(docnum) for docnum in strict}
    total = len(ranked)

    by_meaning: list[str] = []
    if meaning is not None and question is not None:
        for post_id, score in meaning.rank(question, DEPTH + len(strict), also=by_words):
            if post_id in strict_ids or not known(post_id):
                continue
            if post_id in docnum_of or score >= MEANING_FLOOR:
                by_meaning.append(post_id)
        # Posts only close in meaning: those holding none of the words (a post further
        # down the words' ranking than DEPTH is counted there already).
        words_found = set(scores)
        total += sum(
            1
            for post_id in by_meaning
            if post_id not in docnum_of and docnum_for(post_id) not in words_found
        )
    fused = reciprocal_rank_fusion([by_words, by_meaning])[:DEPTH]
    out = [
        Continued(
            post_id,
            docnum_of.get(post_id),
            "some" if post_id in docnum_of else "meaning",
            score,
        )
        for post_id, score in fused
    ]
    return out, total
