"""A reading pack: chosen posts as an EPUB 3 book (ebooklib), with a contents page and the
reader's highlights marked (and their notes beneath the paragraph), for an e-reader.

Written to a temporary file beside the target and moved into place, so a failed export
never leaves half a book. This module never imports textual.
"""

from __future__ import annotations

import html
import os
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from reader import __version__
from reader.articles.model import Article, byline
from reader.articles.text import blocks_with_offsets
from reader.errors import ReaderError
from reader.export.citation import post_url
from reader.sanitise import clean_text
from reader.store.highlights import Highlight

STYLE = """
body { font-family: serif; line-height: 1.45; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
p.byline { font-size: 0.85em; color: #555; margin-top: 0; }
blockquote { margin: 0.8em 1.5em; font-style: italic; }
mark { background: #fff1a8; color: inherit; border-bottom: 2px solid #b38f00; }
aside.note { margin: 0.3em 0 1em 1.5em; padding-left: 0.6em; border-left: 3px solid #b38f00;
  font-size: 0.9em; }
p.detached { font-size: 0.9em; color: #555; }
"""


# Inline tags, outermost first: a highlight's <mark> holds the bold and italic within it.
_TAGS = (("mark", "mark"), ("bold", "strong"), ("italic", "em"))


def _inline(
    text: str,
    start: int,
    marks: list[tuple[int, int]],
    emphasis: Sequence[tuple[int, int, str]],
    links: Sequence[tuple[int, int, str]] = (),
) -> str:
    """A block's text as XHTML: highlighted parts (plain-text offsets, `start` being where
    the block begins) in <mark>, the post's **bold** and *italic* (offsets in `text`) in
    <strong> and <em>; every character of the text escaped, so markup in a post is text.

    The text is cut wherever a span starts or ends; tags are closed and opened at the
    cuts in one fixed nesting, so overlapping spans still make well-formed XHTML.
    """
    spans = [(max(0, s - start), min(len(text), e - start), "mark") for s, e in marks]
    spans += [(s, e, kind) for s, e, kind in emphasis]
    # A post's links (web addresses only: a javascript: or file: link is its text alone).
    spans += [(s, e, "link " + url) for s, e, url in links if _web_address(url)]
    spans = [(s, e, kind) for s, e, kind in spans if s < e]
    if not spans:
        return html.escape(text)
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[str] = []
    open_tags: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        kinds = {kind for s, e, kind in spans if s <= a and b <= e}
        wanted = [tag for kind, tag in _TAGS if kind in kinds]
        for kind in sorted(k for k in kinds if k.startswith("link ")):  # inside any <mark>
            at = 1 if wanted[:1] == ["mark"] else 0
            wanted.insert(at, f'a href="{html.escape(kind[5:], quote=True)}"')
        keep = 0
        while keep < min(len(open_tags), len(wanted)) and open_tags[keep] == wanted[keep]:
            keep += 1
        out.extend(f"</{tag.split()[0]}>" for tag in reversed(open_tags[keep:]))
        out.extend(f"<{tag}>" for tag in wanted[keep:])
        open_tags = wanted
        out.append(html.escape(text[a:b]))
    out.extend(f"</{tag.split()[0]}>" for tag in reversed(open_tags))
    return "".join(out)


def _web_address(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "mailto:"))


def chapter_xhtml(article: Article, highlights: Sequence[Highlight]) -> str:
    """The body of one post's chapter."""
    attached = [h for h in highlights if not h.detached]
    parts = [f"<h1>{html.escape(article.title)}</h1>"]
    line = byline(article)
    url = post_url(article)
    if url:
        line += f" · {url}"
    parts.append(f'<p class="byline">{html.escape(line)}</p>')
    in_list = False
    for block in blocks_with_offsets(article.body):
        mine = [h for h in attached if h.start < block.end and h.end > block.start]
        marks = [(h.start, h.end) for h in mine]
        text = _inline(block.text, block.start, marks, block.emphasis, block.links)
        if block.kind == "bullet" and not in_list:
            parts.append("<ul>")
            in_list = True
        elif block.kind != "bullet" and in_list:
            parts.append("</ul>")
            in_list = False
        if block.kind == "heading":
            parts.append(f"<h2>{text}</h2>")
        elif block.kind == "quote":
            parts.append(f"<blockquote><p>{text}</p></blockquote>")
        elif block.kind == "bullet":
            parts.append(f"<li>{text}</li>")
        elif block.kind == "item":
            parts.append(f"<p><b>{html.escape(block.marker)}</b> {text}</p>")
        else:
            parts.append(f"<p>{text}</p>")
        # A note goes after the block where its highlight ends.
        for h in mine:
            if h.note and block.start < h.end <= block.end:
                parts.append(_note_html(h.note))
    if in_list:
        parts.append("</ul>")
    lost = [h for h in highlights if h.detached]
    if lost:
        parts.append("<h2>Highlights no longer found in this post</h2>")
        for h in lost:
            parts.append(f'<blockquote class="detached"><p>{html.escape(h.quote)}</p></blockquote>')
            if h.note:
                parts.append(_note_html(h.note))
    return "\n".join(parts)


def _note_html(note: str) -> str:
    paragraphs = [p.strip() for p in note.split("\n\n") if p.strip()]
    inner = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f'<aside class="note" epub:type="annotation"><p><b>Note:</b></p>{inner}</aside>'


def build_epub(
    articles: Sequence[Article],
    highlights: dict[str, list[Highlight]],
    title: str,
    output: Path,
    selection: str,
) -> Path:
    """Write the reading pack to `output` (atomically); ReaderError if it cannot be."""
    from ebooklib import epub

    if not articles:
        raise ReaderError("no posts to put in the reading pack", exit_code=2)
    # lxml refuses a string XML cannot hold (a control character, U+FFFF): text from a
    # store an older gp-reader wrote, or a --title typed, is cleaned as content is.
    title = clean_text(title)
    articles = [
        replace(a, title=clean_text(a.title), author=clean_text(a.author), body=clean_text(a.body))
        for a in articles
    ]
    book = epub.EpubBook()
    book.set_identifier(f"urn:uuid:{uuid.uuid4()}")
    book.set_title(title)
    book.set_language("en-GB")
    authors = sorted({a.author for a in articles if a.author}) or ["gp-reader"]
    for author in authors:
        book.add_author(author)
    book.add_metadata("DC", "publisher", f"gp-reader {__version__}")
    book.add_metadata("DC", "description", f"A reading pack: {selection}")
    book.add_metadata("DC", "date", datetime.now(UTC).strftime("%Y-%m-%d"))
    css = epub.EpubItem(
        uid="style", file_name="style/pack.css", media_type="text/css", content=STYLE
    )
    book.add_item(css)

    chapters = []
    for n, article in enumerate(articles, start=1):
        chapter = epub.EpubHtml(title=article.title, file_name=f"post-{n:04d}.xhtml", lang="en")
        chapter.content = chapter_xhtml(article, highlights.get(article.id, []))
        chapter.add_item(css)
        book.add_item(chapter)
        chapters.append(chapter)

    book.toc = chapters
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title="Contents")
    nav.add_item(css)
    book.add_item(nav)
    book.spine = ["nav", *chapters]

    output = Path(output)
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        raise ReaderError(f"cannot write {output}: no such directory", exit_code=1)
    fd, temp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        epub.write_epub(temp, book, {"epub3_pages": False})
        os.replace(temp, output)
    except OSError as exc:
        raise ReaderError(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return output
