"""How text becomes search terms: British and American spellings meet, words are stemmed.

Both the index and the queries go through these analyzers, so 'neighborhood' finds
'neighbourhood' and 'organization' finds 'organisation'. Filters live at module level
because whoosh pickles the schema (and with it the analyzers) into the index.
"""

from __future__ import annotations

import re

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.analyzers import STOP_WORDS

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
    "practise": "practice",
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


class WordFormFilter(Filter):
    """Drop possessives (government’s -> government), spell American words the British way."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = to_british(_POSSESSIVE_RE.sub("", token.text))
            yield token


TOKEN_PATTERN = r"\w+(?:[.’']\w+)*"


def stemming_analyzer():
    """Words, lower case, British spelling, stop words out, Porter stems."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | WordFormFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=2)
        | StemFilter(cachesize=-1)
    )


def exact_analyzer():
    """Words as written (lower case, British spelling): to rank exact forms above stems."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | WordFormFilter()


def keyword_analyzer():
    """Category and topic names: words, lower case, no stemming beyond plurals."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StemFilter(cachesize=-1)
