"""Finding a search's terms in a post's text: for snippets, highlights and n/N jumps.

A word of the text matches a term when the analyzers would index it as that term: its
written form (lower case, British spelling, no possessive) for an exact term, that
form's stem for a stemmed one; a phrase's words stand one after another (stop words
may come between the words of a stemmed phrase, as the index drops them). Nothing is
matched by spelling alone: the stem 'int' (of INT) does not mark 'interest' or 'into'.

A pattern finds the candidates first: whole words starting as a matching word must
(its first three letters; an analysed word is a prefix of the word as written but for
Porter's final y -> i and a few American spellings, added as they are); only those are
analysed, so a 4 KB body costs about one pass of a pattern over it. The analyzers are
imported when a Highlighter is made: the app loads whoosh only when it searches.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from reader.search.results import MatchTerm, Span

# reader.search.analysis.TOKEN_PATTERN, the analyzers' tokens. A token never starts right
# after a word character, nor after a word character and one of .’' (that joins them).
_TOKEN_RE = re.compile(r"\w+(?:[.’']\w+)*")
_BEFORE = r"(?<!\w)(?<!\w[.’'])"


class Highlighter:
    """The spans of some MatchTerms in texts."""

    def __init__(self, terms: Iterable[MatchTerm]) -> None:
        from reader.search.analysis import token_forms

        self._forms = token_forms
        terms = tuple(terms)
        self.terms = terms
        single = [t for t in terms if len(t.words) == 1]
        self._exact = {t.words[0] for t in single if t.form == "exact"}
        self._stems = {t.words[0] for t in single if t.form == "stem"}
        # phrases by (form, first word)
        self._phrases: dict[tuple[str, str], list[MatchTerm]] = {}
        for t in terms:
            if len(t.words) > 1:
                self._phrases.setdefault((t.form, t.words[0]), []).append(t)
        firsts: list[tuple[str, str]] = [(t.form, t.words[0]) for t in single]
        firsts += list(self._phrases)
        # Candidates: whole tokens starting as a matching word must start (a stem or
        # form less a Porter y -> i, its first three letters, or an American spelling's).
        starts = set()
        for form, word in firsts:
            stem_like = word[:-1] if form == "stem" and word.endswith("i") else word
            starts.add(stem_like[:3])
            starts.update(us[:3] for us in _american_spellings().get(word, ()))
        starts.discard("")
        self._candidates = (
            re.compile(
                _BEFORE + "(?:" + "|".join(map(re.escape, sorted(starts))) + r")\w*(?:[.’']\w+)*",
                re.IGNORECASE,
            )
            if starts
            else None
        )

    def __bool__(self) -> bool:
        return bool(self.terms)

    def spans(self, text: str) -> list[Span]:
        """The matched stretches of `text`, in order, none overlapping (a phrase wins
        over the words inside it)."""
        if self._candidates is None or not text:
            return []
        forms, exact, stems, phrases = self._forms, self._exact, self._stems, self._phrases
        found: list[Span] = []
        for match in self._candidates.finditer(text):
            form, stem = forms(match.group())
            if form in exact or stem in stems:
                found.append(match.span())
            if phrases:
                keys = (("exact", form), ("stem", stem)) if stem is not None else (("exact", form),)
                for key in keys:
                    for phrase in phrases.get(key, ()):
                        end = self._phrase_end(text, match.end(), phrase)
                        if end is not None:
                            found.append((match.start(), end))
        return _without_overlaps(found) if len(found) > 1 else found

    def _phrase_end(self, text: str, pos: int, phrase: MatchTerm) -> int | None:
        """Where `phrase` ends if its first word ends at `pos`, else None."""
        index = 0 if phrase.form == "exact" else 1
        rest = iter(phrase.words[1:])
        wanted: str | None = next(rest)
        for token in _TOKEN_RE.finditer(text, pos):
            forms = self._forms(token.group())
            if forms[index] == wanted:
                wanted = next(rest, None)
                if wanted is None:
                    return token.end()
            elif index == 0 or forms[1] is not None:
                return None  # another word (a stop word may come between stems)
        return None


@functools.lru_cache(maxsize=1)
def _american_spellings() -> dict[str, list[str]]:
    """The words and stems the analyzers make from American spellings whose first three
    letters are not the British ones' (pediatric -> paediatr), to the American words."""
    from reader.search.analysis import US_TO_UK, token_forms

    out: dict[str, list[str]] = {}
    for american in US_TO_UK:
        for word in token_forms(american):
            if word and not american.startswith(word[:3]):
                out.setdefault(word, []).append(american)
    return out


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
