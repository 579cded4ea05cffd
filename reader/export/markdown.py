"""Highlights as Markdown, as Obsidian's and Readwise's exports write them: YAML front
matter, a heading per post (title, then author, site, date and URL where known), each
highlight a quotation with its note beneath.

This module never imports textual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from reader.articles.model import Article, shown_date
from reader.export.citation import post_url
from reader.store.highlights import Highlight

# A line starting so would turn into a heading, list or rule inside the quotation.
_BLOCK_START = re.compile(r"^(\s*)([#>+*-]|\d+[.)]|=+$|`{3,}|~{3,})")


@dataclass(frozen=True)
class PostHighlights:
    article_id: str
    article: Article | None  # None: the post is no longer in the library
    highlights: tuple[Highlight, ...]  # in the order they appear in the post


def group_by_post(highlights: Iterable[Highlight], corpus) -> list[PostHighlights]:
    """Posts with highlights, the most recently highlighted first; within a post in the
    order of the text (detached ones last)."""
    posts: dict[str, list[Highlight]] = {}
    latest: dict[str, str] = {}
    for h in highlights:
        posts.setdefault(h.article_id, []).append(h)
        latest[h.article_id] = max(latest.get(h.article_id, ""), h.created)
    order = sorted(posts, key=lambda i: (latest[i], i), reverse=True)
    return [
        PostHighlights(
            article_id,
            corpus.find(article_id),
            tuple(sorted(posts[article_id], key=lambda h: (h.detached, h.start, h.created))),
        )
        for article_id in order
    ]


def _yaml(value: str) -> str:
    # A JSON string is a YAML double-quoted scalar: any title is safe in front matter.
    return json.dumps(value, ensure_ascii=False)


def _escape(line: str) -> str:
    def escaped(m: re.Match) -> str:
        marker = m[2]
        if marker[0].isdigit():  # "1." -> "1\.": CommonMark escapes the list's punctuation
            return m[1] + marker[:-1] + "\\" + marker[-1]
        return m[1] + "\\" + marker

    return _BLOCK_START.sub(escaped, line, count=1)


def _quotation(text: str) -> list[str]:
    lines = []
    for n, paragraph in enumerate(re.split(r"\n\s*\n", text.strip())):
        if n:
            lines.append(">")
        lines.extend(f"> {_escape(line.strip())}" for line in paragraph.splitlines() if line)
    return lines


def _note(text: str) -> list[str]:
    lines = [_escape(line.rstrip()) if line.strip() else "" for line in text.strip().splitlines()]
    lines[0] = f"**Note:** {lines[0]}"
    return lines


def highlights_markdown(posts: list[PostHighlights], exported: str) -> str:
    """The Markdown document; `exported` is the ISO time written in its front matter."""
    total = sum(len(p.highlights) for p in posts)
    out = [
        "---",
        f"title: {_yaml('Highlights from gp-reader')}",
        f"exported: {_yaml(exported)}",
        f"posts: {len(posts)}",
        f"highlights: {total}",
        "tags: [gp-reader, highlights]",
        "---",
        "",
        "# Highlights",
        "",
    ]
    if not posts:
        out += ["No highlights yet.", ""]
    for post in posts:
        article = post.article
        title = article.title if article else post.article_id
        out += [f"## {_escape(title)}", ""]
        if article is None:
            out += ["*No longer in the library.*", ""]
        else:
            details = [
                ("Author", article.author),
                ("Source", f"{article.category} ({article.site})" if article.site else ""),
                ("Date", shown_date(article.date) or "undated"),
                ("URL", post_url(article) or ""),
                ("Post id", f"`{article.id}`"),
            ]
            out += [f"- **{k}:** {v}" for k, v in details if v]
            out.append("")
        for h in post.highlights:
            out += _quotation(h.quote)
            out.append("")
            if h.detached:
                out += ["*(Detached: this passage is no longer found in the post.)*", ""]
            if h.note:
                out += _note(h.note)
                out.append("")
            out += [f"<!-- highlight {h.id}, {h.created[:10]} -->", ""]
    return "\n".join(out).rstrip("\n") + "\n"
