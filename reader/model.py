"""Records shared by every part of gp-reader."""

from __future__ import annotations

from dataclasses import asdict, dataclass


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

    def to_json(self, with_body: bool = False) -> dict:
        data = asdict(self)
        data["topics"] = list(self.topics)
        if not with_body:
            del data["body"]
        return data

    @classmethod
    def from_json(cls, data: dict) -> Article:
        return cls(**{**data, "topics": tuple(data["topics"])})

    @property
    def reading_minutes(self) -> int:
        """Minutes to read at a steady 230 words a minute (at least one)."""
        return max(1, round(self.words / 230))


def byline(article: Article) -> str:
    """Author · category (site) · date · reading time · topics (empty parts left out)."""
    where = f"{article.category} ({article.site})" if article.site else article.category
    parts = [
        article.author,
        where,
        article.date or "date unknown",
        f"{article.reading_minutes} min read",
    ]
    if article.topics:
        parts.append("Topics: " + ", ".join(article.topics))
    return " · ".join(p for p in parts if p)


class LazyBody:
    """A post body still on disk; `StoredArticle` reads it the first time it is asked for."""

    __slots__ = ("_load",)

    def __init__(self, load) -> None:
        self._load = load


@dataclass(frozen=True)
class StoredArticle(Article):
    """An article whose body stays on disk until first read: a large library starts quickly."""

    def __getattribute__(self, name: str):
        value = object.__getattribute__(self, name)
        if name == "body" and type(value) is LazyBody:
            value = value._load()
            object.__setattr__(self, "body", value)
        return value
