"""The main screen's part in reading for work: find in the post, highlights and notes,
copy with a citation, saved searches. MainScreen takes these handlers as a mixin; the
session does the work, the article view draws it.
"""

from __future__ import annotations

from reader.errors import ReaderError
from reader.export.citation import quoted_with_citation
from reader.ui.screens.host import MainScreenHost
from reader.ui.widgets.nav_tree import NavTree
from reader.ui.widgets.post_annotations import PassageAction
from reader.ui.widgets.search_bar import SearchBar


class ReadingNotes(MainScreenHost):
    """Mixed into MainScreen (which has session, article_view, current, notify ...)."""

    # -- find in the post ------------------------------------------------------------

    def action_find(self) -> None:
        if self.current is None:
            return
        self._fold_list_if_narrow()
        self.article_view.open_find()

    def find_step(self, step: int) -> bool:
        """n / N while the find bar is open: its next / previous match (True if so)."""
        view = self.article_view
        if not view.find_active or not view.find_spans:
            return False
        view.find_next(step)
        return True

    # -- highlights and notes --------------------------------------------------------

    def refresh_highlights(self) -> None:
        if self.current is None:
            return
        self.article_view.set_highlights(self.session.highlights(self.current))
        self._update_byline()
        tree = self.query_one("#nav", NavTree)
        tree.refresh_section("highlights")
        tree.refresh_section("bookmarks")

    def on_passage_action(self, message: PassageAction) -> None:
        article = self.current
        if article is None:
            return
        view = self.article_view
        try:
            if message.action == "highlight":
                existing = view.highlight_under_passage()
                if existing is not None and (existing.start, existing.end) == (
                    message.start,
                    message.end,
                ):
                    self.notify("Already highlighted (x removes it, e adds a note).", timeout=3)
                    return
                self.session.add_highlight(article, message.start, message.end)
                self.notify("Highlighted.", timeout=2)
                self.refresh_highlights()
            elif message.action == "remove" and message.highlight is not None:
                self.session.remove_highlight(message.highlight.id)
                self.notify("Highlight removed.", timeout=2)
                self.refresh_highlights()
            elif message.action == "note":
                self._edit_highlight_note(message)
            elif message.action == "bookmark_note":
                self.edit_bookmark_note()
            elif message.action == "copy":
                text = view.plain[message.start : message.end]
                self.app.copy_to_clipboard(quoted_with_citation(text, article))
                self.notify("Copied, with its source.", timeout=2)
        except ReaderError as exc:
            self.notify(str(exc), severity="warning", timeout=4)

    def _edit_highlight_note(self, message: PassageAction) -> None:
        from reader.ui.screens.note_editor import NoteEditor

        article = self.current
        if article is None:
            return
        highlight = message.highlight
        if highlight is None:  # a passage not yet highlighted: highlight it, then note
            highlight = self.session.add_highlight(article, message.start, message.end)
            self.refresh_highlights()
        quote = highlight.quote

        def saved(note: str | None) -> None:
            if note is None:
                return
            self.session.set_highlight_note(highlight.id, note)
            self.notify("Note saved." if note else "Note removed.", timeout=2)
            self.refresh_highlights()

        self.app.push_screen(NoteEditor("Note on the highlight", quote, highlight.note), saved)

    def edit_bookmark_note(self) -> None:
        from reader.ui.screens.note_editor import NoteEditor

        article = self.current
        if article is None:
            return

        def saved(note: str | None) -> None:
            if note is None:
                return
            self.session.set_bookmark_note(article, note)
            self.notify("Bookmark note saved." if note else "Bookmark note removed.", timeout=2)
            self.query_one("#nav", NavTree).refresh_state()
            self._update_byline()

        heading = f"Note on the bookmark: {article.title}"
        note = self.session.bookmark_note(article.id)
        self.app.push_screen(NoteEditor(heading, None, note), saved)

    def highlights_byline(self, article) -> str:
        n = len(self.session.store.highlights(article.id))
        return f"{n} highlight{'s' if n != 1 else ''}" if n else ""

    def action_show_highlights(self) -> None:
        self.go_to_section("highlights")

    def open_highlight(self, article_id: str, start: int) -> None:
        """Open a post at one of its highlights (the palette's "Highlight: ...")."""
        self.open_article(article_id)
        view = self.article_view
        view.call_after_refresh(view._show_offset, start)

    # -- saved searches --------------------------------------------------------------

    def action_save_search(self) -> None:
        from reader.ui.screens.note_editor import NameAsker

        query = (self.query_one("#search", SearchBar).value or "").strip()
        if not query:
            self.notify("Type a search first (/), then save it.", timeout=3)
            return

        def named(name: str | None) -> None:
            if not name:
                return
            self.session.save_search(name, query)
            self.notify(f"Saved the search “{query}” as {name}.", timeout=3, markup=False)
            self.query_one("#nav", NavTree).refresh_section("saved")

        self.app.push_screen(NameAsker(f"Save the search “{query}” as"), named)
