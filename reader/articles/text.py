"""A post's text as the reader sees it: its Markdown as blocks, and its plain text.

The plain text is the Markdown codec's (reader.articles.markdown.plain_text): the blocks'
text without emphasis marks, an item's number or a bullet's '•' before it, joined by a
blank line. A highlight's offsets (its TextPositionSelector) count in it. The article pane
draws the same blocks, the same text, so an offset in the plain text is a place on the
screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.articles.inline import split_emphasis
from reader.articles.markdown import plain_text as body_plain_text
from reader.articles.markdown import split_blocks, split_links_mapped
from reader.articles.model import Article

BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Block:
    kind: str  # heading, quote, item (numbered, marker '3.'), bullet, paragraph
    marker: str
    text: str
    start: int  # where the block's text starts in the plain text
    end: int
    # (start, end, 'bold'|'italic') within `text`: the emphasis its marks stood for
    emphasis: tuple[tuple[int, int, str], ...] = ()
    # (start, end, address) within `text`: its links, drawn as their text alone
    links: tuple[tuple[int, int, str], ...] = ()


def blocks_with_offsets(markdown: str) -> list[Block]:
    """The body's blocks (reader.articles.markdown) as the app draws them, emphasis marks
    left out and links as their text alone (as `plain_text` has them), each with where its
    text is in `plain_text`."""
    out: list[Block] = []
    at = 0
    for block in split_blocks(markdown):
        text, emphasis = split_emphasis(block.text)
        links: list[tuple[int, int, str]] = []
        if "](" in text:
            text, links, where = split_links_mapped(text)
            emphasis = [
                (where[a], where[b], kind) for a, b, kind in emphasis if where[a] < where[b]
            ]
        if block.marker:  # plain_text writes '3. ' or '• ' before the item's text
            at += len(block.marker) + 1
        out.append(
            Block(block.kind, block.marker, text, at, at + len(text), tuple(emphasis), tuple(links))
        )
        at += len(text) + len(BLOCK_SEPARATOR)
    return out


def plain_text(article: Article) -> str:
    """The post's body as plain text: the Markdown codec's (reader.articles.markdown)."""
    return body_plain_text(article.body)


_SENTENCE_END = re.compile(r"(?<=[.!?…])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9£])")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """A block's sentences as (start, end), shifted by `offset` (plain-text positions).

    A full stop ends a sentence when a capital (or digit) starts the next one, so
    "e.g. the PCN" and "£1.5m" stay whole; that errs towards longer sentences.
    """
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end(1)
        if text[start:end].strip():
            spans.append((offset + start, offset + end))
        start = match.end()
    if text[start:].strip():
        spans.append((offset + start, offset + len(text.rstrip())))
    return spans
