"""The main screen: search bar, navigation tree (or results), article pane, footer.

It coordinates: widgets post messages, this screen asks the Session and updates them.
Searching runs in a thread worker, one at a time (a newer query supersedes an older one);
so does finding a post's related reading, which needs the search index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from reader import settings
from reader.articles.model import Article, byline
from reader.errors import ReaderError
from reader.sanitise import for_terminal
from reader.session import READ_AFTER_SECONDS, Entry, Session
from reader.ui.screens.exports import Exports
from reader.ui.screens.layout import MEASURE, PaneLayout
from reader.ui.screens.library import LibrarySync
from reader.ui.screens.reading_notes import ReadingNotes
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.divider import Divider
from reader.ui.widgets.nav_tree import NavTree
from reader.ui.widgets.post_list import PostList
from reader.ui.widgets.related_list import RelatedList
from reader.ui.widgets.results_list import ResultsList
from reader.ui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

SEARCH_DEBOUNCE_SECONDS = 0.12
SEARCH_LIMIT = 50
POSITION_SAVE_SECONDS = 1.0
# How often the app looks for reading state changed by another gp-reader or the CLI (a
# query of one number: PRAGMA data_version).
STATE_SYNC_SECONDS = 2.0
# Related reading waits this long after a post opens: paging through posts (n, n, n)
# starts no whoosh query for the posts only passed through.
RELATED_DELAY_SECONDS = 0.15


class SearchFinished(Message):
    def __init__(self, text: str, results) -> None:
        super().__init__()
        self.text = text
        self.results = results


class IndexWarmed(Message):
    """The search index is open (or could not be): its notices may be shown."""


class RelatedFound(Message):
    def __init__(self, article_id: str, entries: list[Entry]) -> None:
        super().__init__()
        self.article_id = article_id
        self.entries = entries


class MainScreen(ReadingNotes, Exports, LibrarySync, PaneLayout, Screen):
    AUTO_FOCUS = "#nav"  # straight to the list: no focus hopping (and footer rebuilds) at start
    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        Binding("escape", "back", "Back", show=False),
        # Not in the footer, where the pane's own keys say where to go (→ Post, ← List).
        Binding("tab", "switch_pane", "Pane", show=False),
        Binding("b", "bookmark", "Bookmark"),
        Binding("B", "show_bookmarks", "Bookmarks", show=False),
        Binding("m", "toggle_read", "Read"),
        Binding("n", "next", "Next"),
        Binding("N", "previous", "Previous", show=False),
        Binding("t", "toggle_sidebar", "List", show=False),
        Binding("less_than_sign", "list_width(-1)", "Narrower list", show=False),
        Binding("greater_than_sign", "list_width(1)", "Wider list", show=False),
        Binding("minus", "measure(-1)", "Narrower text", show=False),
        Binding("plus,equals_sign", "measure(1)", "Wider text", show=False),
        # Not in the footer, which has no room at 80 columns: see ? and the palette.
        Binding("a", "acronyms", "Acronyms", show=False),
        Binding("A", "glossary", "Glossary", show=False),
        Binding("r", "related", "Related", show=False),
        Binding("f,ctrl+f", "find", "Find in post", show=False),  # reading_notes.py
        Binding("H", "show_highlights", "Highlights", show=False),
        Binding("S", "sync_now", "Sync now", show=False),
        Binding("o", "open_web", "Open on the web", show=False),
        Binding("L", "links", "Links", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.searching = False
        self._search_timer: Timer | None = None
        self._related_timer: Timer | None = None
        self._dwell_timer: Timer | None = None
        self._pending_position: tuple[str, float] | None = None
        self._terms: tuple = ()  # reader.search.MatchTerm, of the post's search
        self._terms_for_results: tuple = ()
        self.last_search: str | None = None  # the query whose results are shown
        self._suggestion: str | None = None  # its "Did you mean", which Enter takes
        self._submit_when_found: str | None = None  # Enter came before these results
        self._all_words_found = False  # whether a result holds every word of the search
        self._words_found = False  # whether a result holds any of them
        self._shown_notices = 0
        self._reported_problem: str | None = None

    def compose(self):
        yield SearchBar(placeholder="Search all posts  ( / )", id="search")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield Static(id="status")
                with ContentSwitcher(initial="nav", id="lists"):
                    yield NavTree(self.session, id="nav")
                    yield ResultsList(id="results")
            yield Divider(id="divider")
            yield ArticleView(id="article")
        # The footer's keys are drawn after the first frame in any case (Textual fills the
        # footer once the bindings are known); the Footer itself, about 10 ms of the
        # start-up, is mounted then too, in a bar that holds its place.
        yield Vertical(id="footer-bar")

    # -- start and stop ----------------------------------------------------------------

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.query_one(SearchBar).cursor_blink = False  # steady screens for snapshots
        self.list_width = settings.load_width("list_width", settings.LIST_WIDTHS)
        self.measure = settings.load_width("measure", settings.MEASURES) or MEASURE
        article, position = self.session.start()
        if article is not None:
            # Shown, not chosen: it counts as read when the reader reaches its end, not by
            # staying on the first screen for a while.
            self.open_article(article.id, position=position, focus=False, chosen=False)
            # Related posts need the search index (whoosh, a worker thread): not before the
            # first frame, which at 10,000 posts it would otherwise delay.
            if self._related_timer is not None:  # open_article set it
                self._related_timer.pause()
                self.call_after_refresh(self._related_timer.resume)
        self._show_notices()
        self.set_interval(POSITION_SAVE_SECONDS, self.flush_position)
        self.set_interval(STATE_SYNC_SECONDS, self._sync_state)
        self.call_after_refresh(self._first_frame_drawn)

    async def _first_frame_drawn(self) -> None:
        bar = self.query_one("#footer-bar")
        if bar.is_attached:  # not when the app is already closing
            await bar.mount(Footer())
            self.fit_footer()
            self.refresh_bindings()  # the Footer lists the keys when told they are known
        cast("ReaderApp", self.app).first_frame_drawn()
        # Open (or build) the search index in the background once the first frame is up,
        # so the first search does not wait for it.
        self._warm_search()

    @work(thread=True, exclusive=True, group="warm", exit_on_error=False)
    def _warm_search(self) -> None:
        index = self.session.search_index()
        self.post_message(IndexWarmed())
        # Then the search-by-meaning model (reader.search.meaning), off the first frame's path.
        warm = getattr(index, "warm", None)
        if warm is not None and (notices := warm()):
            self.session.notices.extend(notices)
            self.post_message(IndexWarmed())

    def on_index_warmed(self, _message: IndexWarmed) -> None:
        self._show_notices()
        self.query_one(NavTree).refresh_section("saved")  # its counts need the index

    def _show_notices(self) -> None:
        for notice in self.session.notices[self._shown_notices :]:
            # Notices quote paths and titles: plain text, never markup.
            self.notify(
                for_terminal(notice, single_line=True), severity="warning", timeout=8, markup=False
            )
        self._shown_notices = len(self.session.notices)

    def flush_position(self) -> None:
        if self._pending_position is not None:
            article_id, fraction = self._pending_position
            self._pending_position = None
            self.session.save_position(article_id, fraction)

    def _sync_state(self) -> None:
        """Marks and counts as another gp-reader (or the CLI) left them; and a retry of
        changes a failed write kept (a full disk), saying so once they are saved."""
        unsaved = self.session.unsaved
        try:
            changed = self.session.sync()
        except ReaderError:  # the store is busy (a long import elsewhere): next time
            return
        if unsaved and not self.session.unsaved:
            self.notify("Your changes are saved now.", timeout=3)
        if changed:
            self.query_one(NavTree).refresh_state()
            if "highlights" in changed and self.current is not None:
                # The open post's marks and notes, as the CLI (or another app) left them.
                self.article_view.set_highlights(self.session.highlights(self.current))
            self._update_byline()
        self.check_library()  # posts another gp-reader synced or imported

    def on_unmount(self) -> None:
        self.cancel_sync()
        self.flush_position()

    # -- opening posts -----------------------------------------------------------------

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def current(self) -> Article | None:
        return self.article_view.article

    def open_article(
        self,
        article_id: str,
        terms=(),
        position: float | None = None,
        focus: bool = True,
        chosen: bool = True,
    ) -> None:
        """Show a post. `chosen`: the reader chose it (not the post shown at start), so it
        joins Recently opened and is marked read after READ_AFTER_SECONDS."""
        article = self.session.corpus.find(article_id)
        if article is None:
            if not self.open_when_loaded(article_id):
                self.notify("That post is no longer in the session.", severity="warning")
            return
        self.flush_position()
        if position is None:
            position = 0.0 if terms else self.session.position(article_id)
        self._terms = tuple(terms)
        acronyms = self.session.post_acronyms(article)
        self.article_view.show(
            article,
            self._byline(article),
            self._terms,
            position,
            acronyms,
            highlights=self.session.highlights(article),
        )
        if self._related_timer is not None:
            self._related_timer.stop()
        self._related_timer = self.set_timer(
            RELATED_DELAY_SECONDS, lambda: self._find_related(article_id)
        )
        if chosen:
            self.session.opened(article_id)
            self.query_one(NavTree).refresh_section("recent")
        if self._dwell_timer is not None:
            self._dwell_timer.stop()
            self._dwell_timer = None
        if chosen:
            self._dwell_timer = self.set_timer(READ_AFTER_SECONDS, lambda: self._dwelt(article_id))
        self._fold_list_if_narrow()
        if focus:
            self.article_view.focus()

    def _byline(self, article: Article) -> str:
        marks = []
        if self.session.is_bookmarked(article.id):
            note = self.session.bookmark_note(article.id)
            marks.append(f"★ bookmarked: {note}" if note else "★ bookmarked")
        marks.append("✓ read" if self.session.is_read(article.id) else "unread")  # not "5 min read"
        if highlighted := self.highlights_byline(article):
            marks.append(highlighted)
        return f"{byline(article)} · {' · '.join(marks)}"

    def _update_byline(self) -> None:
        if self.current is not None:
            self.query_one("#byline", Static).update(Text(self._byline(self.current)))

    def _dwelt(self, article_id: str) -> None:
        if self.current is not None and self.current.id == article_id:
            self._set_read(article_id, True)

    def _set_read(self, article_id: str, read: bool) -> None:
        if self.session.is_read(article_id) != read:
            self.session.set_read(article_id, read)
            self.query_one(NavTree).refresh_state()
            self._update_byline()

    def on_post_list_post_chosen(self, message: PostList.PostChosen) -> None:
        """Chosen in the tree or the results, the post opens and the keys stay in the list
        (j Enter j Enter skims), unless the list covers the post; chosen in related
        reading, at the post's end, the keys go to the new post."""
        in_post = isinstance(message.control, RelatedList)
        terms = self._terms_for_results if isinstance(message.control, ResultsList) else ()
        self.open_article(message.article_id, terms=terms, focus=in_post or self.narrow)
        if in_post:
            self.query_one(NavTree).reveal_post(message.article_id)

    def on_article_view_scrolled(self, message: ArticleView.Scrolled) -> None:
        self._pending_position = (message.article_id, message.fraction)
        if message.at_end:
            self._set_read(message.article_id, True)

    # -- related reading ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def _find_related(self, article_id: str) -> None:
        if get_current_worker().is_cancelled:
            return
        entries = self.session.related(article_id)
        if not get_current_worker().is_cancelled:
            self.post_message(RelatedFound(article_id, entries))

    def on_related_found(self, message: RelatedFound) -> None:
        if self.current is not None and self.current.id == message.article_id:
            self.article_view.show_related(message.entries)

    # -- searching -----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self._submit_when_found = None  # typed on after Enter: that Enter is spent
        if self._search_timer is not None:
            self._search_timer.stop()
        text = event.value
        if len(text.strip()) < 2:  # nothing, or a first letter: the list, not "No results"
            self._leave_search(clear=False)
            return
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE_SECONDS, lambda: self._search(text))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str) -> None:
        worker = get_current_worker()
        index = self.session.search_index()
        if worker.is_cancelled:
            return
        results = index.search(text, limit=SEARCH_LIMIT, as_you_type=True)
        if not worker.is_cancelled:
            self.post_message(SearchFinished(text, results))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group in ("search", "warm"):
            error = event.worker.error
            self.notify(
                for_terminal(f"Search is unavailable: {error}", single_line=True),
                severity="error",
                timeout=10,
                markup=False,
            )
        elif event.state == WorkerState.ERROR and event.worker.group == "related":
            self.article_view.related_list.show_unavailable()

    def on_search_finished(self, message: SearchFinished) -> None:
        if message.text != self.query_one(SearchBar).value:
            return  # the reader has typed on since
        results = message.results
        self.searching = True
        self.last_search = message.text
        self._terms_for_results = results.terms
        self._suggestion = results.suggestion
        self._all_words_found = any(hit.matched == "all" for hit in results.hits)
        self._words_found = any(hit.matched in ("all", "some") for hit in results.hits)
        self.query_one(ResultsList).show_hits(results.hits)
        self.query_one("#lists", ContentSwitcher).current = "results"
        status = self.query_one("#status", Static)
        if results.total == 0:
            line = f"No results for “{message.text.strip()}”."
        elif not self._all_words_found:
            line = f"No post has all your words: {results.total} with some, or close in meaning"
        else:
            shown = len(results.hits)
            line = f"{results.total} result{'s' if results.total != 1 else ''}"
            line += f", top {shown}" if shown < results.total else ""
        if results.suggestion:
            line += f"  Did you mean: {results.suggestion}?"
        if results.notice:
            line += f"  ({results.notice})"
        status.update(Text(for_terminal(line, single_line=True)))  # a query is not markup
        status.display = True
        self.show_sidebar = True
        if self._submit_when_found == message.text:
            self._submit_when_found = None
            self._submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = self.query_one(SearchBar).value
        if len(text.strip()) >= 2 and text != self.last_search:
            # Enter before the results of what was typed are in (typed fast, or ahead
            # while the app started): search now, and take them when they come.
            self._submit_when_found = text
            if self._search_timer is not None:
                self._search_timer.stop()
            self._search(text)
            return
        self._submit()

    def _submit(self) -> None:
        """Enter in the search bar: open the chosen result, or take "Did you mean"."""
        chosen = self.query_one(ResultsList).chosen_id if self.searching else None
        # No post has any of the words (those shown are only close in meaning): they are
        # likely mistyped, so Enter takes "Did you mean", as it does when nothing was found.
        if (chosen is None or not self._words_found) and self.searching and self._suggestion:
            self.search_for(self._suggestion.strip())  # Enter takes "Did you mean"
            return
        if chosen is None:
            self.notify("No results to open.", timeout=3)
            return
        # Out of the search bar, where n and N would be typed: into the results.
        self.open_article(chosen, terms=self._terms_for_results, focus=self.narrow)
        if not self.narrow:
            self.query_one(ResultsList).focus()

    def on_search_bar_to_results(self, message: SearchBar.ToResults) -> None:
        if self.searching:
            self.query_one(ResultsList).focus()

    def _leave_search(self, clear: bool = True) -> None:
        self.searching = False
        self.last_search = None
        self.workers.cancel_group(self, "search")
        if self._search_timer is not None:
            self._search_timer.stop()
        self.query_one("#lists", ContentSwitcher).current = "nav"
        self.query_one("#status").display = False
        if clear:
            self.query_one(SearchBar).value = ""
        if self._terms:  # the search is over: so are its marks in the post
            self._terms = ()
            self.article_view.mark_terms(())

    # -- actions ---------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.show_sidebar = True
        # Focused now, not after the events already queued (Widget.focus() waits for
        # them): keys typed straight after '/', as at start-up before the first frame,
        # go into the search instead of to the list ('f' opened find in the post).
        self.set_focus(self.query_one(SearchBar))

    def action_back(self) -> None:
        if self.searching or self.query_one(SearchBar).value:
            self._leave_search()
        if self.list_covers_post and self.current is not None:
            self.show_sidebar = False
            self.article_view.focus()
            return
        self.query_one(NavTree).focus()

    def action_switch_pane(self) -> None:
        if self.focused is self.article_view:
            self.show_sidebar = True
            self.sidebar_list.focus()
        else:
            self._fold_list_if_narrow()
            self.article_view.focus()

    def action_bookmark(self) -> None:
        if self.current is None:
            return
        now = self.session.toggle_bookmark(self.current)
        self.notify("Bookmarked." if now else "Bookmark removed.", timeout=2)
        self._report_unsaved()
        self.query_one(NavTree).refresh_state()
        self._update_byline()

    def _report_unsaved(self) -> None:
        """A failed write (a full disk): said once, in plain text; the change is kept."""
        problem = self.session.write_problem
        if problem and problem != self._reported_problem:
            self.notify(
                for_terminal(problem, single_line=True), severity="error", timeout=10, markup=False
            )
        self._reported_problem = problem

    def action_show_bookmarks(self) -> None:
        self.go_to_section("bookmarks")

    def go_to_section(self, key: str) -> None:
        self._leave_search()
        self.show_sidebar = True
        tree = self.query_one(NavTree)
        tree.select_section(key)
        tree.focus()

    def action_toggle_read(self) -> None:
        if self.current is None:
            return
        article_id = self.current.id
        if self._dwell_timer is not None:
            self._dwell_timer.stop()  # the reader decided; don't overrule them
        self._set_read(article_id, not self.session.is_read(article_id))
        self.notify(
            "Marked read." if self.session.is_read(article_id) else "Marked unread.", timeout=2
        )
        self._report_unsaved()

    def action_next(self) -> None:
        self._step(1)

    def action_previous(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        """While a search is on, n/N move between its matches in the open post, and only
        there; else to the next/previous unread post, going round at the end."""
        if self.find_step(step):  # the find bar is open: its matches, not the next post
            return
        view = self.article_view
        self.app.clear_notifications()  # one note at a time ("Match 2 of 5"), not a stack
        if self.searching:
            if self.current is None or not view.match_count:
                self.notify("No match in this post. Esc ends the search.", timeout=3)
                return
            number = view.jump_to_match(step)
            self.notify(f"Match {number} of {view.match_count}", timeout=1.5)
            return
        current = self.current.id if self.current else None
        article, wrapped = self.session.next_unread(current, step)
        if article is None:
            self.notify("No other unread posts.", timeout=2)
            return
        if wrapped:
            where = "first" if step > 0 else "last"
            self.notify(f"Past the end of All posts: back to the {where} unread post.", timeout=3)
        focus_post = self.focused is self.article_view or self.narrow
        self.open_article(article.id, focus=focus_post)
        self.query_one(NavTree).reveal_post(article.id)

    def search_for(self, text: str | None) -> None:
        """Search every post for `text` in the search bar, as if the reader typed it."""
        if not text:
            return
        self.action_focus_search()
        bar = self.query_one(SearchBar)
        # A trailing space: the term is a finished word, not a prefix ("INT" is not "integr*").
        bar.value = f"{text} "
        bar.cursor_position = len(bar.value)

    def action_acronyms(self) -> None:
        from reader.ui.screens.acronyms import AcronymsPanel

        if self.current is None:
            return
        entries = self.session.post_glossary(self.current)
        self.app.push_screen(AcronymsPanel(self.current.title, entries), self.search_for)

    def action_glossary(self) -> None:
        from reader.ui.screens.glossary import GlossaryScreen

        self.app.push_screen(GlossaryScreen(self.session), self.search_for)

    def action_related(self) -> None:
        """Into the related posts at the end of the post; again, back to the post."""
        if self.current is None:
            return
        self._fold_list_if_narrow()
        if isinstance(self.focused, RelatedList):
            self.article_view.leave_related()
        else:
            self.article_view.focus_related()

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.flush_position()
        self.app.exit()
