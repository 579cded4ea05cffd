"""HTML to the Markdown subset the reader shows (reader.articles.markdown): paragraphs,
### headings, lists, quotes.

Used for feed content and for the text trafilatura extracts from a saved page. The HTML
is parsed by selectolax (a real parser); this only walks the tree it builds.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from reader.articles.markdown import escape_block_start

_BLOCKS = {"p", "div", "section", "article", "main", "body", "html", "figure", "figcaption"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {"script", "style", "noscript", "template", "iframe", "svg", "form", "button"}


def _inline_text(node: Node, links: bool = False) -> str:
    parts: list[str] = []

    def walk(n: Node) -> None:
        for child in n.iter(include_text=True):
            if child.tag == "-text":
                parts.append(child.text(deep=False))
            elif child.tag == "br":
                parts.append("\n")
            elif child.tag in _SKIP:
                continue
            elif links and child.tag == "a":
                parts.append(_link(child))
            else:
                walk(child)

    walk(node)
    text = "".join(parts)
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _link(node: Node) -> str:
    """An <a> as [text](href) where it has an http(s) href and text; else its text."""
    text = " ".join(_inline_text(node).split())
    href = (node.attributes.get("href") or "").strip()
    if not text or not href.startswith(("http://", "https://")):
        return text
    text = text.replace("[", "(").replace("]", ")")
    return f"[{text}]({href.replace(' ', '%20').replace(')', '%29')})"


def html_to_markdown(html: str, links: bool = False) -> str:
    """Blocks of Markdown, blank-line separated; empty when the HTML holds no text.

    With `links`, an <a href="http..."> becomes [text](href) (absolute hrefs only: make
    them absolute first)."""
    tree = HTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return ""
    blocks: list[str] = []
    _walk_blocks(root, blocks, quote=False, links=links)
    return "\n\n".join(b for b in blocks if b.strip()) + ("\n" if blocks else "")


def _walk_blocks(node: Node, blocks: list[str], quote: bool, links: bool = False) -> None:
    prefix = "> " if quote else ""
    pending: list[str] = []  # inline content directly inside a block container

    def flush() -> None:
        text = " ".join(" ".join(pending).split())
        if text:
            blocks.append(prefix + escape_block_start(text))
        pending.clear()

    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            pending.append(child.text(deep=False))
        elif tag in _SKIP or tag == "-comment":
            continue
        elif tag in _HEADINGS:
            flush()
            text = _inline_text(child, links)
            if text:
                blocks.append(prefix + "### " + " ".join(text.split()))
        elif tag in ("ul", "ol"):
            flush()
            number = 0
            for item in child.iter():
                if item.tag != "li":
                    continue
                text = " ".join(_inline_text(item, links).split())
                if not text:
                    continue
                number += 1
                marker = f"{number}." if tag == "ol" else "-"
                blocks.append(f"{prefix}{marker} {text}")
        elif tag == "blockquote":
            flush()
            _walk_blocks(child, blocks, quote=True, links=links)
        elif tag in _BLOCKS or tag in ("table", "tr", "td", "th", "tbody", "thead", "pre"):
            flush()
            if _has_block_children(child):
                _walk_blocks(child, blocks, quote, links)
            else:
                text = _inline_text(child, links)
                for paragraph in re.split(r"\n\s*\n", text):
                    paragraph = " ".join(paragraph.split())
                    if paragraph:
                        blocks.append(prefix + escape_block_start(paragraph))
        elif tag == "br":
            pending.append(" ")
        elif links and tag == "a":
            pending.append(_link(child))
        else:
            pending.append(_inline_text(child, links))
    flush()


def _has_block_children(node: Node) -> bool:
    block_tags = _BLOCKS | _HEADINGS | {"ul", "ol", "blockquote", "table", "tr", "td", "pre"}
    return any(child.tag in block_tags for child in node.iter())
