"""Search results in place of the tree: title, where and when, and the matching passage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.articles.model import shown_date
from reader.sanitise import for_terminal
from reader.ui.widgets.post_list import SIDEBAR_BINDINGS, PostList

if TYPE_CHECKING:  # reader.search.index imports whoosh; the app loads it only when searching
    from reader.search import SearchHit

Span = tuple[int, int]

# Below this many columns a result's passage is cut to NARROW_LINES lines, so that a
# screen shows more than one result (80x24: a 180-character passage took 7 lines).
NARROW_BELOW = 48
NARROW_LINES = 3


def snippet_text(snippet: str, spans: tuple[Span, ...]) -> Text:
    """A snippet with its matched stretches highlighted."""
    shown = for_terminal(snippet, single_line=True)  # stored clean: almost always the same
    if shown != snippet:
        spans = ()  # the offsets no longer fit; the words are still found
    text = Text(shown)
    for start, end in spans:
        text.stylize("reverse", start, end)
    return text


def trim_snippet(snippet: str, spans: tuple[Span, ...], chars: int) -> tuple[str, tuple[Span, ...]]:
    """At most about `chars` characters of a snippet, whole words, keeping the first
    matched stretch a third of the way in; '…' where it was cut. The spans move with it."""
    if len(snippet) <= chars:
        return snippet, spans
    body_start = 1 if snippet.startswith("…") else 0
    body_end = len(snippet) - (1 if snippet.endswith("…") else 0)
    first = spans[0] if spans else (body_start, body_start)
    start = max(body_start, first[0] - chars // 3)
    if start > body_start and snippet[start - 1] != " ":  # from the start of a word
        space = snippet.find(" ", start, first[0])
        start = space + 1 if space >= 0 else first[0]
    end = min(body_end, start + chars)
    if end < body_end:  # to the end of a word
        space = snippet.rfind(" ", start, end + 1)
        end = space if space > start else end
    end = max(end, first[1])  # a matched stretch longer than the room still shows
    head = "…" if start > 0 else ""
    tail = "…" if end < len(snippet) else ""
    shift = len(head) - start
    kept = tuple(
        (max(a, start) + shift, min(b, end) + shift) for a, b in spans if a < end and b > start
    )
    return head + snippet[start:end] + tail, kept


def hit_prompt(hit: SearchHit, snippet_chars: int | None = None) -> Text:
    prompt = Text()
    prompt.append(for_terminal(hit.title, single_line=True), style="bold")
    # Where and when; an unknown date is left out, not spelt out on every result.
    when = shown_date(hit.date)
    where = f"{hit.category} · {when}" if when else hit.category
    prompt.append(f"\n{for_terminal(where, single_line=True)}", style="dim")
    label = hit.matched_label  # said after where and when
    if label:
        prompt.append(" · ", style="dim")
        prompt.append(label, style="italic")
    prompt.append("\n")
    snippet, spans = hit.snippet, hit.highlights
    if snippet_chars is not None:
        snippet, spans = trim_snippet(snippet, spans, snippet_chars)
    prompt.append_text(snippet_text(snippet, spans))
    prompt.append("\n")  # a blank line between results
    return prompt


class ResultsList(OptionList, PostList):
    BINDINGS = [
        Binding("enter", "select", "Open"),
        *SIDEBAR_BINDINGS,
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    def show_hits(self, hits: tuple[SearchHit, ...]) -> None:
        # Measured on the column the list sits in: the list itself is not shown (and has
        # no width) when the first results of a search arrive. Less its bar, scrollbar
        # and the options' padding.
        width = self.parent.content_region.width - 5 if isinstance(self.parent, Widget) else 0
        chars = NARROW_LINES * width if 0 < width < NARROW_BELOW else None
        self.clear_options()
        self.add_options([Option(hit_prompt(h, chars), id=h.id) for h in hits])
        if hits:
            self.highlighted = 0

    @property
    def chosen_id(self) -> str | None:
        if self.option_count == 0:
            return None
        index = self.highlighted if self.highlighted is not None else 0
        return self.get_option_at_index(index).id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:  # every option is made with its post's id
            self.choose(event.option.id)
