"""What a search returns: hits and results, as the CLI and the app show them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    category: str
    date: str | None
    score: float
    snippet: str  # matched words marked **like this**
    terms: tuple[str, ...]  # the query's terms; find_match_spans() places them in a post
    # How it matched: "all" the words (or the query's syntax), "some" of the words, or
    # only by "meaning" (reader.search.continuation).
    matched: str = "all"

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "category": self.category,
            "date": self.date,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "matched": self.matched,
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    took_ms: float
    total: int
    hits: tuple[SearchHit, ...]
    suggestion: str | None = None
    notice: str | None = None  # e.g. the syntax was malformed and the words were searched

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "took_ms": round(self.took_ms, 2),
            "total": self.total,
            "suggestion": self.suggestion,
            "hits": [h.to_json() for h in self.hits],
        }


class QueryError(ValueError):
    """A query that cannot be searched even as plain words."""
