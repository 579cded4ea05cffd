"""The vectors cache (content hashes, atomic writes, damage) and words alone without the model."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from reader.search.index import SearchIndex, vectors_path
from reader.search.meaning import model, vectors
from reader.search.meaning.engine import Meaning


class Counting:
    """The real model, counting the texts it is given."""

    def __init__(self, embedder):
        self.inner = embedder
        self.texts: list[str] = []

    def embed(self, texts):
        self.texts.extend(texts)
        return self.inner.embed(texts)

    def embed_one(self, text):
        return self.embed([text])[0]


@pytest.fixture
def counting(monkeypatch):
    counter = Counting(model.load())
    monkeypatch.setattr(model, "load", lambda root=None: counter)
    return counter


def test_only_changed_and_new_posts_are_embedded_again(corpus, tmp_path, counting):
    path = tmp_path / "vectors.bin"
    first = Meaning.sync(path, corpus.articles)
    n = len(corpus.articles)
    assert first.available and len(first.vectors.ids) == n
    posts_embedded = [t for t in counting.texts if t.startswith(corpus.articles[0].title)]
    assert len(posts_embedded) >= 1

    counting.texts.clear()
    Meaning.sync(path, corpus.articles)
    assert counting.texts == []  # nothing changed: nothing embedded, the model not needed

    articles = list(corpus.articles)
    articles[3] = dataclasses.replace(articles[3], body=articles[3].body + "\n\nZebracorn farming.")
    articles = articles[1:]  # one post gone
    again = Meaning.sync(path, articles)
    whole_posts = [t for t in counting.texts if t.startswith(articles[2].title + "\n\n")]
    assert len(whole_posts) == 1 and "Zebracorn farming." in whole_posts[0]
    assert counting.texts[0].startswith(articles[2].title)  # the one post, then its paragraphs
    assert len(counting.texts) == 1 + len(vectors.paragraph_spans(articles[2].body))
    assert again.vectors.ids == [a.id for a in articles]
    # Kept rows are the very vectors written before, unchanged posts' paragraphs too.
    reread = vectors.read(path, model.MODEL_NAME)
    row_before = first.vectors.row_of[articles[0].id]
    assert np.array_equal(reread.posts[0], first.vectors.posts[row_before])
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-10] + b"\x00" * 10,  # bytes changed: the checksum says so
        lambda data: b"garbage",
        lambda data: data[:20] + b"{not json" + data[29:],
    ],
)
def test_a_damaged_vectors_file_is_rebuilt(corpus, tmp_path, damage):
    path = tmp_path / "vectors.bin"
    Meaning.sync(path, corpus.articles)
    path.write_bytes(damage(path.read_bytes()))
    rebuilt = Meaning.sync(path, corpus.articles)
    assert rebuilt.available and len(rebuilt.vectors.ids) == len(corpus.articles)
    assert len(rebuilt.notices) == 1 and "damaged" in rebuilt.notices[0]
    assert vectors.read(path, model.MODEL_NAME).ids == rebuilt.vectors.ids


def test_the_index_keeps_its_vectors_beside_it_and_ranks_by_them(corpus, tmp_path):
    directory = tmp_path / "index"
    ix = SearchIndex.open(corpus.articles, corpus.fingerprint, directory)
    try:
        assert vectors_path(directory).is_file() and ix.notices == []
        results = ix.search("how did the doctors get the maggots out of her ear")
        assert results.hits[0].id == "2013-12-16-much-has-been-written-about-maggots-this"
    finally:
        ix.close()


def test_without_the_model_search_goes_on_by_words_alone(corpus, tmp_path, monkeypatch):
    model.forget()
    monkeypatch.setattr(model, "package_root", lambda: tmp_path / "no-such-package")
    try:
        ix = SearchIndex.open(corpus.articles, corpus.fingerprint, tmp_path / "index")
        assert len(ix.notices) == 1
        assert ix.notices[0].startswith("search by meaning is unavailable (the model ")
        assert ix.notices[0].endswith("searching by words alone")
        results = ix.search("why should my practice bother getting involved in neighbourhoods")
        assert results.hits and {h.matched for h in results.hits} == {"some"}
        assert ix.search("xqzvwk blorptangle").hits == ()
        ix.close()
    finally:
        model.forget()


def test_a_damaged_model_file_falls_back_too(tmp_path):
    root = tmp_path / "wordllama"
    (root / "weights").mkdir(parents=True)
    (root / "tokenizers").mkdir()
    real = model.package_root()
    (root / model.TOKENIZER_FILE).write_bytes((real / model.TOKENIZER_FILE).read_bytes())
    (root / model.WEIGHTS_FILE).write_bytes((real / model.WEIGHTS_FILE).read_bytes()[:5000])
    with pytest.raises(model.ModelUnavailable):
        model.Embedder(root)


def test_paragraph_spans_are_the_blocks_between_blank_lines():
    body = "First paragraph, long enough.\n\n### Head\n\n  Second one here, long enough.  \n\nx"
    spans = vectors.paragraph_spans(body)
    assert [body[a:b] for a, b in spans] == [
        "First paragraph, long enough.",
        "Second one here, long enough.",
    ]
    assert vectors.paragraph_spans("short") == [(0, 5)]


def test_the_app_starts_without_the_model_numpy_or_the_search_engine():
    """Start-up's path (the app and its session) loads none of search by meaning."""
    import subprocess
    import sys

    code = (
        "import sys; from reader.ui.launch import make_session; from reader.ui.app import"
        " build_app; make_session();"
        " print(','.join(m for m in ('numpy', 'tokenizers', 'reader.search.meaning.model',"
        " 'reader.search.index') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_rebuild_embeds_every_post_again(corpus, tmp_path, counting):
    directory = tmp_path / "index"
    SearchIndex.open(corpus.articles, corpus.fingerprint, directory).close()
    counting.texts.clear()
    SearchIndex.open(corpus.articles, corpus.fingerprint, directory).close()
    assert counting.texts == []
    SearchIndex.open(corpus.articles, corpus.fingerprint, directory, rebuild=True).close()
    assert len([t for t in counting.texts if t.startswith(corpus.articles[0].title)]) >= 1
    assert len(counting.texts) > len(corpus.articles)


def test_without_numpy_search_goes_on_by_words_alone(tmp_path):
    """numpy is loaded only by search by meaning: without it, words alone, and said so."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from pathlib import Path\n"
        "from reader.articles.bundled import load_corpus\n"
        "from reader.search.index import SearchIndex\n"
        "c = load_corpus()\n"
        f"ix = SearchIndex.open(c.articles, c.fingerprint, Path({str(tmp_path)!r}) / 'ix')\n"
        "print(ix.notices)\n"
        "q = 'why should my practice bother getting involved in neighbourhoods'\n"
        "hits = ix.search(q).hits\n"
        "print(len(hits), sorted({h.matched for h in hits}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    notices, found = result.stdout.strip().splitlines()
    assert "search by meaning is unavailable (numpy is not installed)" in notices
    assert found.split(" ", 1)[1] == "['some']" and int(found.split()[0]) > 0
