"""Finding a search's terms in a post's text: for snippets, highlights and n/N jumps.

A word of the text matches a term when the analyzers would index it as that term: its
written form (lower case, British spelling, no possessive) for an exact term, that
form's stem for a stemmed one; a phrase's words stand one after another (stop words
may come between the words of a stemmed phrase, as the index drops them). Nothing is
matched by spelling alone: the stem 'int' (of INT) does not mark 'interest' or 'into'.

Each distinct word of a text is analysed once per set of terms; the spans are then
found by a regular expression of the words that matched, so a 4 KB body costs about
as much as one pass of a pattern over it. The analyzers are imported on first use:
the app loads whoosh only when it searches.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from reader.search.results import MatchTerm, Span

# reader.search.analysis.TOKEN_PATTERN, the analyzers' tokens. A whole token: not right
# after a word character (or a word character and one of .’' that would join them),
# and not followed by one.
_TOKEN_RE = re.compile(r"\w+(?:[.’']\w+)*")
_BEFORE = r"(?<!\w)(?<!\w[.’'])"
_AFTER = r"(?!\w)(?![.’']\w)"


class Highlighter:
    """The spans of some MatchTerms in texts."""

    def __init__(self, terms: Iterable[MatchTerm]) -> None:
        terms = tuple(terms)
        self.terms = terms
        self._single = {
            "exact": {t.words[0] for t in terms if len(t.words) == 1 and t.form == "exact"},
            "stem": {t.words[0] for t in terms if len(t.words) == 1 and t.form == "stem"},
        }
        self._phrases = [t for t in terms if len(t.words) > 1]
        # token as written -> (exact form, stem or None for a stop word)
        self._seen: dict[str, tuple[str, str | None]] = {}

    def __bool__(self) -> bool:
        return bool(self.terms)

    def _analysed(self, tokens: set[str]) -> dict[str, tuple[str, str | None]]:
        seen = self._seen
        new = tokens.difference(seen)
        if new:
            from reader.search.analysis import token_forms

            for token in new:
                seen[token] = token_forms(token)
        return seen

    def spans(self, text: str) -> list[Span]:
        """The matched stretches of `text`, in order, none overlapping (a phrase wins
        over the words inside it)."""
        if not self.terms or not text:
            return []
        tokens = set(_TOKEN_RE.findall(text))
        forms = self._analysed(tokens)
        exact, stem = self._single["exact"], self._single["stem"]
        words = [t for t in tokens if forms[t][0] in exact or forms[t][1] in stem]
        found: list[Span] = []
        if words:
            found += (m.span() for m in _alternatives(words).finditer(text))
        for phrase in self._phrases:
            found += (m.span() for m in self._phrase_regex(phrase, tokens, forms).finditer(text))
        return _without_overlaps(found)

    def _phrase_regex(self, phrase: MatchTerm, tokens, forms) -> re.Pattern[str]:
        index = 0 if phrase.form == "exact" else 1
        parts = []
        for word in phrase.words:
            matching = [t for t in tokens if forms[t][index] == word]
            if not matching:
                return _NOTHING
            parts.append(_group(matching))
        between = r"\W+"
        if phrase.form == "stem":
            stops = [t for t in tokens if forms[t][1] is None]
            if stops:
                between = rf"\W+(?:{_group(stops)}\W+)*"
        return _compiled(_BEFORE + between.join(parts) + _AFTER)


_NOTHING = re.compile(r"(?!)")


def _group(tokens: list[str]) -> str:
    # Longest first, so a token is not matched by a shorter one it starts with.
    ordered = sorted(tokens, key=len, reverse=True)
    return "(?:" + "|".join(map(re.escape, ordered)) + ")" + _AFTER


def _alternatives(tokens: list[str]) -> re.Pattern[str]:
    return _compiled(_BEFORE + _group(tokens))


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _without_overlaps(spans: list[Span]) -> list[Span]:
    spans.sort(key=lambda span: (span[0], -span[1]))
    out: list[Span] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            continue  # inside (or across) the last one
        out.append((start, end))
    return out


@functools.lru_cache(maxsize=64)
def highlighter(terms: tuple[MatchTerm, ...]) -> Highlighter:
    """A Highlighter for these terms, kept while they are in use (the app marks a post's
    blocks one by one with the same terms)."""
    return Highlighter(terms)


def find_match_spans(text: str, terms: Iterable[MatchTerm]) -> list[Span]:
    """Character spans of the query's terms in `text`, for highlighting and n/N jumps."""
    terms = tuple(terms)
    return highlighter(terms).spans(text) if terms else []
