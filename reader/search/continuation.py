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

import heapq
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.search.fusion import reciprocal_rank_fusion
from reader.search.partial import Scores, content_words, is_explicit, some_of_the_words

if TYPE_CHECKING:  # numpy and the model load only when a search goes on by meaning
    import numpy as np

    from reader.search.meaning.engine import Meaning

__all__ = ["FEW", "Continued", "content_words", "continue_results", "goes_on"]

FEW = 3  # fewer strict results than this and the results go on
DEPTH = 100  # how far down each ranking is fused
# Meaning scores (mean of post and best-paragraph cosine) of text unrelated to every post
# ("xyzzy", "banana recipe", "asdfgh qwerty") stay under 0.19 on the bundled posts, and
# the closest post to a real question scores 0.25-0.7.
MEANING_FLOOR = 0.2


@dataclass(frozen=True)
class Continued:
    docnum: int
    matched: str  # "some" or "meaning"
    score: float  # the fused score


def goes_on(text: str, strict_total: int) -> bool:
    return strict_total < FEW and not is_explicit(text)


def continue_results(
    text: str,
    strict: Collection[int],
    word_scores: Callable[[str], Scores],
    id_of: Callable[[int], str],
    meaning: Meaning | None,
    question: np.ndarray | None,
    docnum_for: Callable[[str], int | None],
    common: Callable[[str], bool] = lambda word: False,
) -> tuple[list[Continued], int]:
    """The posts after the strict ones, best first (at most DEPTH), and how many there are.

    Posts are document numbers throughout: `word_scores(word)` scores the posts one word
    matches (docnum -> BM25F); the meaning ranking's post ids become document numbers
    by `docnum_for` (None: not in the index), and `id_of` gives the post id of the
    words' best DEPTH, whose paragraphs the meaning ranking scores too.
    """
    words = content_words(text)
    # A word in more than half the posts has a BM25 idf near nothing ("practice" in a
    # library of general-practice posts) but costs a score for nearly every post: left
    # out, unless every word is such a word.
    words = [w for w in words if not common(w)] or words
    scores, _counts = some_of_the_words(words, word_scores)
    for docnum in strict:
        scores.pop(docnum, None)
    # The best DEPTH by score, ties by document number: no sort of every post found.
    best = heapq.nsmallest(DEPTH, scores.items(), key=lambda pair: (-pair[1], pair[0]))
    by_words = [docnum for docnum, _ in best]
    total = len(scores)

    in_words = set(by_words)
    by_meaning: list[int] = []
    if meaning is not None and question is not None:
        also = [id_of(docnum) for docnum in by_words]
        for post_id, score in meaning.rank(question, DEPTH + len(strict), also=also):
            found = docnum_for(post_id)
            if found is None or found in strict:
                continue  # not in the index (yet), or shown already
            if found in in_words or score >= MEANING_FLOOR:
                by_meaning.append(found)
                # Posts only close in meaning: those holding none of the words (a post
                # further down the words' ranking than DEPTH is counted there already).
                if found not in scores:
                    total += 1
    fused = reciprocal_rank_fusion([by_words, by_meaning])[:DEPTH]
    out = [
        Continued(docnum, "some" if docnum in in_words else "meaning", score)
        for docnum, score in fused
    ]
    return out, total
