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
from reader.articles.text import blocks_with_offsets
from reader.articles.text import plain_text as article_plain_text
from reader.export.citation import post_url
from reader.store.highlights import Highlight

# A line starting so would turn into a heading, list or rule inside the quotation ('*'
# only as a bullet: '**bold**' opening a line is emphasis; a literal '*' is escaped).
_BLOCK_START = re.compile(r"^(\s*)([#>+-]|\*(?=\s|$)|\d+[.)]|=+$|`{3,}|~{3,})")
# What a Markdown viewer would read as emphasis, an escape, an HTML tag or an entity
# ('&amp;'): written as text, backslash-escaped as CommonMark allows.
_INLINE_SYNTAX = re.compile(r"([\\*_<]|&(?=#?\w+;))")
_MARKS = {"bold": "**", "italic": "*"}


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


def _literal(text: str) -> str:
    return _INLINE_SYNTAX.sub(r"\\\1", text)


def quote_markdown(article: Article | None, highlight: Highlight) -> str:
    """The highlighted passage as Markdown: its text, with the post's **bold** and
    *italic* kept where the passage is still in the post; any other '*', '_', '\\', '<'
    or entity-like '&' escaped, so a post's text stays text in a Markdown viewer."""
    quote = highlight.quote
    if article is None or highlight.detached:
        return _literal(quote)
    if article_plain_text(article)[highlight.start : highlight.end] != quote:
        return _literal(quote)
    start, end = highlight.start, highlight.end
    spans = []
    for block in blocks_with_offsets(article.body):
        for s, e, kind in block.emphasis:
            s, e = max(block.start + s, start), min(block.start + e, end)
            # Marks hug the words: '** meant**' would not be emphasis.
            while s < e and quote[s - start].isspace():
                s += 1
            while e > s and quote[e - start - 1].isspace():
                e -= 1
            if s < e:
                spans.append((s - start, e - start, _MARKS[kind]))
    out, at = [], 0
    for s, e, mark in sorted(spans):
        out += [_literal(quote[at:s]), mark, _literal(quote[s:e]), mark]
        at = e
    out.append(_literal(quote[at:]))
    return "".join(out)


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
        out += [f"## {_escape(_literal(title))}", ""]
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
            out += _quotation(quote_markdown(article, h))
            out.append("")
            if h.detached:
                out += ["*(Detached: this passage is no longer found in the post.)*", ""]
            if h.note:
                out += _note(h.note)
                out.append("")
            out += [f"<!-- highlight {h.id}, {h.created[:10]} -->", ""]
    return "\n".join(out).rstrip("\n") + "\n"
