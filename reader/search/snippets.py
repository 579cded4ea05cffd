"""The passage of a post shown under a search hit.

It is cut from the post's plain text as the Markdown codec gives it
(reader.articles.markdown.plain_text): a heading without its '### ', a quotation without
its '> ', an item with its number, a bullet with its '•', no emphasis marks, a link as its
text, no escapes; so the passage reads as the post does in the app, and its highlight
spans are counted in that text.
"""

from __future__ import annotations

from reader.articles.markdown import plain_text
from reader.search.highlight import Highlighter
from reader.search.results import Span

SNIPPET_CHARS = 180


def make_snippet(
    body: str, highlighter: Highlighter | None, width: int = SNIPPET_CHARS
) -> tuple[str, tuple[Span, ...]]:
    """The stretch of the body (Markdown) with the most of the query's different words
    (the first such), as plain text on one line, and the spans of its matches there."""
    body = plain_text(body)
    spans = highlighter.spans(body) if highlighter else []
    first = _best_match(body, spans, width - width // 3) if spans else None
    start = 0
    if first:
        start = max(0, first[0] - width // 3)
        space = body.find(" ", start, first[0])
        if start and space >= 0:
            start = space + 1
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    window = " ".join(body[start:end].split())  # blocks run on, as on one line
    text = ("…" if start else "") + window + ("…" if end < len(body) else "")
    return text, tuple(highlighter.spans(text)) if highlighter else ()


def _best_match(body: str, spans: list[Span], reach: int) -> Span | None:
    """The match from which the next `reach` characters hold the most different matched
    words ('primary care': a stretch with both, not the first 'care' alone)."""
    if len(spans) < 2:
        return spans[0] if spans else None
    words = [body[a:b].casefold() for a, b in spans]
    best, best_count = 0, 0
    inside: dict[str, int] = {}
    j = 0
    for i, (start, _) in enumerate(spans):  # the window of matches starting within reach
        while j < len(spans) and spans[j][1] <= start + reach:
            inside[words[j]] = inside.get(words[j], 0) + 1
            j += 1
        if len(inside) > best_count:
            best, best_count = i, len(inside)
        if j > i:  # match i leaves the window
            inside[words[i]] -= 1
            if not inside[words[i]]:
                del inside[words[i]]
    return spans[best]
