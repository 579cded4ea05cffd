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


# A Markdown link as reader.sources.html_markdown writes it: [text](address).
# The address may hold balanced parentheses, as CommonMark allows
# (https://en.wikipedia.org/wiki/Commissioning_(NHS)); the sync writes ')' as %29.
# A label holds no '[' (the sync writes brackets in link text as parentheses, and
# CommonMark's brackets in a label are balanced): a '[' that never closes then costs one
# step, not a scan to the end of the line ('[a ' 12,000 times took seconds).
_LINK = re.compile(r"\[([^\[\]\n]*)\]\(((?:[^\s()]|\([^\s()]*\))+)\)")


def split_links(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """A block's text with each [text](address) as its text alone, and where each link's
    text now stands: (start, end, address)."""
    plain, spans, _where = split_links_mapped(text)
    return plain, spans


def split_links_mapped(text: str) -> tuple[str, list[tuple[int, int, str]], list[int]]:
    """split_links, and where each offset of `text` (0 to len(text)) stands in the plain
    text (an offset inside a link's address: the end of its label), so spans found in
    `text` (emphasis) can be moved to the plain text."""
    plain: list[str] = []
    spans: list[tuple[int, int, str]] = []
    where: list[int] = []
    at = 0
    length = 0
    for match in _LINK.finditer(text):
        before = text[at : match.start()]
        plain.append(before)
        where.extend(range(length, length + len(before)))
        length += len(before)
        label = match.group(1) or match.group(2)
        plain.append(label)
        spans.append((length, length + len(label), match.group(2)))
        # '[' stands where the label starts, the label's characters one to one, the rest
        # ('](address)') where the label ends.
        where.append(length)
        if match.group(1):
            where.extend(range(length, length + len(label)))
        length += len(label)
        where.extend([length] * (match.end() - match.start() - 1 - len(match.group(1))))
        at = match.end()
    rest = text[at:]
    plain.append(rest)
    where.extend(range(length, length + len(rest) + 1))
    return "".join(plain), spans, where


def plain_text(markdown: str) -> str:
    """A body as plain text: blocks' text, blank-line separated; items keep their number
    and bullets a '•'; no Markdown syntax (emphasis marks included) and no escapes."""
    from reader.articles.inline import split_emphasis

    # As the app draws a block: emphasis marks off, then links as their text alone (the
    # offsets highlights keep count in this text). Most blocks have neither.
    out = []
    for block in split_blocks(markdown):
        text = split_emphasis(block.text)[0]
        if "](" in text:
            text = split_links(text)[0]
        out.append(f"{block.marker} {text}" if block.marker else text)
    return "\n\n".join(out)
