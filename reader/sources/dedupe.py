"""The same post found by its text, not its title.

A page saved from the blog may carry the post under a missing, misspelt or junk title
('Home', 'Blog', 'Untitled 3'), and two different posts may carry the same junk title.
So a post is matched to one the reader holds (bundled, imported or synced) by the words
of its opening: word 5-grams (shingles) over its first paragraphs, compared with the
same of every held post. Two openings that share most of their shingles are one post;
titles never decide it on their own. Where both copies carry real titles and the titles
differ (not a misspelling), the whole text must agree, not just the opening: one post
may open by quoting another.
"""

from __future__ import annotations

import difflib
import re
import zlib
from collections.abc import Callable

SHINGLE = 5  # words a shingle
SAMPLE = 2
OPENING_PARAGRAPHS = 3
OPENING_WORDS = (40, 120)  # at least, at most: a one-line first paragraph is not enough
OPENING_CHARS = 4000  # enough text for OPENING_WORDS, so a long post is not read whole
SAME_OPENING = 0.6  # share of the shorter opening's shingles found in the other
# With an equal, real title, less is needed: the same post cut short or lightly edited.
SAME_OPENING_SAME_TITLE = 0.25
# Two different real titles: the opening is not enough (a post may quote another's
# opening); the shorter text's paragraphs must be found in the longer.
SAME_TEXT = 0.8
CANDIDATES = 3  # the held posts whose openings agree most, looked at closely
# A shingle held by this many posts is a stock phrase (or a synthetic corpus), no evidence.
COMMON_SHINGLE = 16
SIMILAR_TITLE = 0.8  # difflib ratio: a misspelt title ('Micromanagment') is the same one
_WORD_RE = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*")
_MARKER_RE = re.compile(r"^(?:#{1,6} |> |[-*+] |\d+[.)] )", re.M)

Shingles = frozenset[int]


def _stable_hash(text: str) -> int:
    """The same number for the same text in every run. Python's hash() of a str changes
    from one process to the next, and the shingles kept (one in SAMPLE, by hash) must not:
    otherwise a copy near the threshold is a duplicate in one run and a new post in the
    next."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(_MARKER_RE.sub("", text).replace("’", "'").casefold())


def opening_words(markdown: str) -> list[str]:
    """The first paragraphs' words, folded: what two copies of one post share."""
    paragraphs = [p for p in re.split(r"\n\s*\n", markdown[:OPENING_CHARS]) if p.strip()]
    words: list[str] = []
    for n, paragraph in enumerate(paragraphs):
        if n >= OPENING_PARAGRAPHS and len(words) >= OPENING_WORDS[0]:
            break
        words.extend(_words(paragraph))
        if len(words) >= OPENING_WORDS[1]:
            break
    return words[: OPENING_WORDS[1]]


def shingles(words: list[str]) -> Shingles:
    if len(words) < SHINGLE:
        return frozenset([_stable_hash(" ".join(words))]) if words else frozenset()
    last = len(words) - SHINGLE + 1
    every = (_stable_hash(" ".join(words[i : i + SHINGLE])) for i in range(last))
    # One shingle in SAMPLE, chosen by its hash: both sides keep the same ones, so the
    # share two texts have in common is kept, at a fraction of the look-ups.
    kept = frozenset(h for h in every if h % SAMPLE == 0)
    return kept or frozenset([_stable_hash(" ".join(words[:SHINGLE]))])


def _start(markdown: str) -> str:
    return " ".join(opening_words(markdown[:400])[:SHINGLE])


def _fold_title(title: str) -> str:
    return " ".join(_WORD_RE.findall(title.casefold()))


def similar_titles(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILAR_TITLE
        and matcher.quick_ratio() >= SIMILAR_TITLE
        and matcher.ratio() >= SIMILAR_TITLE
    )


def text_shingles(markdown: str) -> Shingles:
    """A whole text by its paragraphs (folded, markers off): cheap, and strict."""
    return frozenset(
        hash(" ".join(_MARKER_RE.sub("", p).split()).casefold())
        for p in markdown.split("\n\n")
        if p.strip()
    )


def same_text(mine: Shingles, theirs: Shingles) -> bool:
    """The shorter text found, paragraph by paragraph, in the longer."""
    if not mine or not theirs:
        return False
    return len(mine & theirs) / min(len(mine), len(theirs)) >= SAME_TEXT


class TextIndex:
    """Held posts by the shingles of their openings; `find` names the same post, if any."""

    def __init__(self, body_of: Callable[[str], str | None] | None = None) -> None:
        self._shingles: dict[str, Shingles] = {}
        self._titles: dict[str, str] = {}
        self._by_shingle: dict[int, set[str]] = {}
        self._body_of = body_of or (lambda post_id: None)
        self._by_start: dict[str, set[str]] = {}  # the first SHINGLE words of each text
        self._starts: dict[str, str] = {}
        self._whole: dict[str, Shingles] = {}  # whole texts' shingles, as they are needed

    def add(
        self,
        post_id: str,
        title: str,
        markdown: str,
        real_title: bool = True,
        found: Shingles | None = None,
    ) -> None:
        self.discard(post_id)
        found = found if found is not None else shingles(opening_words(markdown))
        self._shingles[post_id] = found
        self._by_start.setdefault(_start(markdown), set()).add(post_id)
        self._starts[post_id] = _start(markdown)
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
        self._whole.pop(post_id, None)
        start = self._starts.pop(post_id, None)
        if start is not None:
            self._by_start.get(start, set()).discard(post_id)

    def _whole_text(self, post_id: str) -> Shingles:
        if post_id not in self._whole:
            body = self._body_of(post_id)
            self._whole[post_id] = text_shingles(body) if body else frozenset()
        return self._whole[post_id]

    def find(
        self, title: str, markdown: str, real_title: bool = True
    ) -> tuple[str | None, Shingles]:
        """The held post this text is a copy of (or a part of, or the whole of), and the
        text's opening shingles (for `add`)."""
        mine = shingles(opening_words(markdown))
        if not mine:
            return None, mine
        shared: dict[str, int] = {}
        for shingle in mine:
            holders = self._by_shingle.get(shingle)
            if holders and len(holders) <= COMMON_SHINGLE:
                for post_id in holders:
                    shared[post_id] = shared.get(post_id, 0) + 1
        folded = _fold_title(title) if real_title else ""
        scored = []
        for post_id, count in shared.items():
            score = count / max(1, min(len(mine), len(self._shingles[post_id])))
            if score >= SAME_OPENING_SAME_TITLE:
                scored.append((score, post_id))
        if folded:
            # The same real title and the same first words: the same post, cut short.
            for post_id in self._by_start.get(_start(markdown), ()):
                if self._titles.get(post_id) == folded:
                    return post_id, mine
        scored.sort(reverse=True)
        whole: Shingles | None = None
        for score, post_id in scored[:CANDIDATES]:
            held_title = self._titles.get(post_id, "")
            if folded and folded == held_title:
                return post_id, mine  # an equal title and a shared opening
            if score < SAME_OPENING:
                continue
            if not folded or not held_title or similar_titles(folded, held_title):
                return post_id, mine
            whole = whole if whole is not None else text_shingles(markdown)
            if same_text(whole, self._whole_text(post_id)):
                return post_id, mine  # a retitled copy of the same text
        return None, mine
