"""A post's HTML from the web as the reader's Markdown subset, without the theme's chrome.

WordPress's rendered content carries what plugins append (Jetpack's share buttons and
related posts, YARPP, author boxes, comment forms) and feeds add Yoast's "The post X
appeared first on Y". Those are removed before reader.sources.html_markdown turns the rest
into headings, lists, quotations, paragraphs and links; the result passes the sanitiser.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode

from reader.sanitise import clean_text
from reader.sources.html_markdown import html_to_markdown

# Class names (whole words) of blocks that are never the post: share buttons, related
# posts, author boxes, comments, navigation, subscription forms, footers of entry meta.
_CHROME_CLASSES = (
    "sharedaddy",
    "sd-sharing",
    "sd-block",
    "sharing",
    "share-buttons",
    "addtoany_share_save_container",
    "jp-relatedposts",
    "related-posts",
    "yarpp-related",
    "crp_related",
    "author-box",
    "author-bio",
    "about-author",
    "comments-area",
    "comment-respond",
    "post-navigation",
    "navigation",
    "entry-footer",
    "entry-meta",
    "wpcnt",
    "jetpack_subscription_widget",
    "wp-block-jetpack-subscriptions",
    "screen-reader-text",
)
_CHROME_TAGS = ("script", "style", "form", "nav", "aside", "footer", "noscript", "iframe")
CHROME_SELECTOR = ", ".join([*_CHROME_TAGS, *(f".{name}" for name in _CHROME_CLASSES)])
_APPEARED_FIRST = re.compile(r"^\s*The post .{1,300} appeared first on .{1,200}\.?\s*$", re.S)


def clean_title(rendered: str) -> str:
    """A WordPress title (entities, maybe tags) as plain, safe text."""
    text = re.sub(r"<[^>]+>", "", rendered or "")
    return clean_text(" ".join(html_lib.unescape(text).split()))


def clean_text_title(text: str) -> str:
    """A title that is text already (a heading's text, an attribute's value, both decoded
    by the HTML parser): spaces folded and sanitised, nothing in it read as markup or as
    an entity again, so "Q&A: what the <ARRS> pays for" keeps its <ARRS>."""
    return clean_text(" ".join((text or "").split()))


def remove_outermost(nodes: list[LexborNode]) -> None:
    """Decompose each node not inside another one of them (a nested node goes with its
    ancestor; decomposing it after would touch freed memory)."""
    ids = {node.mem_id for node in nodes}
    outermost = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            outermost.append(node)
    for node in outermost:
        node.decompose()


def post_markdown(fragment: str, base_url: str) -> str:
    """The post's HTML (content.rendered, content:encoded, or an extracted article) as
    Markdown: chrome removed, links absolute, text sanitised."""
    tree = HTMLParser(f"<html><body>{fragment}</body></html>")
    body = tree.body
    if body is None:
        return ""
    remove_outermost(body.css(CHROME_SELECTOR))
    for node in body.css("p"):
        if _APPEARED_FIRST.match(node.text(deep=True)):
            node.decompose()
    for node in body.css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if href and not href.startswith(("#", "mailto:", "javascript:")):
            node.attrs["href"] = urljoin(base_url, href)
    markdown = html_to_markdown(body.html or "", links=True)
    return clean_text(markdown)
