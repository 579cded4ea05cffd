"""The find bar over the open post (Ctrl+F or f): the post's own matches, not a search of
every post. Matches are marked as you type; Enter or ↓ goes to the next, ↑ to the previous
("k of n"); Esc closes it and clears the marks.

It speaks in messages; the article view, which holds it, marks and scrolls.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from reader.ui.widgets.text_input import TextInput


class FindInput(TextInput):
    # In the footer while finding: the letter keys are the words'.
    BINDINGS = [
        Binding("enter", "step(1)", "Next", key_display="⏎"),
        Binding("up", "step(-1)", "Previous", key_display="↑"),
        Binding("escape", "close", "Close"),
        Binding("down", "step(1)", "Next", show=False),
    ]

    def action_step(self, step: int) -> None:
        self.post_message(FindBar.Step(step))

    def action_close(self) -> None:
        self.post_message(FindBar.Closed())


class FindBar(Horizontal):
    class Changed(Message):
        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Step(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class Closed(Message):
        pass

    def compose(self):
        yield Static("Find:", id="find-label")
        yield FindInput(placeholder="words in this post (Enter next, ↑ previous, Esc)")
        yield Static("", id="find-count")

    @property
    def input(self) -> FindInput:
        return self.query_one(FindInput)

    def open(self) -> None:
        self.display = True
        self.input.focus()
        self.input.select_all()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # not the search bar's: the screen searches every post on Changed
        self.post_message(self.Changed(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Step(1))

    def show_count(self, current: int, total: int, query: str) -> None:
        label = self.query_one("#find-count", Static)
        if not query:
            label.update("")
        elif total == 0:
            label.update("no matches")
        else:
            label.update(f"{current} of {total}")
