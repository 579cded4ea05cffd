"""Where a highlight is in a post's text, and finding it again when the text changes.

A highlight is described as the W3C Web Annotation model describes a passage (and as
Hypothesis and Zotero store it): a TextQuoteSelector (the exact quote, with some text
before and after it) and a TextPositionSelector (its start and end offsets in the post's
plain text, reader.articles.text.plain_text). When the text changes (a fuller import, a
sync update) a highlight is found again in three steps:

1. position: the offsets still hold the exact quote;
2. quote: the exact quote elsewhere (of several, the one whose context matches best,
   then the nearest to the old place); the quote with its spaces and quotation marks
   normalised counts too;
3. fuzzy: the passage most like the quote (difflib), if it is at least FUZZY_THRESHOLD
   alike; its context breaks ties.

Nothing found is `None`: the caller keeps the highlight and shows it as detached.
This module never imports textual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

CONTEXT_CHARS = 32  # text kept either side of a quote
FUZZY_THRESHOLD = 0.75
_WORD_EDGE = re.compile(r"\b|\s")


@dataclass(frozen=True)
class Selector:
    """A passage: TextQuoteSelector (quote, prefix, suffix) + TextPositionSelector."""

    quote: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    method: str  # "position", "quote" or "fuzzy"


def describe(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> Selector:
    """The selectors for text[start:end]."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"not a passage of the text: {start}..{end} of {len(text)}")
    return Selector(
        quote=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
        start=start,
        end=end,
    )


def anchor(text: str, selector: Selector) -> Anchor | None:
    """Where the selector's passage is in `text` now, or None (detached)."""
    quote = selector.quote
    if not quote:
        return None
    if text[selector.start : selector.end] == quote:
        return Anchor(selector.start, selector.end, "position")
    found = _exact(text, selector)
    if found is not None:
        return Anchor(*found, "quote")
    found = _normalised(text, selector)
    if found is not None:
        return Anchor(*found, "quote")
    found = _fuzzy(text, selector)
    if found is not None:
        return Anchor(*found, "fuzzy")
    return None


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every place `quote` is in `text`: exactly, else with spaces, quotation marks and
    dashes normalised and case ignored (a quote typed at a command line)."""
    quote = quote.strip()
    if not quote:
        return []
    exact = [(at, at + len(quote)) for at in _occurrences(text, quote)]
    if exact:
        return exact
    folded, positions = _fold(text)
    target, _ = _fold(quote)
    target = target.strip()
    if not target:
        return []
    found = []
    at = folded.find(target)
    while at >= 0:
        found.append(_unfold(positions, at, at + len(target), len(text)))
        at = folded.find(target, at + 1)
    return found


# -- the steps -------------------------------------------------------------------------------


def _occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _context_score(text: str, start: int, end: int, selector: Selector) -> float:
    before = text[max(0, start - len(selector.prefix)) : start]
    after = text[end : end + len(selector.suffix)]
    score = 0.0
    if selector.prefix:
        score += SequenceMatcher(None, before, selector.prefix, autojunk=False).ratio()
    if selector.suffix:
        score += SequenceMatcher(None, after, selector.suffix, autojunk=False).ratio()
    return score


def _best(text: str, spans: list[tuple[int, int]], selector: Selector) -> tuple[int, int] | None:
    if not spans:
        return None
    if len(spans) == 1:
        return spans[0]
    return max(
        spans,
        key=lambda s: (
            round(_context_score(text, s[0], s[1], selector), 3),
            -abs(s[0] - selector.start),
        ),
    )


def _exact(text: str, selector: Selector) -> tuple[int, int] | None:
    quote = selector.quote
    spans = [(at, at + len(quote)) for at in _occurrences(text, quote)]
    return _best(text, spans, selector)


_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})


def _fold(text: str) -> tuple[str, list[int]]:
    """Text with runs of spaces as one, curly quotes and dashes plain, lower case; and for
    each character of it, where it came from."""
    out: list[str] = []
    positions: list[int] = []
    space = False
    for i, ch in enumerate(text.translate(_FOLD)):
        if ch.isspace():
            if space:
                continue
            space = True
            out.append(" ")
        else:
            space = False
            out.append(ch.lower() if len(ch.lower()) == 1 else ch)
        positions.append(i)
    return "".join(out), positions


def _unfold(positions: list[int], start: int, end: int, length: int) -> tuple[int, int]:
    real_end = positions[end - 1] + 1 if end - 1 < len(positions) else length
    return positions[start], real_end


def _normalised(text: str, selector: Selector) -> tuple[int, int] | None:
    folded, positions = _fold(text)
    target, _ = _fold(selector.quote)
    if not target.strip():
        return None
    spans = []
    at = folded.find(target)
    while at >= 0:
        spans.append(_unfold(positions, at, at + len(target), len(text)))
        at = folded.find(target, at + 1)
    return _best(text, spans, selector)


def _edges(text: str, around: int, slack: int) -> list[int]:
    """Word edges near `around` (a passage starts and ends at one)."""
    low, high = max(0, around - slack), min(len(text), around + slack)
    edges = {m.start() for m in _WORD_EDGE.finditer(text, low, high)}
    edges.add(min(max(around, 0), len(text)))
    return sorted(edges)


def _fuzzy(text: str, selector: Selector) -> tuple[int, int] | None:
    quote = selector.quote
    if not text or len(quote) < 4:
        return None
    matcher = SequenceMatcher(None, text, quote, autojunk=False)
    seeds = sorted(matcher.get_matching_blocks(), key=lambda b: -b.size)[:3]
    slack = max(8, len(quote) // 5)
    best: tuple[float, float, int, int] | None = None
    for seed in seeds:
        if seed.size == 0:
            continue
        origin = seed.a - seed.b  # where the quote would start if this block lined up
        for start in _edges(text, origin, slack):
            for end in _edges(text, origin + len(quote), slack):
                if end - start < len(quote) // 2:
                    continue
                candidate = text[start:end].strip()
                if not candidate:
                    continue
                ratio = SequenceMatcher(None, candidate, quote, autojunk=False).ratio()
                if ratio < FUZZY_THRESHOLD:
                    continue
                lead = len(text[start:end]) - len(text[start:end].lstrip())
                trail = len(text[start:end]) - len(text[start:end].rstrip())
                s, e = start + lead, end - trail
                key = (round(ratio, 3), _context_score(text, s, e, selector), s, e)
                if best is None or key[:2] > best[:2]:
                    best = key
    if best is None:
        return None
    return best[2], best[3]
