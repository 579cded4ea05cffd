"""How text becomes search terms: British and American spellings meet, words are stemmed.

Both the index and the queries go through these analyzers, so 'neighborhood' finds
'neighbourhood' and 'organization' finds 'organisation'. Filters live at module level
because whoosh pickles the schema (and with it the analyzers) into the index.
"""

from __future__ import annotations

import functools
import re

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.analyzers import STOP_WORDS
from whoosh.lang.porter import stem

# American -> British forms that no suffix rule catches. The index and the queries both
# use the British form, the one the corpus is written in.
US_TO_UK = {
    "neighbor": "neighbour",
    "neighbors": "neighbours",
    "neighborhood": "neighbourhood",
    "neighborhoods": "neighbourhoods",
    "color": "colour",
    "behavior": "behaviour",
    "behaviors": "behaviours",
    "behavioral": "behavioural",
    "labor": "labour",
    "favor": "favour",
    "favorable": "favourable",
    "honor": "honour",
    "center": "centre",
    "centers": "centres",
    "centered": "centred",
    "program": "programme",
    "programs": "programmes",
    "license": "licence",
    "defense": "defence",
    "offense": "offence",
    # The British verb (practise, practised, practising) is the noun's spelling in US
    # English; searched and indexed alike, a reader's "practises" finds "practices".
    "practise": "practice",
    "practises": "practices",
    "practised": "practiced",
    "practising": "practicing",
    "pediatric": "paediatric",
    "pediatrics": "paediatrics",
    "anesthetic": "anaesthetic",
    "anemia": "anaemia",
    "hematology": "haematology",
    "gynecology": "gynaecology",
    "orthopedic": "orthopaedic",
    "orthopedics": "orthopaedics",
    "estrogen": "oestrogen",
    "edema": "oedema",
    "fetus": "foetus",
    "esophagus": "oesophagus",
    "tumor": "tumour",
    "fiber": "fibre",
    "liter": "litre",
    "meter": "metre",
    "theater": "theatre",
    "catalog": "catalogue",
    "dialog": "dialogue",
    "analog": "analogue",
    "enroll": "enrol",
    "enrollment": "enrolment",
    "fulfill": "fulfil",
    "fulfillment": "fulfilment",
    "judgment": "judgement",
    "modeling": "modelling",
    "modeled": "modelled",
    "traveling": "travelling",
    "canceled": "cancelled",
    "counseling": "counselling",
    "labeled": "labelled",
    "signaled": "signalled",
    "signaling": "signalling",
    "focused": "focussed",
    "focusing": "focussing",
    "skeptic": "sceptic",
    "skeptical": "sceptical",
    "skeptics": "sceptics",
    "gray": "grey",
    "check": "cheque",
}
# 'check' is English in both; only the payment sense differs.
del US_TO_UK["check"]

# -ize/-yze words whose 'z' is the same on both sides of the Atlantic.
_Z_KEEPS = frozenset(
    "size sizes sized sizing prize prizes seize seizes seized seizing capsize maize baize "
    "resize resized downsize downsized downsizing oversize oversized citizen citizens".split()
)
_IZE_RE = re.compile(r"^(\w{3,}?)(y|i)z(e|es|ed|ing|ation|ations|er|ers|able)$")


def to_british(word: str) -> str:
    """The British spelling of a lower-case word (the word itself when it has none)."""
    mapped = US_TO_UK.get(word)
    if mapped:
        return mapped
    if "z" in word and word not in _Z_KEEPS:
        match = _IZE_RE.match(word)
        if match:
            return f"{match.group(1)}{match.group(2)}s{match.group(3)}"
    return word


_POSSESSIVE_RE = re.compile(r"[’']s?$")


@functools.lru_cache(maxsize=200_000)
def word_form(word: str) -> str:
    """A lower-case word without its possessive, in British spelling."""
    return to_british(_POSSESSIVE_RE.sub("", word))


class WordFormFilter(Filter):
    """Drop possessives (government’s -> government), spell American words the British way."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = word_form(token.text)
            yield token


TOKEN_PATTERN = r"\w+(?:[.’']\w+)*"


def stemming_analyzer():
    """Words, lower case, British spelling, stop words out, Porter stems."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | WordFormFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=STOP_MIN_SIZE)
        | StemFilter(cachesize=-1)
    )


def exact_analyzer():
    """Words as written (lower case, British spelling): to rank exact forms above stems."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | WordFormFilter()


STOP_MIN_SIZE = 2  # StopFilter's minsize: shorter words are dropped as stop words


@functools.lru_cache(maxsize=200_000)
def token_forms(token: str) -> tuple[str, str | None]:
    """A token's exact form, and its stem (None for a stop word), as the analyzers give."""
    form = word_form(token.lower())
    if len(form) < STOP_MIN_SIZE or form in STOP_WORDS:
        return form, None
    return form, stem(form)


_TOKEN_RE = re.compile(TOKEN_PATTERN)


@functools.lru_cache(maxsize=4)
def index_positions(text: str) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Word positions in `text` for the exact analyzer and for the stemming analyzer.

    The same terms and positions the two analyzers give when indexing, found in one
    pass with each distinct word analysed once: whoosh runs every token through a
    chain of generator filters, per field, which made analysis half of index building.
    The stemming analyzer's stop filter renumbers: after the first kept word, each
    kept word takes the next position. tests/test_index_terms.py holds them equal.
    Cached for the last few texts, as a post's body and title are each indexed twice.
    """
    exact: dict[str, list[int]] = {}
    stemmed: dict[str, list[int]] = {}
    kept = None
    for position, token in enumerate(_TOKEN_RE.findall(text)):
        form, root = token_forms(token)
        exact.setdefault(form, []).append(position)
        if root is not None:
            kept = position if kept is None else kept + 1
            stemmed.setdefault(root, []).append(kept)
    return exact, stemmed


def keyword_analyzer():
    """Category and topic names: words, lower case, no stemming beyond plurals."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StemFilter(cachesize=-1)
