"""What any search string is cut to before it is parsed, and what counts as a damaged
index when a search fails. Kept apart from the query rewriting (reader.search.query) so
that it reads as the list of promises it keeps: every string gets results or one line.
"""

from __future__ import annotations

import re

from reader.sanitise import clean_text

MAX_QUERY_CHARS = 1000  # a long sentence is ~200; a pasted page is cut, with a note
MAX_SUGGESTED_WORD = 30  # did-you-mean skips longer words (edit distance is quadratic)
MAX_SUGGESTIONS = 8  # words looked up for did-you-mean in one query
# Words that stand for many (prefix*, fuzzy~) are looked up in the whole lexicon each:
# 150 fuzzy words took 3.4 s. The first MAX_EXPANDING expand; the rest count as words.
MAX_EXPANDING = 16
_LONE_STAR_RE = re.compile(r"(?:^|(?<=\s))\*+(?=\s|$)")
_EXPANDING_RE = re.compile(r"(?<=\w)(\*|~\d*)(?=\s|$|\))")
# Fields a user may name; the rest of the schema is internal. Aliases (topics:, cat:) are
# rewritten to these by reader.search.query.rewrite_syntax.
USER_FIELDS = ("title", "body", "category", "topic", "date", "id")
_ALIASES = ("topics", "categories", "cat")
_FIELD_RE = re.compile(r"(?<![\w:])([A-Za-z_][\w-]*):(?=\S)")
# whoosh's range syntax (GtLtPlugin): an operator and a value after it.
_COMPARISON_RE = re.compile(r"(?:^|(?<=[\s:(]))(?:>=|<=|=>|=<|>|<)(?=\S)")
_DANGLING_COMPARISON_RE = re.compile(r"(?:^|(?<=[\s:(]))(?:>=|<=|=>|=<|>|<)+(?=\s|$)")


def tidy_query(text: str) -> tuple[str, list[str]]:
    """The query as it will be parsed, and one-line notes on what was changed.

    Controls and escape sequences go; so does text past MAX_QUERY_CHARS; a field the
    index does not have (`foo:bar`) becomes the words `foo bar`; a comparison operator
    with nothing after it (`>= a` is `>=` then `a`) is dropped.
    """
    notes: list[str] = []
    cleaned = clean_text(text)
    text = " ".join(cleaned.split())
    if cleaned[-1:].isspace() and text:  # a finished last word (the app's search bar)
        text += " "
    if len(text) > MAX_QUERY_CHARS:
        cut = text.rfind(" ", 0, MAX_QUERY_CHARS)
        text = text[: cut if cut > MAX_QUERY_CHARS // 2 else MAX_QUERY_CHARS]
        notes.append(f"the query was cut to its first {MAX_QUERY_CHARS:,} characters")
    unknown: list[str] = []

    def field(match: re.Match) -> str:
        name = match.group(1)
        if name.lower() in USER_FIELDS or name.lower() in _ALIASES:
            return match.group(0)
        if name not in unknown:
            unknown.append(name)
        return name + " "

    text = _FIELD_RE.sub(field, text)
    if unknown:
        named = ", ".join(unknown[:3]) + (" …" if len(unknown) > 3 else "")
        notes.append(
            f"there is no field {named} (fields: title, category, topic, date); "
            "searched for the words"
        )
    # A `*` on its own stands for every word in every field (half a second on its own);
    # beside other words it adds nothing they do not already match.
    if len(text.split()) > 1 and _LONE_STAR_RE.search(text):
        text = " ".join(_LONE_STAR_RE.sub(" ", text).split()) + (" " if text.endswith(" ") else "")
    expanding = _EXPANDING_RE.findall(text)
    if len(expanding) > MAX_EXPANDING:
        seen = 0

        def expand(match: re.Match) -> str:
            nonlocal seen
            seen += 1
            return match.group(0) if seen <= MAX_EXPANDING else ""

        text = _EXPANDING_RE.sub(expand, text)
        notes.append(f"only the first {MAX_EXPANDING} words with * or ~ were expanded")
    if _DANGLING_COMPARISON_RE.search(text):
        text = _DANGLING_COMPARISON_RE.sub(" ", text)
        text = " ".join(text.split()) + (" " if text[-1:].isspace() and text.strip() else "")
    return text, notes


def has_comparison(text: str) -> bool:
    return bool(_COMPARISON_RE.search(text))


def strip_comparisons(text: str) -> str:
    return " ".join(re.sub(r"[<>=]+", " ", text).split())
