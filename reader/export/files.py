"""Writing exports to files, for the CLI and the app alike: highlights as Markdown, posts
as an EPUB, each written atomically, with what was written counted for the message.

The app suggests a file in exports_dir() (reader.paths); the CLI writes where it is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.articles.model import Article
from reader.errors import ReaderError
from reader.store.state import StateStore


@dataclass(frozen=True)
class Written:
    path: Path
    posts: int
    highlights: int

    def summary(self, what: str) -> str:
        """'wrote PATH: 3 posts, 5 highlights' (what: 'posts' or 'highlights' first)."""
        posts = f"{self.posts} post{'s' if self.posts != 1 else ''}"
        marks = f"{self.highlights} highlight{'s' if self.highlights != 1 else ''}"
        counts = f"{marks} from {posts}" if what == "highlights" else f"{posts}, {marks}"
        return f"wrote {self.path}: {counts}"


SEARCH_POSTS = 100  # an EPUB of a search: its best posts


def bookmarked_articles(store: StateStore, corpus) -> list[Article]:
    """The bookmarked posts the library still holds, as the bookmarks list them."""
    found = (corpus.find(b.article_id) for b in store.bookmarks())
    return [a for a in found if a is not None]


def searched_articles(index, corpus, query: str) -> list[Article]:
    """The posts a search finds, best first (up to SEARCH_POSTS); ReaderError if none."""
    results = index.search(query, limit=SEARCH_POSTS)
    if not results.hits:
        raise ReaderError(f"the search {query!r} finds no posts", exit_code=2)
    return [corpus.get(hit.id) for hit in results.hits]


def highlights_text(
    store: StateStore, corpus, article: Article | None = None
) -> tuple[str, int, int]:
    """The highlights (of one post, or every post) as Markdown, and how many of each."""
    from reader.annotations import place, place_all
    from reader.export.markdown import group_by_post, highlights_markdown
    from reader.store.sqlite import now

    found = place(store, article) if article is not None else place_all(store, corpus)
    posts = group_by_post(found, corpus)
    text = highlights_markdown(posts, now()[:19] + "Z")
    return text, len(posts), sum(len(p.highlights) for p in posts)


def write_highlights(
    store: StateStore, corpus, output: Path, article: Article | None = None
) -> Written:
    from reader.files import write_atomically

    text, posts, marks = highlights_text(store, corpus, article)
    try:
        write_atomically(output, text)
    except OSError as exc:
        raise ReaderError(f"cannot write {output}: {exc.strerror or exc}") from None
    return Written(output, posts, marks)


def write_epub(
    store: StateStore, articles: Sequence[Article], title: str, selection: str, output: Path
) -> Written:
    """The posts as an EPUB reading pack, their highlights marked (reader.export.epub)."""
    from reader.annotations import place
    from reader.export.epub import build_epub

    highlights = {a.id: place(store, a) for a in articles}
    build_epub(articles, highlights, title, output, selection)
    return Written(output, len(articles), sum(len(v) for v in highlights.values()))
