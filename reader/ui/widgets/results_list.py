"""Search results in place of the tree: title, where and when, and the matching passage."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

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


# How a hit matched (SearchHit.matched), said after where and when: posts after the
# strict results hold only some of the words, or none and are close in meaning.
MATCHED_LABELS = {"some": "some of your words", "meaning": "close in meaning"}


def hit_prompt(hit: SearchHit, snippet_chars: int | None = None) -> Text:
    prompt = Text()
    prompt.append(hit.title, style="bold")
    prompt.append(f"\n{hit.category} · {hit.date or 'date unknown'}", style="dim")
    label = MATCHED_LABELS.get(getattr(hit, "matched", "all"))
    if label:
        prompt.append(" · ", style="dim")
        prompt.append(label, style="italic")
    prompt.append("\n")
    snippet = hit.snippet if snippet_chars is None else trim_snippet(hit.snippet, snippet_chars)
    prompt.append_text(snippet_text(snippet))
    prompt.append("\n")  # a blank line between results
    return prompt


class ResultsList(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    class PostChosen(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

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
        self.post_message(self.PostChosen(event.option.id))
