"""Building the app over temporary directories, as the tests use it."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from reader import paths
from reader.articles.bundled import load_corpus
from reader.search.index import SearchIndex
from reader.session import Session
from reader.store.state import StateStore
from reader.ui.app import build_app

_CORPUS = None
_INDEX_DIR: Path | None = None
KEY_NAMES = {" ": "space", '"': "quotation_mark", ":": "colon", "*": "asterisk", "-": "minus"}


def corpus():
    global _CORPUS
    if _CORPUS is None:
        _CORPUS = load_corpus(use_cache=False)
    return _CORPUS


def shared_index_dir() -> Path:
    """One search index for every app test in this process: built once, then only opened."""
    global _INDEX_DIR
    if _INDEX_DIR is None:
        _INDEX_DIR = Path(tempfile.mkdtemp(prefix="gp-reader-test-index-")) / "index"
        c = corpus()
        SearchIndex.open(c.articles, c.fingerprint, _INDEX_DIR).close()
    return _INDEX_DIR


def make_session(index_dir: Path | None = None) -> Session:
    c = corpus()
    store = StateStore.open(paths.state_db())
    directory = index_dir or shared_index_dir()
    return Session(
        c, store, index_opener=lambda: SearchIndex.open(c.articles, c.fingerprint, directory)
    )


def make_app(theme: str = "dark", session: Session | None = None):
    return build_app(session or make_session(), theme=theme)


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds (a worker or timer has done its work)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the app never got there")
        await pilot.pause(0.02)


async def search(pilot, text: str) -> None:
    """Type a query in the search bar and wait for its results to be shown."""
    from reader.ui.widgets.search_bar import SearchBar

    screen = pilot.app.screen
    await pilot.press("slash")
    bar = screen.query_one(SearchBar)
    bar.value = ""
    await pilot.press(*[KEY_NAMES.get(ch, ch) for ch in text])
    await wait_until(pilot, lambda: screen.searching and screen.last_search == text)
    await pilot.pause()
