"""Markdown from elsewhere in the subset the reader shows.

Paragraphs, `###` headings, `-` and numbered lists, quotations; bold and italic kept
(`__x__`/`_x_` as `**x**`/`*x*`), links as their words. A list written all `1.` is
numbered 1, 2, 3 as every Markdown renderer numbers it. Nothing gains a backslash: text
that only looks like syntax (`#hashtag`, `-1.9%`) is not syntax, and a source's own
escapes (`\\-`, `\\#`, `7000\\+`) are taken off.
"""

from __future__ import annotations

import re

from reader.articles.markdown import escape_block_start, unescape_punctuation

_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_UNDERSCORE_RE = re.compile(r"(?<![\w_])(__|_)(?=\S)(.+?)(?<=\S)\1(?![\w_])")
_ITEM_RE = re.compile(r"^\s*([-*+]|\d+[.)])\s+(.*)$")
_HEADING_RE = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.S)
_SETEXT_RE = re.compile(r"^(?P<text>[^\n]+)\n(?:=+|-+)\s*$")
# The one escape the reader's subset keeps: a paragraph that would read as a list item,
# quotation or heading ('\- a dash', '36\. years'); the app shows it without the backslash.
_BLOCK_ESCAPE_RE = re.compile(r"^\\([-+*>#] |\d+\\?\. )")


def _inline(text: str) -> str:
    if "](" in text:
        text = _LINK_RE.sub(r"\1", text)
    if "_" in text:
        text = _UNDERSCORE_RE.sub(
            lambda m: (
                ("**" if m.group(1) == "__" else "*")
                + m.group(2)
                + ("**" if m.group(1) == "__" else "*")
            ),
            text,
        )
    if "\\" in text:
        text = unescape_punctuation(text)
    return text


def normalise_markdown(text: str) -> str:
    blocks: list[str] = []
    for raw in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        block = raw.strip()
        if not block:
            continue
        heading = _HEADING_RE.match(block) or _SETEXT_RE.match(block)
        if heading:
            blocks.append("### " + " ".join(_inline(heading.group(1)).split()))
            continue
        lines = block.splitlines()
        items = [_ITEM_RE.match(line) for line in lines]
        if all(items):
            number = None
            for item in filter(None, items):  # all of them, as all() said
                words = " ".join(_inline(item.group(2)).split())
                if item.group(1) in "-*+":
                    blocks.append(f"- {words}")
                    continue
                given = int(item.group(1).rstrip(".)"))
                number = given if number is None else number + 1
                blocks.append(f"{number}. {words}")
            continue
        if all(line.startswith(">") for line in lines):
            quoted = " ".join(line.lstrip("> ").strip() for line in lines)
            blocks.append("> " + " ".join(_inline(quoted).split()))
            continue
        blocks.append(_paragraph(" ".join(lines)))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _paragraph(text: str) -> str:
    """A paragraph; one that starts like a list item or heading keeps one escape."""
    escaped = _BLOCK_ESCAPE_RE.match(text)
    words = " ".join(_inline(text).split())
    if escaped or re.match(r"^(?:[-+*>] |#{1,6} |\d+\. )", words):
        return escape_block_start(words)
    return words
