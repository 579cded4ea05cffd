"""Start the app: build the core objects, hand them to the app, close them after."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.session import Session


def make_session() -> Session:
    from reader.articles.bundled import load_corpus
    from reader.session import Session, open_store_or_fallback

    corpus = load_corpus()
    store, notices = open_store_or_fallback()

    def open_index():
        from reader.search import SearchIndex

        return SearchIndex.open(corpus.articles, corpus.fingerprint)

    return Session(corpus, store, index_opener=open_index, notices=notices)


def run_app(theme: str | None = None, **run_options) -> int:
    """Run the app until it quits, in `theme`, else the theme last chosen in the app, else
    dark; `run_options` go to `App.run` (the benchmarks run it headless)."""
    # Start-up makes about 100,000 objects that live as long as the app (modules, classes,
    # styles, widgets). The cyclic garbage collector would walk them some 200 times before
    # the first frame (about 30 ms of a 270 ms start, docs/performance.md); Textual pauses it
    # while scrolling for the same reason. It is paused until the first frame is drawn, then
    # run once and resumed.
    gc.disable()  # before the imports: they make most of those objects
    try:
        from reader.settings import load_theme
        from reader.ui.app import build_app

        theme = theme or load_theme() or "dark"
        session = make_session()
        try:
            build_app(session, theme=theme, on_first_frame=_resume_gc).run(**run_options)
        finally:
            session.close()
    finally:
        gc.enable()
    return 0


def _resume_gc() -> None:
    gc.collect()  # the start-up's garbage, once, while the reader looks at the first frame
    # What is left lives as long as the app: later full collections need not walk it
    # again (at 10,000 posts one took 43-46 ms, and 3-4 ms with these frozen).
    gc.freeze()
    gc.enable()
