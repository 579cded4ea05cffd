"""Search results in place of the tree: title, where and when, and the matching passage."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.ui.widgets.post_list import SIDEBAR_BINDINGS, PostList

if TYPE_CHECKING:  # reader.search.index imports whoosh; the app loads it only when searching
    from reader.search.index import SearchHit


def snippet_text(snippet: str) -> Text:
    """A snippet with its **marked** words highlighted."""
    text = Text()
    for i, part in enumerate(re.split(r"\*\*(.+?)\*\*", snippet)):
        text.append(part, style="reverse" if i % 2 else "")
    return text


# Below this many columns a result's passage is cut to NARROW_LINES lines, so that a
# screen shows more than one result (80x24: a 180-character passage took 7 lines).
NARROW_BELOW = 48
NARROW_LINES = 3


def trim_snippet(snippet: str, chars: int) -> str:
    """At most about `chars` characters of a **marked** snippet, whole words, keeping the
    first marked word, a third of the way in; '…' where it was cut."""
    body = snippet.strip("…")
    words = body.split(" ")
    lengths = [len(word.replace("**", "")) + 1 for word in words]
    if sum(lengths) <= chars:
        return snippet
    first = next((n for n, word in enumerate(words) if "**" in word), 0)
    start, before = first, chars // 3
    while start > 0 and lengths[start - 1] <= before:
        before -= lengths[start - 1]
        start -= 1
    end, total = start, 0
    while end < len(words) and total + lengths[end] <= chars:
        total += lengths[end]
        end += 1
    end = max(end, first + 1)  # a marked word longer than the room still shows
    head = "…" if start > 0 or snippet.startswith("…") else ""
    tail = "…" if end < len(words) or snippet.endswith("…") else ""
    return head + " ".join(words[start:end]) + tail


def hit_prompt(hit: SearchHit, snippet_chars: int | None = None) -> Text:
    prompt = Text()
    prompt.append(hit.title, style="bold")
    # Where and when; an unknown date is left out, not spelt out on every result.
    where = f"{hit.category} · {hit.date}" if hit.date else hit.category
    prompt.append(f"\n{where}\n", style="dim")
    snippet = hit.snippet if snippet_chars is None else trim_snippet(hit.snippet, snippet_chars)
    prompt.append_text(snippet_text(snippet))
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
        width = self.parent.content_region.width - 5 if self.parent else 0
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
        self.choose(event.option.id)
