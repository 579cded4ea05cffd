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
    """Author · category (site) · date · reading time · topics."""
    parts = [
        article.author,
        f"{article.category} ({article.site})",
        article.date or "date unknown",
        f"{article.reading_minutes} min read",
    ]
    if article.topics:
        parts.append("Topics: " + ", ".join(article.topics))
    return " · ".join(parts)
