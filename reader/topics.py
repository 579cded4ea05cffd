"""Topics: an editable taxonomy (corpus/topics.toml) of topic -> words and phrases.

Each article gets the 1-3 topics whose words it uses most, its title counting extra.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from reader.errors import ReaderError

TITLE_WEIGHT = 5
MAX_TOPICS = 3
# A second or third topic must score at least this share of the best one.
RELATIVE_FLOOR = 0.35
ABSOLUTE_FLOOR = 3


@dataclass(frozen=True)
class Taxonomy:
    patterns: dict[str, re.Pattern[str]]
    fallback: str

    def scores(self, title: str, body: str) -> dict[str, int]:
        return {
            topic: TITLE_WEIGHT * len(pattern.findall(title)) + len(pattern.findall(body))
            for topic, pattern in self.patterns.items()
        }

    def assign(self, title: str, body: str) -> tuple[str, ...]:
        scores = self.scores(title, body)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        best = ranked[0][1] if ranked else 0
        if best == 0:
            return (self.fallback,)
        floor = max(ABSOLUTE_FLOOR, best * RELATIVE_FLOOR)
        chosen = [t for t, s in ranked[:MAX_TOPICS] if s >= floor]
        return tuple(chosen or [ranked[0][0]])


def _term_pattern(term: str) -> str:
    escaped = re.escape(term).replace(r"\ ", r"\s+")
    if term.isupper() or any(c.isupper() for c in term[1:]):
        # Acronyms (PCN, ICBs, GPwER) match as written, so 'int' in prose is not 'INT'.
        return rf"\b{escaped}(?:s|es)?\b"
    return rf"(?i:\b{escaped}(?:s|es)?\b)"


def load_taxonomy(path: Path) -> Taxonomy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        topics = data["topics"]
        fallback = data["fallback"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise ReaderError(f"cannot read the topic taxonomy {path}: {exc}") from exc
    patterns = {
        name: re.compile("|".join(_term_pattern(t) for t in terms))
        for name, terms in topics.items()
        if terms
    }
    return Taxonomy(patterns=patterns, fallback=fallback)
