"""What WordPress adds to a feed item's text, and what a summary-only item looks like.

WordPress (and Yoast SEO) ends each item's description and content with a paragraph
'The post <a>Title</a> appeared first on <a>Site</a>.'; a feed set to "Summary" carries
the post's opening cut with ' [&#8230;]' (or the theme's '[...]', 'Read more'). The
channel's title is 'Blogs Archives - Site' for a category's feed.
"""

from __future__ import annotations

import re

_APPEARED_RE = re.compile(r"^The post .+ appeared first on .+?\.?$", re.S)
_CUT_RE = re.compile(
    r"\s*(?:\[(?:…|\.\.\.|&#8230;|&hellip;)\]|\[?Read more\]?|Continue reading.*)$"
)
_ARCHIVE_TITLE_RE = re.compile(r"^.+? Archives? [-–|] (?P<site>.+)$")


def without_footers(markdown: str) -> str:
    """The item's text without the 'appeared first on' paragraphs."""
    blocks = [b for b in markdown.split("\n\n") if b.strip()]
    kept = [b for b in blocks if not _APPEARED_RE.match(b.strip())]
    return "\n\n".join(kept) + ("\n" if kept else "")


def cut_summary(markdown: str) -> tuple[str, bool]:
    """(text, True) when the text ends the way a summary is cut; the marker becomes '…'."""
    text = markdown.rstrip()
    m = _CUT_RE.search(text)
    if not m or not m.group(0).strip():
        return markdown, False
    head = text[: m.start()].rstrip()
    if head.endswith(("…", "...")):
        return head + "\n", True
    return (head + "…\n" if head else ""), True


def site_of(channel_title: str | None) -> str | None:
    if not channel_title:
        return None
    m = _ARCHIVE_TITLE_RE.match(" ".join(channel_title.split()))
    return m["site"].strip() if m else channel_title.strip()
