"""The Markdown subset every post body is stored in, read and written here alone.

A body is blocks separated by one blank line, each one of:

    ### A subheading
    > A quotation
    3. A numbered item
    - A bullet
    A paragraph

Inline, only emphasis: ``**bold**`` and ``*italic*`` (reader.articles.inline), and in
posts `gp-reader sync` brought from the web, links ``[text](https://...)``
(reader.sources.html_markdown with links=True; the app draws and follows them); no other
inline markup. A paragraph or quotation
whose own text starts like a block marker (``36. `` from a flattened list, ``- `` or
``# `` in a feed) has that start escaped with a backslash (``36\\. ``, ``\\- ``,
``\\# ``), as CommonMark escapes it; so the body stays valid Markdown for
``gp-reader show`` and renders the same in any Markdown viewer. Whatever draws a body as
text (the app, plain text) reads it through `split_blocks`, which removes those escapes.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# The starts CommonMark would read as a block: a numbered item ('36. ', '36) '), a bullet
# ('- ', '* ', '+ '), a quotation, an ATX heading ('# ' to '###### '). '#hashtag' and
# '-1.9%' are not syntax and keep no backslash.
_NUMBERED_START_RE = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_MARKER_START_RE = re.compile(r"^(?:[-*+](?=\s|$)|>|#{1,6}(?=\s|$))")
_ESCAPED_NUMBER_RE = re.compile(r"^(\d{1,9})\\([.)])")
_ESCAPED_MARKER_RE = re.compile(r"^\\([-*+>#])")
_ITEM_RE = re.compile(r"^(\d+)\. (.*)$", re.S)
# CommonMark: a backslash before any ASCII punctuation character makes it literal.
_ANY_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")


class Block(NamedTuple):
    """One block of a body. kind: heading, quote, item (marker '3.'), bullet (marker '•'),
    paragraph; text is what a reader sees, escapes removed."""

    kind: str
    marker: str
    text: str


def escape_block_start(text: str) -> str:
    """A paragraph's text that cannot read as a block marker where a block starts."""
    if _NUMBERED_START_RE.match(text):
        return _NUMBERED_START_RE.sub(r"\1\\\2", text, count=1)
    if _MARKER_START_RE.match(text):
        return "\\" + text
    return text


def unescape_block_start(text: str) -> str:
    """The text `escape_block_start` was given."""
    if text.startswith("\\"):
        return _ESCAPED_MARKER_RE.sub(r"\1", text, count=1)
    return _ESCAPED_NUMBER_RE.sub(r"\1\2", text, count=1)


def unescape_punctuation(text: str) -> str:
    """Markdown from elsewhere: every backslash-escaped punctuation character as itself
    (``\\*not emphasis\\*`` is ``*not emphasis*``). The subset has no inline syntax, so
    the stored text holds the characters themselves."""
    return _ANY_ESCAPE_RE.sub(r"\1", text) if "\\" in text else text


def split_blocks(markdown: str) -> list[Block]:
    """A body's blocks, in order, as a reader sees them."""
    blocks = []
    for raw in markdown.split("\n\n"):
        block = raw.strip()
        if not block:
            continue
        if block.startswith("### "):
            blocks.append(Block("heading", "", block[4:]))
        elif block.startswith("> "):
            blocks.append(Block("quote", "", unescape_block_start(block[2:])))
        elif match := _ITEM_RE.match(block):
            blocks.append(Block("item", f"{match[1]}.", match[2]))
        elif block.startswith("- "):
            blocks.append(Block("bullet", "•", block[2:]))
        else:
            blocks.append(Block("paragraph", "", unescape_block_start(block)))
    return blocks


def plain_text(markdown: str) -> str:
    """A body as plain text: blocks' text, blank-line separated; items keep their number
    and bullets a '•'; no Markdown syntax (emphasis marks included) and no escapes."""
    from reader.articles.inline import split_emphasis

    texts = (split_emphasis(block.text)[0] for block in split_blocks(markdown))
    return "\n\n".join(
        f"{block.marker} {text}" if block.marker else text
        for block, text in zip(split_blocks(markdown), texts, strict=True)
    )
