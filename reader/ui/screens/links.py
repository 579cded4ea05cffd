"""The open post's links: Enter follows one (a post the reader holds opens in the app,
anything else in the browser)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class LinksScreen(ModalScreen[str | None]):
    """Dismisses with the chosen link's address, or None."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("L", "dismiss", "Close", show=False),
        Binding("j", "cursor('down')", "Down", show=False),
        Binding("k", "cursor('up')", "Up", show=False),
    ]

    def __init__(self, title: str, links: list[tuple[str, str]]) -> None:
        super().__init__()
        self.post_title = title
        self.links = links

    def compose(self):
        with Vertical(id="links-box", classes="dialog"):
            heading = Text("Links in ", style="bold")
            heading.append(f"“{self.post_title}”", style="bold italic")
            yield Static(heading, classes="dialog-title")
            options = []
            for n, (text, url) in enumerate(self.links):
                label = Text(f"{n + 1:>2}. ", style="dim")
                label.append(text or url)
                label.append(f"  {url}", style="dim")
                options.append(Option(label, id=str(n)))
            yield OptionList(*options, id="links-list")
            yield Static(
                "Enter: follow (a post you hold opens here, others in the browser) · Esc: close",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_cursor(self, where: str) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if where == "down" else options.action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[int(event.option.id or 0)][1])
