"""Start the app: build the core objects, hand them to the app, close them after."""

from __future__ import annotations

from reader.corpus import load_corpus
from reader.library import Library, open_store_or_fallback


def make_library() -> Library:
    corpus = load_corpus()
    store, notices = open_store_or_fallback()

    def open_index():
        from reader.search import SearchIndex

        return SearchIndex.open(corpus.articles, corpus.fingerprint)

    return Library(corpus, store, index_opener=open_index, notices=notices)


def run_app(theme: str = "dark") -> int:
    from reader.ui.app import build_app

    library = make_library()
    try:
        build_app(library, theme=theme).run()
    finally:
        library.close()
    return 0
