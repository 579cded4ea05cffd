"""Emphasis in a post's Markdown: `**bold**` and `*italic*`, the only inline marks kept.

Imported Markdown keeps its bold and italic (`__x__` and `_x_` written as `**x**` and
`*x*`); the app draws them and search sees the words. A lone asterisk ('marked *') is
text.
"""

from __future__ import annotations

import re

_EMPHASIS_RE = re.compile(r"(?<![\w*\\])(\*\*|\*)(?=[^\s*])(.+?)(?<=[^\s*\\])\1(?![\w*])", re.S)


def split_emphasis(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text without its emphasis marks, and (start, end, 'bold'|'italic') spans."""
    if "*" not in text:
        return text, []
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    at = 0
    length = 0
    for m in _EMPHASIS_RE.finditer(text):
        out.append(text[at : m.start()])
        length += m.start() - at
        inner = m.group(2)
        spans.append((length, length + len(inner), "bold" if m.group(1) == "**" else "italic"))
        out.append(inner)
        length += len(inner)
        at = m.end()
    out.append(text[at:])
    return "".join(out), spans
