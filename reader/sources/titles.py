"""Titles of imported posts: the page's own, cleaned; else a file name that is a slug;
else one derived from the opening sentence (and flagged as derived).

A browser's tab title or a saved page's <title> is 'Post – Site name'; a selection that
caught the menu starts with 'Home'; the theme's Blog view heads every post 'Blog'. None
of those is the post's title.
"""

from __future__ import annotations

import re
from pathlib import Path

from reader.articles.parse import DERIVED_TITLE_MAX, derive_title

# Names of pages and menu items, never of a post.
JUNK_TITLES = frozenset(
    {
        "home", "blog", "blogs", "news", "posts", "archive", "archives", "menu", "untitled",
        "untitled document", "new tab", "opinion", "analysis", "articles", "page", "index",
        "category", "uncategorized", "uncategorised", "contact us", "about", "about us",
    }
)  # fmt: skip
KNOWN_SITES = ("Ockham Healthcare", "CCG Information", "The General Practice Blog")
_SEPARATORS = (" – ", " — ", " | ", " - ", " :: ", " · ", " » ")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+){2,}$")
_COPY_SUFFIX_RE = re.compile(r"\s*\(\d+\)$")  # 'Home (1)': the browser's second copy


def is_junk(title: str, site_names: tuple[str, ...] = ()) -> bool:
    text = _COPY_SUFFIX_RE.sub("", " ".join(title.split())).strip()
    if not text:
        return True
    folded = text.casefold()
    if folded in JUNK_TITLES or re.fullmatch(r"untitled(?: document)?\s*\d*", folded):
        return True
    return any(folded == site.casefold() for site in (*KNOWN_SITES, *site_names))


def without_site(title: str, site_names: tuple[str, ...] = ()) -> str:
    """'50 to 1 – Ockham Healthcare' as '50 to 1'; a title without a site name as it is."""
    text = " ".join(title.split())
    sites = [s.casefold() for s in (*site_names, *KNOWN_SITES) if s]
    for separator in _SEPARATORS:
        if separator not in text:
            continue
        head, _, tail = text.rpartition(separator)
        if head and (tail.casefold() in sites):
            return head.strip()
        head_site, _, rest = text.partition(separator)
        if rest and head_site.casefold() in sites:
            return rest.strip()
    return text


def from_file_name(path: str) -> str | None:
    """A title from a file named by the post's slug ('why-engage-with-neighbourhoods')."""
    stem = Path(path).stem
    if not _SLUG_RE.match(stem):
        return None
    words = stem.split("-")
    return " ".join([words[0].capitalize(), *words[1:]])


def choose(
    page_title: str | None,
    first_paragraph: str,
    source: str,
    site_names: tuple[str, ...] = (),
) -> tuple[str, bool]:
    """(title, derived) for a post: the page's title if it is one, else the file's slug,
    else the opening sentence cut to DERIVED_TITLE_MAX characters."""
    if page_title:
        cleaned = without_site(page_title, site_names)
        if cleaned and not is_junk(cleaned, site_names):
            return cleaned, False
    slug = from_file_name(source)
    if slug:
        return slug, False
    return derive_title(first_paragraph, DERIVED_TITLE_MAX), True
