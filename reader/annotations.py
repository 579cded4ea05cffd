"""Highlights on posts: made from a passage of a post's plain text, and placed again on the
post's text as it is now (re-anchored, reader.articles.anchoring), the store kept in step.

Between articles (the text) and store (what is kept): the CLI and the session use it.
This module never imports textual.
"""

from __future__ import annotations

from dataclasses import replace

from reader.articles.anchoring import Selector, anchor, describe, find_quote
from reader.articles.model import Article
from reader.articles.text import plain_text
from reader.errors import ReaderError
from reader.store.highlights import Highlight
from reader.store.state import StateStore


def highlight_passage(
    store: StateStore, article: Article, start: int, end: int, note: str | None = None
) -> Highlight:
    """Highlight text[start:end] of the post's plain text (spaces at its ends left out)."""
    text = plain_text(article)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        raise ReaderError("nothing to highlight there", exit_code=2)
    s = describe(text, start, end)
    return store.add_highlight(article.id, s.quote, s.prefix, s.suffix, s.start, s.end, note)


def highlight_quote(
    store: StateStore, article: Article, quote: str, note: str | None = None
) -> tuple[Highlight, int]:
    """Highlight the first place `quote` is in the post; and how many places it is in.

    The quote is looked for exactly, then with spaces, quotation marks, dashes and case
    ignored. Not in the post: ReaderError, exit 2.
    """
    text = plain_text(article)
    found = find_quote(text, quote)
    if not found:
        shown = quote if len(quote) <= 60 else quote[:57] + "..."
        raise ReaderError(f"the quote is not in {article.id}: {shown!r}", exit_code=2)
    start, end = found[0]
    return highlight_passage(store, article, start, end, note), len(found)


def place(store: StateStore, article: Article, text: str | None = None) -> list[Highlight]:
    """A post's highlights, newest first, each re-anchored on the post's text as it is now.

    One that moved is saved at its new place; one found nowhere is kept, flagged
    detached; one found again is attached again.
    """
    text = plain_text(article) if text is None else text
    placed = []
    for h in store.highlights(article.id):
        found = anchor(text, Selector(h.quote, h.prefix, h.suffix, h.start, h.end))
        if found is None:
            if not h.detached:
                store.set_detached(h.id, True)
                h = replace(h, detached=True)
        elif (found.start, found.end) != (h.start, h.end) or h.detached:
            s = describe(text, found.start, found.end)
            store.move_highlight(h.id, s.start, s.end, s.prefix, s.suffix, s.quote)
            h = replace(
                h,
                start=s.start,
                end=s.end,
                prefix=s.prefix,
                suffix=s.suffix,
                quote=s.quote,
                detached=False,
            )
        placed.append(h)
    return placed


def place_all(store: StateStore, corpus) -> list[Highlight]:
    """Every highlight, newest first, re-anchored where its post still exists."""
    by_post: dict[str, Highlight] = {}
    for article_id in {h.article_id for h in store.highlights()}:
        article = corpus.find(article_id)
        if article is None:
            continue
        for h in place(store, article):
            by_post[h.id] = h
    return [by_post.get(h.id, h) for h in store.highlights()]
