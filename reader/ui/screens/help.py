"""Every key, on one screen."""

from __future__ import annotations

from rich.table import Table
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("Reading", ""),
    ("j / k, ↓ / ↑", "move in the list; scroll the post"),
    ("Enter", "in the list: open the post under the cursor (the keys stay in the list)"),
    ("→ / l, ← / h", "from the list to the post, and back"),
    ("Tab", "switch between the list and the post"),
    ("Space / PgDn, PgUp", "scroll the post a page (Space in the list pages the open post)"),
    ("g / G", "top / bottom"),
    ("b", "bookmark the open post (again to remove)"),
    ("B", "show bookmarks (with their notes)"),
    (
        "m",
        "mark the open post read / unread (read anyway at its end, or 5 s after you open it)",
    ),
    (
        "n / N",
        "next / previous unread post, round past the end; while searching, next / previous"
        " match in the open post only",
    ),
    ("Layout", ""),
    ("t", "show or hide the list (it folds away on narrow terminals)"),
    ("< / >", "the list narrower / wider (or drag the line beside it); kept"),
    ("- / +, =", "the text's lines shorter / longer, 60 to 120 columns; kept"),
    ("Reading for work", ""),
    (
        "f / Ctrl+F",
        "find in the open post: marks as you type, Enter or ↓ next, ↑ previous, Esc closes",
    ),
    ("n / N", "while the find bar is open: next / previous match in the post"),
    ("v", "passage cursor on (a sentence at the top of the view); v or Esc: off"),
    ("j / k (cursor on)", "next / previous sentence"),
    ("} / {", "next / previous paragraph (the whole paragraph)"),
    ("J / K, Shift+↓ / Shift+↑", "one sentence more / fewer"),
    ("h", "highlight the passage (or the text selected with the mouse); with neither: to the list"),
    ("e", "note on the highlight under the cursor (or on the passage); else on the bookmark"),
    ("x", "remove the highlight under the cursor"),
    ("y", "copy the passage, highlight or top paragraph, with title, author, date, source"),
    ("H", "show the Highlights section"),
    ("Ctrl+S", "in the search bar: save the search under a name (the Saved searches section)"),
    ("Glossary & related", ""),
    ("a", "the open post's acronyms (underlined), explained"),
    ("A", "glossary: every acronym and how many posts use it"),
    ("r", "related reading at the end of the post (r again: back)"),
    ("The web", ""),
    ("S", "sync now: fetch new posts from the sites (progress above the list; see New)"),
    ("o", "open the post's page on the web in the browser"),
    ("L", "the post's links: Enter follows one (a post you hold opens here); or click one"),
    ("Searching", ""),
    ("/", "search all posts; results update as you type"),
    ("↓", "from the search bar into the results"),
    ("Enter", "open the highlighted (or first) result; with none, take 'Did you mean'"),
    ("Esc", "leave the search (and its marks in the post), back to the list as it was"),
    ("General", ""),
    (
        "Ctrl+P",
        "command palette: open a post by title, jump to a category or topic, search for an"
        " acronym, theme",
    ),
    ("?", "this help"),
    ("q", "quit (Esc goes back)"),
]

# The tree: "16/18" is unread of all; "18" alone when every post in it is read. Before a
# post's title, "●" unread and "★" bookmarked.
LEGEND = (
    "The list: 16/18 after a section is its unread posts of all (18 alone: all read); "
    "before a title, ● is unread and ★ bookmarked."
)

QUERY_HELP = (
    'Search: plain words must all match · "exact phrase" · OR · NOT word or -word · '
    "prefix* · fuzzy~ · title: category: topic: · date:2013 or date:2013-07..2013-12. "
    "British and American spellings, and acronyms and their expansions, find each other."
)


def keys_table() -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for key, what in KEYS:
        if not what:
            table.add_row(f"\n{key}", "", style="underline")
        else:
            table.add_row(key, what)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
        Binding("g", "scroll('home')", "Top", show=False),
        Binding("G", "scroll('end')", "Bottom", show=False),
    ]

    def action_scroll(self, where: str) -> None:
        """j/k/g/G scroll the keys, as they scroll a post (a small terminal needs it)."""
        box = self.query_one("#help-box", VerticalScroll)
        getattr(box, f"scroll_{where}")(animate=False)

    def compose(self):
        with VerticalScroll(id="help-box"):
            yield Static("Keys", id="help-title")
            yield Static(keys_table(), id="help-keys")
            yield Static(LEGEND, id="help-legend")
            yield Static(QUERY_HELP, id="help-query")
            yield Static("Esc, q or ? closes this.", id="help-close")
