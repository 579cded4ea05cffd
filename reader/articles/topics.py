"""Topics: an editable taxonomy (corpus/topics.toml) of topic -> words and phrases.

Each article gets the 1-3 topics whose words it uses most, its title counting extra.
Counting walks the text's words once (and its runs of up to a few words, for phrases):
assigning topics to 10,000 imported posts must take seconds, not minutes.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reader.errors import ReaderError

TITLE_WEIGHT = 5
MAX_TOPICS = 3
# A second or third topic must score at least this share of the best one.
RELATIVE_FLOOR = 0.35
ABSOLUTE_FLOOR = 3
_WORD_RE = re.compile(r"\w+")


def _is_acronym(term: str) -> bool:
    # Acronyms (PCN, ICBs, GPwER) match as written, so 'int' in prose is not 'INT'.
    return term.isupper() or any(c.isupper() for c in term[1:])


@dataclass(frozen=True)
class Taxonomy:
    # (words of a term, as matched) -> the topics it signals; case-insensitive terms are
    # lower case, acronyms as written. Plurals ('s', 'es') are added when loading.
    terms: dict[tuple[str, ...], tuple[str, ...]]
    cased: frozenset[tuple[str, ...]]
    topics: tuple[str, ...]
    fallback: str
    # first word -> the lengths (in words) of the terms it starts, longest first
    lengths: dict[str, tuple[int, ...]]

    def _count(self, text: str) -> Counter[str]:
        """Topic counts: at each word the longest term starting there counts once."""
        words = _WORD_RE.findall(text)
        lowered = [w.lower() for w in words]
        counts: Counter[str] = Counter()
        lengths, cased, terms = self.lengths, self.cased, self.terms
        empty: tuple[int, ...] = ()
        # The few words that may start a term, found in one pass at C speed.
        pairs = enumerate(zip(words, lowered, strict=True))
        starts = [i for i, (w, low) in pairs if low in lengths or w in lengths]
        resume = 0  # words before this one belong to a term already counted
        for i in starts:
            if i < resume:
                continue
            candidates = lengths.get(lowered[i], empty) + lengths.get(words[i], empty)
            for n in sorted(set(candidates), reverse=True):
                if n > len(words) - i:
                    continue
                as_written = tuple(words[i : i + n])
                key = as_written if as_written in cased else tuple(lowered[i : i + n])
                topics = terms.get(key)
                if topics and (key not in cased or key == as_written):
                    for topic in topics:
                        counts[topic] += 1
                    resume = i + n
                    break
        return counts

    def scores(self, title: str, body: str) -> dict[str, int]:
        title_counts, body_counts = self._count(title), self._count(body)
        return {t: TITLE_WEIGHT * title_counts[t] + body_counts[t] for t in self.topics}

    def assign(self, title: str, body: str) -> tuple[str, ...]:
        scores = self.scores(title, body)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        best = ranked[0][1] if ranked else 0
        if best == 0:
            return (self.fallback,)
        floor = max(ABSOLUTE_FLOOR, best * RELATIVE_FLOOR)
        chosen = [t for t, s in ranked[:MAX_TOPICS] if s >= floor]
        return tuple(chosen or [ranked[0][0]])


def load_taxonomy(path: Path) -> Taxonomy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        topics = data["topics"]
        fallback = data["fallback"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise ReaderError(f"cannot read the topic taxonomy {path}: {exc}") from exc
    terms: dict[tuple[str, ...], list[str]] = {}
    cased: set[tuple[str, ...]] = set()
    for topic, words in topics.items():
        for term in words:
            parts = _WORD_RE.findall(term)
            if not parts:
                continue
            acronym = _is_acronym(term)
            base = parts if acronym else [p.lower() for p in parts]
            for ending in ("", "s", "es"):
                key = tuple(base[:-1] + [base[-1] + ending])
                if acronym:
                    cased.add(key)
                if topic not in terms.setdefault(key, []):
                    terms[key].append(topic)
    return Taxonomy(
        terms={k: tuple(v) for k, v in terms.items()},
        cased=frozenset(cased),
        topics=tuple(topics),
        fallback=fallback,
        lengths=_lengths_by_first_word(terms),
    )


def _lengths_by_first_word(terms: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for key in terms:
        lengths.setdefault(key[0], set()).add(len(key))
    return {first: tuple(sorted(ns, reverse=True)) for first, ns in lengths.items()}
