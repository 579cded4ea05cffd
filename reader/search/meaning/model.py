"""The embedding model: wordllama 0.4.0.post1's bundled 256-d static model.

Read without importing the `wordllama` package (whose __init__ imports pydantic, toml
and requests): its tokenizer JSON through `tokenizers`, its safetensors table through
numpy. A text's vector is the mean of its tokens' vectors, unit length, so a cosine is
a dot product: the same arithmetic as wordllama's own `embed()`. Nothing is downloaded;
the files are the ones the installed package ships. See docs/embeddings.md.

The model loads on first use (about 0.3 s), once per process.
"""

from __future__ import annotations

import importlib.util
import json
import struct
import threading
from pathlib import Path

import numpy as np

MODEL_NAME = "wordllama-0.4.0.post1-l2_supercat-256"
DIMENSIONS = 256
TOKENIZER_FILE = "tokenizers/l2_supercat_tokenizer_config.json"
WEIGHTS_FILE = "weights/l2_supercat_256.safetensors"
BATCH = 256
# What the model reads of one text: the longest post is some 7,000 characters. Without a
# limit one 20 MB post (a hostile import or a site's page) took 100 s and 4.8 GB, every
# token's row of the table held at once; the first 100,000 characters say what it is about.
MAX_CHARS = 100_000


class ModelUnavailable(Exception):
    """The model's files are missing or unreadable: search by words alone."""


def package_root() -> Path | None:
    """Where the installed wordllama package's files are (found, not imported)."""
    try:
        spec = importlib.util.find_spec("wordllama")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


class Embedder:
    """Texts to unit vectors of DIMENSIONS float32s."""

    name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self, root: Path) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelUnavailable("the tokenizers package is not installed") from exc
        try:
            tokenizer = Tokenizer.from_file(str(root / TOKENIZER_FILE))
            tokenizer.no_padding()
            tokenizer.no_truncation()
            self._table = _read_table(root / WEIGHTS_FILE)
        except ModelUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - a missing or damaged file fails many ways
            raise ModelUnavailable(f"its files could not be read ({type(exc).__name__})") from exc
        self._tokenizer = tokenizer
        self._lock = threading.Lock()  # one encode at a time: the tokenizer is shared

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), np.float32)
        with self._lock:
            for i in range(0, len(texts), BATCH):
                batch = [text[:MAX_CHARS] for text in texts[i : i + BATCH]]
                encoded = (
                    [self._tokenizer.encode(batch[0], add_special_tokens=False)]
                    if len(batch) == 1  # one query: no thread pool for a single text
                    else self._tokenizer.encode_batch(batch, add_special_tokens=False)
                )
                for j, enc in enumerate(encoded):
                    if enc.ids:
                        out[i + j] = self._table[enc.ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.maximum(norms, 1e-12)
        return out

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


def _read_table(path: Path) -> np.ndarray:
    """The token table from a safetensors file: 8-byte header length, JSON header, data."""
    with path.open("rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        if not 0 < n < 1_000_000:
            raise ModelUnavailable("its weights file has no readable header")
        entry = json.loads(f.read(n))["embedding.weight"]
        if entry.get("dtype") != "F16" or len(entry.get("shape", ())) != 2:
            raise ModelUnavailable("its weights are not the expected float16 table")
        rows, columns = entry["shape"]
        start, end = entry["data_offsets"]
        if columns != DIMENSIONS or end - start != rows * columns * 2:
            raise ModelUnavailable("its weights have an unexpected shape")
        f.seek(8 + n + start)
        data = f.read(end - start)
    if len(data) != end - start:
        raise ModelUnavailable("its weights file is cut short")
    return np.frombuffer(data, np.float16).reshape(rows, columns).astype(np.float32)


_loaded: Embedder | None = None
_failure: str | None = None
_load_lock = threading.Lock()


def load(root: Path | None = None) -> Embedder:
    """The process's model, loaded on first call; ModelUnavailable if it cannot be."""
    global _loaded, _failure
    with _load_lock:
        if _loaded is not None:
            return _loaded
        if _failure is not None:
            raise ModelUnavailable(_failure)
        try:
            where = root or package_root()
            if where is None:
                raise ModelUnavailable("the wordllama package is not installed")
            _loaded = Embedder(where)
        except ModelUnavailable as exc:
            _failure = str(exc)
            raise
        return _loaded


def loaded() -> Embedder | None:
    """The model if it is already in memory (never loads it)."""
    return _loaded


def forget() -> None:
    """Drop the loaded model or the noted failure (tests)."""
    global _loaded, _failure
    with _load_lock:
        _loaded = None
        _failure = None
