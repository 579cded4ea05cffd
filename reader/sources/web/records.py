"""What a route (REST, feed, pages) hands sync: posts as the web knows them."""

from __future__ import annotations

from dataclasses import dataclass

from reader.store.web import SyncState

GENERIC_CATEGORIES = frozenset({"blogs", "blog", "uncategorized", "uncategorised", "news", "posts"})


@dataclass(frozen=True)
class WebPost:
    url: str
    title: str
    body: str  # Markdown, sanitised
    date: str | None  # YYYY-MM-DD, the site's own date of the post
    modified: str | None = None  # ISO 8601 UTC of the last edit, where the site says
    guid: str | None = None
    wp_id: int | None = None
    categories: tuple[str, ...] = ()  # most specific first
    tags: tuple[str, ...] = ()
    author: str = ""
    full_text: bool = True  # False: a feed's summary only


@dataclass
class Batch:
    """Posts fetched, and the route state to keep once they are committed."""

    posts: list[WebPost]
    state: SyncState
    final: bool = False  # the route has nothing more to give this sync


def most_specific(names: list[str], parents: dict[str, str | None] | None = None) -> list[str]:
    """Categories with the generic ones ("Blogs", "Uncategorized") and the parents of
    others last: the first is the post's own category."""
    parents = parents or {}
    parent_names = {p for n in names if (p := parents.get(n))}

    def rank(name: str) -> tuple[int, int]:
        generic = name.casefold() in GENERIC_CATEGORIES
        return (2 if generic else 1 if name in parent_names else 0, names.index(name))

    return sorted(dict.fromkeys(names), key=rank)
