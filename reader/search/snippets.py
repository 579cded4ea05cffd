"""The passage of a post shown under a search hit."""

from __future__ import annotations

import re

SNIPPET_CHARS = 180


def make_snippet(body: str, pattern: re.Pattern[str] | None, width: int = SNIPPET_CHARS) -> str:
    """The stretch of the body with the most of the query's different words (the first
    such), matches marked **like this**."""
    first = _best_match(body, pattern, width - width // 3) if pattern else None
    start = 0
    if first:
        start = max(0, first.start() - width // 3)
        space = body.find(" ", start, first.start())
        if start and space >= 0:
            start = space + 1
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    window = body[start:end]
    if pattern:
        window = pattern.sub(lambda m: f"**{m.group(0)}**", window)
    window = " ".join(window.replace("### ", "").replace("> ", "").split())
    return ("…" if start else "") + window + ("…" if end < len(body) else "")


def _best_match(body: str, pattern: re.Pattern[str], reach: int) -> re.Match[str] | None:
    """The match from which the next `reach` characters hold the most different matched
    words ('primary care': a stretch with both, not the first 'care' alone)."""
    matches = list(pattern.finditer(body))
    if len(matches) < 2:
        return matches[0] if matches else None
    words = [m.group(0).casefold() for m in matches]
    best, best_count = 0, 0
    inside: dict[str, int] = {}
    j = 0
    for i, match in enumerate(matches):  # the window of matches starting within reach
        while j < len(matches) and matches[j].end() <= match.start() + reach:
            inside[words[j]] = inside.get(words[j], 0) + 1
            j += 1
        if len(inside) > best_count:
            best, best_count = i, len(inside)
        if j > i:  # match i leaves the window
            inside[words[i]] -= 1
            if not inside[words[i]]:
                del inside[words[i]]
    return matches[best]
