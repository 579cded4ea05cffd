"""Matchers and query classes that reach into whoosh's matching machinery.

AdjacentPhrase and SizedOr match and score as whoosh's Phrase and Or do, with faster
matchers (a subclass of SpanNear2's private matcher; an override of Or._matcher and its
_tree_matcher). The helpers below read what a query or a weighting keeps privately.
"""

from __future__ import annotations

from whoosh import query
from whoosh.matching import NullMatcher, UnionMatcher, WrappingMatcher
from whoosh.query.spans import Span, SpanNear2


def positional_field(schema, phrase: query.Phrase):
    """The field of a phrase of adjacent words (slop 1) on a field with positions, or
    None for any other phrase (left to whoosh's own phrase matching)."""
    if phrase.slop != 1 or phrase.fieldname not in schema:
        return None
    field = schema[phrase.fieldname]
    if not field.format or not field.format.supports("positions"):
        return None
    return field


def phrase_terms(field, fieldname: str, words, reader) -> list[bytes] | None:
    """A phrase's words as the field's terms; None when one of them is not in the
    segment (the phrase matches nothing there)."""
    terms = []
    for word in words:
        try:
            term = field.to_bytes(word)
        except ValueError:
            return None
        if (fieldname, term) not in reader:
            return None
        terms.append(term)
    return terms


def expanded_words(q: query.MultiTerm, reader) -> list[bytes]:
    """The terms of a segment a prefix, wildcard or fuzzy term stands for (its _btexts)."""
    return [w for w in q._btexts(reader) if w]


def field_b(weighting, fieldname: str) -> float:
    """BM25F's B for a field: its per-field B (private _field_B) or the default."""
    return weighting._field_B.get(fieldname, weighting.B)


class _AdjacentWordsMatcher(SpanNear2.SpanNear2Matcher):
    """whoosh's phrase matcher (slop 1: each word right after the last), checked faster.

    whoosh builds a Span object for every position of every word and compares them in
    pairs; for a phrase of common words that is most of the query's time. Here word i
    of the phrase must stand at start + i: a set intersection of shifted positions.
    """

    def _get_spans(self):
        starts: set[int] | None = None
        for offset, matcher in enumerate(self.ms):
            shifted = {p - offset for p in matcher.value_as("positions")}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                return []
        if starts is None:  # a phrase of no words
            return []
        last = len(self.ms) - 1
        return [Span(start, start + last) for start in sorted(starts)]


class AdjacentPhrase(query.Phrase):
    """A phrase query that matches and scores as whoosh's Phrase does, only faster."""

    _evaluate_as = query.Phrase  # reader.search.evaluate: matched and scored as a Phrase

    def matcher(self, searcher, context=None):
        field = positional_field(searcher.schema, self)
        if field is None:
            return super().matcher(searcher, context)  # whoosh's own (or its error)
        terms = phrase_terms(field, self.fieldname, self.words, searcher.reader())
        if terms is None:
            return NullMatcher()
        matchers = [query.Term(self.fieldname, t).matcher(searcher, context) for t in terms]
        m = _AdjacentWordsMatcher(matchers)
        return m if self.boost == 1.0 else WrappingMatcher(m, boost=self.boost)


TREE_UNION_BELOW = 1000  # documents in a segment


class SizedOr(query.Or):
    """whoosh's Or, with a binary tree of unions on small segments.

    For segments of up to 5,000 documents whoosh preloads an Or's matches into a
    2,048-slot array, which on a small index costs more than the whole search (the
    bundled corpus has 28 posts). Large segments keep whoosh's choice.
    """

    _evaluate_as = query.Or  # reader.search.evaluate: matched and scored as an Or

    def _matcher(self, subs, searcher, context):
        small = searcher.doc_count_all() < TREE_UNION_BELOW
        if self.matcher_type == self.AUTO_MATCHER and small and not self.scale:
            # whoosh's DefaultOr, less its balancing of the tree by each sub-query's
            # estimated size: on a small segment the estimates cost more than they save.
            return self._tree_matcher(subs, UnionMatcher, searcher, context, None)
        return super()._matcher(subs, searcher, context)
