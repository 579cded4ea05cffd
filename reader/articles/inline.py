"""Emphasis in a post's Markdown: `**bold**` and `*italic*`, the only inline marks kept.

Imported Markdown keeps its bold and italic (`__x__` and `_x_` written as `**x**` and
`*x*`); the app draws them and search sees the words. A lone asterisk ('marked *') is
text.

An opening mark follows no word character, asterisk or backslash and comes before a
character that is neither space nor asterisk; the closing mark is the first of the same
kind after it that follows a character that is neither space, asterisk nor backslash and
comes before no word character or asterisk. Whether a mark can open or close depends
only on its neighbours, so each is judged once and an opener finds its closer by
bisection: linear in the text. (The regular expression this replaces scanned to the end
of the text for every opener without a closer: `*a ` 8,000 times held the app 16 s.)
"""

from __future__ import annotations

import re
from bisect import bisect_left

_MARK = re.compile(r"\*\*|\*")
_STAR_OR_WORD = re.compile(r"[\w*]")
_BOLD, _ITALIC = "**", "*"


def _before(text: str, at: int) -> str:
    return text[at - 1] if at > 0 else ""


def _after(text: str, at: int) -> str:
    return text[at] if at < len(text) else ""


def _opens(text: str, at: int, mark: str) -> bool:
    before, after = _before(text, at), _after(text, at + len(mark))
    return (
        not (before and (_STAR_OR_WORD.match(before) or before == "\\"))
        and after != ""
        and not after.isspace()
        and after != "*"
    )


def _closes(text: str, at: int, mark: str) -> bool:
    before, after = _before(text, at), _after(text, at + len(mark))
    return (
        before != ""
        and not before.isspace()
        and before not in "*\\"
        and not (after and _STAR_OR_WORD.match(after))
    )


def _closers(text: str, mark: str) -> list[int]:
    """Where `mark` stands in `text` able to close, wherever it starts (overlaps too)."""
    found = []
    at = text.find(mark)
    while at != -1:
        if _closes(text, at, mark):
            found.append(at)
        at = text.find(mark, at + 1)
    return found


def split_emphasis(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text without its emphasis marks, and (start, end, 'bold'|'italic') spans."""
    if "*" not in text:
        return text, []
    closers = {_BOLD: _closers(text, _BOLD), _ITALIC: _closers(text, _ITALIC)}
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    at = 0  # where the text not yet copied starts (and the search goes on)
    length = 0
    search = text.find("*")
    while search != -1:
        matched = False
        mark = _BOLD if text.startswith(_BOLD, search) else _ITALIC
        for kind in (mark, _ITALIC) if mark == _BOLD else (mark,):
            if not _opens(text, search, kind):
                continue
            ends = closers[kind]
            i = bisect_left(ends, search + len(kind) + 1)  # at least one character inside
            if i == len(ends):
                continue
            end = ends[i]
            inner = text[search + len(kind) : end]
            out.append(text[at:search])
            length += search - at
            spans.append((length, length + len(inner), "bold" if kind == _BOLD else "italic"))
            out.append(inner)
            length += len(inner)
            at = end + len(kind)
            matched = True
            break
        search = text.find("*", at if matched else search + 1)
    out.append(text[at:])
    return "".join(out), spans
