"""Ranking posts by meaning: the question's vector against each post's and paragraphs'.

A post's meaning score is the mean of two cosines: the question against the whole post,
and against the post's best paragraph (docs/embeddings.md: the mean ranks better than
either alone, for questions in other words and for questions about one point alike).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from reader.articles.model import Article
from reader.search.meaning import blas, model, vectors
from reader.search.meaning.vectors import Vectors

# Paragraph cosines are worked out for the posts whose whole-post cosine is among the
# best this many (and for any post the words found): at 10,000 posts, all 115,000
# paragraphs would take 20 ms, and a post far down on its whole text does not climb
# to the top on one paragraph.
PARAGRAPH_CANDIDATES = 200
PARAGRAPH_WEIGHT = 0.5  # the mean of the two cosines
UNAVAILABLE = "search by meaning is unavailable ({why}); searching by words alone"


blas.one_thread()


class Meaning:
    """The vectors of one index's posts, and the model to embed questions with."""

    def __init__(self, vectors: Vectors | None, notices: list[str]) -> None:
        self._vectors = vectors
        self.notices = notices
        self._loading: threading.Thread | None = None

    # -- keeping the vectors in step ------------------------------------------------

    @classmethod
    def sync(
        cls,
        path: Path,
        articles: Sequence[Article],
        progress: Callable[..., None] | None = None,
        writable: bool = True,
        fingerprint: str | None = None,
    ) -> Meaning:
        """The vectors in `directory`, first brought in step with `articles` (only posts
        that are new or changed are embedded). Without the model: words alone, noted.
        Not `writable` (another process is updating the index): the vectors as they are."""
        notices: list[str] = []
        cached = vectors.load_or_empty(path, model.MODEL_NAME, notices)
        if not writable:
            return cls(cached if cached.ids else None, notices)
        if fingerprint is not None and cached.ids and cached.fingerprint == fingerprint:
            return cls(cached, notices)  # the same corpus: no post's hash to compare
        wanted = {a.id for a in articles}
        if cached.ids and set(cached.ids) == wanted and _same_hashes(cached, articles):
            return cls(cached, notices)
        try:
            embedder = model.load()
        except model.ModelUnavailable as exc:
            notices.append(UNAVAILABLE.format(why=f"the model {exc}"))
            return cls(None, notices)
        updated, embedded = vectors.update(cached, articles, embedder, progress)
        updated.fingerprint = fingerprint
        if embedded or updated.ids != cached.ids or cached.fingerprint != fingerprint:
            try:
                vectors.write(path, updated)
            except OSError as exc:
                notices.append(f"could not save search-by-meaning vectors ({exc.strerror})")
        return cls(updated, notices)

    @property
    def available(self) -> bool:
        return self._vectors is not None

    @property
    def vectors(self) -> Vectors | None:
        return self._vectors

    # -- questions ---------------------------------------------------------------------

    def query_vector(self, text: str, wait: bool = True) -> np.ndarray | None:
        """The question's vector; None without the model. With `wait` false (as the reader
        types), a model not yet in memory starts loading in the background instead."""
        if self._vectors is None:
            return None
        embedder = model.loaded()
        if embedder is None and not wait:
            self._load_in_background()
            return None
        if embedder is None:
            try:
                embedder = model.load()
            except model.ModelUnavailable as exc:
                self.notices.append(UNAVAILABLE.format(why=f"the model {exc}"))
                self._vectors = None
                return None
        return embedder.embed_one(text)

    def _load_in_background(self) -> None:
        if self._loading is not None:
            return

        def load() -> None:
            with contextlib.suppress(model.ModelUnavailable):  # a finished search says so
                model.load()

        self._loading = threading.Thread(target=load, name="gp-reader-model", daemon=True)
        self._loading.start()

    def rank(
        self, question: np.ndarray, limit: int, also: Sequence[str] = ()
    ) -> list[tuple[str, float]]:
        """The `limit` posts closest in meaning, best first, with their scores."""
        vec = self._vectors
        if vec is None or not vec.ids:
            return []
        whole = vec.post_matrix() @ question
        count = min(len(whole), PARAGRAPH_CANDIDATES)
        candidates = set(np.argpartition(-whole, count - 1)[:count].tolist())
        candidates.update(vec.row_of[i] for i in also if i in vec.row_of)
        rows = np.fromiter(sorted(candidates), np.int64, len(candidates))
        # Every candidate's paragraphs in one gather and one product (a loop of a product a
        # post cost about 5 ms at 300 candidates), then each post's best of them.
        starts, ends = vec.first[rows], vec.first[rows + 1]
        lengths = ends - starts  # at least one paragraph a post
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        gather = np.arange(int(lengths.sum())) + np.repeat(starts - offsets, lengths)
        paragraphs = vec.paragraphs[gather].astype(np.float32) @ question
        best = np.maximum.reduceat(paragraphs, offsets)
        # in float64, as the sums of Python floats were
        scores = (1 - PARAGRAPH_WEIGHT) * whole[rows].astype(np.float64)
        scores += PARAGRAPH_WEIGHT * best.astype(np.float64)
        order = np.argsort(-scores, kind="stable")[:limit]
        return [(vec.ids[int(rows[n])], float(scores[n])) for n in order]

    def related(self, article_id: str, limit: int) -> list[tuple[str, float]] | None:
        """The posts whose whole text is closest in meaning to this one's, never itself;
        None when the post has no vector."""
        vec = self._vectors
        if vec is None or article_id not in vec.row_of:
            return None
        matrix = vec.post_matrix()
        row = vec.row_of[article_id]
        scores = matrix @ matrix[row]
        scores[row] = -np.inf
        order = np.argsort(-scores, kind="stable")[:limit]
        return [(vec.ids[n], float(scores[n])) for n in order]

    def best_paragraph(self, article_id: str, question: np.ndarray) -> tuple[int, int] | None:
        """(start, end) in the post's body of the paragraph closest to the question."""
        vec = self._vectors
        if vec is None or article_id not in vec.row_of:
            return None
        rows = vec.paragraph_rows(vec.row_of[article_id])
        scores = vec.paragraphs[rows].astype(np.float32) @ question
        start, end = vec.spans[rows][int(scores.argmax())]
        return int(start), int(end)


def _same_hashes(cached: Vectors, articles: Sequence[Article]) -> bool:
    from reader.search.schema import content_hash

    row_of = cached.row_of
    return all(cached.hashes[row_of[a.id]] == content_hash(a) for a in articles)
