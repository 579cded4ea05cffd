"""Full-text search over the corpus with whoosh (the whoosh-reloaded distribution).

The index lives in the user cache directory. It is checked against the corpus on open:
rebuilt when the schema version changed or the index is damaged, updated document by
document when only some articles changed. See README "Searching" for the query language.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import shutil
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import qparser, query, scoring
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.formats import Frequency, Positions
from whoosh.matching import NullMatcher, UnionMatcher, WrappingMatcher
from whoosh.query.spans import Span, SpanNear2
from whoosh.support.levenshtein import damerau_levenshtein as edit_distance
from whoosh.system import pack_uint

from reader import paths
from reader.analysis import exact_analyzer, index_positions, keyword_analyzer, stemming_analyzer
from reader.evaluate import Evaluator, phrase_terms, positional_field
from reader.glossary import Glossary, load_glossary
from reader.highlight import match_regex
from reader.index_build import FastMpWriter, FastSegmentWriter
from reader.model import Article

SCHEMA_VERSION = 3  # 2: IndexedText fields; 3: exact fields without positions
META_FILE = "gp-reader-meta.json"
LOCK_WAIT_SECONDS = 5.0
# Above this many articles to write, builds use both cores and several segments.
PARALLEL_BUILD_THRESHOLD = 2000
# Up to this many posts, a segment is one compound file, which whoosh copies into
# memory when it opens it: lookups are then memory reads, not system calls (the bundled
# corpus's queries about 14% faster). Above it the copying costs more, on every start
# and update, than it saves (3,000 posts: re-open 43 -> 20 ms, one changed post 286 ->
# 182 ms as separate files).
COMPOUND_BELOW = 2000

# Acronym <-> expansion alternatives are added on the stemmed fields only: the exact-form
# fields just lift exact matches, and doubling the alternatives there doubles the cost.
EXPANDED_FIELDS = ("title", "body")
TITLE_BOOST = 3.0
EXACT_BOOST = 1.5  # an exact word form counts on top of its stem


class IndexedText(TEXT):
    """A TEXT field of stemmed or exact words, indexed without whoosh's analyzer chain.

    Its terms, frequencies and positions are those of stemming_analyzer() or
    exact_analyzer() (which it keeps for parsing queries), from
    reader.analysis.index_positions: one pass over a text serves both of its fields.
    Building 10,000 posts spent half its time running tokens through filter chains.
    """

    def __init__(self, stemmed: bool, **kwargs) -> None:
        analyzer = stemming_analyzer() if stemmed else exact_analyzer()
        super().__init__(analyzer=analyzer, **kwargs)
        self.stemmed = stemmed

    def word_positions(self, value):
        """(word -> its positions, the format's encoder of positions), or None for values
        it does not index itself. reader.index_build pools these without tuples."""
        kind = type(self.format)
        if not isinstance(value, str) or kind not in (Positions, Frequency):
            return None
        exact, stemmed = index_positions(value)
        encode = encode_positions if kind is Positions else encode_frequency
        return (stemmed if self.stemmed else exact), encode

    def index(self, value, **kwargs):
        words = None if kwargs else self.word_positions(value)
        if words is None:
            yield from super().index(value, **kwargs)
            return
        positions_of, encode = words
        boost = self.format.field_boost
        for word, positions in positions_of.items():
            count = len(positions)
            yield word.encode("utf-8"), count, float(count) * boost, encode(positions)


_FREQUENCIES = [pack_uint(n) for n in range(256)]


def encode_frequency(positions: list[int]) -> bytes:
    """whoosh's Frequency format's value for a word at these positions: their count."""
    count = len(positions)
    return _FREQUENCIES[count] if count < 256 else pack_uint(count)


_ONE_POSITION: dict[int, bytes] = {}


def encode_positions(positions: list[int]) -> bytes:
    """whoosh's Positions.encode, the same bytes, faster: most words occur once in a post."""
    if len(positions) == 1:
        position = positions[0]
        found = _ONE_POSITION.get(position)
        if found is None:
            found = pack_uint(1) + pickle.dumps(positions, 2)
            if position < 10_000:
                _ONE_POSITION[position] = found
        return found
    deltas = [b - a for a, b in pairwise([0, *positions])]
    return pack_uint(len(deltas)) + pickle.dumps(deltas, 2)


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        title=IndexedText(stemmed=True, stored=True, field_boost=TITLE_BOOST),
        body=IndexedText(stemmed=True, stored=True),
        # Exact forms only lift exact matches, phrases included (ExactWords): frequencies
        # without positions, a third less to write and read (a build 15% faster).
        title_exact=IndexedText(stemmed=False, phrase=False, field_boost=TITLE_BOOST * EXACT_BOOST),
        body_exact=IndexedText(stemmed=False, phrase=False, field_boost=EXACT_BOOST, spelling=True),
        category=TEXT(analyzer=keyword_analyzer(), stored=True),
        topic=TEXT(analyzer=keyword_analyzer(), stored=True),
        date=DATETIME(stored=True),
        content_hash=STORED,
    )


def content_hash(article: Article) -> str:
    """What, if it changes, means the article's index entry must be rewritten."""
    text = "\x1f".join(
        [
            article.title,
            article.body,
            article.category,
            "|".join(article.topics),
            article.date or "",
        ]
    )
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def article_fields(article: Article) -> dict:
    fields = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "title_exact": article.title,
        "body_exact": article.body,
        "category": article.category,
        "topic": ", ".join(article.topics),
        "content_hash": content_hash(article),
    }
    if article.date:
        fields["date"] = datetime.fromisoformat(article.date)
    return fields


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    category: str
    date: str | None
    score: float
    snippet: str  # matched words marked **like this**
    terms: tuple[str, ...]  # the query's terms; find_match_spans() places them in a post

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "category": self.category,
            "date": self.date,
            "score": round(self.score, 4),
            "snippet": self.snippet,
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    took_ms: float
    total: int
    hits: tuple[SearchHit, ...]
    suggestion: str | None = None
    notice: str | None = None  # e.g. the syntax was malformed and the words were searched

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "took_ms": round(self.took_ms, 2),
            "total": self.total,
            "suggestion": self.suggestion,
            "hits": [h.to_json() for h in self.hits],
        }


class QueryError(ValueError):
    """A query that cannot be searched even as plain words."""


_DATE_RANGE_RE = re.compile(r"\bdate:(\d{4}(?:-\d{2}){0,2})\.\.(\d{4}(?:-\d{2}){0,2})")
_MINUS_RE = re.compile(r"(^|\s)-(?=[\w\"(])")
_FIELD_ALIASES = {"topics": "topic", "categories": "category", "cat": "category"}
_SYNTAX_CHARS_RE = re.compile(r"[\"():\[\]{}^~*+\-]|(?<!\w)(AND|OR|NOT|ANDNOT|ANDMAYBE)(?!\w)")


def _rewrite_syntax(text: str) -> str:
    """Our query shorthands in whoosh's own syntax."""
    text = _DATE_RANGE_RE.sub(lambda m: f"date:[{m[1]} to {m[2]}]", text)
    text = _MINUS_RE.sub(r"\1NOT ", text)
    for alias, name in _FIELD_ALIASES.items():
        text = re.sub(rf"\b{alias}:", f"{name}:", text)
    return text


def _plain_words(text: str) -> str:
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


class _AdjacentWordsMatcher(SpanNear2.SpanNear2Matcher):
    """whoosh's phrase matcher (slop 1: each word right after the last), checked faster.

    whoosh builds a Span object for every position of every word and compares them in
    pairs; for a phrase of common words that is most of the query's time. Here word i
    of the phrase must stand at start + i: a set intersection of shifted positions.
    """

    def _get_spans(self):
        starts = None
        for offset, matcher in enumerate(self.ms):
            shifted = {p - offset for p in matcher.value_as("positions")}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                return []
        last = len(self.ms) - 1
        return [Span(start, start + last) for start in sorted(starts)]


class AdjacentPhrase(query.Phrase):
    """A phrase query that matches and scores as whoosh's Phrase does, only faster."""

    _evaluate_as = query.Phrase  # reader.evaluate: matched and scored as a Phrase

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


class SizedOr(query.Or):
    """whoosh's Or, with a binary tree of unions on small segments.

    For segments of up to 5,000 documents whoosh preloads an Or's matches into a
    2,048-slot array, which on a small index costs more than the whole search (the
    bundled corpus has 28 posts). Large segments keep whoosh's choice.
    """

    _evaluate_as = query.Or  # reader.evaluate: matched and scored as an Or

    def _matcher(self, subs, searcher, context):
        small = searcher.doc_count_all() < TREE_UNION_BELOW
        if self.matcher_type == self.AUTO_MATCHER and small and not self.scale:
            # whoosh's DefaultOr, less its balancing of the tree by each sub-query's
            # estimated size: on a small segment the estimates cost more than they save.
            return self._tree_matcher(subs, UnionMatcher, searcher, context, None)
        return super()._matcher(subs, searcher, context)


TREE_UNION_BELOW = 1000  # documents in a segment


EXACT_FIELDS = ("title_exact", "body_exact")


class ExactWords(query.And):
    """A phrase's exact word forms, all in a post: what lifts exact wording in a phrase.

    The exact-form fields keep no positions, so a phrase is matched on the stemmed
    fields, and its exact forms count on top when the post has them all (anywhere:
    almost always as that phrase, in a post that has the stemmed phrase).
    """

    _evaluate_as = query.And  # reader.evaluate: matched and scored as an And

    @property
    def fieldname(self) -> str:
        return self.subqueries[0].fieldname

    @property
    def words(self) -> list[str]:
        return [term.text for term in self.subqueries]


def _exact_phrases_as_boosts(q: query.Query) -> query.Query:
    """Phrases on the exact-form fields as ExactWords, which only add to a phrase's score.

    The parser searches a phrase in every field (an OR); with its exact-form parts as
    ExactWords the OR would match posts having the words anywhere, so those parts move
    to the optional side of an AndMaybe: the posts found are the stemmed phrase's.
    """
    if isinstance(q, query.Phrase) and q.fieldname in EXACT_FIELDS:
        return ExactWords([query.Term(q.fieldname, w) for w in q.words], boost=q.boost)
    if isinstance(q, query.Or):
        subs = [_exact_phrases_as_boosts(s) for s in q.subqueries]
        exact = [s for s in subs if isinstance(s, ExactWords)]
        if exact and len(exact) < len(subs):
            rest = [s for s in subs if not isinstance(s, ExactWords)]
            # (a + b) * boost: the OR's boost on both sides
            return query.AndMaybe(query.Or(rest, boost=q.boost), query.Or(exact, boost=q.boost))
        return query.Or(subs, boost=q.boost, minmatch=q.minmatch, scale=q.scale)
    if q.is_leaf():
        return q
    return q.apply(_exact_phrases_as_boosts)


def _faster_matchers(q: query.Query) -> query.Query:
    """The same query, with phrases and ORs that match and score alike, only faster;
    prefixes and wildcards scored as the OR of the words they stand for.

    whoosh's prefix is meant to give every post it matches one constant score, but its
    OR does so only on segments of up to 5,000 posts and for three words or more, and
    scores by BM25F otherwise: the same query ranked differently by segment size. Here
    it is always BM25F, the sum over the words a post has, as on whoosh's large segments
    (reader.evaluate does the same).
    """
    if type(q) is query.Phrase:
        return AdjacentPhrase(q.fieldname, q.words, q.slop, q.boost, q.char_ranges)
    if type(q) in (query.Prefix, query.Wildcard) and q.constantscore:
        return type(q)(q.fieldname, q.text, boost=q.boost, constantscore=False)
    if q.is_leaf():
        return q
    q = q.apply(_faster_matchers)
    if type(q) is query.Or:
        return SizedOr(q.subqueries, boost=q.boost, minmatch=q.minmatch, scale=q.scale)
    return q


class CachedLengthBM25F(scoring.BM25F):
    """whoosh's BM25F, with each document's field length looked up once per segment.

    BM25F needs the field length of every posting it scores; whoosh reads it from the
    segment's length column each time, about a third of the cost of scoring a common
    word. Here each segment reader gets a list per field, filled as documents are met.
    The scores are the same numbers.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lengths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, scoring.BM25FScorer):
            scorer.dfl = self._length_lookup(searcher.reader(), fieldname)
        return scorer

    def _length_lookup(self, reader, fieldname: str) -> Callable[[int], int]:
        per_field = self._lengths.setdefault(reader, {})
        lengths = per_field.get(fieldname)
        if lengths is None:
            lengths = per_field[fieldname] = [None] * (reader.doc_count_all() + 1)
        read = reader.doc_field_length

        def length(docnum: int) -> int:
            found = lengths[docnum]
            if found is None:
                found = lengths[docnum] = read(docnum, fieldname, 1)
            return found

        return length


class SearchIndex:
    """The whoosh index of a corpus, kept in step with it."""

    def __init__(self, ix, articles: Sequence[Article], glossary: Glossary | None = None):
        self._ix = ix
        self._articles = {a.id: a for a in articles}
        self.notices: list[str] = []
        self._glossary = glossary if glossary is not None else load_glossary()
        self._expander = Expander(self._glossary, ix.schema)
        self._searcher = None
        self._evaluator: Evaluator | None = None
        # whoosh searchers are not meant for several threads at once: searches take turns.
        self._searcher_lock = threading.RLock()
        self._parser = self._make_parser(ix.schema)

    # -- opening and building -------------------------------------------------------

    @classmethod
    def open(
        cls,
        articles: Sequence[Article],
        fingerprint: str,
        directory: Path | None = None,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
        glossary: Glossary | None = None,
    ) -> SearchIndex:
        """Open the index in `directory`, first making it hold exactly `articles`.

        One process at a time checks and writes the index (an OS file lock, released even
        if the process dies). A process that cannot get the lock within LOCK_WAIT_SECONDS
        searches the index as it is, read-only, or when there is none yet, a private
        in-memory one. It never fails with whoosh's LockError.
        """
        directory = directory or paths.index_dir()
        notices: list[str] = []
        with exclusive_lock(directory.with_name(directory.name + ".lock"), LOCK_WAIT_SECONDS) as ok:
            if ok:
                ix = _open_checked(directory, rebuild, notices)
                meta = _read_meta(directory)
                if rebuild or meta.get("fingerprint") != fingerprint:
                    # The note of what the index holds counts only if it was written after
                    # the last commit (a process killed between the two leaves it behind).
                    current = meta.get("generation") == ix.latest_generation()
                    hashes = _sync(ix, articles, progress, meta.get("hashes") if current else None)
                    _write_meta(directory, fingerprint, hashes, ix.latest_generation())
            else:
                ix = _open_existing(directory)
                if ix is not None:
                    notices.append(
                        "another gp-reader is updating the search index; searching it as it was"
                    )
                else:
                    notices.append(
                        "another gp-reader is building the search index; searching a private copy"
                    )
                    ix = RamStorage().create_index(make_schema())
                    _sync(ix, articles, progress, None)
        result = cls(ix, articles, glossary)
        result.notices.extend(notices)
        return result

    def close(self) -> None:
        with self._searcher_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        self._ix.close()

    def _searcher_now(self):
        with self._searcher_lock:
            if self._searcher is None:
                self._searcher = self._ix.searcher(weighting=CachedLengthBM25F())
            else:
                self._searcher = self._searcher.refresh()
            return self._searcher

    # -- querying -------------------------------------------------------------------

    @staticmethod
    def _make_parser(schema: Schema) -> qparser.QueryParser:
        parser = qparser.MultifieldParser(
            ["title", "body", "title_exact", "body_exact"], schema, group=qparser.AndGroup
        )
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.GtLtPlugin())
        return parser

    def parse(self, text: str, as_you_type: bool = False) -> tuple[query.Query, str | None]:
        """The whoosh query for what the user typed, and a notice if the syntax was mangled.

        While typing (`as_you_type`), the word under the cursor is unfinished: it matches
        as itself (so acronym expansion still applies) or as a prefix. A single letter
        after other words is left out until the next one is typed: as a word it matches
        nothing ('primary c' found no posts on the way to 'primary care'), as a prefix
        it stands for a good part of the language.
        """
        rewritten = _rewrite_syntax(text.strip())
        unfinished = None
        if as_you_type and not text.endswith(" "):
            letter = re.search(r"\s[\w’']$", rewritten)
            if letter:
                rewritten = rewritten[: letter.start()].rstrip()
            else:
                last = re.search(r"(?:^|[\s:(])([\w’']{2,})$", rewritten)
                unfinished = last.group(1) if last else None
        notice = None
        try:
            q = self._parser.parse(rewritten)
            if _has_error(q) or rewritten.count('"') % 2:
                raise QueryError
        except Exception:  # whoosh raises assorted errors on odd syntax
            words = _plain_words(text)
            notice = "could not read the query's syntax; searched for the words instead"
            q = self._parser.parse(words) if words else query.NullQuery
        notice = notice or _date_notice(q)
        q = self._expander.expand(q)
        if unfinished:
            q = _also_as_prefix(q, unfinished, self._ix.schema)
        return _faster_matchers(_exact_phrases_as_boosts(q.normalize())), notice

    def search(
        self,
        text: str,
        limit: int = 20,
        as_you_type: bool = False,
        snippets: bool = True,
    ) -> SearchResults:
        started = time.perf_counter()
        q, notice = self.parse(text, as_you_type=as_you_type)
        if q is query.NullQuery or isinstance(q, query.NullQuery.__class__):
            took = (time.perf_counter() - started) * 1000
            return SearchResults(text, took, 0, (), None, notice)
        with self._searcher_lock:
            searcher = self._searcher_now()
            if self._evaluator is None or self._evaluator.searcher is not searcher:
                self._evaluator = Evaluator(searcher)
            # Every match scored and counted, a term's postings at a time (whoosh's
            # matchers take a posting at a time: see reader.evaluate).
            scores = self._evaluator.scores(q)
            total = len(scores)
            best = self._evaluator.top(scores, limit)
            terms = query_terms(q)
            pattern = match_regex(terms) if snippets else None
            hits = []
            for docnum, score in best:
                stored = searcher.stored_fields(docnum)
                date = stored.get("date")
                hits.append(
                    SearchHit(
                        id=stored["id"],
                        title=stored["title"],
                        category=stored["category"],
                        date=date.date().isoformat() if date else None,
                        score=score,
                        snippet=make_snippet(stored["body"], pattern) if snippets else "",
                        terms=terms,
                    )
                )
            # While typing, the last word is unfinished; when nothing matches, it counts.
        suggestion = self._suggest(searcher, text, as_you_type and total > 0)
        took = (time.perf_counter() - started) * 1000
        return SearchResults(text, took, total, tuple(hits), suggestion, notice)

    def _suggest(self, searcher, text: str, skip_last: bool = False) -> str | None:
        """'Did you mean': replace words the corpus never uses with its closest words."""
        corrector = None  # made only for a word the corpus lacks: most searches have none
        changed = False
        out = text
        words = re.findall(r"(?<![\w:])[A-Za-z]{3,}(?![\w:*~])", text)
        if skip_last and words and not text.endswith(" "):
            words = words[:-1]
        for word in words:
            if word.upper() in ("AND", "OR", "NOT"):
                continue
            forms = list(self._ix.schema["body_exact"].process_text(word, mode="query"))
            if not forms:
                continue
            lowered = forms[0]  # lower case, British spelling, as the index holds it
            if searcher.doc_frequency("body_exact", lowered) or searcher.doc_frequency(
                "title_exact", lowered
            ):
                continue
            if self._glossary.lookup(word):
                continue
            corrector = corrector or searcher.corrector("body_exact")
            # whoosh orders the words within two edits by how common they are, so 'lone'
            # became 'on' and 'neighbourhod' 'neighbourhoods': the closest word wins here,
            # the more common of equally close ones (whoosh's order is kept among them).
            options = corrector.suggest(lowered, limit=10, maxdist=2)
            options.sort(key=lambda option: edit_distance(lowered, option))
            if options and options[0] != lowered:
                out = re.sub(rf"\b{re.escape(word)}\b", options[0], out, count=1)
                changed = True
        if changed and out.count('"') % 2:
            out = " ".join(out.replace('"', " ").split())  # a lone quote: offer the words
        return out if changed else None

    def related(self, article_id: str, limit: int = 5) -> list[tuple[str, str, float]]:
        """Posts most like this one (whoosh more-like-this on the body), never itself.

        Key terms are chosen by KL divergence (how much more often the post uses a word
        than the corpus does), not whoosh's default Bo1, which favours words that are
        merely rare: over the corpus, KL with 20 terms keeps a neighbourhood post's
        related posts on neighbourhoods (26 of 30 for the six such posts, against 17)
        and shares a topic with the post more often (0.61 of related posts, against 0.58).

        It uses a searcher of its own (opening one takes a few ms), not the shared one:
        on a large library the query of 20 common-ish words can take most of a second, and
        a search typed meanwhile should not wait for it.
        """
        from whoosh.classify import KLModel

        with self._ix.searcher(weighting=scoring.BM25F()) as searcher:
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                return []
            results = searcher.more_like(docnum, "body", top=limit + 1, numterms=20, model=KLModel)
            out = []
            for hit in results:
                if hit["id"] != article_id:
                    out.append((hit["id"], hit["title"], hit.score))
        return out[:limit]

    @property
    def doc_count(self) -> int:
        return self._ix.doc_count()


def _also_as_prefix(q: query.Query, word: str, schema: Schema) -> query.Query:
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


def _has_error(q: query.Query) -> bool:
    """whoosh turns syntax it cannot read into error queries rather than raising."""
    return any(type(sub).__name__ == "ErrorQuery" for sub in _walk(q))


def _date_notice(q: query.Query) -> str | None:
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


def query_terms(q: query.Query) -> tuple[str, ...]:
    """What to highlight for a query: its words and stems, phrases as space-joined words.

    Words under NOT are left out; so are the title-only and keyword fields.
    """
    found: set[str] = set()

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        fieldname = getattr(node, "fieldname", None)
        if isinstance(node, query.Phrase | ExactWords) and fieldname in ("body", "body_exact"):
            found.add(" ".join(node.words))
        elif isinstance(node, query.Term | query.Prefix) and fieldname in ("body", "body_exact"):
            found.add(str(node.text))
        elif not node.is_leaf():
            for child in node.children():
                walk(child)

    walk(q)
    return tuple(sorted(found))


SNIPPET_CHARS = 180


def make_snippet(body: str, pattern: re.Pattern[str] | None, width: int = SNIPPET_CHARS) -> str:
    """The stretch of the body with the most of the query's different words (the first
    such), matches marked **like this**."""
    first = _best_match(body, pattern, width - width // 3) if pattern else None
    start = 0
    if first:
        start = max(0, first.start() - width // 3)
        space = body.find(" ", start, first.start())
        if start and space >= 0:
            start = space + 1
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    window = body[start:end]
    if pattern:
        window = pattern.sub(lambda m: f"**{m.group(0)}**", window)
    window = " ".join(window.replace("### ", "").replace("> ", "").split())
    return ("…" if start else "") + window + ("…" if end < len(body) else "")


def _best_match(body: str, pattern: re.Pattern[str], reach: int) -> re.Match[str] | None:
    """The match from which the next `reach` characters hold the most different matched
    words ('primary care': a stretch with both, not the first 'care' alone)."""
    matches = list(pattern.finditer(body))
    if len(matches) < 2:
        return matches[0] if matches else None
    words = [m.group(0).casefold() for m in matches]
    best, best_count = 0, 0
    inside: dict[str, int] = {}
    j = 0
    for i, match in enumerate(matches):  # the window of matches starting within reach
        while j < len(matches) and matches[j].end() <= match.start() + reach:
            inside[words[j]] = inside.get(words[j], 0) + 1
            j += 1
        if len(inside) > best_count:
            best, best_count = i, len(inside)
        if j > i:  # match i leaves the window
            inside[words[i]] -= 1
            if not inside[words[i]]:
                del inside[words[i]]
    return matches[best]


# -- index files ------------------------------------------------------------------------


def _read_meta(directory: Path) -> dict:
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _write_meta(directory: Path, fingerprint: str, hashes: dict[str, str], generation: int) -> None:
    """Note what the index now holds: the next start can skip or narrow its check."""
    from reader.corpus import write_atomically

    meta = {
        "schema_version": SCHEMA_VERSION,
        "fingerprint": fingerprint,
        "hashes": hashes,
        "generation": generation,  # the index's commit these hashes describe
    }
    try:
        write_atomically(directory / META_FILE, json.dumps(meta))
    except OSError:
        return  # without the note the next start compares every document again; no harm


@contextmanager
def exclusive_lock(path: Path, wait_seconds: float):
    """Hold an exclusive OS lock on `path`, waiting at most `wait_seconds`; yields success.

    The kernel drops the lock when the process ends, so a crash never leaves it stuck.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; whoosh's own lock still guards writes
        yield True
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)  # polling a lock: there is no event to wait on
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _move_aside(directory: Path, notices: list[str], why: str) -> None:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = directory.with_name(f"{directory.name}.broken-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = directory.with_name(f"{directory.name}.broken-{stamp}-{n}")
    try:
        directory.rename(target)
        notices.append(f"search index was {why}; moved it to {target.name} and rebuilt it")
    except OSError:
        shutil.rmtree(directory, ignore_errors=True)
        notices.append(f"search index was {why}; rebuilt it")


def _probe(ix) -> None:
    """Read a little of every segment, so damaged or missing files fail now, not mid-search."""
    with ix.searcher() as searcher:
        searcher.doc_count_all()
        # The first term of a field opens every segment's term files; reading all the
        # ids took 120 ms at 10,000 posts, on every start.
        for fieldname in ("id", "body"):
            for _ in searcher.lexicon(fieldname):
                break
        for docnum in searcher.document_numbers():
            searcher.stored_fields(docnum)
            break


def _open_existing(directory: Path):
    """The index as it is on disk, if it is readable and current; None otherwise."""
    if _read_meta(directory).get("schema_version") != SCHEMA_VERSION:
        return None
    try:
        ix = whoosh_index.open_dir(str(directory))
        _probe(ix)
        return ix
    except Exception:  # noqa: BLE001 - any damage means: not usable as it is
        return None


def _open_checked(directory: Path, rebuild: bool, notices: list[str]):
    """The on-disk index, rebuilt from nothing when stale, half-written or damaged."""
    meta = _read_meta(directory)
    if directory.exists() and any(directory.iterdir()):
        if rebuild:
            shutil.rmtree(directory, ignore_errors=True)
        elif meta.get("schema_version") != SCHEMA_VERSION:
            if meta:
                notices.append("search index was made by another version of gp-reader; rebuilt it")
                shutil.rmtree(directory, ignore_errors=True)
            else:
                _move_aside(directory, notices, "incomplete (no record of a finished build)")
        elif not any(directory.glob("*.toc")):
            _move_aside(directory, notices, "incomplete (no table of contents)")
        else:
            try:
                ix = whoosh_index.open_dir(str(directory))
                _probe(ix)
                return ix
            except Exception as exc:  # noqa: BLE001 - damaged files raise many kinds of error
                _move_aside(directory, notices, f"damaged ({type(exc).__name__})")
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.iterdir():
        if stale.name != META_FILE:
            stale.unlink() if stale.is_file() else shutil.rmtree(stale, ignore_errors=True)
    (directory / META_FILE).unlink(missing_ok=True)
    return whoosh_index.create_in(str(directory), make_schema())


def _writer(ix, fresh_build: bool, parallel: bool, compound: bool):
    """The index writer for a sync: whoosh's, or reader.index_build's.

    A new index, and many posts at once (a large import), are written by
    reader.index_build's writers (the same files, about twice as fast; in two processes,
    one new segment each, when `parallel`). They keep a segment's postings in memory,
    compactly, which suits a known batch; small updates keep whoosh's writer, whose pool
    spills to disk when it merges large segments.
    """
    if parallel and isinstance(ix.storage, FileStorage):  # helpers share files, not memory
        return FastMpWriter(ix, procs=2, timeout=LOCK_WAIT_SECONDS, compound=compound)
    if fresh_build:
        return FastSegmentWriter(ix, timeout=LOCK_WAIT_SECONDS, compound=compound)
    return ix.writer(timeout=LOCK_WAIT_SECONDS, compound=compound)


def _sync(ix, articles: Sequence[Article], progress, known: dict | None) -> dict[str, str]:
    """Make the index hold exactly `articles`, rewriting only what changed.

    `known` maps ids to content hashes as of the last sync (from the meta file); without
    it they are read from the index's stored fields. Returns the hashes now indexed.
    """
    wanted = {a.id: content_hash(a) for a in articles}
    if known is None or ix.is_empty():  # doc_count() would open every segment
        with ix.searcher() as searcher:
            known = {f["id"]: f.get("content_hash") for f in searcher.all_stored_fields()}
    stale = [i for i in known if i not in wanted]
    changed = [a for a in articles if known.get(a.id) != wanted[a.id]]
    if not stale and not changed:
        return wanted
    # Many posts to write (a first build, or a large import into an existing index) go to
    # two helper processes, each writing a segment of its own; the posts already indexed
    # stay where they are. Below the threshold, one process writes them.
    fresh_build = not known
    parallel = len(changed) >= PARALLEL_BUILD_THRESHOLD
    compound = len(wanted) < COMPOUND_BELOW
    writer = _writer(ix, fresh_build, parallel, compound)
    try:
        # Only posts the index already holds need deleting: update_document would look
        # every new post up first (10,000 new posts: minutes of lookups that find nothing).
        for article_id in stale + [a.id for a in changed if a.id in known]:
            writer.delete_by_term("id", article_id)
        for n, article in enumerate(changed, start=1):
            writer.add_document(**article_fields(article))
            if progress and (n % 200 == 0 or n == len(changed)):
                progress(n, len(changed))
        if progress and parallel:
            progress(len(changed), len(changed), "writing the index")  # most of a big build
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return wanted


def open_corpus_index(
    rebuild: bool = False, progress: Callable[[int, int], None] | None = None
) -> tuple[SearchIndex, object]:
    """The bundled corpus and its index, as the CLI and the app use them."""
    from reader.corpus import load_corpus

    corpus = load_corpus()
    return SearchIndex.open(
        corpus.articles, corpus.fingerprint, rebuild=rebuild, progress=progress
    ), corpus
