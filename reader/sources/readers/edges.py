"""The furniture left at the edges of the text found in a saved page.

A page that lost its theme's markup (a web clip, a copy pasted into Word or Google Docs, a
print view) keeps the theme's header as plain text: the date block run together
(`11oct0`: day, month, comment count), the title, and the byline (`Posted by Ben
GowlandBlogs, The General Practice BlogNo Comments`, or WP-Print's `Posted By Ben Gowland
On 3 March 2025 @ 07:00 In Blogs`). The text-capture rules (reader.sources.readers.chrome)
read them: what is above a byline is the site's, the block just above it is the title,
and the byline gives the author, the categories and sometimes the date. At the other end,
the lines that follow every post (copyright, print links) are the site's too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.sources.readers import chrome

# The byline sits this near the top, or it is not the post's (a quoted one, a comment's).
BYLINE_WITHIN = 4
TITLE_MAX = 150
_DATE_BLOCK_RE = re.compile(
    r"^(?P<day>\d{1,2})\s*(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}"
    r"\s*\d{0,5}$",
    re.I,
)


@dataclass
class Edges:
    title: str | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()
    date: str | None = None


def _plain(block: str) -> str:
    text = re.sub(r"^(?:### |> )", "", block.strip())
    return " ".join(re.sub(r"\\(?=[^\w\s])", "", text).split())


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def trim(body: str, title: str | None, known_authors: tuple[str, ...] = ()) -> tuple[str, Edges]:
    """The body without its header and footer furniture, and what they said."""
    blocks = [b for b in body.split("\n\n") if b.strip()]
    found = Edges()
    for at in range(min(BYLINE_WITHIN, len(blocks))):
        byline = chrome.split_byline(_plain(blocks[at]), known_authors)
        if byline is None or at + 1 >= len(blocks):
            continue
        above = _plain(blocks[at - 1]) if at else ""
        if above and len(above) <= TITLE_MAX and not _DATE_BLOCK_RE.match(above):
            found.title = above
        found.author, found.categories, found.date = byline.author, byline.categories, byline.date
        blocks = blocks[at + 1 :]
        break
    while len(blocks) > 1 and (
        _DATE_BLOCK_RE.match(_plain(blocks[0]))
        or (title and _fold(_plain(blocks[0])) == _fold(title))
    ):
        blocks = blocks[1:]
    while len(blocks) > 1 and _is_after_post(_plain(blocks[-1])):
        blocks = blocks[:-1]
    return "\n\n".join(blocks) + ("\n" if blocks else ""), found


def _is_after_post(text: str) -> bool:
    return len(text) <= 200 and (chrome.is_footer(text) or chrome.is_furniture(text))
