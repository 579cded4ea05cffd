"""The search bar: an Input that hands the cursor to the results on ↓."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message

from reader.ui.widgets.text_input import TextInput


class SearchBar(TextInput):
    # Shown in the footer while typing, where the letter keys are the query's.
    BINDINGS = [
        Binding("enter", "submit", "Open"),
        Binding("down", "to_results", "Results", key_display="↓"),
        Binding("escape", "screen.back", "Back"),
        Binding("ctrl+s", "screen.save_search", "Save search"),
    ]

    class ToResults(Message):
        """The reader wants to move into the results."""

    def action_to_results(self) -> None:
        self.post_message(self.ToResults())
