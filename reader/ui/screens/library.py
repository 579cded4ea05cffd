"""The main screen's side of the library changing while the app runs.

- "Sync now" (S, and the palette): every source synced in a thread worker, progress in the
  status line above the list; the posts it added appear in their categories and in New
  (what the last sync added), and search finds them (the index is brought up to date in
  the worker, before the app swaps to the new corpus).
- Posts another gp-reader added (a CLI import or sync) are taken in the same way: the
  screen looks at the library's version every couple of seconds, as it looks at the
  reading state's.
- A post's address: o opens it in the browser; L lists the post's links, and following
  one opens the post it names in the app when the reader holds it, else the browser.

A mixin of MainScreen: it uses the screen's session, NavTree, #status and open_article.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from reader.errors import ReaderError
from reader.sanitise import for_terminal
from reader.ui.browser import open_address
from reader.ui.screens.host import MainScreenHost

if TYPE_CHECKING:
    from reader.articles.bundled import Corpus
    from reader.search.index import SearchIndex


class SyncProgress(Message):
    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line


class LibraryLoaded(Message):
    """A corpus loaded again (after a sync here, or a change made elsewhere), with the
    search index brought up to date with it, and what the sync said (if one ran)."""

    def __init__(
        self,
        corpus: Corpus | None,
        index: SearchIndex | None,
        summary: list[str],
        failed: bool,
        added: int = 0,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.index = index
        self.summary = summary
        self.failed = failed
        self.added = added


class LibrarySync(MainScreenHost):
    """Mixed into MainScreen."""

    _syncing = False
    _reloading = False
    _open_after_reload: str | None = None
    _sync_cancel: threading.Event | None = None

    # -- sync now ---------------------------------------------------------------------------

    def action_sync_now(self) -> None:
        if self._syncing:
            self.notify("A sync is already running.", timeout=2)
            return
        self._syncing = True
        self._sync_cancel = threading.Event()
        self._show_progress("Syncing…")
        self._sync_worker(self._sync_cancel)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync_worker(self, cancel: threading.Event) -> None:
        from reader.articles.bundled import load_corpus
        from reader.sources.web.http import Cancelled, PoliteClient, pause_from_env
        from reader.sources.web.matching import site_key
        from reader.sources.web.subscriptions import default_subscriptions
        from reader.sources.web.sync import Syncer
        from reader.store.posts import PostStore

        summary: list[str] = []
        failed = False
        added = 0
        changed = False
        try:
            with PostStore.open() as store:
                store.seed_subscriptions(default_subscriptions())
                subs = store.subscriptions()
                if not subs:
                    summary.append("No sources to sync (see `gp-reader source add`).")

                def progress(name: str, done: int, total: int) -> None:
                    of = f" of {total}" if total else ""
                    self.post_message(SyncProgress(f"Syncing {name}: page {done}{of}…"))

                down: set[str] = set()  # sites that could not be reached
                with PoliteClient(
                    pause=pause_from_env(), cancel=cancel, robots_cache=store
                ) as client:
                    # Matched against the library as it is when the first post arrives
                    # (loaded then), not as this app last loaded it: another gp-reader
                    # may have synced the same posts since, and they must not come twice.
                    syncer = Syncer(store, load_corpus, client, progress=progress)
                    for sub in subs:
                        self.post_message(SyncProgress(f"Syncing {sub.name}…"))
                        result = syncer.sync(sub)
                        summary.append(result.summary())
                        failed = failed or bool(result.errors)
                        added += result.added
                        changed = changed or bool(result.added or result.updated)
                        if result.unreachable:
                            down.add(site_key(result.url))
                    full = self._fetch_full_texts(store, client, syncer, down)
                    if full.pending:
                        summary.append(full.summary())
                        summary.extend(line.strip() for line in full.lines()[:3])
                    changed = changed or bool(full.fetched)
        except Cancelled:
            return  # the app is closing; what was committed is kept
        except ReaderError as exc:
            summary.append(str(exc))
            failed = True
        if get_current_worker().is_cancelled:
            return
        if not changed:  # nothing new anywhere: the corpus and the index stay as they are
            self.post_message(LibraryLoaded(None, None, summary, failed, 0))
            return
        self.post_message(SyncProgress("Updating the search index…"))
        corpus = load_corpus()
        index = self.session.index_for(corpus)
        self.post_message(LibraryLoaded(corpus, index, summary, failed, added))

    def _fetch_full_texts(self, store, client, syncer, down: set[str]):
        """The full text of every summary-only post held (in the sync's worker)."""
        from reader.sources.web.fulltext import fetch_full_texts

        def progress(done: int, total: int) -> None:
            self.post_message(SyncProgress(f"Fetching full texts: {done} of {total}…"))

        return fetch_full_texts(store, client, syncer.taxonomy, unreachable=down, progress=progress)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A sync or reload that failed in an unforeseen way: said, and not left running."""
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR and event.worker.group in ("sync", "reload"):
            was_sync = event.worker.group == "sync"
            self._syncing = self._syncing and not was_sync
            self._reloading = self._reloading and was_sync
            if not self.searching:
                self.query_one("#status").display = False
            what = "Sync" if was_sync else "Loading the library again"
            self.notify(
                for_terminal(f"{what} failed: {event.worker.error}", single_line=True),
                severity="error",
                timeout=10,
                markup=False,
            )

    def on_sync_progress(self, message: SyncProgress) -> None:
        self._show_progress(message.line)

    def _show_progress(self, line: str) -> None:
        if self.searching:  # the status line holds the results' count: the corner instead
            return
        status = self.query_one("#status", Static)
        status.update(Text(for_terminal(line, single_line=True)))  # a source's name: not markup
        status.display = True

    # -- changes made elsewhere ------------------------------------------------------------

    def check_library(self) -> None:
        """Called with the reading state's check: load the library again if it changed."""
        if self._syncing or self._reloading:
            return
        try:
            changed = self.session.library_changed()
        except ReaderError:  # busy or unreadable: next time
            return
        if changed:
            self._reloading = True
            self._reload_worker()

    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def _reload_worker(self) -> None:
        from reader.articles.bundled import load_corpus

        corpus = load_corpus()
        self.post_message(LibraryLoaded(corpus, self.session.index_for(corpus), [], False))

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        from reader.ui.widgets.nav_tree import NavTree

        before = len(self.session.corpus)
        ran_sync = self._syncing
        self._syncing = self._reloading = False
        if message.corpus is not None:
            self.session.replace_corpus(message.corpus, message.index)
            self.query_one(NavTree).rebuild()
        if not self.searching:
            self.query_one("#status").display = False
        if ran_sync:
            lines = message.summary or ["Nothing to sync."]
            if message.added:
                plural = "s" if message.added != 1 else ""
                lines.append(f"{message.added} new post{plural}: see New.")
            # The lines quote addresses, names and what the sites sent: plain text, cleaned.
            self.notify(
                "\n".join(for_terminal(line, single_line=True) for line in lines),
                title="Sync",
                severity="warning" if message.failed else "information",
                timeout=8,
                markup=False,
            )
        elif message.corpus is not None and len(message.corpus) != before:
            added = len(message.corpus) - before
            self.notify(
                f"The library changed elsewhere: {added:+d} post{'s' if abs(added) != 1 else ''}.",
                timeout=4,
            )
        if self._open_after_reload is not None:
            article_id, self._open_after_reload = self._open_after_reload, None
            self.open_article(article_id)

    def open_when_loaded(self, article_id: str) -> bool:
        """A post the app does not know yet but the library may hold (another gp-reader
        added it): load the library again and open it then. False if it is not there."""
        try:
            changed = self.session.library_changed()
        except ReaderError:
            changed = False
        if not changed:
            return False
        self._open_after_reload = article_id
        if not (self._syncing or self._reloading):
            self._reloading = True
            self._reload_worker()
        return True

    def cancel_sync(self) -> None:
        if self._sync_cancel is not None:
            self._sync_cancel.set()

    # -- the post's address and its links -------------------------------------------------

    def action_open_web(self) -> None:
        article = self.current
        if article is None:
            return
        if not article.url:
            self.notify("This post has no address on the web yet (a sync finds it).", timeout=3)
            return
        self.notify(open_address(self.app, article.url), timeout=4, markup=False)

    def action_links(self) -> None:
        from reader.ui.screens.links import LinksScreen

        article = self.current
        if article is None:
            return
        links = self.article_view.links
        if not links:
            self.notify("This post has no links.", timeout=2)
            return
        self.app.push_screen(LinksScreen(article.title, links), self.follow_link)

    def action_follow_link(self, number: int) -> None:
        """A click on the post's link number `number` (the article view's @click)."""
        links = self.article_view.links
        if 0 <= number < len(links):
            self.follow_link(links[number][1])

    def follow_link(self, url: str | None) -> None:
        if not url:
            return
        held = self.session.find_by_url(url)
        if held is not None:
            self.open_article(held.id)
            return
        self.notify(open_address(self.app, url), timeout=4, markup=False)
