"""Every glossary term, with how many posts use it; type to filter, Enter to search for it.

Counting reads every post's body, which in a large imported library takes a moment, so it
runs in a thread worker: the terms show at once and the counts follow.
"""

from __future__ import annotations

import re
from collections import Counter

from textual import work
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from reader.articles.glossary import GlossaryEntry
from reader.session import Session
from reader.ui.widgets.glossary_list import GlossaryList


class CountsReady(Message):
    def __init__(self, counts: Counter[str]) -> None:
        super().__init__()
        self.counts = counts


def filtered(entries: list[GlossaryEntry], text: str) -> list[GlossaryEntry]:
    """The entries a filter matches, each of its words starting a word of the entry: those
    it finds in a name (the term, its expansion, other spellings) first, then those it
    finds only with the explanation too. "ics" is ICS, not "paramedics"."""
    wanted = text.casefold().split()

    def found(fields) -> bool:
        words = re.findall(r"[\w&]+", " ".join(fields).casefold())
        return all(any(word.startswith(w) for word in words) for w in wanted)

    by_name, by_meaning = [], []
    for entry in entries:
        names = (entry.term, entry.expansion, *entry.also)
        if found(names):
            by_name.append(entry)
        elif found((*names, entry.explanation)):
            by_meaning.append(entry)
    return by_name + by_meaning


class GlossaryScreen(ModalScreen[str | None]):
    """Dismisses with the chosen term (to search for), or None."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("down", "to_list", "List", show=False),
        Binding("slash", "to_filter", "Filter", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.counts: Counter[str] | None = None

    def compose(self):
        with Vertical(id="glossary-box", classes="dialog"):
            yield Static(id="glossary-title", classes="dialog-title")
            yield Input(
                placeholder="Filter: a term or a word of its meaning",
                id="glossary-filter",
                compact=True,
            )
            yield GlossaryList(id="glossary-list")
            yield Static(
                "Enter: search the posts for it · ↓ list · / filter · Esc: close",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.query_one(Input).cursor_blink = False  # steady screens for snapshots
        self._refill()
        self._count()

    @work(thread=True, exclusive=True, group="glossary-counts", exit_on_error=False)
    def _count(self) -> None:
        self.post_message(CountsReady(self.session.term_counts()))

    def on_counts_ready(self, message: CountsReady) -> None:
        self.counts = message.counts
        self._refill(keep_highlight=True)

    @property
    def shown(self) -> list[GlossaryEntry]:
        return filtered(list(self.session.glossary), self.query_one(Input).value)

    def _refill(self, keep_highlight: bool = False) -> None:
        entries = self.shown
        width = max((len(e.term) for e in self.session.glossary), default=1)
        self.query_one(GlossaryList).show(entries, self.counts, width, keep_highlight)
        total = len(self.session.glossary)
        title = f"Glossary · {total} terms"
        if len(entries) != total:
            title += f" · {len(entries)} shown"
        self.query_one("#glossary-title", Static).update(title)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        term = self.query_one(GlossaryList).chosen_term
        if term is not None:
            self.dismiss(term)

    def on_glossary_list_term_chosen(self, message: GlossaryList.TermChosen) -> None:
        self.dismiss(message.term)

    def action_to_list(self) -> None:
        self.query_one(GlossaryList).focus()

    def action_to_filter(self) -> None:
        self.query_one(Input).focus()
