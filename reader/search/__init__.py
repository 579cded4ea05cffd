"""Full-text search: the backend protocol, its whoosh implementation, and the results.

From outside this package, import from here only:

    from reader.search import SearchIndex, SearchResults, find_match_spans

SearchIndex and open_corpus_index load whoosh, so they are imported on first use
(PEP 562): the app imports this package at start and loads whoosh only to search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.search.backend import Progress, SearchBackend
from reader.search.highlight import find_match_spans
from reader.search.results import (
    MatchTerm,
    QueryError,
    RelatedPost,
    SearchHit,
    SearchResults,
    Span,
    marked,
)

if TYPE_CHECKING:
    from reader.search.index import SearchIndex, open_corpus_index

__all__ = [
    "MatchTerm",
    "Progress",
    "QueryError",
    "RelatedPost",
    "SearchBackend",
    "SearchHit",
    "SearchIndex",
    "SearchResults",
    "Span",
    "find_match_spans",
    "marked",
    "open_corpus_index",
]

_LAZY = {"SearchIndex", "open_corpus_index"}


def __getattr__(name: str):
    if name in _LAZY:
        from reader.search import index

        return getattr(index, name)
    raise AttributeError(f"module 'reader.search' has no attribute {name!r}")
