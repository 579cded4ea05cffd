"""A small editor for a note on a highlight or a bookmark, in a box over the post; and a
one-line box asking for a saved search's name.

Ctrl+S saves (an empty note removes the note), Esc cancels and changes nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea


class NoteEditor(ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, heading: str, quote: str | None, note: str | None) -> None:
        super().__init__()
        self.heading = heading
        self.quote = quote
        self.note = note or ""

    def compose(self):
        with Vertical(classes="dialog", id="note-editor"):
            yield Static(Text(self.heading), classes="dialog-title")
            if self.quote:
                quote = " ".join(self.quote.split())
                quote = quote if len(quote) <= 300 else quote[:297] + "…"
                yield Static(Text(f"“{quote}”", style="italic"), id="note-quote")
            yield TextArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static("Ctrl+S save (empty: no note) · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class NameAsker(ModalScreen[str | None]):
    """Asks for a name (a saved search's, an export's file); Enter gives it, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, heading: str, value: str = "", placeholder: str = "a name", hint: str = ""
    ) -> None:
        super().__init__()
        self.heading = heading
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self):
        with Vertical(classes="dialog"):
            yield Static(Text(self.heading), classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="name")
            yield Static(Text(self.hint or "Enter save · Esc cancel"), classes="dialog-hint")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # not the main screen's search

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
