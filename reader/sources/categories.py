"""The category a post belongs under, from the ones its page lists.

WordPress lists a post's categories by name, generic parents among them ('Blogs',
'Uncategorized'), and a feed lists the post's tags after its categories. The post
belongs under its first category that is not a generic one.
"""

from __future__ import annotations

from collections.abc import Iterable

GENERIC = frozenset(
    {"blogs", "blog", "uncategorized", "uncategorised", "general", "news", "posts", "all"}
)


def is_generic(name: str) -> bool:
    return " ".join(name.split()).casefold() in GENERIC


def primary_category(categories: Iterable[str], known: Iterable[str] = ()) -> str | None:
    """A category the reader knows wins; else the first specific one; else none."""
    names = [c for c in categories if c and not is_generic(c)]
    known_folded = {k.casefold() for k in known}
    for name in names:
        if name.casefold() in known_folded:
            return name
    return names[0] if names else None
