"""Post and paragraph vectors, kept in the cache beside the search index.

One file, written whole or not at all (a temporary file, then a rename):

    MAGIC, 8-byte header length, JSON header, post vectors (n x 256 float16),
    paragraph vectors (p x 256 float16), paragraph spans (p x 2 int32: start, end in
    the post's body)

The header names the model and lists each post's id, content hash and number of
paragraphs, and a CRC32 of the data. Updating embeds only the posts whose content hash
changed (or that are new); the others keep their rows. A file that does not read back
whole (cut short, another model, bad checksum) is noted and rebuilt.

float16 halves the file and the memory (10,000 posts and their 115,000 paragraphs:
60 MB); cosines in float16 agree with float32's to about 1e-3, far below what ranks differ by.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from reader.articles.model import Article
from reader.files import write_parts_atomically
from reader.search.meaning.model import DIMENSIONS, MAX_CHARS, Embedder
from reader.search.schema import content_hash

MAGIC = b"GPRVEC1\n"
FORMAT_VERSION = 1
MIN_PARAGRAPH_CHARS = 20


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """A post's paragraphs: (start, end) of the blocks between blank lines, headings and
    list items included, very short ones (a lone heading word) left out."""
    spans = []
    for match in re.finditer(r"\S(?:.*?\S)?(?=[ \t]*\n[ \t]*\n|\s*\Z)", body, re.DOTALL):
        if match.end() - match.start() >= MIN_PARAGRAPH_CHARS:
            spans.append(match.span())
    return spans or [(0, len(body))]


def post_text(article: Article) -> str:
    return f"{article.title}\n\n{article.body}"


@dataclass
class Vectors:
    """Every post's vector and its paragraphs' vectors, rows in `ids` order."""

    model: str
    ids: list[str]
    hashes: list[str]
    posts: np.ndarray  # (n, d) float16
    paragraphs: np.ndarray  # (p, d) float16
    spans: np.ndarray  # (p, 2) int32
    first: np.ndarray  # (n + 1,) int64: post i's paragraphs are rows first[i]:first[i+1]
    fingerprint: str | None = None  # the corpus's, when these are exactly its posts

    @property
    def row_of(self) -> dict[str, int]:
        found = getattr(self, "_row_of", None)
        if found is None:
            found = self._row_of = {post_id: n for n, post_id in enumerate(self.ids)}
        return found

    def post_matrix(self) -> np.ndarray:
        found = getattr(self, "_posts32", None)
        if found is None:
            found = self._posts32 = self.posts.astype(np.float32)
        return found

    def paragraph_rows(self, row: int) -> slice:
        return slice(int(self.first[row]), int(self.first[row + 1]))


def empty(model: str) -> Vectors:
    return Vectors(
        model,
        [],
        [],
        np.zeros((0, DIMENSIONS), np.float16),
        np.zeros((0, DIMENSIONS), np.float16),
        np.zeros((0, 2), np.int32),
        np.zeros(1, np.int64),
    )


def read(path: Path, model: str) -> Vectors:
    """The vectors in `path`; ValueError if the file is not whole, or of another model."""
    data = path.read_bytes()
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise ValueError("not a vector file")
    (n,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8 + n
    if start > len(data):
        raise ValueError("cut short")
    header = json.loads(data[len(MAGIC) + 8 : start])
    if header.get("version") != FORMAT_VERSION or header.get("model") != model:
        raise ValueError("made by another model or version")
    body = memoryview(data)[start:]
    if zlib.crc32(body) != header["crc32"]:
        raise ValueError("checksum does not match")
    ids, hashes, counts = header["ids"], header["hashes"], header["paragraphs"]
    if not (len(ids) == len(hashes) == len(counts)) or min(counts, default=1) < 1:
        raise ValueError("inconsistent header")
    posts_n, paras_n, d = len(ids), sum(counts), DIMENSIONS
    sizes = [posts_n * d * 2, paras_n * d * 2, paras_n * 2 * 4]
    if sum(sizes) != len(body):
        raise ValueError("cut short")
    posts = np.frombuffer(body, np.float16, posts_n * d, 0).reshape(posts_n, d)
    paragraphs = np.frombuffer(body, np.float16, paras_n * d, sizes[0]).reshape(paras_n, d)
    spans = np.frombuffer(body, np.int32, paras_n * 2, sizes[0] + sizes[1]).reshape(paras_n, 2)
    first = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    fingerprint = header.get("fingerprint")
    return Vectors(model, list(ids), list(hashes), posts, paragraphs, spans, first, fingerprint)


def write(path: Path, vectors: Vectors) -> None:
    """Write the whole file or nothing (a temporary file beside it, then a rename)."""
    parts = [  # buffers, not copies: at 10,000 posts the paragraphs are 60 MB
        _buffer(vectors.posts, np.float16),
        _buffer(vectors.paragraphs, np.float16),
        _buffer(vectors.spans, np.int32),
    ]
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    header = json.dumps(
        {
            "version": FORMAT_VERSION,
            "model": vectors.model,
            "ids": vectors.ids,
            "hashes": vectors.hashes,
            "paragraphs": np.diff(vectors.first).tolist(),
            "crc32": crc,
            "fingerprint": vectors.fingerprint,
        }
    ).encode("utf-8")
    write_parts_atomically(path, [MAGIC + struct.pack("<Q", len(header)) + header, *parts])


def _buffer(array: np.ndarray, dtype: npt.DTypeLike) -> memoryview | bytes:
    array = np.ascontiguousarray(array, dtype)
    return array.data.cast("B") if array.size else b""


def load_or_empty(path: Path, model: str, notices: list[str] | None = None) -> Vectors:
    """The cached vectors, or none when there is no file yet or it is damaged (noted)."""
    if not path.exists():
        return empty(model)
    try:
        return read(path, model)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if notices is not None and "another model" not in str(exc):
            notices.append(f"search-by-meaning vectors were damaged ({exc}); rebuilt them")
        return empty(model)


def update(
    old: Vectors,
    articles: Sequence[Article],
    embedder: Embedder,
    progress: Callable[..., None] | None = None,
) -> tuple[Vectors, int]:
    """Vectors for exactly `articles`: rows of unchanged posts kept, the others embedded.

    Returns the vectors and how many posts were embedded.
    """
    wanted = [(a, content_hash(a)) for a in articles]
    keep = {post_id: row for row, post_id in enumerate(old.ids)}
    fresh = [(a, h) for a, h in wanted if not (a.id in keep and old.hashes[keep[a.id]] == h)]
    new_posts, new_paras, new_spans = _embed_posts([a for a, _ in fresh], embedder, progress)
    fresh_rows = {a.id: n for n, (a, _) in enumerate(fresh)}

    posts, paragraphs, spans, counts = [], [], [], []
    for article, _digest in wanted:
        if article.id in fresh_rows:
            n = fresh_rows[article.id]
            posts.append(new_posts[n : n + 1])
            paragraphs.append(new_paras[n])
            spans.append(new_spans[n])
        else:
            row = keep[article.id]
            rows = old.paragraph_rows(row)
            posts.append(old.posts[row : row + 1])
            paragraphs.append(old.paragraphs[rows])
            spans.append(old.spans[rows])
        counts.append(len(spans[-1]))
    d = DIMENSIONS
    result = Vectors(
        old.model,
        [a.id for a, _ in wanted],
        [h for _, h in wanted],
        np.concatenate(posts) if posts else np.zeros((0, d), np.float16),
        np.concatenate(paragraphs) if paragraphs else np.zeros((0, d), np.float16),
        np.concatenate(spans) if spans else np.zeros((0, 2), np.int32),
        np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
    )
    return result, len(fresh)


def _embed_posts(
    articles: Sequence[Article], embedder: Embedder, progress: Callable[..., None] | None
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Each post's vector, and per post its paragraphs' vectors and spans."""
    if not articles:
        return np.zeros((0, DIMENSIONS), np.float16), [], []
    if progress:
        progress(0, len(articles), "finding meanings")
    posts = embedder.embed([post_text(a) for a in articles]).astype(np.float16)
    # Passages as far into a post as the model reads of it whole (a 20 MB post would
    # otherwise give the model 20 MB of paragraphs to read).
    all_spans = [[s for s in paragraph_spans(a.body) if s[0] < MAX_CHARS] for a in articles]
    texts = [a.body[s:e] for a, spans in zip(articles, all_spans, strict=True) for s, e in spans]
    flat = np.zeros((len(texts), DIMENSIONS), np.float16)
    step = 4096
    for i in range(0, len(texts), step):
        flat[i : i + step] = embedder.embed(texts[i : i + step])
        if progress:
            progress(min(i + step, len(texts)), len(texts), "finding meanings")
    paragraphs: list[np.ndarray] = []
    spans: list[np.ndarray] = []
    at = 0
    for post_spans in all_spans:
        paragraphs.append(flat[at : at + len(post_spans)])
        spans.append(np.array(post_spans, np.int32).reshape(-1, 2))
        at += len(post_spans)
    return posts, paragraphs, spans
