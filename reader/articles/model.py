"""Records shared by every part of gp-reader."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Article:
    """One blog post, ready to read and index."""

    id: str
    title: str
    title_is_derived: bool
    category: str
    site: str
    author: str
    date: str | None  # ISO YYYY-MM-DD, or None where the source gives no date
    topics: tuple[str, ...]
    body: str  # Markdown
    source: str  # the page file(s) it was read from, comma separated
    words: int
    url: str = ""  # where the post lives on the web ("" for a post only a file had)

    def to_json(self, with_body: bool = False) -> dict[str, Any]:
        # Field by field: a body still on disk (StoredArticle) is read only when wanted.
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "body"}
        data["topics"] = list(self.topics)
        if with_body:
            data["body"] = self.body
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Article:
        return cls(**{**data, "topics": tuple(data["topics"])})

    @property
    def reading_minutes(self) -> int:
        """Minutes to read at a steady 230 words a minute (at least one)."""
        return max(1, round(self.words / 230))


# A whole date, a month or a year, with anything after it (a time) ignored.
_KNOWN_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?![\d-])")


def shown_date(date: str | None) -> str:
    """The part of a post's date that is known, for display; "" where none is.

    '2013-07-08' stays whole; a month ('2013-07', or '2013-07-00' as some exports write
    an unknown day) shows as '2013-07', a year alone as '2013'. Every listing uses this,
    so an undated post simply has no date rather than a "date unknown" on every line.
    """
    m = _KNOWN_DATE_RE.match((date or "").strip())
    if not m:
        return ""
    year, month, day = m.groups()
    if not month or month == "00":
        return year
    if not day or day == "00":
        return f"{year}-{month}"
    return f"{year}-{month}-{day}"


def byline(article: Article) -> str:
    """Author · category (site) · date · reading time · topics (empty parts left out)."""
    where = f"{article.category} ({article.site})" if article.site else article.category
    parts = [
        article.author,
        where,
        shown_date(article.date),
        f"{article.reading_minutes} min read",
    ]
    if article.topics:
        parts.append("Topics: " + ", ".join(article.topics))
    return " · ".join(p for p in parts if p)


class LazyBody:
    """A post body still on disk; `StoredArticle` reads it the first time it is asked for."""

    __slots__ = ("_load",)

    def __init__(self, load: Callable[[], str]) -> None:
        self._load = load


@dataclass(frozen=True)
class StoredArticle(Article):
    """An article whose body stays on disk until first read: a large library starts quickly.

    Given a LazyBody, the instance holds no `body` at first, so reading it falls through to
    __getattr__, which loads it once; every other attribute is an ordinary lookup (an
    overridden __getattribute__ made each of them cost a Python call: 10,000 posts'
    tree counts took a third of a second longer).
    """

    @classmethod
    def lazy(cls, load: Callable[[], str], **fields: object) -> StoredArticle:
        """A StoredArticle of these fields (all but body) whose body `load()` reads.

        Made without the frozen dataclass's __init__, which sets each field through
        object.__setattr__: a library of 10,000 posts is made in a third of the time.
        """
        article = object.__new__(cls)
        values = article.__dict__
        values.update(fields)
        values["_lazy_body"] = LazyBody(load)
        return article

    def __post_init__(self) -> None:
        body = self.__dict__.get("body")
        if type(body) is LazyBody:
            del self.__dict__["body"]
            self.__dict__["_lazy_body"] = body

    def __getattr__(self, name: str) -> str:  # only `body` is ever missing
        if name == "body":
            lazy = self.__dict__.get("_lazy_body")
            if lazy is not None:
                value: str = lazy._load()
                self.__dict__["body"] = value
                return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
