"""The article pane: title, byline and body, with search matches marked and n/N jumps."""

from __future__ import annotations

import re

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from reader.highlight import find_match_spans
from reader.model import Article

MATCH_STYLE = "reverse"
CURRENT_MATCH_STYLE = "bold reverse underline"


def body_blocks(markdown: str) -> list[tuple[str, str, str]]:
    """The post's Markdown as (kind, marker, text) blocks: the subset our corpus uses.

    kinds: heading, quote, item (numbered, marker '3.'), bullet, paragraph.
    """
    blocks = []
    for raw in markdown.split("\n\n"):
        block = raw.strip()
        if not block:
            continue
        if block.startswith("### "):
            blocks.append(("heading", "", block[4:]))
        elif block.startswith("> "):
            blocks.append(("quote", "", _unescape(block[2:])))
        elif match := re.match(r"^(\d+)\. (.*)$", block, re.S):
            blocks.append(("item", f"{match[1]}.", match[2]))
        elif block.startswith("- "):
            blocks.append(("bullet", "•", block[2:]))
        else:
            blocks.append(("paragraph", "", _unescape(block)))
    return blocks


def _unescape(text: str) -> str:
    return re.sub(r"^(\d+)\\\. ", r"\1. ", text)


class ArticleView(VerticalScroll, can_focus=True):
    """Shows one post. Posts `Scrolled` as the reader moves through it."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("space", "page_down", "Page down", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    class Scrolled(Message):
        def __init__(self, article_id: str, fraction: float, at_end: bool) -> None:
            super().__init__()
            self.article_id = article_id
            self.fraction = fraction
            self.at_end = at_end

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None
        self._terms: tuple[str, ...] = ()
        self._matches: list[Static] = []
        self._current = -1
        self._restoring = False

    def compose(self):
        with Vertical(id="page"):
            yield Static(id="title")
            yield Static(id="byline")
            yield Vertical(id="blocks")

    def show(self, article: Article, byline: str, terms=(), position: float = 0.0) -> None:
        """Show a post, marking `terms` (from a search) and scrolling to `position` (0-1)."""
        self.article = article
        self._terms = tuple(terms)
        self.query_one("#title", Static).update(Text(article.title))
        self.query_one("#byline", Static).update(Text(byline))
        container = self.query_one("#blocks", Vertical)
        container.remove_children()
        widgets = []
        self._matches = []
        for kind, marker, text in body_blocks(article.body):
            content = Text(f"{marker} " if marker else "") + self._marked(text)
            widget = Static(content, classes=f"block {kind}")
            widgets.append(widget)
            if self._terms and find_match_spans(text, self._terms):
                self._matches.append(widget)
        container.mount_all(widgets)
        self._current = -1
        self._restoring = True
        self.call_after_refresh(self._scroll_to_fraction, position)

    def _marked(self, text: str) -> Text:
        rich_text = Text(text)
        for start, end in find_match_spans(text, self._terms) if self._terms else []:
            rich_text.stylize(MATCH_STYLE, start, end)
        return rich_text

    def _scroll_to_fraction(self, fraction: float) -> None:
        self.scroll_to(y=round(fraction * self.max_scroll_y), animate=False, immediate=True)
        self._restoring = False

    @property
    def match_count(self) -> int:
        return len(self._matches)

    def jump_to_match(self, step: int) -> int | None:
        """Scroll to the next (1) or previous (-1) block with a match; its number, from 1."""
        if not self._matches:
            return None
        self._current = (self._current + step) % len(self._matches)
        self.scroll_to_center(self._matches[self._current], animate=False)
        return self._current + 1

    @property
    def fraction(self) -> float:
        return 1.0 if self.max_scroll_y <= 0 else min(1.0, self.scroll_y / self.max_scroll_y)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.article is not None and not self._restoring:
            at_end = self.max_scroll_y > 0 and new >= self.max_scroll_y - 1
            self.post_message(self.Scrolled(self.article.id, self.fraction, at_end))
