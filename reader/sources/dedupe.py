"""The same post found by its text, not its title.

A page saved from the blog may carry the post under a missing, misspelt or junk title
('Home', 'Blog', 'Untitled 3'), and two different posts may carry the same junk title.
So a post is matched to one the reader holds (bundled, imported or synced) by the words
of its opening: word 5-grams (shingles) over its first paragraphs, compared with the
same of every held post. Two openings that share most of their shingles are one post;
titles never decide it on their own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

SHINGLE = 5  # words a shingle
OPENING_PARAGRAPHS = 3
OPENING_WORDS = (40, 160)  # at least, at most: a one-line first paragraph is not enough
SAME_POST = 0.6  # share of the shorter opening's shingles found in the other
# With an equal, real title, less is needed: the same post cut short or lightly edited.
SAME_POST_SAME_TITLE = 0.25
_WORD_RE = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*")
_MARKER_RE = re.compile(r"^(?:#{1,6} |> |[-*+] |\d+[.)] )", re.M)


def opening_words(markdown: str) -> list[str]:
    """The first paragraphs' words, folded: what two copies of one post share."""
    paragraphs = [p for p in re.split(r"\n\s*\n", markdown) if p.strip()]
    words: list[str] = []
    for n, paragraph in enumerate(paragraphs):
        if n >= OPENING_PARAGRAPHS and len(words) >= OPENING_WORDS[0]:
            break
        text = _MARKER_RE.sub("", paragraph).replace("’", "'").casefold()
        words.extend(_WORD_RE.findall(text))
        if len(words) >= OPENING_WORDS[1]:
            break
    return words[: OPENING_WORDS[1]]


def shingles(words: list[str]) -> frozenset[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def _fold_title(title: str) -> str:
    return " ".join(_WORD_RE.findall(title.casefold()))


class TextIndex:
    """Held posts by the shingles of their openings; `find` names the same post, if any."""

    def __init__(self) -> None:
        self._shingles: dict[str, frozenset] = {}
        self._titles: dict[str, str] = {}
        self._by_shingle: dict[tuple[str, ...], set[str]] = {}

    def add(self, post_id: str, title: str, markdown: str, real_title: bool = True) -> None:
        self.discard(post_id)
        found = shingles(opening_words(markdown))
        self._shingles[post_id] = found
        if real_title:
            self._titles[post_id] = _fold_title(title)
        for shingle in found:
            self._by_shingle.setdefault(shingle, set()).add(post_id)

    def discard(self, post_id: str) -> None:
        for shingle in self._shingles.pop(post_id, ()):
            held = self._by_shingle.get(shingle)
            if held:
                held.discard(post_id)
        self._titles.pop(post_id, None)

    def find(self, title: str, markdown: str, real_title: bool = True) -> str | None:
        """The held post this text is a copy of (or a part of, or the whole of)."""
        mine = shingles(opening_words(markdown))
        if not mine:
            return None
        shared: Counter[str] = Counter()
        for shingle in mine:
            for post_id in self._by_shingle.get(shingle, ()):
                shared[post_id] += 1
        folded = _fold_title(title) if real_title else None
        best, best_score = None, 0.0
        for post_id, count in shared.items():
            score = count / max(1, min(len(mine), len(self._shingles[post_id])))
            needed = SAME_POST
            if folded and self._titles.get(post_id) == folded:
                needed = SAME_POST_SAME_TITLE
            if score >= needed and score > best_score:
                best, best_score = post_id, score
        return best


def index_of(posts: Iterable[tuple[str, str, str, bool]]) -> TextIndex:
    """An index of (id, title, body, title is real) records."""
    index = TextIndex()
    for post_id, title, body, real in posts:
        index.add(post_id, title, body, real)
    return index
