"""The glossary: the posts' acronyms (corpus/glossary.toml), and finding acronyms in text.

An acronym here is a token of 2-6 capital letters (PCN, ARRS), optionally with one
lowercase letter inside (GPwER) or an ampersand (A&E), and optionally a plural 's'
(PCNs, ICSs), which is folded away: "PCNs" is the acronym "PCN".
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader import paths
from reader.articles.model import Article
from reader.errors import ReaderError

GLOSSARY = "glossary.toml"
MIN_LETTERS = 2
MAX_LETTERS = 6

# Letters and digits on either side mean the capitals are part of a longer word; an
# underscore does not (Markdown's _emphasis_), an ampersand does (A&E is one token).
_ACRONYM = re.compile(
    r"(?<![^\W_])(?<!&)"
    r"(?P<acronym>[A-Z]+(?:[a-z][A-Z]+|&[A-Z]+)?)(?P<plural>s?)"
    r"(?![^\W_])(?!&)"
)
_ENTRY_KEYS = {"term", "expansion", "explanation", "also"}


@dataclass(frozen=True)
class GlossaryEntry:
    term: str  # the acronym as written, singular: "PCN", "GPwER", "A&E"
    expansion: str  # what it stands for, as it would appear in prose
    explanation: str  # one line of plain English
    also: tuple[str, ...] = ()  # other spellings: plurals, capitalised or older names


@dataclass(frozen=True)
class AcronymMatch:
    start: int
    end: int
    text: str  # as written: "PCNs"
    acronym: str  # singular: "PCN"


def find_acronym_matches(text: str) -> Iterator[AcronymMatch]:
    """Every acronym in the text, in order, with its position (for marking it up)."""
    for match in _ACRONYM.finditer(text):
        acronym = match["acronym"]
        letters = len(acronym) - acronym.count("&")
        if MIN_LETTERS <= letters <= MAX_LETTERS:
            yield AcronymMatch(match.start(), match.end(), match.group(), acronym)


def find_acronyms(text: str) -> set[str]:
    """The acronyms the text uses, plurals folded: "PCNs and ICSs" -> {"PCN", "ICS"}."""
    return {m.acronym for m in find_acronym_matches(text)}


def article_acronyms(article: Article) -> set[str]:
    """The acronyms a post uses in its title or body."""
    return find_acronyms(f"{article.title}\n{article.body}")


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


class Glossary:
    """The entries, looked up by acronym, expansion or variant, ignoring case."""

    def __init__(self, entries: Iterable[GlossaryEntry], ignore: Iterable[str] = ()) -> None:
        self.entries: tuple[GlossaryEntry, ...] = tuple(
            sorted(entries, key=lambda e: e.term.casefold())
        )
        self.ignore: frozenset[str] = frozenset(ignore)
        self._by_key: dict[str, GlossaryEntry] = {}
        for entry in self.entries:
            for name in (entry.term, entry.expansion, *entry.also):
                other = self._by_key.setdefault(_key(name), entry)
                if other is not entry:
                    raise ReaderError(
                        f"glossary: {name!r} is claimed by both {other.term} and {entry.term}"
                    )
        self._ignored = {_key(token) for token in self.ignore}
        clash = sorted(token for token in self.ignore if _key(token) in self._by_key)
        if clash:
            raise ReaderError(f"glossary: ignored but also defined: {', '.join(clash)}")

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[GlossaryEntry]:
        return iter(self.entries)

    def lookup(self, name: str) -> GlossaryEntry | None:
        """The entry for an acronym, expansion or variant, any case, singular or plural."""
        key = _key(name)
        entry = self._by_key.get(key)
        if entry is None and key.endswith("s"):
            entry = self._by_key.get(key[:-1])
        return entry

    def get(self, name: str) -> GlossaryEntry:
        """The entry for this name; an unknown name is a ReaderError naming close terms."""
        entry = self.lookup(name)
        if entry is not None:
            return entry
        raise ReaderError(f"no glossary entry for {name!r}; {self.suggest(name)}", exit_code=2)

    def suggest(self, name: str) -> str:
        """A hint for an unknown name: the closest terms, or where to see them all."""
        terms = {entry.term.casefold(): entry.term for entry in self.entries}
        close = difflib.get_close_matches(name.casefold(), list(terms), n=3, cutoff=0.5)
        found = [terms[t] for t in close]
        key = _key(name)
        if len(key) >= 3:
            # "network" -> PCN: the name as a word of an expansion.
            for entry in self.entries:
                words = _key(" ".join((entry.expansion, *entry.also))).split()
                if entry.term not in found and any(w.startswith(key) for w in words):
                    found.append(entry.term)
        if found:
            return f"closest: {', '.join(found[:5])}"
        return "`gp-reader glossary` lists every term"

    def is_ignored(self, acronym: str) -> bool:
        return _key(acronym) in self._ignored

    def covers(self, acronym: str) -> bool:
        """Whether an acronym is explained here or deliberately ignored."""
        return self.lookup(acronym) is not None or self.is_ignored(acronym)

    def canonical(self, acronym: str) -> str:
        """The entry's term for a known acronym or variant ("CGG" -> "CCG"), else itself."""
        entry = self.lookup(acronym)
        return entry.term if entry is not None else acronym

    def missing(self, counts: Counter[str], min_posts: int = 2) -> dict[str, int]:
        """Acronyms used in at least min_posts posts that are neither explained nor ignored."""
        return {
            acronym: n
            for acronym, n in sorted(counts.items())
            if n >= min_posts and not self.covers(acronym)
        }


def count_posts(articles: Iterable[Article], glossary: Glossary | None = None) -> Counter[str]:
    """How many posts use each acronym.

    With a glossary, variants count under their entry's term (a post writing "CGGs"
    counts for "CCG", once however many forms it uses); other acronyms count as written.
    """
    counts: Counter[str] = Counter()
    for article in articles:
        acronyms = article_acronyms(article)
        if glossary is not None:
            acronyms = {glossary.canonical(a) for a in acronyms}
        counts.update(acronyms)
    return counts


def load_glossary(corpus_dir: Path | None = None) -> Glossary:
    """The glossary bundled with the corpus; a missing or malformed file is a ReaderError."""
    path = (corpus_dir or paths.corpus_dir()) / GLOSSARY
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ReaderError(f"cannot read the glossary {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ReaderError(f"the glossary {path} is not valid TOML: {exc}") from exc
    try:
        return parse_glossary(data)
    except ReaderError as exc:
        raise ReaderError(f"{path}: {exc}") from exc


def parse_glossary(data: dict[str, Any]) -> Glossary:
    """A Glossary from the parsed TOML; every problem is a ReaderError saying where."""
    unknown = sorted(set(data) - {"entry", "ignore"})
    if unknown:
        raise ReaderError(f"unknown top-level key(s): {', '.join(unknown)}")
    ignore = data.get("ignore", [])
    if not _is_list_of_strings(ignore):
        raise ReaderError("'ignore' must be a list of strings")
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list):
        raise ReaderError("'entry' must be an array of tables ([[entry]])")
    entries = [_parse_entry(raw, n) for n, raw in enumerate(raw_entries, start=1)]
    seen: dict[str, int] = {}
    for n, entry in enumerate(entries, start=1):
        first = seen.setdefault(entry.term.casefold(), n)
        if first != n:
            raise ReaderError(f"entry {n} ({entry.term}) repeats entry {first}")
    return Glossary(entries, ignore)


def _parse_entry(raw: object, n: int) -> GlossaryEntry:
    if not isinstance(raw, dict):
        raise ReaderError(f"entry {n} must be a table")
    where = f"entry {n} ({raw['term']})" if isinstance(raw.get("term"), str) else f"entry {n}"
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        raise ReaderError(f"{where}: unknown key(s): {', '.join(unknown)}")
    for key in ("term", "expansion", "explanation"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ReaderError(f"{where}: {key!r} must be a non-empty string")
        if "\n" in value:
            raise ReaderError(f"{where}: {key!r} must be one line")
    also = raw.get("also", [])
    if not _is_list_of_strings(also) or not all(a.strip() for a in also):
        raise ReaderError(f"{where}: 'also' must be a list of non-empty strings")
    return GlossaryEntry(
        term=raw["term"].strip(),
        expansion=raw["expansion"].strip(),
        explanation=raw["explanation"].strip(),
        also=tuple(a.strip() for a in also),
    )


def _is_list_of_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
