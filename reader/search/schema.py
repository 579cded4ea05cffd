"""The index's fields: what is stored and how each field's words are indexed."""

from __future__ import annotations

import hashlib
from datetime import datetime

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema
from whoosh.formats import Frequency, Positions

from reader.articles.model import Article
from reader.search.analysis import (
    exact_analyzer,
    index_positions,
    keyword_analyzer,
    stemming_analyzer,
)
from reader.search.whoosh_internals import encode_frequency, encode_positions

SCHEMA_VERSION = 4  # 2: IndexedText fields; 3: exact fields without positions; 4: practis-
# Acronym <-> expansion alternatives are added on the stemmed fields only: the exact-form
# fields just lift exact matches, and doubling the alternatives there doubles the cost.
EXPANDED_FIELDS = ("title", "body")
TITLE_BOOST = 3.0
EXACT_BOOST = 1.5  # an exact word form counts on top of its stem


class IndexedText(TEXT):
    """A TEXT field of stemmed or exact words, indexed without whoosh's analyzer chain.

    Its terms, frequencies and positions are those of stemming_analyzer() or
    exact_analyzer() (which it keeps for parsing queries), from
    reader.search.analysis.index_positions: one pass over a text serves both of its fields.
    Building 10,000 posts spent half its time running tokens through filter chains.
    """

    def __init__(self, stemmed: bool, **kwargs) -> None:
        analyzer = stemming_analyzer() if stemmed else exact_analyzer()
        super().__init__(analyzer=analyzer, **kwargs)
        self.stemmed = stemmed

    def word_positions(self, value):
        """(word -> its positions, the format's encoder of positions), or None for values
        it does not index itself. The fast segment writer (reader.search.whoosh_internals)
        pools these without tuples."""
        kind = type(self.format)
        if not isinstance(value, str) or kind not in (Positions, Frequency):
            return None
        exact, stemmed = index_positions(value)
        encode = encode_positions if kind is Positions else encode_frequency
        return (stemmed if self.stemmed else exact), encode

    def index(self, value, **kwargs):
        words = None if kwargs else self.word_positions(value)
        if words is None:
            yield from super().index(value, **kwargs)
            return
        positions_of, encode = words
        boost = self.format.field_boost
        for word, positions in positions_of.items():
            count = len(positions)
            yield word.encode("utf-8"), count, float(count) * boost, encode(positions)


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        title=IndexedText(stemmed=True, stored=True, field_boost=TITLE_BOOST),
        body=IndexedText(stemmed=True, stored=True),
        # Exact forms only lift exact matches, phrases included (ExactWords): frequencies
        # without positions, a third less to write and read (a build 15% faster).
        title_exact=IndexedText(stemmed=False, phrase=False, field_boost=TITLE_BOOST * EXACT_BOOST),
        body_exact=IndexedText(stemmed=False, phrase=False, field_boost=EXACT_BOOST, spelling=True),
        category=TEXT(analyzer=keyword_analyzer(), stored=True),
        topic=TEXT(analyzer=keyword_analyzer(), stored=True),
        date=DATETIME(stored=True),
        content_hash=STORED,
    )


def content_hash(article: Article) -> str:
    """What, if it changes, means the article's index entry must be rewritten."""
    text = "\x1f".join(
        [
            article.title,
            article.body,
            article.category,
            "|".join(article.topics),
            article.date or "",
        ]
    )
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def article_fields(article: Article) -> dict:
    fields: dict[str, object] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "title_exact": article.title,
        "body_exact": article.body,
        "category": article.category,
        "topic": ", ".join(article.topics),
        "content_hash": content_hash(article),
    }
    if article.date:
        fields["date"] = datetime.fromisoformat(article.date)
    return fields
