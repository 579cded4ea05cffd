"""What the user typed, as a whoosh query: our shorthands, acronym expansion, phrase
lifts, and the last word typed as a prefix."""

from __future__ import annotations

import re
from typing import Literal

from whoosh import query
from whoosh.fields import Schema

from reader.articles.glossary import Glossary
from reader.search.results import MatchTerm
from reader.search.schema import EXPANDED_FIELDS
from reader.search.whoosh_internals import AdjacentPhrase, SizedOr

_DATE_RANGE_RE = re.compile(r"\bdate:(\d{4}(?:-\d{2}){0,2})\.\.(\d{4}(?:-\d{2}){0,2})")
_MINUS_RE = re.compile(r"(^|\s)-(?=[\w\"(])")
_FIELD_ALIASES = {"topics": "topic", "categories": "category", "cat": "category"}
_SYNTAX_CHARS_RE = re.compile(r"[\"():\[\]{}^~*+\-]|(?<!\w)(AND|OR|NOT|ANDNOT|ANDMAYBE)(?!\w)")


def rewrite_syntax(text: str) -> str:
    """Our query shorthands in whoosh's own syntax."""
    text = _DATE_RANGE_RE.sub(lambda m: f"date:[{m[1]} to {m[2]}]", text)
    text = _MINUS_RE.sub(r"\1NOT ", text)
    for alias, name in _FIELD_ALIASES.items():
        text = re.sub(rf"\b{alias}:", f"{name}:", text)
    return text


_BINARY = frozenset(("AND", "OR", "ANDNOT", "ANDMAYBE"))
_SYNTAX_TOKEN_RE = re.compile(r"[()]|[^\s()]+")


def malformed(text: str) -> bool:
    """Whether the syntax outside quoted phrases cannot be read as meant: a bracket
    never closed or never opened, or an operator with nothing on one side ('pcn OR',
    '(pcn OR', 'AND NOT'). whoosh reads these without complaint, as words: 'or' and
    'not' searched for, or the bracket dropped."""
    tokens = _SYNTAX_TOKEN_RE.findall(re.sub(r'"[^"]*"', " x ", text))
    depth = 0
    for n, token in enumerate(tokens):
        before = tokens[n - 1] if n else None
        after = tokens[n + 1] if n + 1 < len(tokens) else None
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth < 0:
                return True
        elif token in _BINARY:
            if before in (None, "(", "NOT") or before in _BINARY or after in (None, ")"):
                return True
            if after in _BINARY:
                return True
        elif token == "NOT" and (after in (None, ")") or after in _BINARY):
            return True
    return depth != 0


def plain_words(text: str) -> str:
    return " ".join(_SYNTAX_CHARS_RE.sub(" ", text).split())


class Expander:
    """Acronyms and their expansions (corpus glossary) as alternatives for each other."""

    def __init__(self, glossary: Glossary, schema: Schema) -> None:
        self._by_field: dict[str, tuple[dict, list]] = {}
        self._by_first: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {}
        pairs = []
        for entry in glossary:
            phrases = [entry.expansion, *entry.also]
            pairs.append((entry.term, phrases))
        self._pairs = pairs
        self._schema = schema

    def _tables(self, fieldname: str):
        """Per field: acronym term -> phrase token lists, and phrase token lists -> acronym."""
        if fieldname not in self._by_field:
            fieldtype = self._schema[fieldname]
            to_phrases: dict[str, list[tuple[str, ...]]] = {}
            to_acronym: list[tuple[tuple[str, ...], str]] = []
            for term, phrases in self._pairs:
                acronym_tokens = list(fieldtype.process_text(term, mode="query"))
                if len(acronym_tokens) != 1:
                    continue  # A&E and friends: several tokens, not worth a special case
                (acronym,) = acronym_tokens
                for phrase in phrases:
                    tokens = tuple(fieldtype.process_text(phrase, mode="query"))
                    if not tokens or tokens == (acronym,):
                        continue
                    if len(tokens) == 1 and tokens[0] != acronym:
                        to_phrases.setdefault(acronym, []).append(tokens)
                        continue
                    to_phrases.setdefault(acronym, []).append(tokens)
                    to_acronym.append((tokens, acronym))
            self._by_field[fieldname] = (to_phrases, to_acronym)
        return self._by_field[fieldname]

    def _alternative(self, fieldname: str, tokens: tuple[str, ...], boost: float):
        if len(tokens) == 1:
            return query.Term(fieldname, tokens[0], boost=boost)
        return query.Phrase(fieldname, list(tokens), boost=boost)

    def expand(self, q: query.Query) -> query.Query:
        if isinstance(q, query.Term) and q.fieldname in EXPANDED_FIELDS:
            to_phrases, _ = self._tables(q.fieldname)
            phrases = to_phrases.get(q.text)
            if phrases:
                alternatives = [self._alternative(q.fieldname, p, q.boost) for p in phrases]
                return query.Or([q, *alternatives])
            return q
        if isinstance(q, query.Phrase) and q.fieldname in EXPANDED_FIELDS:
            _, to_acronym = self._tables(q.fieldname)
            words = tuple(q.words)
            for tokens, acronym in to_acronym:
                if tokens == words:
                    return query.Or([q, query.Term(q.fieldname, acronym, boost=q.boost)])
            return q
        if isinstance(q, query.And):
            return query.And(self._expand_sequence(list(q.subqueries)), boost=q.boost)
        if q.is_leaf():
            return q
        return q.apply(self.expand)

    def _expand_sequence(self, subqueries: list[query.Query]) -> list[query.Query]:
        """In an AND of words, a run of words spelling an expansion may also be its acronym."""
        words = [_word_of(q) for q in subqueries]
        result: list[query.Query] = []
        i = 0
        while i < len(subqueries):
            matched = self._match_run(subqueries, words, i)
            if matched:
                length, alternative = matched
                result.append(alternative)
                i += length
            else:
                result.append(self.expand(subqueries[i]))
                i += 1
        return result

    def _by_first_token(self, fieldname: str) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        """Expansions of two or more tokens by their first token, in glossary order."""
        if fieldname not in self._by_first:
            _, to_acronym = self._tables(fieldname)
            index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
            for tokens, acronym in to_acronym:
                if len(tokens) >= 2:
                    index.setdefault(tokens[0], []).append((tokens, acronym))
            self._by_first[fieldname] = index
        return self._by_first[fieldname]

    def _match_run(self, subqueries: list[query.Query], words: list, start: int):
        # Each word's queries were read once (words); only expansions starting with the
        # word are tried, not the whole glossary at every word.
        first = words[start]
        if not first:
            return None
        for fieldname in ("body", "title"):
            if fieldname not in first:
                continue
            for tokens, acronym in self._by_first_token(fieldname).get(first[fieldname].text, ()):
                n = len(tokens)
                if start + n > len(subqueries):
                    continue
                run = words[start : start + n]
                if (
                    all(r and fieldname in r for r in run)
                    and tuple(r[fieldname].text for r in run) == tokens
                ):
                    words_q = query.And([self.expand(s) for s in subqueries[start : start + n]])
                    acronym_q = query.Or(
                        [query.Term(f, acronym) for f in ("title", "body") if f in self._schema]
                    )
                    return n, query.Or([words_q, acronym_q])
        return None


def _word_of(q: query.Query) -> dict[str, query.Term] | None:
    """A word typed without quotes (an OR of one term per field): its terms by field."""
    if isinstance(q, query.Or):
        texts = {s.text for s in q.subqueries if isinstance(s, query.Term)}
        fields = {s.fieldname: s for s in q.subqueries if isinstance(s, query.Term)}
        return fields if len(texts) >= 1 and len(fields) == len(q.subqueries) else None
    if isinstance(q, query.Term):
        return {q.fieldname: q}
    return None


EXACT_FIELDS = ("title_exact", "body_exact")


class ExactWords(query.And):
    """A phrase's exact word forms, all in a post: what lifts exact wording in a phrase.

    The exact-form fields keep no positions, so a phrase is matched on the stemmed
    fields, and its exact forms count on top when the post has them all (anywhere:
    almost always as that phrase, in a post that has the stemmed phrase).
    """

    _evaluate_as = query.And  # reader.search.evaluate: matched and scored as an And

    @property
    def fieldname(self) -> str:
        return self.subqueries[0].fieldname

    @property
    def words(self) -> list[str]:
        return [term.text for term in self.subqueries]


def exact_phrases_as_boosts(q: query.Query) -> query.Query:
    """Phrases on the exact-form fields as ExactWords, which only add to a phrase's score.

    The parser searches a phrase in every field (an OR); with its exact-form parts as
    ExactWords the OR would match posts having the words anywhere, so those parts move
    to the optional side of an AndMaybe: the posts found are the stemmed phrase's.
    """
    if isinstance(q, query.Phrase) and q.fieldname in EXACT_FIELDS:
        return ExactWords([query.Term(q.fieldname, w) for w in q.words], boost=q.boost)
    if isinstance(q, query.Or):
        subs = [exact_phrases_as_boosts(s) for s in q.subqueries]
        exact = [s for s in subs if isinstance(s, ExactWords)]
        if exact and len(exact) < len(subs):
            rest = [s for s in subs if not isinstance(s, ExactWords)]
            # (a + b) * boost: the OR's boost on both sides
            return query.AndMaybe(query.Or(rest, boost=q.boost), query.Or(exact, boost=q.boost))
        return query.Or(subs, boost=q.boost, minmatch=q.minmatch, scale=q.scale)
    if q.is_leaf():
        return q
    return q.apply(exact_phrases_as_boosts)


def faster_matchers(q: query.Query) -> query.Query:
    """The same query, with phrases and ORs that match and score alike, only faster;
    prefixes and wildcards scored as the OR of the words they stand for.

    whoosh's prefix is meant to give every post it matches one constant score, but its
    OR does so only on segments of up to 5,000 posts and for three words or more, and
    scores by BM25F otherwise: the same query ranked differently by segment size. Here
    it is always BM25F, the sum over the words a post has, as on whoosh's large segments
    (reader.search.evaluate does the same).
    """
    if type(q) is query.Phrase:
        return AdjacentPhrase(q.fieldname, q.words, q.slop, q.boost, q.char_ranges)
    if type(q) in (query.Prefix, query.Wildcard) and q.constantscore:
        return type(q)(q.fieldname, q.text, boost=q.boost, constantscore=False)
    if q.is_leaf():
        return q
    q = q.apply(faster_matchers)
    if type(q) is query.Or:
        return SizedOr(q.subqueries, boost=q.boost, minmatch=q.minmatch, scale=q.scale)
    return q


def also_as_prefix(q: query.Query, word: str, schema: Schema) -> query.Query:
    """Let the last typed word match as a prefix too, wherever it stands in the query."""
    forms = {
        name: next(iter(schema[name].process_text(word, mode="query")), None)
        for name in ("title", "body", "title_exact", "body_exact")
    }
    prefix = word.lower()

    def rewrite(node: query.Query) -> query.Query:
        if isinstance(node, query.Term) and forms.get(node.fieldname) == node.text:
            return query.Or([node, query.Prefix(node.fieldname, prefix, boost=node.boost)])
        if node.is_leaf():
            return node
        return node.apply(rewrite)

    if all(form is None for form in forms.values()):
        # A stop word being typed ('th' of 'the'): only the prefix can match.
        return query.And([q, query.Or([query.Prefix(f, prefix) for f in forms])])
    return rewrite(q)


def has_error(q: query.Query) -> bool:
    """whoosh turns syntax it cannot read into error queries rather than raising."""
    return any(type(sub).__name__ == "ErrorQuery" for sub in _walk(q))


def date_notice(q: query.Query) -> str | None:
    """whoosh's date field turns a date it cannot read ('date:2013-13') into an empty query
    carrying the error, and the search finds nothing: one line to say why."""
    for sub in _walk(q):
        if sub.error is not None:
            return (
                f"a date: value is not a date ({sub.error}); write date:2013, date:2013-07, "
                "date:2013-07-08 or a range, date:2013-07..2013-12"
            )
    return None


def _walk(q: query.Query):
    yield q
    if not q.is_leaf():
        for child in q.children():
            yield from _walk(child)


def query_terms(q: query.Query, reader=None) -> tuple[MatchTerm, ...]:
    """What to mark in a post for a query: its words and phrases on the body's fields,
    as the index holds them (stems on the stemmed field, exact forms on the other).

    A prefix, wildcard or fuzzy word stands for the words of `reader` (the index) it
    expands to. Words under NOT are left out; so are the title-only and keyword fields.
    """
    found: set[MatchTerm] = set()

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.Phrase | ExactWords | query.Term | query.MultiTerm):
            form = _BODY_FIELDS.get(getattr(node, "fieldname", ""))
            if form is None:
                return  # title-only or keyword field
            if isinstance(node, query.Phrase | ExactWords):
                found.add(MatchTerm(tuple(node.words), form))
            elif isinstance(node, query.Term):
                found.add(MatchTerm((_text(node.text),), form))
            elif reader is not None:
                for _, word in node.expanded_terms(reader):
                    found.add(MatchTerm((_text(word),), form))
        elif not node.is_leaf():
            for child in node.children():
                walk(child)

    walk(q)
    return tuple(sorted(found, key=lambda t: (t.words, t.form)))


_BODY_FIELDS: dict[str, Literal["exact", "stem"]] = {"body": "stem", "body_exact": "exact"}


def _text(word: str | bytes) -> str:
    return word.decode("utf-8") if isinstance(word, bytes) else word
