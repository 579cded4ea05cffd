"""What a search returns: hits and results, as the CLI and the app show them.

Nothing here depends on the engine: any SearchBackend (reader.search.backend) returns
these. A hit's snippet is plain text with the matched stretches as (start, end)
offsets into it; the `**markup**` of `search --json` and the CLI is made from those
offsets at the output edge (marked()), and the app styles the same offsets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple

Span = tuple[int, int]  # [start, end) character offsets into a text


@dataclass(frozen=True)
class MatchTerm:
    """One thing a search looks for in a post's text: a word, or a phrase's words in order.

    `form` says how a word of the text is compared with `words` (reader.search.highlight):
    "exact", its written form (lower case, British spelling, no possessive 's); "stem",
    that form's Porter stem (stop words are skipped inside a stemmed phrase, as the
    index skips them).
    """

    words: tuple[str, ...]
    form: Literal["exact", "stem"] = "exact"


# How a hit matched, as the app and the CLI say it beside the hit: posts after the
# strict results hold only some of the words, or none and are close in meaning.
MATCHED_LABELS = {"some": "some of your words", "meaning": "close in meaning"}


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    category: str
    date: str | None
    score: float
    snippet: str  # plain text: a passage of the body
    highlights: tuple[Span, ...] = ()  # the matched stretches of `snippet`, in order
    # How it matched: "all" the words (or the query's syntax), "some" of the words, or
    # only by "meaning" (reader.search.continuation).
    matched: str = "all"

    @property
    def matched_label(self) -> str | None:
        """What to say of how it matched: nothing for all the words."""
        return MATCHED_LABELS.get(self.matched)

    def marked_snippet(self, before: str = "**", after: str = "**") -> str:
        return marked(self.snippet, self.highlights, before, after)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "category": self.category,
            "date": self.date,
            "score": round(self.score, 4),
            "snippet": self.marked_snippet(),  # README: matched words **like this**
            "matched": self.matched,
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    took_ms: float
    total: int
    hits: tuple[SearchHit, ...]
    terms: tuple[MatchTerm, ...] = ()  # what to mark in a post opened from these results
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


class RelatedPost(NamedTuple):
    id: str
    title: str
    score: float


class QueryError(ValueError):
    """A query that cannot be searched even as plain words."""


def marked(text: str, spans: Iterable[Span], before: str = "**", after: str = "**") -> str:
    """`text` with each span wrapped in `before` and `after`."""
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], before, text[start:end], after]
        last = end
    out.append(text[last:])
    return "".join(out)
