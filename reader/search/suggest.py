"""'Did you mean': a correction offered only for a word that is likely a typo.

A word the posts never use is not always a misspelling: "why should my practice bother
with neighbourhoods" has "bother", a good English word the corpus happens to lack, and
whoosh's nearest corpus word ("other") is no help. So a word is corrected only when
  * it is no stop word, and the corpus, the glossary and (where the search already found
    something, or the query is more than one word) English do not know it;
  * the corpus has a word close to it for its length: one edit for a word of up to
    seven letters, two for a longer one ('lone' -> 'one', 'integrater' -> 'integrator').
A single word that found nothing at all is still offered its nearest word: there is
nothing else to show.

English is pyspellchecker's word list (an OpenSubtitles frequency list with misspellings
taken out, American spelling); a British form is looked up as its American one too.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from whoosh.analysis.analyzers import STOP_WORDS
from whoosh.support.levenshtein import damerau_levenshtein as edit_distance

from reader.articles.glossary import Glossary
from reader.search.guard import MAX_SUGGESTED_WORD, MAX_SUGGESTIONS

_english: frozenset[str] | None = None
_english_lock = threading.Lock()

# British -> American endings, so 'organisation' and 'colour' count as English words.
_TO_AMERICAN = (
    (re.compile(r"is(e|es|ed|ing|ation|ations|er|ers|able)$"), r"iz\1"),
    (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"),
    (re.compile(r"our(s|ed|ing|ite|ites|able|ful)?$"), r"or\1"),
    (re.compile(r"tre(s)?$"), r"ter\1"),
    (re.compile(r"ogue(s)?$"), r"og\1"),
    (re.compile(r"ence(s)?$"), r"ense\1"),
    (re.compile(r"lled$"), "led"),
    (re.compile(r"lling$"), "ling"),
    (re.compile(r"(?<=[a-z])(ae|oe)(?=[a-z])"), "e"),
)


def english_words() -> frozenset[str]:
    """pyspellchecker's English words, read once (a third of a second) when first asked."""
    global _english
    with _english_lock:
        if _english is None:
            from spellchecker import SpellChecker

            _english = frozenset(SpellChecker(language="en", distance=1).word_frequency.keys())
        return _english


def is_english_word(word: str) -> bool:
    """A correctly spelled English word (British or American spelling)?"""
    word = word.casefold()
    known = english_words()
    if word in known:
        return True
    for pattern, american in _TO_AMERICAN:
        variant = pattern.sub(american, word)
        if variant != word and variant in known:
            return True
    return False


def max_edits(word: str) -> int:
    """How far a correction may be from a word of this length and still be its typo."""
    return 1 if len(word) <= 7 else 2


def _closeness(word: str, option: str) -> tuple[int, bool, bool]:
    return (edit_distance(word, option), option[-1:] != word[-1:], option[:1] != word[:1])


class Suggester:
    """Builds the 'Did you mean' text for a search; keeps whoosh's corrections per index."""

    def __init__(self, schema: Any, glossary: Glossary) -> None:
        self._schema = schema
        self._glossary = glossary
        self._corrections: dict[str | None, Any] = {}

    def suggest(
        self,
        searcher: Any,
        text: str,
        as_you_type: bool = False,
        found: bool = False,
        found_any: bool = False,
    ) -> str | None:
        """The query with its likely typos replaced by the corpus's closest words, or None.

        `found`: some post has every word; `found_any`: the search showed posts at all."""
        corrector = None  # made only for a word the corpus lacks: most searches have none
        changed = False
        out = text
        # Words of 3 to MAX_SUGGESTED_WORD letters (a longer one is no typo of a word the
        # posts use, and its edit distances cost seconds); at most MAX_SUGGESTIONS of them.
        words = re.findall(rf"(?<![\w:])[A-Za-z]{{3,{MAX_SUGGESTED_WORD}}}(?![\w:*~])", text)
        several = len(re.findall(r"\w+", text)) > 1
        if as_you_type and words and not text.endswith(" "):
            # The word being typed: no "did you mean" while some post has every word,
            # nor for the start of a word the posts use (each key would ask whoosh's
            # corrector, 10-50 ms, about a word not yet written: 'neighbourh' offered
            # 'neighbour' on the way to 'neighbourhoods').
            typing = text.endswith(words[-1])
            if found or (typing and self._starts_a_word(searcher, words[-1])):
                words = words[:-1]
        for word in words[:MAX_SUGGESTIONS]:
            if word.upper() in ("AND", "OR", "NOT") or word.casefold() in STOP_WORDS:
                continue
            forms = list(self._schema["body_exact"].process_text(word, mode="query"))
            if not forms:
                continue
            lowered = forms[0]  # lower case, British spelling, as the index holds it
            if searcher.doc_frequency("body_exact", lowered) or searcher.doc_frequency(
                "title_exact", lowered
            ):
                continue
            if self._glossary.lookup(word):
                continue
            # A real word the posts do not use, in a search that found posts or in a
            # sentence: the user meant it ('bother' is no typo of 'other').
            if (found_any or several) and (is_english_word(word) or is_english_word(lowered)):
                continue
            # A question typed a letter at a time asks again for each word it has passed
            # (whoosh's corrector: 10-50 ms a word); kept while the index is the same.
            cache = self._corrections
            if cache.get(None) is not searcher:
                cache.clear()
                cache[None] = searcher
            options = cache.get(lowered)
            if options is None:
                corrector = corrector or searcher.corrector("body_exact")
                # whoosh orders the words within two edits by how common they are, so
                # 'lone' became 'on' and 'neighbourhod' 'neighbourhoods': the closest word
                # wins here, the more common of equally close ones (whoosh's order kept).
                options = corrector.suggest(lowered, limit=10, maxdist=2)
                # Of equally close words, one keeping the word's first and last letters
                # (typing slips seldom touch them): 'integrater' is 'integrator', not
                # 'integrated'.
                options.sort(key=lambda option: _closeness(lowered, option))
                cache[lowered] = options
            if not options or options[0] == lowered:
                continue
            if edit_distance(lowered, options[0]) > max_edits(lowered):
                continue  # a short word two edits from a corpus word is another word
            out = re.sub(rf"\b{re.escape(word)}\b", options[0], out, count=1)
            changed = True
        if changed and out.count('"') % 2:
            out = " ".join(out.replace('"', " ").split())  # a lone quote: offer the words
        return out if changed else None

    def _starts_a_word(self, searcher: Any, word: str) -> bool:
        forms = list(self._schema["body_exact"].process_text(word, mode="query"))
        if not forms:
            return False
        reader = searcher.reader()
        return any(
            next(iter(reader.expand_prefix(field, forms[0])), None) is not None
            for field in ("body_exact", "title_exact")
        )
