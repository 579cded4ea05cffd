"""Which offline embedding model for question search: quality, speed and load time.

    # the candidates live in throwaway venvs (see docs/embeddings.md); their
    # site-packages are added after the project's own, so reader/ comes from here
    DIR=/tmp/emb-wordllama-nodeps/lib/python3.11/site-packages
    python benchmarks/embedding_choice.py --site $DIR
    python benchmarks/embedding_choice.py --site DIR --candidates wordllama --json
    python benchmarks/embedding_choice.py --site DIR --speed 10000   # also embed 10,000 posts

Candidates (each optional: one that cannot be imported or loaded offline is reported so):

- tfidf:         no model, a lexical baseline (see load_tfidf); not for --speed.

- wordllama:     WordLlama.load(cache_dir=<its package dir>, disable_download=True), the
                 package's own API (needs its declared deps: pydantic, toml, requests...).
- wordllama-min: the same weights and tokenizer files read without importing the
                 wordllama package (whose __init__ imports pydantic and requests):
                 tokenizers.Tokenizer.from_file + the safetensors file read with numpy.
                 Needs only numpy and tokenizers (both installable with --no-deps).
- model2vec:     StaticModel.from_pretrained("minishlab/potion-base-8M") (downloads).
- fastembed:     TextEmbedding("BAAI/bge-small-en-v1.5") (downloads an ONNX model).

For each question of questions.toml and each candidate, three embedding rankings of the
28 bundled posts (cosine, vectors L2-normalised):

- post:  the question against each post's title + body as one text;
- para:  against each paragraph of a post (title prepended to none): a post's best one;
- both:  the mean of the two scores above;

each alone and fused with the current engine's BM25 ranking (and, when tfidf ran first,
with tfidf's post ranking, and with both) (reader.search, as
benchmarks/search_quality.py runs it) by reciprocal rank fusion, k=60:
score(post) = sum over rankings of 1 / (60 + rank). A post the BM25 search did not
return gets nothing from that ranking.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import struct
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import search_quality as sq  # noqa: E402

RRF_K = 60
CANDIDATES = ("tfidf", "wordllama", "wordllama-min", "model2vec", "fastembed")


# -- loading the candidates -----------------------------------------------------------

Embed = Callable[[list[str]], "object"]  # texts -> (n, dim) float32 array, L2-normalised


def _normalise(vectors):
    import numpy as np

    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def load_wordllama() -> Embed:
    from wordllama import WordLlama

    package_dir = Path(importlib.util.find_spec("wordllama").submodule_search_locations[0])
    model = WordLlama.load(cache_dir=package_dir, disable_download=True)
    return lambda texts: _normalise(model.embed(texts))


def read_safetensors(path: Path, key: str):
    """One tensor of a .safetensors file as a numpy array (the format: an 8-byte
    little-endian header length, a JSON header, then the raw tensors)."""
    import numpy as np

    dtypes = {"F16": np.float16, "F32": np.float32, "BF16": None}
    with path.open("rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        entry = header[key]
        dtype = dtypes[entry["dtype"]]
        start, end = entry["data_offsets"]
        f.seek(8 + length + start)
        data = f.read(end - start)
    return np.frombuffer(data, dtype=dtype).reshape(entry["shape"])


def load_wordllama_min() -> Embed:
    """wordllama's bundled l2_supercat 256-d model without importing wordllama."""
    import numpy as np
    from tokenizers import Tokenizer

    spec = importlib.util.find_spec("wordllama")  # finds the package, does not import it
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordllama")
    package_dir = Path(spec.submodule_search_locations[0])
    tokenizer = Tokenizer.from_file(
        str(package_dir / "tokenizers" / "l2_supercat_tokenizer_config.json")
    )
    tokenizer.no_padding()
    tokenizer.no_truncation()
    table = read_safetensors(
        package_dir / "weights" / "l2_supercat_256.safetensors", "embedding.weight"
    ).astype(np.float32)

    def embed(texts: list[str], batch: int = 256):
        out = np.empty((len(texts), table.shape[1]), dtype=np.float32)
        for i in range(0, len(texts), batch):
            encodings = tokenizer.encode_batch(texts[i : i + batch], add_special_tokens=False)
            for j, enc in enumerate(encodings):
                ids = enc.ids
                out[i + j] = table[ids].mean(axis=0) if ids else 0.0
        return _normalise(out)

    return embed


def load_model2vec() -> Embed:
    from model2vec import StaticModel

    model = StaticModel.from_pretrained("minishlab/potion-base-8M")
    return lambda texts: _normalise(model.encode(texts))


def load_fastembed() -> Embed:
    import numpy as np
    from fastembed import TextEmbedding

    model = TextEmbedding("BAAI/bge-small-en-v1.5")
    return lambda texts: _normalise(np.array(list(model.embed(texts))))


def load_tfidf() -> Embed:
    """No model: TF-IDF over the bundled posts' words, as a lexical any-word baseline
    (what an OR search with cosine ranking would give), to tell apart what the models
    add by meaning from what they add by not requiring every word."""
    import numpy as np

    from reader.articles.bundled import load_corpus

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9£]+", text.lower())

    docs = [words(f"{a.title} {a.body}") for a in load_corpus(use_cache=False).articles]
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    df = np.zeros(len(vocab))
    for d in docs:
        for w in set(d):
            df[vocab[w]] += 1
    idf = np.log((1 + len(docs)) / (1 + df)) + 1

    def embed(texts: list[str]):
        out = np.zeros((len(texts), len(vocab)), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in words(text):
                if w in vocab:
                    out[i, vocab[w]] += 1
        return _normalise(np.log1p(out) * idf)

    return embed


LOADERS = {
    "tfidf": load_tfidf,
    "wordllama": load_wordllama,
    "wordllama-min": load_wordllama_min,
    "model2vec": load_model2vec,
    "fastembed": load_fastembed,
}


# -- rankings -------------------------------------------------------------------------


def paragraphs(body: str) -> list[str]:
    """A post's paragraphs: blocks between blank lines, headings and list items kept."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body)]
    return [b for b in blocks if len(b) >= 20] or [body]


def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[str]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, post in enumerate(ranking, start=1):
            scores[post] = scores.get(post, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda post: -scores[post])


def embedding_rankings(embed: Embed, articles, questions) -> dict[str, list[list[str]]]:
    import numpy as np

    ids = [a.id for a in articles]
    post_vectors = embed([f"{a.title}\n\n{a.body}" for a in articles])
    para_owner: list[int] = []
    para_texts: list[str] = []
    for i, a in enumerate(articles):
        for p in paragraphs(a.body):
            para_owner.append(i)
            para_texts.append(p)
    para_vectors = embed(para_texts)
    owner = np.array(para_owner)
    question_vectors = embed([q.question for q in questions])

    post_sim = question_vectors @ post_vectors.T  # (questions, posts)
    para_sim_all = question_vectors @ para_vectors.T  # (questions, paragraphs)
    para_sim = np.full_like(post_sim, -1.0)
    for i in range(len(articles)):
        para_sim[:, i] = para_sim_all[:, owner == i].max(axis=1)
    both_sim = (post_sim + para_sim) / 2

    def order(sim) -> list[list[str]]:
        return [[ids[j] for j in np.argsort(-row, kind="stable")] for row in sim]

    return {"post": order(post_sim), "para": order(para_sim), "both": order(both_sim)}


def speed(embed: Embed, posts: int) -> dict[str, float]:
    """Seconds to embed `posts` synthetic posts (title + body, and every paragraph)."""
    import synthetic

    articles = synthetic.synthetic_articles(posts)
    texts = [f"{a.title}\n\n{a.body}" for a in articles]
    paras = [p for a in articles for p in paragraphs(a.body)]
    started = time.perf_counter()
    embed(texts)
    post_s = time.perf_counter() - started
    started = time.perf_counter()
    embed(paras)
    para_s = time.perf_counter() - started
    return {
        "posts": posts,
        "paragraphs": len(paras),
        "posts_s": round(post_s, 2),
        "paragraphs_s": round(para_s, 2),
        "ms_per_post": round(1000 * post_s / posts, 3),
    }


# -- main -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--site",
        action="append",
        default=[],
        help="a candidate's site-packages, added after the project's own (repeatable)",
    )
    parser.add_argument("--candidates", nargs="+", default=list(CANDIDATES), choices=CANDIDATES)
    parser.add_argument("--speed", type=int, default=0, help="also embed this many posts")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sys.path.extend(args.site)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no candidate may fetch anything

    questions = sq.load_questions()
    bm25, close = sq.engine_rankings(questions)
    from reader.articles.bundled import load_corpus

    articles = load_corpus(use_cache=False, with_library=False).articles
    close()
    report: dict = {"bm25": sq.score(questions, bm25), "candidates": {}}
    lexical = None  # tfidf's "post" ranking, once run: also fused with each model below
    for name in args.candidates:
        entry: dict = {}
        report["candidates"][name] = entry
        started = time.perf_counter()
        try:
            embed = LOADERS[name]()
            embed(["warm up"])
        except Exception as error:  # ImportError, no network, no cached model...
            entry["error"] = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
            continue
        entry["load_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        rankings = embedding_rankings(embed, articles, questions)
        entry["corpus_embed_s"] = round(time.perf_counter() - started, 3)
        entry["figures"] = {}
        for variant, ranking in rankings.items():
            fused = [rrf([b, e]) for b, e in zip(bm25, ranking, strict=True)]
            entry["figures"][variant] = sq.score(questions, ranking)
            entry["figures"][f"bm25+{variant}"] = sq.score(questions, fused)
            if lexical is not None:
                pairs = zip(lexical, ranking, strict=True)
                triples = zip(bm25, lexical, ranking, strict=True)
                entry["figures"][f"tfidf+{variant}"] = sq.score(questions, [rrf(p) for p in pairs])
                entry["figures"][f"bm25+tfidf+{variant}"] = sq.score(
                    questions, [rrf(t) for t in triples]
                )
        if name == "tfidf":
            lexical = rankings["post"]
        if args.speed and name != "tfidf":
            entry["speed"] = speed(embed, args.speed)

    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return 0
    sq.print_table("BM25 alone (the current engine)", report["bm25"])
    for name, entry in report["candidates"].items():
        print()
        if "error" in entry:
            print(f"{name}: not usable offline here: {entry['error']}")
            continue
        print(
            f"{name}: load {entry['load_s']} s (import + weights + first call), "
            f"28 posts + paragraphs + questions embedded in {entry['corpus_embed_s']} s"
        )
        if "speed" in entry:
            s = entry["speed"]
            print(
                f"  {s['posts']} posts in {s['posts_s']} s ({s['ms_per_post']} ms a post), "
                f"their {s['paragraphs']} paragraphs in {s['paragraphs_s']} s"
            )
        for variant, figures in entry["figures"].items():
            sq.print_table(f"  {name} {variant}", figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
