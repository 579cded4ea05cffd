"""What the article view draws over the post's text: the find bar's matches, the passage
cursor, and highlights with their notes; and the keys that move the passage cursor.

The ArticleView takes this as a mixin; offsets are in the post's plain text
(reader.articles.text), the same offsets a highlight is stored by.

Marks, each still visible with NO_COLOR:
    find match       reversed (the current one also bold and underlined)
    passage cursor   reversed, and ▶ in the margin
    highlight        the theme's highlight colour behind it, and ┃ in the margin
    note             beneath its highlight's paragraph, after ✎
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.message import Message

from reader.articles.anchoring import find_quote
from reader.articles.markdown import plain_text as body_plain_text
from reader.articles.text import BLOCK_SEPARATOR, Block, blocks_with_offsets, sentence_spans
from reader.store.highlights import Highlight

FIND_STYLE = Style(reverse=True)
FIND_CURRENT_STYLE = Style(reverse=True, bold=True, underline=True)
CURSOR_STYLE = Style(reverse=True)
CURSOR_GUTTER = "▶ "
HIGHLIGHT_GUTTER = "┃ "
NOTE_MARK = "✎ "


def find_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Every place `query` is in `text`, case ignored (the find bar's matches)."""
    if not query.strip():
        return []
    return [m.span() for m in re.finditer(re.escape(query), text, re.IGNORECASE)]


class PassageToggled(Message):
    """The passage cursor came on or went off (the footer shows other keys)."""

    def __init__(self, on: bool) -> None:
        super().__init__()
        self.on = on


class PassageAction(Message):
    """The reader asked to do something with a passage: highlight, note, remove, copy."""

    def __init__(
        self, action: str, start: int, end: int, highlight: Highlight | None = None
    ) -> None:
        super().__init__()
        self.action = action  # "highlight", "note", "remove", "copy", "bookmark_note"
        self.start = start
        self.end = end
        self.highlight = highlight


if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.containers import VerticalScroll

    from reader.ui.screens.main import MainScreen

    class _Host(VerticalScroll):
        """What ArticleView, which takes this mixin, gives it."""

        _renderables: list[RenderableType]

        def _render_body(self) -> None: ...

        def _block_y(self, index: int) -> int: ...

else:
    _Host = object


class PostAnnotations(_Host):
    """Mixed into ArticleView (a VerticalScroll)."""

    def _reset_annotations(self, body: str) -> None:
        self._blocks: list[Block] = blocks_with_offsets(body)
        self.plain = body_plain_text(body)
        self._sentences = [
            span for b in self._blocks for span in sentence_spans(b.text, b.start)
        ] or [(b.start, b.end) for b in self._blocks]
        self.passage: tuple[int, int] | None = None
        self.refresh_bindings()
        self.highlights: list[Highlight] = []
        self.find_spans: list[tuple[int, int]] = []
        self.find_index = -1

    # -- drawing ---------------------------------------------------------------------

    def _highlight_style(self) -> Style:
        theme = self.app.current_theme
        back = Color.parse(theme.background or ("#ffffff" if not theme.dark else "#000000"))
        tint = Color.parse(theme.warning or "#ffcc00")
        return Style(bgcolor=back.blend(tint, 0.35).rich_color)

    def _annotate_text(self, n: int, text: Text) -> None:
        """Style the block's text: highlights, find matches, the passage cursor."""
        block = self._blocks[n]
        style = self._highlight_style()
        for h in self.highlights:
            self._stylize(text, block, h.start, h.end, style, h.detached)
        for i, (s, e) in enumerate(self.find_spans):
            if s < block.end and e > block.start:
                current = i == self.find_index
                self._stylize(text, block, s, e, FIND_CURRENT_STYLE if current else FIND_STYLE)
        if self.passage:
            self._stylize(text, block, *self.passage, CURSOR_STYLE)

    @staticmethod
    def _stylize(text, block, start, end, style, skip=False) -> None:
        if skip or start >= block.end or end <= block.start:
            return
        text.stylize(style, max(0, start - block.start), min(len(block.text), end - block.start))

    def _annotate_block(self, n: int, renderable):
        """The block with its margin mark and the notes of highlights ending in it."""
        from reader.ui.widgets.article_view import Indented

        block = self._blocks[n]
        mine = [
            h
            for h in self.highlights
            if not h.detached and h.start < block.end and h.end > block.start
        ]
        gutter = ""
        if self.passage and self.passage[0] < block.end and self.passage[1] > block.start:
            gutter = CURSOR_GUTTER
        elif mine:
            gutter = HIGHLIGHT_GUTTER
        notes = [
            Text(NOTE_MARK + " ".join(h.note.split()), style="italic dim")
            for h in mine
            if h.note and block.start < h.end <= block.end
        ]
        if not gutter and not notes:
            return renderable
        colour = Style(color=self.app.current_theme.warning or "yellow", bold=True)
        inner = Group(renderable, *notes) if notes else renderable
        mark = gutter or "  "
        return Indented(inner, mark, mark if mark == HIGHLIGHT_GUTTER else "  ", colour)

    def detached_note(self) -> Text | None:
        """A line for the highlights no longer found in the post (kept, not dropped)."""
        lost = [h for h in self.highlights if h.detached]
        if not lost:
            return None
        quotes = "; ".join(f"“{' '.join(h.quote.split())[:60]}”" for h in lost)
        return Text(
            f"Detached ({len(lost)}), no longer found in the post: {quotes}", style="dim italic"
        )

    # -- where things are ------------------------------------------------------------

    def _block_at(self, offset: int) -> int:
        for n, block in enumerate(self._blocks):
            if offset < block.end + len(BLOCK_SEPARATOR):
                return n
        return max(0, len(self._blocks) - 1)

    def _offset_y(self, offset: int) -> int:
        """The line of the pane's scrollable area where plain-text `offset` is drawn."""
        n = self._block_at(offset)
        block = self._blocks[n]
        y = self._block_y(n)
        body = self.query_one("#article-body")
        width = max(10, (body.content_region.width or body.size.width) - 4 - len(block.marker))
        before = block.text[: max(0, offset - block.start)]
        if before:
            options = self.app.console.options.update(width=width)
            lines = self.app.console.render_lines(Text(before + "x"), options, pad=False)
            y += len(lines) - 1
        return y

    def _show_offset(self, offset: int) -> None:
        y = self._offset_y(offset)
        height = self.scrollable_content_region.height
        top = self._view_top
        if not top + 1 <= y <= top + height - 3:
            self.scroll_to(y=max(0, y - 3), animate=False, immediate=True)

    def _block_tops(self) -> list[int]:
        """Where each block starts, in one pass (each block rendered once)."""
        from reader.ui.widgets.article_view import BLOCK_GAP

        body = self.query_one("#article-body")
        width = body.content_region.width or body.size.width
        options = self.app.console.options.update(width=max(10, width))
        y = body.virtual_region.y - self.virtual_region.y
        tops = []
        for renderable in self._renderables:
            tops.append(y)
            y += len(self.app.console.render_lines(renderable, options, pad=False)) + BLOCK_GAP
        return tops

    @property
    def _view_top(self) -> float:
        """The top of the view, or where it is going while a scroll (g, G, Space) glides:
        a key pressed before it lands means the place the reader asked for."""
        if self.app.animator.is_being_animated(self, "scroll_y"):
            return self.scroll_target_y
        return self.scroll_y

    def _top_offset(self) -> int:
        """The plain-text offset of the first block at or below the top of the view."""
        top_of_view = self._view_top
        for n, top in enumerate(self._block_tops()):
            if top >= top_of_view and n < len(self._blocks):
                return self._blocks[n].start
        return self._blocks[-1].start if self._blocks else 0

    # -- the find bar ----------------------------------------------------------------

    def set_find(self, query: str) -> tuple[int, int]:
        """Mark `query` (case ignored) in the post; go to the first match from the top of
        the view. (k, n): the current match and how many."""
        self.find_spans = find_spans(self.plain, query)
        self.find_index = -1
        if self.find_spans:
            top = self._top_offset()
            self.find_index = next((i for i, (s, _e) in enumerate(self.find_spans) if s >= top), 0)
        self._render_body()
        if self.find_index >= 0:
            self._show_offset(self.find_spans[self.find_index][0])
        return self.find_index + 1, len(self.find_spans)

    def find_step(self, step: int) -> tuple[int, int]:
        if not self.find_spans:
            return 0, 0
        self.find_index = (self.find_index + step) % len(self.find_spans)
        self._render_body()
        self._show_offset(self.find_spans[self.find_index][0])
        return self.find_index + 1, len(self.find_spans)

    def clear_find(self) -> None:
        self.find_spans, self.find_index = [], -1
        self._render_body()

    # -- the passage cursor ----------------------------------------------------------

    def _sentence_at(self, offset: int) -> int:
        for i, (_s, e) in enumerate(self._sentences):
            if offset < e:
                return i
        return len(self._sentences) - 1

    def start_passage(self) -> None:
        if not self._sentences:
            return
        top = self._top_offset()
        self.passage = self._sentences[self._sentence_at(top)]
        self.refresh_bindings()  # the footer shows what the cursor is for
        self.post_message(PassageToggled(True))
        self._render_body()
        self._show_offset(self.passage[0])

    def leave_passage(self) -> None:
        was_on, self.passage = self.passage is not None, None
        self.refresh_bindings()
        if was_on:
            self.post_message(PassageToggled(False))
        self._render_body()

    def move_passage(self, step: int, by: str = "sentence") -> None:
        """To the next/previous sentence, or (by paragraph) the whole next/previous block."""
        if self.passage is None:
            return
        start, end = self.passage
        if by == "paragraph":
            n = self._block_at(start if step < 0 else end - 1) + step
            n = min(max(n, 0), len(self._blocks) - 1)
            self.passage = (self._blocks[n].start, self._blocks[n].end)
        else:
            i = self._sentence_at(end - 1) + 1 if step > 0 else self._sentence_at(start) - 1
            self.passage = self._sentences[min(max(i, 0), len(self._sentences) - 1)]
        self._render_body()
        self._show_offset(self.passage[0] if step < 0 else self.passage[1] - 1)

    def extend_passage(self, step: int) -> None:
        """One sentence more (1) or fewer (-1) at the passage's end."""
        if self.passage is None:
            return
        start, end = self.passage
        last = self._sentence_at(end - 1)
        first = self._sentence_at(start)
        last = min(max(last + step, first), len(self._sentences) - 1)
        self.passage = (start, max(self._sentences[last][1], start + 1))
        self._render_body()
        self._show_offset(self.passage[1] - 1)

    def highlight_under_passage(self) -> Highlight | None:
        if self.passage is None:
            return None
        s, e = self.passage
        mine = [h for h in self.highlights if not h.detached and h.start < e and h.end > s]
        return min(mine, key=lambda h: abs(h.start - s), default=None)

    # -- actions (keys bound in ArticleView) -----------------------------------------

    def action_passage(self) -> None:
        if self.passage is None:
            self.start_passage()
        else:
            self.leave_passage()

    def action_line(self, step: int) -> None:
        if self.passage is not None:
            self.move_passage(step)
        elif step > 0:
            self.scroll_down()
        else:
            self.scroll_up()

    def action_paragraph(self, step: int) -> None:
        if self.passage is None:
            self.start_passage()
        self.move_passage(step, by="paragraph")

    def action_extend(self, step: int) -> None:
        if self.passage is None:
            self.start_passage()
        else:
            self.extend_passage(step)

    def action_highlight(self) -> None:
        if self.passage is not None:
            self.post_message(PassageAction("highlight", *self.passage))
            return
        span = self._mouse_selection()
        if span is not None:
            self.post_message(PassageAction("highlight", *span))
            return
        cast(
            "MainScreen", self.screen
        ).action_to_list()  # h with nothing to highlight: vim's left, to the list

    def _mouse_selection(self) -> tuple[int, int] | None:
        """The text selected with the mouse, found in the post (nearest the view)."""
        try:
            selected = self.screen.get_selected_text()
        except Exception:  # an older Textual without selection: no mouse highlights
            return None
        if not selected or not selected.strip():
            return None
        # Lines of a selection carry the margins the pane draws; the words are what count.
        cleaned = re.sub(r"(?m)^\s*(?:[▌┃▶•]\s*)+", "", selected)
        found = find_quote(self.plain, cleaned) or find_quote(self.plain, selected)
        if not found:
            return None
        top = self._top_offset()
        return min(found, key=lambda span: abs(span[0] - top))

    def action_note(self) -> None:
        h = self.highlight_under_passage()
        if h is not None:
            self.post_message(PassageAction("note", h.start, h.end, h))
        elif self.passage is not None:
            self.post_message(PassageAction("note", *self.passage))
        else:
            self.post_message(PassageAction("bookmark_note", 0, 0))

    def action_remove_highlight(self) -> None:
        h = self.highlight_under_passage()
        if h is None:
            self.notify("No highlight under the passage cursor (v, then j/k to one).")
            return
        self.post_message(PassageAction("remove", h.start, h.end, h))

    def action_copy(self) -> None:
        h = self.highlight_under_passage()
        if h is not None:
            self.post_message(PassageAction("copy", h.start, h.end, h))
        elif self.passage is not None:
            self.post_message(PassageAction("copy", *self.passage))
        elif self._blocks:
            block = self._blocks[self._block_at(self._top_offset())]
            self.post_message(PassageAction("copy", block.start, block.end))
