"""The seam between gp-reader and a search engine.

The CLI, the session and the app use a search engine only through this protocol.
reader.search.index.SearchIndex (whoosh, with gp-reader's query language) implements
it; benchmarks/fts5_engine.py (SQLite FTS5, the benchmark's reference) does too. An
engine keeps its own query language and storage; what it returns is
reader.search.results' engine-neutral records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Self, runtime_checkable

if TYPE_CHECKING:
    from reader.articles.model import Article
    from reader.search.results import RelatedPost, SearchResults

Progress = Callable[[int, int], None]  # (done, total) while an index is built


@runtime_checkable
class SearchBackend(Protocol):
    """A search engine over a list of posts."""

    notices: list[str]  # one line each for the user about opening (a rebuilt index ...)

    @classmethod
    def open(
        cls,
        articles: Sequence[Article],
        fingerprint: str,
        directory: Path | None = None,
        *,
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> Self:
        """The engine's index in `directory` (the engine's default when None), first made
        to hold exactly `articles`; `fingerprint` names that list (unchanged: nothing to
        check). `rebuild` starts from nothing."""
        ...

    def search(
        self, text: str, limit: int = 20, *, as_you_type: bool = False, snippets: bool = True
    ) -> SearchResults:
        """The best `limit` posts for `text`, with the total found; `as_you_type`: the last
        word is unfinished; without `snippets`, hits have no passages (faster)."""
        ...

    def related(self, article_id: str, limit: int = 5) -> list[RelatedPost]:
        """The posts most like one post, best first, never the post itself."""
        ...

    @property
    def doc_count(self) -> int:
        """How many posts the index holds."""
        ...

    def close(self) -> None: ...
