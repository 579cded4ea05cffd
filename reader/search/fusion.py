"""Reciprocal rank fusion: one ranking from several, by rank alone.

Cormack, Clarke and Büttcher (SIGIR 2009): a post's score is the sum over rankings of
1 / (k + its rank there). It needs no calibration between BM25 scores and cosines, and
its one constant, k = 60, is the paper's (not fitted to our questions).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

RRF_K = 60

Item = TypeVar("Item", bound=Hashable)


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Item]], k: int = RRF_K
) -> list[tuple[Item, float]]:
    """Every item of the rankings, best first, with its fused score (ties: first seen)."""
    scores: dict[Item, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    order = {item: n for n, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda pair: (-pair[1], order[pair[0]]))
