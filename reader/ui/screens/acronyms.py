"""The open post's acronyms, explained; choosing one searches every post for it."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.articles.glossary import GlossaryEntry
from reader.ui.widgets.glossary_list import GlossaryList


class AcronymsPanel(ModalScreen[str | None]):
    """Dismisses with the chosen term (to search for), or None."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("a", "dismiss", "Close", show=False),
    ]

    def __init__(self, title: str, entries: list[GlossaryEntry]) -> None:
        super().__init__()
        self.post_title = title
        self.entries = entries

    def compose(self):
        with Vertical(id="acronyms-box", classes="dialog"):
            heading = Text("Acronyms in ", style="bold")
            heading.append(f"“{self.post_title}”", style="bold italic")
            yield Static(heading, id="acronyms-title", classes="dialog-title")
            if self.entries:
                yield GlossaryList(id="acronyms-list")
            else:
                yield Static("This post uses no acronyms the glossary explains.")
            yield Static(
                "Enter: search every post for it · Esc: close",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        if self.entries:
            self.query_one(GlossaryList).show(self.entries)
            self.query_one(GlossaryList).focus()

    def on_glossary_list_term_chosen(self, message: GlossaryList.TermChosen) -> None:
        self.dismiss(message.term)
