"""Finding a search's terms in a post's text: for snippets, highlights and n/N jumps.

Kept apart from reader.search.index so the app can highlight without importing whoosh.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _word_regex(term: str) -> str:
    # A stem matches the words it starts ('integr' -> 'integration'), with Porter's
    # y -> i undone ('primari' -> 'primary'); an exact word also matches itself.
    stem = term[:-1] if term.endswith("i") and len(term) > 3 else term
    return rf"{re.escape(stem)}\w*"


def match_regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern finding the query's terms (from query_terms) in a post's text."""
    alternatives = {r"\W+".join(_word_regex(w) for w in term.split()) for term in terms if term}
    if not alternatives:
        return None
    ordered = sorted(alternatives, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(ordered) + ")", re.IGNORECASE)


def find_match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of the query's terms in `text`, for highlighting and n/N jumps."""
    pattern = match_regex(terms)
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(text)]
