"""A post's citation: title, author, site, date and URL where known (for copy and export).

This module never imports textual.
"""

from __future__ import annotations

from reader.articles.model import Article, shown_date


def post_url(article: Article) -> str | None:
    """The post's web address, where its source gives one (an http(s) source)."""
    for source in article.source.split(","):
        source = source.strip()
        if source.startswith(("http://", "https://")):
            return source
    return None


def citation(article: Article) -> str:
    """One line: “Title”, Author, Site (Category), date. URL"""
    where = article.site or article.category
    parts = [f"“{article.title}”", article.author, where, shown_date(article.date) or "undated"]
    line = ", ".join(p for p in parts if p)
    url = post_url(article)
    return f"{line}. {url}" if url else f"{line}."


def quoted_with_citation(quote: str, article: Article) -> str:
    """What `y` copies: the passage, then its source on a line of its own."""
    return f"“{quote.strip()}”\n— {citation(article)}"
