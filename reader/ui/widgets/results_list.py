"""Search results in place of the tree: title, where and when, and the matching passage."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:  # reader.search imports whoosh; the app loads it only when searching
    from reader.search import SearchHit


def snippet_text(snippet: str) -> Text:
    """A snippet with its **marked** words highlighted."""
    text = Text()
    for i, part in enumerate(re.split(r"\*\*(.+?)\*\*", snippet)):
        text.append(part, style="reverse" if i % 2 else "")
    return text


def hit_prompt(hit: SearchHit) -> Text:
    prompt = Text()
    prompt.append(hit.title, style="bold")
    prompt.append(f"\n{hit.category} · {hit.date or 'date unknown'}\n", style="dim")
    prompt.append_text(snippet_text(hit.snippet))
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
        self.clear_options()
        self.add_options([Option(hit_prompt(h), id=h.id) for h in hits])
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
