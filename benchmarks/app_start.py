"""Start the reader app over a JSONL corpus (headless) and exit after the first full frame.

Used by bench_app.py to time start-up at 10,000 posts in a fresh process:
    python benchmarks/app_start.py posts.jsonl
It prints the phases (load, library, first frame) in seconds since the process started.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

START = time.perf_counter()


def main() -> None:
    from reader import paths
    from reader.corpus import Corpus, load_manifest
    from reader.library import Library
    from reader.model import Article
    from reader.state import StateStore
    from reader.ui.app import build_app
    from reader.ui.screens.main import MainScreen

    imported = time.perf_counter()
    with open(sys.argv[1], encoding="utf-8") as handle:
        articles = [Article.from_json(json.loads(line)) for line in handle]
    corpus = Corpus(articles, load_manifest(paths.corpus_dir()), "bench")
    loaded = time.perf_counter()
    store = StateStore.open(Path(tempfile.mkdtemp()) / "state.sqlite3")
    library = Library(corpus, store)
    ready = time.perf_counter()
    marks = {}

    original = MainScreen.on_mount

    def on_mount(self):
        original(self)

        def drawn():
            marks["frame"] = time.perf_counter()
            self.app.exit()

        self.call_after_refresh(drawn)

    MainScreen.on_mount = on_mount
    MainScreen._warm_search = lambda self: None  # no index in this measurement
    build_app(library).run(headless=True, size=(120, 40))
    print(
        json.dumps(
            {
                "imports": imported - START,
                "load_posts": loaded - imported,
                "library": ready - loaded,
                "first_frame": marks["frame"] - START,
                "posts": len(articles),
            }
        )
    )


if __name__ == "__main__":
    main()
