"""Which panes the main screen shows, and how wide: the list beside the post, or (below
NARROW_BELOW columns) the two taking turns at the full width; the list's width (< and >,
or the divider dragged) and the measure of the post's text (- and +), both kept.

State in Textual's terms, as examples/code_browser.py keeps it: reactives whose watchers
set the classes and styles the stylesheet lays out by. MainScreen's base (a Screen, so the
reactives and queries are typed as a screen's); MainScreen has the widgets
(`article_view`, `current`) and `searching`, declared here for the type checker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer

from reader import settings
from reader.ui.widgets.divider import Divider
from reader.ui.widgets.nav_tree import NavTree
from reader.ui.widgets.post_list import PostList
from reader.ui.widgets.results_list import ResultsList

if TYPE_CHECKING:
    from reader.articles.model import Article
    from reader.ui.widgets.article_view import ArticleView

NARROW_BELOW = 60  # columns: below this the list folds away
COMPACT_FOOTER_BELOW = 100  # columns: below this the footer's keys sit closer (80: all fit)
PALETTE_KEY_FROM = 72  # columns: narrower, the footer leaves out ^p (? and Help stay)
# With the passage cursor on, the footer lists its keys too: narrower than this, ^p goes
# so that '? Help' and 'q Quit' stay (at 80 columns they were cut off)
PASSAGE_PALETTE_KEY_FROM = 110
MEASURE = 90  # the text's longest line, in columns, until the reader chooses (- and +)
MEASURE_STEP = 5
LIST_WIDTH_STEP = 4  # columns a < or > takes from the list or gives it
POST_MIN_WIDTH = 30  # the list never grows past the point where the post has less


class PaneLayout(Screen[None]):
    # The list beside the post: below NARROW_BELOW columns the two take turns at the full
    # width (`narrow`); `show_sidebar` says whether the list is shown. The watchers set the
    # classes the stylesheet lays out by, as Textual's examples/code_browser.py does.
    narrow = var(False)
    show_sidebar = var(True)
    # The reader's widths, kept in settings.json: the list's (None: the stylesheet's 40%)
    # and the measure of the post's text.
    list_width: var[int | None] = var(None)
    measure = var(MEASURE)

    if TYPE_CHECKING:  # MainScreen's, which this lays out
        searching: bool

        @property
        def article_view(self) -> ArticleView: ...

        @property
        def current(self) -> Article | None: ...

    def on_resize(self, event: events.Resize) -> None:
        self.narrow = event.size.width < NARROW_BELOW
        self.watch_list_width(self.list_width)
        self.fit_footer()

    def on_passage_toggled(self) -> None:
        self.fit_footer()

    def fit_footer(self) -> None:
        """The footer's spacing and its ^p key, by the width and the keys it lists."""
        width = self.size.width
        passage = self.is_mounted and self.article_view.passage is not None
        palette_from = PASSAGE_PALETTE_KEY_FROM if passage else PALETTE_KEY_FROM
        for footer in self.query(Footer):
            footer.compact = width < COMPACT_FOOTER_BELOW
            show_palette = width >= palette_from
            if footer.show_command_palette != show_palette:
                footer.show_command_palette = show_palette
                # Not a recomposing reactive: the footer drawn for the cursor's keys
                # before this came kept ^p, and cut '? Help' and 'q Quit' off.
                footer.refresh(recompose=True)

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "narrow")
        self.show_sidebar = not narrow  # narrow: the post first; wide: both
        self.watch_list_width(self.list_width)

    def watch_list_width(self, width: int | None) -> None:
        # Narrow, the list takes the whole width (the stylesheet's rule, which an inline
        # width would overrule).
        sidebar = self.query_one("#sidebar")
        chosen = width is not None and not self.narrow
        if width is not None and self.size.width:
            # A width kept from a wider terminal still leaves the post its columns here
            # (the kept width itself stays, for the next wide terminal).
            room = self.size.width - POST_MIN_WIDTH
            width = max(settings.LIST_WIDTHS.start, min(width, room))
        sidebar.styles.width = width if chosen else None
        sidebar.styles.max_width = "100%" if chosen else None

    def watch_measure(self, measure: int) -> None:
        self.article_view.set_measure(measure)

    def watch_show_sidebar(self, show: bool) -> None:
        self.set_class(not show, "sidebar-hidden")

    @property
    def list_covers_post(self) -> bool:
        """Narrow, with the list shown: it takes the whole width, the post is hidden."""
        return self.narrow and self.show_sidebar

    def _fold_list_if_narrow(self) -> None:
        if self.narrow:
            self.show_sidebar = False

    @property
    def sidebar_list(self) -> PostList:
        """The list beside the post: the search results while searching, else the tree."""
        return self.query_one(ResultsList) if self.searching else self.query_one(NavTree)

    def action_toggle_sidebar(self) -> None:
        self.show_sidebar = not self.show_sidebar
        sidebar = self.sidebar_list
        if self.show_sidebar:
            sidebar.focus()  # shown to be used: j/k move in it at once
        elif self.focused is sidebar:
            self.article_view.focus()

    def action_to_post(self) -> None:
        """From the list to the post (→ or l); the list folds away if it covers the post."""
        if self.current is None:
            return
        self._fold_list_if_narrow()
        self.article_view.focus()

    def action_to_list(self) -> None:
        """From the post back to the list beside it (← or h)."""
        self.show_sidebar = True
        self.sidebar_list.focus()

    def action_page_post(self) -> None:
        """Space in the list: the open post a page on, the keys staying in the list."""
        if self.current is not None and not self.list_covers_post:
            self.article_view.page(1, animate=False)

    def action_list_width(self, step: int) -> None:
        """< and >: the list narrower or wider, kept for the next start."""
        if self.narrow:
            return
        # The width asked for last, not the one drawn: keys pressed faster than the
        # screen is laid out each count.
        current = self.list_width or self.query_one("#sidebar").size.width
        widest = max(settings.LIST_WIDTHS.start, self.size.width - POST_MIN_WIDTH)
        self._set_list_width(current + step * LIST_WIDTH_STEP, widest)
        self._keep("list_width", self.list_width)

    def _set_list_width(self, width: int, widest: int) -> None:
        lo, hi = settings.LIST_WIDTHS.start, min(settings.LIST_WIDTHS.stop - 1, widest)
        self.list_width = max(lo, min(hi, width))

    def on_divider_dragged(self, message: Divider.Dragged) -> None:
        if not self.narrow:
            widest = max(settings.LIST_WIDTHS.start, self.size.width - POST_MIN_WIDTH)
            self._set_list_width(message.screen_x - self.query_one("#sidebar").region.x, widest)

    def on_divider_released(self, _message: Divider.Released) -> None:
        self._keep("list_width", self.list_width)

    def action_measure(self, step: int) -> None:
        """- and +: the post's lines shorter or longer (60 to 120 columns), kept."""
        lo, hi = settings.MEASURES.start, settings.MEASURES.stop - 1
        self.measure = max(lo, min(hi, self.measure + step * MEASURE_STEP))
        self.app.clear_notifications()
        self.notify(f"Text width: {self.measure} columns", timeout=1.5)
        self._keep("measure", self.measure)

    def _keep(self, name: str, value: int | None) -> None:
        try:
            settings.save_width(name, value)
        except OSError as exc:
            self.notify(f"Could not remember the width: {exc}", severity="warning", markup=False)
