"""Full-text search over the corpus with whoosh (the whoosh-reloaded distribution).

The index lives in the user cache directory. It is checked against the corpus on open:
rebuilt when the schema version changed or the index is damaged, updated document by
document when only some articles changed. See README "Searching" for the query language.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import qparser, query, scoring
from whoosh.fields import Schema
from whoosh.filedb.filestore import RamStorage

from reader import paths
from reader.articles.glossary import Glossary, load_glossary
from reader.articles.model import Article
from reader.search import continuation, storage
from reader.search.evaluate import Evaluator
from reader.search.guard import (
    strip_comparisons,
    tidy_query,
)
from reader.search.highlight import Highlighter
from reader.search.post_ids import PostIds
from reader.search.query import (
    Expander,
    also_as_prefix,
    date_notice,
    exact_phrases_as_boosts,
    faster_matchers,
    has_error,
    malformed,
    plain_words,
    query_terms,
    rewrite_syntax,
)
from reader.search.results import (
    MatchTerm,
    QueryError,
    RelatedPost,
    SearchHit,
    SearchResults,
    Span,
)
from reader.search.schema import make_schema
from reader.search.snippets import make_snippet
from reader.search.suggest import Suggester
from reader.search.whoosh_internals import CachedLengthBM25F

if TYPE_CHECKING:
    import numpy as np
    from whoosh.reading import IndexReader
    from whoosh.searching import Searcher

    from reader.search.meaning.engine import Meaning


class SearchIndex:
    """The whoosh index of a corpus, kept in step with it: a SearchBackend
    (reader.search.backend) with gp-reader's query language (README "Searching")."""

    def __init__(
        self,
        ix,
        articles: Sequence[Article],
        glossary: Glossary | None = None,
        meaning: Meaning | None = None,
    ) -> None:
        self._ix = ix
        # whoosh's FileIndex.schema reads the index's table of contents from disk at each
        # use (about 1 ms); the schema is make_schema()'s for the index's life, rebuilds too.
        self._schema = ix.schema
        self._meaning = meaning  # None: words alone
        self._word_queries: dict[str, query.Query] = {}  # see _word_query
        self._ids: PostIds | None = None  # see _post_ids
        self._articles = {a.id: a for a in articles}
        self.notices: list[str] = []
        self._glossary = glossary if glossary is not None else load_glossary()
        self._expander = Expander(self._glossary, self._schema)
        self._suggester = Suggester(self._schema, self._glossary)
        self._searcher = None
        self._evaluator: Evaluator | None = None
        # whoosh searchers are not meant for several threads at once: searches take turns.
        self._searcher_lock = threading.RLock()
        self._parser = self._make_parser(self._schema)
        # Where the index lives and what it holds, to rebuild it if a search finds damage.
        self._directory: Path | None = None
        self._fingerprint: str | None = None

    # -- opening and building -------------------------------------------------------

    @classmethod
    def open(
        cls,
        articles: Sequence[Article],
        fingerprint: str,
        directory: Path | None = None,
        *,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
        glossary: Glossary | None = None,
    ) -> SearchIndex:
        """Open the index in `directory`, first making it hold exactly `articles`.

        One process at a time checks and writes the index (an OS file lock, released even
        if the process dies). A process that cannot get the lock within storage.LOCK_WAIT_SECONDS
        searches the index as it is, read-only, or when there is none yet, a private
        in-memory one. It never fails with whoosh's LockError.
        """
        directory = directory or paths.index_dir()
        notices: list[str] = []
        ok = False
        meaning = None
        try:
            with storage.exclusive_lock(
                directory.with_name(directory.name + ".lock"), storage.LOCK_WAIT_SECONDS
            ) as ok:
                if ok:
                    ix = storage.open_checked(directory, rebuild, notices)
                    meta = storage.read_meta(directory)
                    if rebuild or meta.get("fingerprint") != fingerprint:
                        # The note of what the index holds counts only if it was written after
                        # the last commit (a process killed between the two leaves it behind).
                        current = meta.get("generation") == ix.latest_generation()
                        hashes = storage.sync_index(
                            ix, articles, progress, meta.get("hashes") if current else None
                        )
                        storage.write_meta(directory, fingerprint, hashes, ix.latest_generation())
                    # After the index's writers (which may fork): tokenizers turns its threads
                    # off in a process forked after it used them.
                    if rebuild:  # from nothing: the vectors too
                        vectors_path(directory).unlink(missing_ok=True)
                    meaning = _open_meaning(
                        directory, articles, progress, notices, True, fingerprint
                    )
                else:
                    meaning = _open_meaning(directory, articles, None, notices, writable=False)
                    ix = storage.open_existing(directory)
                    if ix is not None:
                        notices.append(
                            "another gp-reader is updating the search index; searching it as it was"
                        )
                    else:
                        notices.append(
                            "another gp-reader is building the search index; "
                            "searching a private copy"
                        )
                        ix = RamStorage().create_index(make_schema())
                        storage.sync_index(ix, articles, progress, None)
        except OSError as exc:
            # The cache directory is missing and cannot be made, is a file, is not
            # writable, or is full: search works from an index in memory this run.
            ok = False
            reason = exc.strerror or type(exc).__name__
            where = exc.filename or directory
            notices.append(
                f"cannot use the search index's cache directory ({where}: {reason}); "
                "searching a copy in memory"
            )
            ix = RamStorage().create_index(make_schema())
            storage.sync_index(ix, articles, progress, None)
        result = cls(ix, articles, glossary, meaning)
        result.notices.extend(notices)
        if ok:
            result._directory, result._fingerprint = directory, fingerprint
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
        as itself (so acronym expansion still applies) or as a prefix, unless it is a
        glossary acronym typed in capitals. A single letter
        after other words is left out until the next one is typed: as a word it matches
        nothing ('primary c' found no posts on the way to 'primary care'), as a prefix
        it stands for a good part of the language.
        """
        text, notes = tidy_query(text)  # any string: controls, length, unknown fields
        rewritten = rewrite_syntax(text.strip())
        unfinished = None
        if as_you_type and not text.endswith(" "):
            letter = re.search(r"\s[\w’']$", rewritten)
            if letter:
                rewritten = rewritten[: letter.start()].rstrip()
            else:
                last = re.search(r"(?:^|[\s:(])([\w’']{2,})$", rewritten)
                unfinished = last.group(1) if last else None
                if unfinished and unfinished.isupper() and self._glossary.lookup(unfinished):
                    # An acronym typed in capitals (INT, PCN) is whole: as a prefix,
                    # INT found every post with 'interest' or 'into'.
                    unfinished = None
        notice = None
        try:
            q = self._parser.parse(rewritten)
            if has_error(q) or rewritten.count('"') % 2 or malformed(rewritten):
                raise QueryError
        except Exception:  # whoosh raises assorted errors on odd syntax
            words = strip_comparisons(plain_words(text))
            notice = "could not read the query's syntax; searched for the words instead"
            try:
                q = self._parser.parse(words) if words else query.NullQuery
            except Exception:  # noqa: BLE001 - whoosh's plugins fail on some plain words too
                q = query.NullQuery
                notice = "could not read the query, even as plain words"
        notice = notice or date_notice(q)
        notice = "; ".join([*notes, notice] if notice else notes) or None
        q = self._expander.expand(q)
        if unfinished:
            q = also_as_prefix(q, unfinished, self._schema)
        return faster_matchers(exact_phrases_as_boosts(q.normalize())), notice

    def search(
        self,
        text: str,
        limit: int = 20,
        *,
        as_you_type: bool = False,
        snippets: bool = True,
    ) -> SearchResults:
        """Search; damage found on the way (a segment whose blocks no longer decompress)
        moves the index aside and rebuilds it, once, and says so in the notice."""
        try:
            return self._search(text, limit, as_you_type, snippets)
        except Exception as exc:  # noqa: BLE001 - damaged files raise many kinds of error
            notice = self._recover(exc)
        try:
            results = self._search(text, limit, as_you_type, snippets)
        except Exception as exc:  # noqa: BLE001 - not damage after all: one line, no trace
            notice += f"; this search still failed ({type(exc).__name__}); try other words"
            return SearchResults(text, 0.0, 0, (), notice=notice)
        return replace(results, notice="; ".join(filter(None, [notice, results.notice])))

    def _recover(self, exc: Exception) -> str:
        """Move a damaged index aside and build a new one in its place (or in memory)."""
        why = f"damaged ({type(exc).__name__})"
        with self._searcher_lock:
            if self._searcher is not None:
                with contextlib.suppress(Exception):
                    self._searcher.close()
                self._searcher = None
            self._evaluator = None
            self._ids = None
            with contextlib.suppress(Exception):
                self._ix.close()
            notices: list[str] = []
            self._ix = storage.rebuild_damaged(
                self._directory, list(self._articles.values()), self._fingerprint, why, notices
            )
        return notices[-1] if notices else f"search index was {why}; rebuilt it"

    def _search(self, text: str, limit: int, as_you_type: bool, snippets: bool) -> SearchResults:
        started = time.perf_counter()
        q, notice = self.parse(text, as_you_type=as_you_type)
        if q is query.NullQuery or isinstance(q, query.NullQuery.__class__):
            took = (time.perf_counter() - started) * 1000
            return SearchResults(text, took, 0, (), notice=notice)
        with self._searcher_lock:
            searcher = self._searcher_now()
            if self._evaluator is None or self._evaluator.searcher is not searcher:
                self._evaluator = Evaluator(searcher)
            # Every match scored and counted, a term's postings at a time (whoosh's
            # matchers take a posting at a time: see reader.search.evaluate).
            # The strict query and any going on past it read each term's postings once.
            with self._evaluator.sharing_terms():
                scores = self._evaluator.scores(q)
                total = len(scores)
                best = self._evaluator.top(scores, limit)
                terms = query_terms(q, searcher.reader())
                question = None
                found: list[tuple[int, float, str]] = [(d, s, "all") for d, s in best]
                strict_total = total
                if continuation.goes_on(text, total):
                    # The words as parse() read them (cut to MAX_QUERY_CHARS, controls off):
                    # whoosh's parser takes time quadratic in a pasted page's length.
                    words = tidy_query(text)[0]
                    found, total, question = self._go_on(
                        searcher, self._evaluator, words, found, total, as_you_type
                    )
                    # Marked: the question's own words, not its 'why', 'the' or 'to'.
                    terms = self._words_terms(words, searcher.reader()) or terms
            highlighter = Highlighter(terms) if snippets else None
            hits = []
            for docnum, score, matched in found[:limit]:
                stored = searcher.stored_fields(docnum)
                date = stored.get("date")
                # Posts with every word: the passage with the most of them; the others
                # (a question's): the paragraph that answers it best.
                near = question if matched != "all" else None
                snippet, spans = self._snippet(stored, highlighter, near) if snippets else ("", ())
                hits.append(
                    SearchHit(
                        id=stored["id"],
                        title=stored["title"],
                        category=stored["category"],
                        date=date.date().isoformat() if date else None,
                        score=score,
                        snippet=snippet,
                        highlights=spans,
                        matched=matched,
                    )
                )
            # While typing, the last word is unfinished; when nothing matches, it counts
            # unless it is the start of a word the posts use ('neighbourh').
        suggestion = self._suggester.suggest(
            searcher, text, as_you_type, found=strict_total > 0, found_any=total > 0
        )
        took = (time.perf_counter() - started) * 1000
        return SearchResults(text, took, total, tuple(hits), terms, suggestion, notice)

    # -- going on past the strict results (reader.search.continuation) -------------------

    def _word_query(self, word: str) -> query.Query:
        """One word's query, as the strict search would read it alone. Kept: whoosh's
        parser takes about a millisecond a word, and a question typed a letter at a time
        asks for the same words again at every key."""
        q = self._word_queries.get(word)
        if q is None:
            q = self._expander.expand(self._parser.parse(word))
            q = faster_matchers(exact_phrases_as_boosts(q.normalize()))
            if len(self._word_queries) >= WORD_QUERIES_KEPT:
                self._word_queries.pop(next(iter(self._word_queries)))
            self._word_queries[word] = q
        return q

    def _words_terms(self, text: str, reader: IndexReader) -> tuple[MatchTerm, ...]:
        words = continuation.content_words(text)
        terms = {t for w in words for t in query_terms(self._word_query(w), reader)}
        return tuple(sorted(terms, key=lambda t: (t.words, t.form)))

    def _go_on(
        self,
        searcher: Searcher,
        evaluator: Evaluator,
        text: str,
        found: list[tuple[int, float, str]],
        total: int,
        as_you_type: bool,
    ) -> tuple[list[tuple[int, float, str]], int, np.ndarray | None]:
        """The strict hits, then the posts with some of the words or close in meaning."""
        question = None
        if self._meaning is not None:
            # As the reader types, a model not yet loaded starts loading instead.
            question = self._meaning.query_vector(text, wait=not as_you_type)
            self._take_meaning_notices()
        ids = self._post_ids(searcher)
        continued, more = continuation.continue_results(
            text,
            {docnum for docnum, _, _ in found},
            lambda word: evaluator.scores(self._word_query(word)),
            ids.id_of,
            self._meaning,
            question,
            ids.docnum_for,
            lambda word: self._in_most_posts(searcher, word),
        )
        found.extend((hit.docnum, hit.score, hit.matched) for hit in continued)
        return found, total + more, question

    def _post_ids(self, searcher: Searcher) -> PostIds:
        """Post ids and document numbers as this searcher has them, learnt as asked."""
        if self._ids is None or self._ids.searcher is not searcher:
            self._ids = PostIds(searcher, self._articles)
        return self._ids

    def _in_most_posts(self, searcher: Searcher, word: str) -> bool:
        """Whether more than half the posts hold the word (its stem, in the body)."""
        stems = list(self._schema["body"].process_text(word, mode="query"))
        if not stems:
            return False
        return searcher.doc_frequency("body", stems[0]) * 2 > searcher.doc_count()

    def _snippet(
        self,
        stored: dict[str, Any],
        highlighter: Highlighter | None,
        question: np.ndarray | None,
    ) -> tuple[str, tuple[Span, ...]]:
        """The passage with the most of the words; for a question, the paragraph that
        answers it best (by meaning). With its highlights."""
        body = stored["body"]
        if question is not None and self._meaning is not None:
            span = self._meaning.best_paragraph(stored["id"], question)
            if span is not None:
                body = body[span[0] : span[1]]
        return make_snippet(body, highlighter)

    def warm(self) -> list[str]:
        """Load the embedding model now (about 0.3-0.7 s, once a process), so that the
        first question typed is searched by meaning too. The app calls it in the
        background after the first frame. Returns what went wrong, as notices."""
        if self._meaning is None:
            return []
        before = len(self.notices)
        self._meaning.query_vector("", wait=True)
        self._take_meaning_notices()
        return self.notices[before:]

    def _take_meaning_notices(self) -> None:
        if self._meaning is not None and self._meaning.notices:
            self.notices.extend(self._meaning.notices)
            self._meaning.notices.clear()

    def related(self, article_id: str, limit: int = 5) -> list[RelatedPost]:
        """Posts most like this one, never itself: closest in meaning (the cosine of the
        two posts' vectors, reader.search.meaning) where the vectors are there, else
        whoosh's more-like-this on the body.

        Over the bundled corpus, the related posts by meaning share a topic with the post
        more often than whoosh's: 0.74 of them, against 0.60 (docs/search-quality.md).
        """
        by_meaning = self._meaning.related(article_id, limit * 2) if self._meaning else None
        if by_meaning is not None:
            out = []
            for post_id, score in by_meaning:
                article = self._articles.get(post_id)
                if article is not None:
                    out.append(RelatedPost(post_id, article.title, score))
            return out[:limit]
        return self._related_by_words(article_id, limit)

    def _related_by_words(self, article_id: str, limit: int) -> list[RelatedPost]:
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
        try:
            return self._related(article_id, limit)
        except Exception as exc:  # noqa: BLE001 - damage: as in search()
            self.notices.append(self._recover(exc))
        try:
            return self._related(article_id, limit)
        except Exception:  # noqa: BLE001 - no related reading rather than a traceback
            return []

    def _related(self, article_id: str, limit: int) -> list[RelatedPost]:
        from whoosh.classify import KLModel

        with self._ix.searcher(weighting=scoring.BM25F()) as searcher:
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                return []
            results = searcher.more_like(docnum, "body", top=limit + 1, numterms=20, model=KLModel)
            out = []
            for hit in results:
                if hit["id"] != article_id:
                    out.append(RelatedPost(hit["id"], hit["title"], hit.score))
        return out[:limit]

    @property
    def doc_count(self) -> int:
        return self._ix.doc_count()


WORD_QUERIES_KEPT = 256  # see SearchIndex._word_query


def vectors_path(directory: Path) -> Path:
    """The search-by-meaning vectors of the index in `directory`: beside it."""
    return directory.with_name(directory.name + "-vectors.bin")


def _open_meaning(
    directory: Path,
    articles: Sequence[Article],
    progress: Callable[[int, int], None] | None,
    notices: list[str],
    writable: bool,
    fingerprint: str | None = None,
) -> Meaning | None:
    """The posts' vectors, brought in step when `writable`; None if meaning is unavailable."""
    try:
        from reader.search.meaning.engine import Meaning
    except ImportError as exc:  # numpy missing: words alone
        notices.append(f"search by meaning is unavailable ({exc.name} is not installed)")
        return None
    meaning = Meaning.sync(vectors_path(directory), articles, progress, writable, fingerprint)
    notices.extend(meaning.notices)
    meaning.notices.clear()
    return meaning if meaning.available else None


def open_corpus_index(
    rebuild: bool = False, progress: Callable[[int, int], None] | None = None
) -> tuple[SearchIndex, object]:
    """The bundled corpus and its index, as the CLI and the app use them."""
    from reader.articles.bundled import load_corpus

    corpus = load_corpus()
    return SearchIndex.open(
        corpus.articles, corpus.fingerprint, rebuild=rebuild, progress=progress
    ), corpus
