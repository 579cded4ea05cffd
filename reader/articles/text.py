"""A post's text as the reader sees it: its Markdown as blocks, and its plain text.

The plain text is the blocks' text, in order, joined by a blank line: what a highlight's
offsets (its TextPositionSelector) count in. The article pane draws the same blocks, so an
offset in the plain text is a place on the screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.articles.model import Article

BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Block:
    kind: str  # heading, quote, item (numbered, marker '3.'), bullet, paragraph
    marker: str
    text: str
    start: int  # where the block's text starts in the plain text
    end: int


def body_blocks(markdown: str) -> list[tuple[str, str, str]]:
    """The post's Markdown as (kind, marker, text) blocks: the subset our corpus uses."""
    blocks = []
    for raw in markdown.split("\n\n"):
        block = raw.strip()
        if not block:
            continue
        if block.startswith("### "):
            blocks.append(("heading", "", block[4:]))
        elif block.startswith("> "):
            blocks.append(("quote", "", _unescape(block[2:])))
        elif match := re.match(r"^(\d+)\. (.*)$", block, re.S):
            blocks.append(("item", f"{match[1]}.", match[2]))
        elif block.startswith("- "):
            blocks.append(("bullet", "•", block[2:]))
        else:
            blocks.append(("paragraph", "", _unescape(block)))
    return blocks


def _unescape(text: str) -> str:
    return re.sub(r"^(\d+)\\\. ", r"\1. ", text)


def blocks_with_offsets(markdown: str) -> list[Block]:
    out, at = [], 0
    for kind, marker, text in body_blocks(markdown):
        out.append(Block(kind, marker, text, at, at + len(text)))
        at += len(text) + len(BLOCK_SEPARATOR)
    return out


def plain_text(article: Article) -> str:
    """The post's body as plain text (blocks joined by a blank line)."""
    return BLOCK_SEPARATOR.join(text for _kind, _marker, text in body_blocks(article.body))


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
