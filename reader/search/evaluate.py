"""Scoring a whoosh query a term's postings at a time, not a posting at a time.

whoosh matches and scores through a tree of matcher objects, moving posting by posting:
several method calls per posting in each field, about 10 µs each time a word occurs in a
post. On a library of 10,000 posts a common word is 20,000 postings, and multi-word
queries several times that. Here the same query tree is evaluated with Python's own
sets and dicts: each term's postings are read a block at a time from whoosh's posting
file (the same W3 blocks whoosh reads), scored with whoosh's BM25F formula in one
comprehension a block, and combined as whoosh's matchers combine them:

* a term: BM25F (global idf and average field length from the top searcher, each
  post's stored field length), times the term's boost;
* OR: the sum of the scores of the parts that match, times its boost; AND: the sum
  over the posts all parts match; AND MAYBE: the first part's score plus the second's
  where it matches; AND NOT: the first part's score, less the posts of the second;
* a phrase: the posts where its words stand one after another, scored as the sum of
  its words' scores (whoosh's SpanNear2 intersects its words' term matchers);
* a prefix or fuzzy term: the OR of the words it expands to in each segment (a single
  word alone, without the boost, as whoosh does).

Anything else (date ranges, NOT alone, ...) is left to whoosh's own matcher for that part
of the tree, read posting by posting. Matching comes first, with set operations, and
only the posts the whole query matches are scored. The posts found and their scores
are whoosh's (tests/test_evaluate.py compares both on the real corpus and on an index of
several segments with deleted posts), with one exception: whoosh's AND MAYBE inside an
AND can skip past a post's optional part and leave it out of the score (an exact-form
phrase lift lost); here it always counts. Sums may be added in another order than
whoosh's tree adds them, so a score can differ in its last bits; ranking is by score,
then document number, as whoosh's collector ranks.

Reading blocks, values and field lengths: reader.search.whoosh_internals, the one module
that knows whoosh's private names (values are unpickled only for phrases).
"""

from __future__ import annotations

import contextlib
import heapq
from collections.abc import Callable, Collection, Iterator, Sequence
from collections.abc import Set as AbstractSet
from itertools import accumulate
from typing import Any

from whoosh import query, scoring

from reader.search.whoosh_internals import (
    CachedLengthBM25F,
    expanded_words,
    field_b,
    field_lengths,
    length_bytes,
    length_of_byte,
    phrase_terms,
    positional_field,
    read_blocks,
    value_deltas,
)

Scores = dict[int, float]


class Match:
    """The posts a part of a query matches, in one segment, and their scores on demand.

    Matching is done first, with set operations; scores are computed only for the posts
    the whole query matches: in an AND of words, a word's posts that another word lacks
    are never scored.
    """

    ids: AbstractSet[int]  # a set, frozenset or a dict's keys: & and isdisjoint work

    def score(self, docs: Collection[int]) -> Scores:
        """Scores of `docs`, which are all among self.ids."""
        raise NotImplementedError


class Given(Match):
    """Posts scored already (by whoosh's own matcher)."""

    def __init__(self, scores: Scores) -> None:
        self.scores = scores
        self.ids = scores.keys()

    def score(self, docs: Collection[int]) -> Scores:
        scores = self.scores
        if len(docs) == len(scores):
            return scores
        return {d: scores[d] for d in docs}


NOTHING = Given({})


class TermMatch(Match):
    """One term's postings: its weight in each post, scored with whoosh's BM25F."""

    def __init__(self, weights: dict, idf: float, norm: list, K1: float, boost: float):
        self.weights = weights
        self.ids = weights.keys()
        # With with_values: per block, (document numbers, read their position deltas)
        self.blocks: list[tuple[tuple[int, ...], Callable[[], Sequence[Any]]]] = []
        self._idf = idf
        self._norm = norm
        self._K1p1 = K1 + 1
        self._boost = boost

    def score(self, docs: Collection[int]) -> Scores:
        weights = self.weights
        items = (
            weights.items()
            if len(docs) == len(weights)
            else zip(docs, map(weights.__getitem__, docs), strict=True)
        )
        idf, norm, K1p1, boost = self._idf, self._norm, self._K1p1, self._boost
        # whoosh.scoring.bm25: idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))),
        # the length part computed once per post (norm); a boost multiplies the result.
        if boost == 1.0:
            return {d: idf * ((w * K1p1) / (w + norm[d])) for d, w in items}
        return {d: idf * ((w * K1p1) / (w + norm[d])) * boost for d, w in items}


class OrMatch(Match):
    def __init__(self, parts: list[Match], boost: float) -> None:
        self.parts = parts
        self.ids = set().union(*(p.ids for p in parts))
        self._boost = boost

    def score(self, docs: Collection[int]) -> Scores:
        everything = len(docs) == len(self.ids)
        if not isinstance(docs, set | frozenset):
            docs = set(docs)
        scored = [p.score(p.ids if everything else docs & p.ids) for p in self.parts]
        return _boosted(_sum_union(scored), self._boost)


class AndMatch(Match):
    def __init__(self, parts: list[Match], boost: float, ids: AbstractSet[int] | None = None):
        self.parts = parts
        if ids is None:
            ordered = sorted(parts, key=lambda p: len(p.ids))
            ids = set(ordered[0].ids)
            for p in ordered[1:]:
                if not ids:
                    break
                ids.intersection_update(p.ids)
        self.ids = ids
        self._boost = boost

    def score(self, docs: Collection[int]) -> Scores:
        scored = [p.score(docs) for p in self.parts]
        first, rest = scored[0], scored[1:]
        if len(rest) == 1:
            (second,) = rest
            total = {d: s + second[d] for d, s in first.items()}
        else:
            total = first
            for more in rest:
                total = {d: s + more[d] for d, s in total.items()}
        return _boosted(total, self._boost)


class AndMaybeMatch(Match):
    def __init__(self, a: Match, b: Match) -> None:
        self.a, self.b = a, b
        self.ids = a.ids

    def score(self, docs: Collection[int]) -> Scores:
        scores = self.a.score(docs)
        b_ids = self.b.ids
        if not b_ids:
            return scores
        if not isinstance(docs, set | frozenset):
            docs = set(docs)
        extra = self.b.score(docs & b_ids)
        if not extra:
            return scores
        return {d: (s + extra[d]) if d in extra else s for d, s in scores.items()}


class AndNotMatch(Match):
    def __init__(self, a: Match, b: Match) -> None:
        self.a = a
        self.ids = set(a.ids).difference(b.ids) if b.ids else a.ids

    def score(self, docs: Collection[int]) -> Scores:
        return self.a.score(docs)


class Evaluator:
    """Evaluates queries against one whoosh searcher (the top one, maybe of several
    segments), returning {document number: score} for every post that matches."""

    def __init__(self, searcher) -> None:
        self._top = searcher
        self._weighting = searcher.weighting
        self._norms: dict[tuple[int, str], list[float]] = {}
        self._context = None
        # Inside sharing_terms(): each term's match, read once (see there)
        self._terms: dict[tuple, Match] | None = None

    @property
    def searcher(self):
        return self._top

    def scores(self, q: query.Query) -> Scores:
        out: Scores = {}
        for sub, offset in self._top.leaf_searchers():
            match = self._eval(q, sub)
            if not match.ids:
                continue
            reader = sub.reader()
            docs = match.ids
            if reader.has_deletions():
                docs = set(docs).difference(reader.deleted_docs_set)
            local = match.score(docs)
            if offset:
                out.update({d + offset: s for d, s in local.items()})
            else:
                out.update(local)
        return out

    @contextlib.contextmanager
    def sharing_terms(self) -> Iterator[Evaluator]:
        """Within it, a term's postings are read and decoded once, however many queries
        use it: a search that goes on past few strict results (reader.search.continuation)
        scores each of its words again on its own, after the strict query read them all.
        The matches live as long as the block (one search), not longer."""
        self._terms = {}
        try:
            yield self
        finally:
            self._terms = None

    def top(self, scores: Scores, limit: int | None) -> list[tuple[int, float]]:
        """The best `limit` (all if None), by score, ties by document number."""
        if limit is None or len(scores) <= limit:
            return sorted(scores.items(), key=_rank_key)
        # Every post scoring at least the limit-th best score, then ties by number.
        threshold = heapq.nlargest(limit, scores.values())[-1]
        chosen = [item for item in scores.items() if item[1] >= threshold]
        chosen.sort(key=_rank_key)
        return chosen[:limit]

    # -- the query tree -----------------------------------------------------------

    def _eval(self, q: query.Query, sub, within: set | None = None) -> Match:
        """The posts `q` matches in a segment. With `within`, only those posts can matter
        to the caller (the rest of an AND): a part may leave others out of its ids,
        which lets a phrase check positions only where the other words are."""
        kind = type(q)
        handler = _HANDLERS.get(kind)
        if handler is None:
            for cls, found in _SUBCLASS_HANDLERS:
                if isinstance(q, cls) and getattr(q, "_evaluate_as", None) is cls:
                    handler = found
                    break
        if handler is None:
            return self._whoosh(q, sub)
        return handler(self, q, sub, within)

    def _whoosh(self, q: query.Query, sub, within: set | None = None) -> Match:
        """whoosh's own matcher for this part of the query, read posting by posting."""
        if self._context is None:
            self._context = self._top.context()
        m = q.matcher(sub, self._context)
        out: Scores = {}
        while m.is_active():
            out[m.id()] = m.score()
            m.next()
        return Given(out)

    def _parts(self, q: query.CompoundQuery, sub, within: set | None) -> list[Match] | Match:
        subs = q.subqueries
        if not subs:
            return NOTHING
        if len(subs) == 1:
            # whoosh: a compound of one is its part's matcher, the boost left out
            return self._eval(subs[0], sub, within)
        return [self._eval(s, sub, within) for s in subs]

    def _or(self, q: query.Or, sub, within: set | None = None) -> Match:
        if q.minmatch or q.scale:
            return self._whoosh(q, sub)
        parts = self._parts(q, sub, within)
        if isinstance(parts, Match):
            return parts
        parts = [p for p in parts if p.ids]
        if not parts:
            return NOTHING
        return OrMatch(parts, q.boost)

    def _and(self, q: query.And, sub, within: set | None = None) -> Match:
        subs = q.subqueries
        if len(subs) < 2:
            parts = self._parts(q, sub, within)
            if isinstance(parts, Match):
                return parts
        elif not any(map(_has_phrase, subs)):
            return self._and_of_words(q, sub, within)
        else:
            # The parts without phrases first: a phrase then checks positions only in
            # the posts they all have. Parts keep their order (it orders the sums).
            found: dict[int, Match] = {}
            common = within
            for n, subq in enumerate(subs):
                if not _has_phrase(subq):
                    found[n] = part = self._eval(subq, sub, within)
                    if not part.ids:
                        return NOTHING
                    common = set(part.ids) if common is None else common.intersection(part.ids)
            for n, subq in enumerate(subs):
                if n not in found:
                    found[n] = self._eval(subq, sub, common)
            parts = [found[n] for n in range(len(subs))]
        if not all(p.ids for p in parts):
            return NOTHING
        match = AndMatch(parts, q.boost)
        return match if match.ids else NOTHING

    def _and_of_words(self, q: query.And, sub, within: set | None) -> Match:
        """An AND without phrases: its parts read rarest first (by the index's document
        frequencies), and none read once the posts they all match are none: a question
        with one word no post has ("bother") reads no posting of its common words."""
        subs = q.subqueries
        reader = sub.reader()
        order = sorted(range(len(subs)), key=lambda n: _size_hint(subs[n], reader))
        found: dict[int, Match] = {}
        common: set[int] | None = None
        for n in order:
            found[n] = part = self._eval(subs[n], sub, within)
            common = set(part.ids) if common is None else common.intersection(part.ids)
            if not common:
                return NOTHING
        assert common is not None  # two parts or more
        # The parts in their order (it orders the sums), their matches as found.
        return AndMatch([found[n] for n in range(len(subs))], q.boost, ids=common)

    def _and_maybe(self, q: query.AndMaybe, sub, within: set | None = None) -> Match:
        a = self._eval(q.a, sub, within)
        if not a.ids:
            return NOTHING
        # the optional side counts only where the first side matches
        return AndMaybeMatch(a, self._eval(q.b, sub, _restricted(q.b, a.ids, within)))

    def _and_not(self, q: query.AndNot, sub, within: set | None = None) -> Match:
        a = self._eval(q.a, sub, within)
        if not a.ids:
            return NOTHING
        return AndNotMatch(a, self._eval(q.b, sub, _restricted(q.b, a.ids, within)))

    def _term(self, q: query.Term, sub, within: set | None = None) -> Match:
        return self._term_match(sub, q.fieldname, q.text, q.boost)

    def _multi_term(self, q: query.MultiTerm, sub, within: set | None = None) -> Match:
        if isinstance(q, query.Prefix | query.Wildcard) and q.text in ("", "*"):
            return self._whoosh(q, sub)  # whoosh: Every
        if getattr(q, "constantscore", False):
            return self._whoosh(q, sub)  # reader.search.index asks for scored expansions
        fieldname = q.field()
        words = expanded_words(q, sub.reader())
        if not words:
            return NOTHING
        if len(words) == 1:
            return self._term_match(sub, fieldname, words[0], 1.0)
        parts = [self._term_match(sub, fieldname, w, 1.0) for w in words]
        return OrMatch([p for p in parts if p.ids], q.boost)

    def _phrase(self, q: query.Phrase, sub, within: set | None = None) -> Match:
        field = positional_field(sub.schema, q)
        if field is None:
            return self._whoosh(q, sub)
        words = phrase_terms(field, q.fieldname, q.words, sub.reader())
        if words is None:
            return NOTHING
        matches = [self._term_match(sub, q.fieldname, w, 1.0, with_values=True) for w in words]
        if not all(isinstance(m, TermMatch) for m in matches):
            return self._whoosh(q, sub)
        candidates = AndMatch(matches, 1.0).ids
        if within is not None:
            candidates &= within  # only these posts can matter to the query
        if not candidates:
            return NOTHING
        # Positions are read only from blocks that hold a candidate.
        values = []
        for match in matches:
            deltas: dict = {}
            for ids, read_deltas in match.blocks:
                if not candidates.isdisjoint(ids):
                    deltas.update(zip(ids, read_deltas(), strict=True))
            values.append(deltas)
        first, rest = values[0], [(offset.__rsub__, v) for offset, v in enumerate(values[1:], 1)]
        if len(rest) == 1:  # two words, the usual phrase: one set, one C-level test a post
            ((minus_one, second),) = rest
            found = {
                d
                for d in candidates
                if not set(accumulate(value_deltas(first[d]))).isdisjoint(
                    map(minus_one, accumulate(value_deltas(second[d])))
                )
            }
            return AndMatch(matches, q.boost, ids=found) if found else NOTHING
        found = set()
        for docnum in candidates:
            # word i of the phrase must stand at start + i
            starts = set(accumulate(value_deltas(first[docnum])))
            for minus_offset, of_word in rest:
                positions = accumulate(value_deltas(of_word[docnum]))
                starts.intersection_update(map(minus_offset, positions))
                if not starts:
                    break
            if starts:
                found.add(docnum)
        if not found:
            return NOTHING
        # whoosh's phrase matcher scores as the intersection of its words' term matchers
        return AndMatch(matches, q.boost, ids=found)

    # -- one term -------------------------------------------------------------------

    def _term_match(self, sub, fieldname: str, text, boost: float, with_values: bool = False):
        schema = sub.schema
        if fieldname not in schema:
            return NOTHING
        field = schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return NOTHING
        reader = sub.reader()
        memo = self._terms
        key = (id(reader), fieldname, btext, boost, with_values)
        if memo is not None and key in memo:
            return memo[key]
        match = self._read_term(reader, sub, field, fieldname, btext, boost, with_values)
        if memo is not None:
            memo[key] = match
        return match

    def _read_term(
        self, reader, sub, field, fieldname: str, btext, boost: float, with_values: bool
    ):
        if (fieldname, btext) not in reader:
            return NOTHING
        weighting = self._weighting
        if type(weighting) not in (scoring.BM25F, CachedLengthBM25F) or not field.scorable:
            return self._whoosh(query.Term(fieldname, btext, boost=boost), sub)
        top = self._top
        idf = top.idf(fieldname, btext)
        avgfl = top.avg_field_length(fieldname) or 1
        B = field_b(weighting, fieldname)
        K1 = weighting.K1
        weights: dict = {}
        blocks = []
        positions_of = field.format if with_values else None
        postings = reader.postings(fieldname, btext)
        for ids, block_weights, read in read_blocks(postings, positions_of):
            weights.update(zip(ids, block_weights, strict=True))
            if with_values:
                blocks.append((ids, read))
        match = TermMatch(weights, idf, self._norm(reader, fieldname, avgfl, B, K1), K1, boost)
        match.blocks = blocks
        return match

    def _norm(self, reader, fieldname: str, avgfl: float, B: float, K1: float) -> list[float]:
        """Per document, whoosh.scoring.bm25's K1 * ((1 - B) + B * fl / avgfl), computed
        with the same operations. whoosh reads no length (None) for a post without the
        field: no posting of the field can name that post, so its entry is never used."""
        key = (id(reader), fieldname)
        norm = self._norms.get(key)
        if norm is None:
            stored = length_bytes(reader, fieldname)
            if stored is not None:
                # a length is one of 256 bytes: each byte's norm once, then a lookup
                table = [
                    K1 * ((1 - B) + B * length_of_byte(b) / avgfl) if b else 0.0 for b in range(256)
                ]
                norm = list(map(table.__getitem__, stored))
            else:
                lengths = field_lengths(reader, fieldname)
                norm = [K1 * ((1 - B) + B * fl / avgfl) if fl else 0.0 for fl in lengths]
            self._norms[key] = norm
        return norm


def _size_hint(q: query.Query, reader) -> float:
    """About how many posts of a segment `q` matches, from document frequencies alone
    (no postings read): words and their ORs and ANDs; anything else counts as many."""
    if type(q) is query.Term:
        try:
            return reader.doc_frequency(q.fieldname, q.text)
        except Exception:  # noqa: BLE001 - a field or text whoosh cannot look up
            return float("inf")
    if isinstance(q, query.Or) and not (q.minmatch or q.scale):
        return sum(_size_hint(s, reader) for s in q.subqueries)
    if type(q) is query.And:
        return min((_size_hint(s, reader) for s in q.subqueries), default=0)
    return float("inf")


def _has_phrase(q: query.Query) -> bool:
    """Whether a part of a query checks positions (a phrase anywhere in it)."""
    if isinstance(q, query.Phrase):
        return True
    return not q.is_leaf() and any(map(_has_phrase, q.children()))


def _restricted(q: query.Query, ids: Collection[int], within: set | None) -> set | None:
    """The posts that can matter to a part that only counts where `ids` match: worth a
    set only for a part with a phrase in it."""
    if not _has_phrase(q):
        return within
    return set(ids) if within is None else within.intersection(ids)


def _rank_key(item: tuple[int, float]) -> tuple[float, int]:
    return (-item[1], item[0])


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0 or not scores:
        return scores
    return {d: s * boost for d, s in scores.items()}


def _sum_union(parts: list[Scores]) -> Scores:
    parts = [p for p in parts if p]
    if not parts:
        return {}
    if len(parts) == 1:
        return parts[0]
    parts.sort(key=len, reverse=True)
    out = dict(parts[0])
    for part in parts[1:]:
        get = out.get
        out.update({d: get(d, 0.0) + s for d, s in part.items()})
    return out


_HANDLERS: dict[type, Callable] = {
    query.Term: Evaluator._term,
    query.Or: Evaluator._or,
    query.And: Evaluator._and,
    query.AndMaybe: Evaluator._and_maybe,
    query.AndNot: Evaluator._and_not,
    query.Phrase: Evaluator._phrase,
    query.Prefix: Evaluator._multi_term,
    query.Wildcard: Evaluator._multi_term,
    query.FuzzyTerm: Evaluator._multi_term,
    query.NullQuery.__class__: lambda self, q, sub, within=None: NOTHING,
}

# reader.search.index's own query classes say which of these they match and score as
# (`_evaluate_as`): a subclass with other behaviour is left to whoosh.
_SUBCLASS_HANDLERS: tuple[tuple[type, Callable], ...] = (
    (query.Or, Evaluator._or),
    (query.And, Evaluator._and),
    (query.Phrase, Evaluator._phrase),
)
