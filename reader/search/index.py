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

from whoosh import qparser, query, scoring
from whoosh.fields import Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.support.levenshtein import damerau_levenshtein as edit_distance

from reader import paths
from reader.articles.glossary import Glossary, load_glossary
from reader.articles.model import Article
from reader.search import storage
from reader.search.evaluate import Evaluator
from reader.search.guard import (
    MAX_SUGGESTED_WORD,
    MAX_SUGGESTIONS,
    strip_comparisons,
    tidy_query,
)
from reader.search.highlight import Highlighter
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
from reader.search.results import QueryError, RelatedPost, SearchHit, SearchResults
from reader.search.schema import make_schema
from reader.search.snippets import make_snippet
from reader.search.whoosh_internals import CachedLengthBM25F


class SearchIndex:
    """The whoosh index of a corpus, kept in step with it: a SearchBackend
    (reader.search.backend) with gp-reader's query language (README "Searching")."""

    def __init__(self, ix, articles: Sequence[Article], glossary: Glossary | None = None):
        self._ix = ix
        self.notices: list[str] = []
        self._glossary = glossary if glossary is not None else load_glossary()
        self._expander = Expander(self._glossary, ix.schema)
        self._searcher = None
        self._evaluator: Evaluator | None = None
        # whoosh searchers are not meant for several threads at once: searches take turns.
        self._searcher_lock = threading.RLock()
        self._parser = self._make_parser(ix.schema)
        # Where the index lives and what it holds, to rebuild it if a search finds damage.
        self._articles = tuple(articles)
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
                else:
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
        result = cls(ix, articles, glossary)
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
            q = also_as_prefix(q, unfinished, self._ix.schema)
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
            with contextlib.suppress(Exception):
                self._ix.close()
            notices: list[str] = []
            self._ix = storage.rebuild_damaged(
                self._directory, list(self._articles), self._fingerprint, why, notices
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
            scores = self._evaluator.scores(q)
            total = len(scores)
            best = self._evaluator.top(scores, limit)
            terms = query_terms(q, searcher.reader())
            highlighter = Highlighter(terms) if snippets else None
            hits = []
            for docnum, score in best:
                stored = searcher.stored_fields(docnum)
                date = stored.get("date")
                snippet, spans = make_snippet(stored["body"], highlighter) if snippets else ("", ())
                hits.append(
                    SearchHit(
                        id=stored["id"],
                        title=stored["title"],
                        category=stored["category"],
                        date=date.date().isoformat() if date else None,
                        score=score,
                        snippet=snippet,
                        highlights=spans,
                    )
                )
            # While typing, the last word is unfinished; when nothing matches, it counts.
        suggestion = self._suggest(searcher, text, as_you_type and total > 0)
        took = (time.perf_counter() - started) * 1000
        return SearchResults(text, took, total, tuple(hits), terms, suggestion, notice)

    def _suggest(self, searcher, text: str, skip_last: bool = False) -> str | None:
        """'Did you mean': replace words the corpus never uses with its closest words."""
        corrector = None  # made only for a word the corpus lacks: most searches have none
        changed = False
        out = text
        # Words of 3 to MAX_SUGGESTED_WORD letters (a longer one is no typo of a word the
        # posts use, and its edit distances cost seconds); at most MAX_SUGGESTIONS of them.
        words = re.findall(rf"(?<![\w:])[A-Za-z]{{3,{MAX_SUGGESTED_WORD}}}(?![\w:*~])", text)
        if skip_last and words and not text.endswith(" "):
            words = words[:-1]
        for word in words[:MAX_SUGGESTIONS]:
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

    def related(self, article_id: str, limit: int = 5) -> list[RelatedPost]:
        """Posts most like this one (whoosh more-like-this on the body), never itself, best
        first.

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


def open_corpus_index(
    rebuild: bool = False, progress: Callable[[int, int], None] | None = None
) -> tuple[SearchIndex, object]:
    """The bundled corpus and its index, as the CLI and the app use them."""
    from reader.articles.bundled import load_corpus

    corpus = load_corpus()
    return SearchIndex.open(
        corpus.articles, corpus.fingerprint, rebuild=rebuild, progress=progress
    ), corpus
