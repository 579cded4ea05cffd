"""The article pane: title, byline and body, with search matches marked and n/N jumps;
the acronyms the glossary explains are underlined, and related reading ends the post.

The body is one widget drawing rich renderables (one per Markdown block), not a widget
per paragraph: opening a long post must take milliseconds, and mounting dozens of
widgets does not.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, cast

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from reader.articles.glossary import find_acronym_matches
from reader.articles.inline import split_emphasis
from reader.articles.markdown import split_blocks, split_links_mapped
from reader.articles.model import Article
from reader.errors import ReaderError
from reader.sanitise import for_terminal
from reader.search import MatchTerm, find_match_spans
from reader.session import Entry
from reader.ui.widgets.find_bar import FindBar
from reader.ui.widgets.post_annotations import PassageAction, PostAnnotations, find_spans
from reader.ui.widgets.related_list import RelatedList

if TYPE_CHECKING:
    from reader.ui.screens.main import MainScreen

MATCH_STYLE = "reverse"
ACRONYM_STYLE = Style(underline=True)  # subtle: the words stay as they are, only underlined
BLOCK_GAP = 1  # blank lines between blocks


class Indented:
    """Text wrapped within a prefix: a hanging indent for items, a bar for quotations."""

    def __init__(
        self, text: RenderableType, first: str, rest: str, prefix_style: Style | str = "none"
    ) -> None:
        self.text = text
        self.first = first
        self.rest = rest
        self.prefix_style = (
            Style.parse(prefix_style) if isinstance(prefix_style, str) else prefix_style
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = max(len(self.first), len(self.rest))
        width = max(10, options.max_width - indent)
        lines = console.render_lines(self.text, options.update(width=width), pad=False)
        for n, line in enumerate(lines):
            yield Segment((self.first if n == 0 else self.rest).ljust(indent), self.prefix_style)
            yield from line
            yield Segment.line()


class WrappedOnce:
    """A renderable that keeps its lines for the last width it was rendered at.

    Textual renders a Static's content once to learn its height and again to draw it; a
    long post then wraps its paragraphs once, not twice.
    """

    def __init__(self, renderable) -> None:
        self.renderable = renderable
        self._key: tuple | None = None
        self._lines: list[list[Segment]] = []

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (options.max_width, options.justify, options.overflow, options.no_wrap)
        if key != self._key:
            whole = options.update(height=None)  # the caller crops to the height it wants
            self._lines = console.render_lines(self.renderable, whole, pad=False)
            self._key = key
        for line in self._lines:
            yield from line
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)


class ArticleView(PostAnnotations, VerticalScroll, can_focus=True):
    """Shows one post. Posts `Scrolled` as the reader moves through it; the find bar, the
    passage cursor and highlights come from PostAnnotations."""

    PassageAction = PassageAction

    BINDINGS = [
        # In the footer while the post has the keys: how to page it and how to go back.
        # Not while the passage cursor is on: its keys need the room (at 80 columns the
        # footer cut '? Help' off); Space still pages then, by the hidden binding below.
        Binding("space", "outside_passage('page_down')", "Page", key_display="Space"),
        # In the footer while the passage cursor is on (check_action hides them otherwise,
        # and the same keys then reach the bindings below): what the cursor is for.
        Binding("h", "in_passage('highlight')", "Highlight"),
        Binding("e", "in_passage('note')", "Note"),
        Binding("y", "in_passage('copy')", "Copy"),
        Binding("v", "in_passage('passage')", "Off"),
        Binding("space", "page_down", "Page", show=False),
        Binding("j,down", "line(1)", "Down", show=False),
        Binding("k,up", "line(-1)", "Up", show=False),
        Binding("v", "passage", "Passage", show=False),
        Binding("right_curly_bracket", "paragraph(1)", "Next paragraph", show=False),
        Binding("left_curly_bracket", "paragraph(-1)", "Previous paragraph", show=False),
        Binding("J,shift+down", "extend(1)", "Longer", show=False),
        Binding("K,shift+up", "extend(-1)", "Shorter", show=False),
        Binding("e", "note", "Note", show=False),
        Binding("x", "remove_highlight", "Unhighlight", show=False),
        Binding("y", "copy", "Copy", show=False),
        Binding("escape", "leave", "Back", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        # h: highlight the passage cursor's or the mouse's passage; with neither, to the
        # list (as ← does; PostAnnotations.action_highlight decides).
        Binding("h", "highlight", "List", key_display="←"),  # after Page, as 'l'
        Binding("left", "screen.to_list", "List", show=False),
    ]

    class Scrolled(Message):
        def __init__(self, article_id: str, fraction: float, at_end: bool) -> None:
            super().__init__()
            self.article_id = article_id
            self.fraction = fraction
            self.at_end = at_end

        def can_replace(self, message: Message) -> bool:
            """A later place in the same post supersedes this one, unless this one reached
            the end (which marks the post read) and the later one did not."""
            return (
                isinstance(message, ArticleView.Scrolled)
                and message.article_id == self.article_id
                and (message.at_end or not self.at_end)
            )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None
        self._terms: tuple[MatchTerm, ...] = ()
        self._acronyms: frozenset[str] = frozenset()
        self._renderables: list = []
        self._match_blocks: list[int] = []
        self._current = -1
        self._restoring = False
        self._before_related: float | None = None  # where r left the post, to go back
        self._reset_annotations("")
        self.links: list[tuple[str, str]] = []  # the open post's links: (text, address)

    def compose(self):
        with Vertical(id="page"):
            yield Static(id="title")
            yield Static(id="byline")
            yield Static(id="article-body")
            yield Static("Related reading", id="related-title")
            yield RelatedList(id="related")
        with Horizontal(id="post-footer"):
            yield FindBar(id="find")
            yield Static("", id="progress")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._render_body())

    def show(
        self,
        article: Article,
        byline: str,
        terms: Iterable[MatchTerm] = (),
        position: float = 0.0,
        acronyms: Collection[str] = (),
        highlights=(),
    ) -> None:
        """Show a post, marking `terms` (from a search) and `acronyms` (as written, singular:
        "PCN" marks "PCN" and "PCNs"), and scrolling to `position` (0-1)."""
        self.article = article
        self._terms = tuple(terms)
        self._acronyms = frozenset(acronyms)
        self._reset_annotations(article.body)
        self.highlights = list(highlights)
        if self.find_active:  # the find bar stays open from post to post, as a browser's
            query = self.find_bar.input.value
            self.find_spans = find_spans(self.plain, query)
            self.find_index = 0 if self.find_spans else -1
            self.find_bar.show_count(self.find_index + 1, len(self.find_spans), query)
        self.related_list.show_waiting()
        self.add_class("has-article")
        # Defence in depth: the store holds clean text, and what shows is cleaned again.
        self.query_one("#title", Static).update(Text(for_terminal(article.title, True)))
        self.query_one("#byline", Static).update(Text(for_terminal(byline, True)))
        self._render_body()
        self._current = -1
        self._before_related = None
        self._restoring = True
        self.call_after_refresh(self._scroll_to_fraction, position)

    def _render_body(self) -> None:
        if self.article is None:
            return
        theme = self.app.current_theme
        accent = Style(color=theme.accent or "yellow")
        heading = Style(bold=True, color=theme.secondary or None)
        renderables: list[RenderableType] = []
        self._match_blocks = []
        try:
            body = self.article.body
        except ReaderError as exc:  # its store was damaged or went away since the start
            body = f"This post cannot be read now: {exc}"
        self.links = []
        link_style = Style(underline=True, color=theme.primary or None)
        for n, (kind, marker, text) in enumerate(split_blocks(body)):
            text, emphasis = split_emphasis(for_terminal(text))
            text, spans, where = split_links_mapped(text)
            emphasis = [(where[start], where[end], style) for start, end, style in emphasis]
            marked, has_match = self._marked(text, emphasis)
            for start, end, url in spans:
                # A click follows it (MainScreen.action_follow_link); L lists them all.
                click = Style.from_meta({"@click": f"screen.follow_link({len(self.links)})"})
                marked.stylize(link_style + click, start, end)
                self.links.append((text[start:end], url))
            self._annotate_text(n, marked)
            if has_match:
                self._match_blocks.append(n)
            if kind == "heading":
                marked.stylize(heading)
                renderables.append(marked)
            elif kind == "quote":
                marked.stylize("italic")
                renderables.append(Indented(marked, "▌ ", "▌ ", accent))
            elif kind in ("item", "bullet"):
                renderables.append(
                    Indented(marked, f"{marker} ", "", accent if kind == "bullet" else "")
                )
            else:
                renderables.append(marked)
            renderables[-1] = self._annotate_block(n, renderables[-1])
        self._renderables = renderables
        detached = self.detached_note()
        rendered = WrappedOnce(Group(*_spaced(renderables + ([detached] if detached else []))))
        self.query_one("#article-body", Static).update(rendered)

    def _marked(self, text: str, emphasis: list[tuple[int, int, str]]) -> tuple[Text, bool]:
        """The block's text (marks removed) with its emphasis, acronyms and search matches
        styled; whether it has a match."""
        rich_text = Text(text)
        for start, end, style in emphasis:
            rich_text.stylize(style, start, end)
        for match in find_acronym_matches(text) if self._acronyms else []:
            if match.acronym in self._acronyms:
                rich_text.stylize(ACRONYM_STYLE, match.start, match.end)
        spans = find_match_spans(text, self._terms) if self._terms else []
        for start, end in spans:
            rich_text.stylize(MATCH_STYLE, start, end)
        return rich_text, bool(spans)

    # -- the find bar, highlights, progress (PostAnnotations draws them) -------------

    @property
    def find_bar(self) -> FindBar:
        return self.query_one(FindBar)

    @property
    def find_active(self) -> bool:
        return bool(self.find_bar.display)

    def open_find(self) -> None:
        self.query_one("#post-footer").add_class("finding")  # the bar takes the whole line
        self.find_bar.open()

    def close_find(self) -> None:
        self.find_bar.display = False
        self.query_one("#post-footer").remove_class("finding")
        self.find_bar.input.value = ""
        self.clear_find()
        self.focus()

    def on_find_bar_changed(self, message: FindBar.Changed) -> None:
        current, total = self.set_find(message.query)
        self.find_bar.show_count(current, total, message.query)

    def on_find_bar_step(self, message: FindBar.Step) -> None:
        self.find_next(message.step)

    def on_find_bar_closed(self, _message: FindBar.Closed) -> None:
        self.close_find()

    def find_next(self, step: int) -> None:
        current, total = self.find_step(step)
        self.find_bar.show_count(current, total, self.find_bar.input.value)

    def set_highlights(self, highlights) -> None:
        self.highlights = list(highlights)
        self._render_body()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "in_passage":
            return self.passage is not None
        if action == "outside_passage":
            return self.passage is None
        return True

    # -- moving through the post: each move from where the last one was going ---------
    # Textual's own scroll actions start after the next refresh and page from where the
    # view is drawn: keys straight after one (Space Space, G v) went from the old place.

    def page(self, step: int, animate: bool = True) -> None:
        """A page down (1) or up (-1)."""
        height = self.scrollable_content_region.height
        self.scroll_to(y=self._view_top + step * height, animate=animate, immediate=True)

    def action_page_down(self) -> None:
        self.page(1)

    def action_page_up(self) -> None:
        self.page(-1)

    def action_scroll_home(self) -> None:
        self.scroll_to(y=0, immediate=True)

    def action_scroll_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, immediate=True)

    async def action_in_passage(self, action: str) -> None:
        await self.run_action(action)

    async def action_outside_passage(self, action: str) -> None:
        await self.run_action(action)

    def action_leave(self) -> None:
        """Esc: out of the passage cursor, else close the find bar, else the screen's Esc."""
        if self.passage is not None:
            self.leave_passage()
        elif self.find_active:
            self.close_find()
        else:
            cast("MainScreen", self.screen).action_back()

    def _update_progress(self) -> None:
        if self.article is None:
            return
        fraction = self.read_fraction
        left = max(0, round(self.article.words * (1 - fraction) / 230))
        if fraction >= 0.999:
            text = "100% · end"
        else:
            text = f"{round(fraction * 100)}% · {left or '<1'} min left"
        self.query_one("#progress", Static).update(text)

    def mark_terms(self, terms: Iterable[MatchTerm]) -> None:
        """Mark other search terms in the open post (none: no marks), where it is."""
        if tuple(terms) != self._terms:
            self._terms = tuple(terms)
            self._current = -1
            self._render_body()

    def set_measure(self, columns: int) -> None:
        """The longest line of the post's text, in columns."""
        for widget in self.query("#page, #article-body"):
            widget.styles.max_width = columns

    @property
    def related_list(self) -> RelatedList:
        return self.query_one(RelatedList)

    def show_related(self, entries: list[Entry]) -> None:
        self.related_list.show_entries(entries)
        self.call_after_refresh(self._update_progress)

    def focus_related(self) -> None:
        """Into the related posts at the end of the post (scrolled into view)."""
        self._restoring = False
        self._before_related = self.scroll_y
        self.scroll_end(animate=False, immediate=True)
        self.related_list.focus()

    def leave_related(self) -> None:
        """Back from the related posts to the post, where the reader was in it."""
        self.focus()
        if self._before_related is not None:
            self.scroll_to(y=self._before_related, animate=False, immediate=True)
            self._before_related = None

    def _scroll_to_fraction(self, fraction: float) -> None:
        if not self._restoring:
            self._update_progress()
            return  # the reader moved first (r to related reading): their place wins
        self.scroll_to(y=round(fraction * self.max_scroll_y), animate=False, immediate=True)
        self._restoring = False
        self.call_after_refresh(self._update_progress)

    @property
    def match_count(self) -> int:
        return len(self._match_blocks)

    def jump_to_match(self, step: int) -> int | None:
        """Scroll to the next (1) or previous (-1) block with a match; its number, from 1."""
        if not self._match_blocks:
            return None
        self._current = (self._current + step) % len(self._match_blocks)
        self.scroll_to(y=self._block_y(self._match_blocks[self._current]) - 2, animate=False)
        return self._current + 1

    def _block_y(self, index: int) -> int:
        """The line where block `index` starts in this pane's scrollable area."""
        body = self.query_one("#article-body", Static)
        width = body.content_region.width or body.size.width
        options = self.app.console.options.update(width=max(10, width))
        lines = 0
        for renderable in self._renderables[:index]:
            lines += len(self.app.console.render_lines(renderable, options, pad=False)) + BLOCK_GAP
        return body.virtual_region.y - self.virtual_region.y + lines

    @property
    def fraction(self) -> float:
        return 1.0 if self.max_scroll_y <= 0 else min(1.0, self.scroll_y / self.max_scroll_y)

    @property
    def read_fraction(self) -> float:
        """How much of the post's text has been read: 1 once its last line is in view, however
        long the related reading below it grows when it arrives."""
        body = self.query_one("#article-body", Static)
        bottom = body.virtual_region.bottom - self.virtual_region.y
        end = bottom - self.scrollable_content_region.height
        return 1.0 if end <= 0 else min(1.0, self.scroll_y / end)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._update_progress()
        if self.article is not None and not self._restoring:
            at_end = self.max_scroll_y > 0 and new >= self.max_scroll_y - 1
            self.post_message(self.Scrolled(self.article.id, self.fraction, at_end))


def _spaced(renderables: list) -> list:
    out = []
    for n, renderable in enumerate(renderables):
        if n:
            out.append(Text("\n" * (BLOCK_GAP - 1)) if BLOCK_GAP > 1 else Text(""))
        out.append(renderable)
    return out
