"""Glossary entries as a list: term, expansion, how many posts use it, and what it means."""

from __future__ import annotations

from collections import Counter

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.articles.glossary import GlossaryEntry


def entry_prompt(entry: GlossaryEntry, term_width: int, posts: int | None = None) -> Table:
    """The term in a column of its own, so expansions and explanations line up."""
    grid = Table.grid(padding=(0, 2, 0, 0), expand=True)
    grid.add_column(width=term_width, no_wrap=True)
    grid.add_column(ratio=1)
    head = Text(entry.expansion, style="bold")
    if posts is not None:
        head.append(f"  {posts} post{'' if posts == 1 else 's'}", style="dim")
    grid.add_row(Text(entry.term, style="bold"), head)
    grid.add_row("", Text(entry.explanation, style="dim"))
    grid.add_row("", "")  # a blank line between entries
    return grid


class GlossaryList(OptionList):
    """Posts `TermChosen` when the reader picks an entry (Enter or a click)."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    class TermChosen(Message):
        def __init__(self, term: str) -> None:
            super().__init__()
            self.term = term

    def show(
        self,
        entries: list[GlossaryEntry],
        counts: Counter[str] | None = None,
        term_width: int | None = None,
        keep_highlight: bool = False,
    ) -> None:
        """List `entries` (with post counts, if given); the first is highlighted, or with
        `keep_highlight` the one that was, if it is still listed."""
        width = term_width or max((len(e.term) for e in entries), default=1)
        before = self.chosen_term if keep_highlight else None
        self.clear_options()
        posts = (lambda e: None) if counts is None else (lambda e: counts[e.term])
        self.add_options([Option(entry_prompt(e, width, posts(e)), id=e.term) for e in entries])
        if entries:
            terms = [e.term for e in entries]
            self.highlighted = terms.index(before) if before in terms else 0

    @property
    def chosen_term(self) -> str | None:
        if self.option_count == 0:
            return None
        index = self.highlighted if self.highlighted is not None else 0
        return self.get_option_at_index(index).id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:  # every option is made with its term
            self.post_message(self.TermChosen(event.option.id))
