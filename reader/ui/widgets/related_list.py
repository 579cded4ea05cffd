"""Related reading at the end of a post: five posts like it, one line each."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.session import RELATED_LIMIT, Entry
from reader.ui.widgets.post_list import PostList


def related_prompt(title: str) -> Table:
    """A title, wrapped under itself rather than under the marker."""
    grid = Table.grid()
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row("›", Text(title))
    return grid


class RelatedList(OptionList, PostList):
    """Posts `PostChosen` when the reader picks a post (Enter or a click)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.article_ids: list[str] = []

    def show_waiting(self) -> None:
        # As many lines as the answer will take, so the page does not grow when it comes.
        self._show_note("Finding related posts…", RELATED_LIMIT)

    def show_unavailable(self) -> None:
        self._show_note("Related posts need the search index, which is unavailable.", 1)

    def show_entries(self, entries: list[Entry]) -> None:
        self.article_ids = [e.id for e in entries]
        self.clear_options()
        if not entries:
            self._show_note("No related posts.", 1)
            return
        self.add_options([Option(related_prompt(e.title), id=e.id) for e in entries])
        self.highlighted = 0

    def _show_note(self, note: str, lines: int) -> None:
        self.article_ids = []
        self.clear_options()
        blank = [Option("", disabled=True) for _ in range(lines - 1)]
        self.add_options([Option(Text(note, style="dim italic"), disabled=True), *blank])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.choose(event.option.id)

    @property
    def chosen_id(self) -> str | None:
        index = self.highlighted
        if index is None or index >= len(self.article_ids):
            return None
        return self.article_ids[index]
