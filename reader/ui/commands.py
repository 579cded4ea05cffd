"""The command palette (Ctrl+P): every action, every post by title, every section, and
every glossary term (choosing one searches for it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.articles.model import shown_date
from reader.sanitise import for_terminal


class ReaderCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from reader.ui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return []
        app = self.app
        session = screen.session
        commands: list[tuple[str, Callable[[], object], str]] = [
            ("Search all posts", screen.action_focus_search, "/"),
            ("Bookmark or unbookmark the open post", screen.action_bookmark, "b"),
            ("Show bookmarks", screen.action_show_bookmarks, "B"),
            ("Mark the open post read or unread", screen.action_toggle_read, "m"),
            ("Next unread post", screen.action_next, "n"),
            ("Previous unread post", screen.action_previous, "N"),
            ("Show or hide the list", screen.action_toggle_sidebar, "t"),
            ("Acronyms in the open post, explained", screen.action_acronyms, "a"),
            ("Glossary: every acronym and how many posts use it", screen.action_glossary, "A"),
            ("Related reading for the open post", screen.action_related, "r"),
            ("Find in the open post", screen.action_find, "f"),
            ("Show highlights", screen.action_show_highlights, "H"),
            ("Note on the open post's bookmark", screen.edit_bookmark_note, "e"),
            ("Save the current search", screen.action_save_search, "Ctrl+S"),
            ("Export highlights and notes as Markdown…", screen.action_export_highlights, ""),
            ("Export the open post as an EPUB…", screen.action_export_post_epub, ""),
            ("Export bookmarked posts as an EPUB…", screen.action_export_bookmarks_epub, ""),
            ("Export this search's posts as an EPUB…", screen.action_export_search_epub, ""),
            ("Go to saved searches", partial(screen.go_to_section, "saved"), ""),
            ("Sync now: fetch new posts from the sites", screen.action_sync_now, "S"),
            ("Open the post on the web (browser)", screen.action_open_web, "o"),
            ("Links in the open post", screen.action_links, "L"),
            ("Go to unread posts", partial(screen.go_to_section, "unread"), ""),
            ("Go to recently opened", partial(screen.go_to_section, "recent"), ""),
            ("Keys (help)", screen.action_help, "?"),
            ("Theme: light", partial(setattr, app, "theme", "gp-light"), ""),
            ("Theme: dark", partial(setattr, app, "theme", "gp-dark"), ""),
        ]
        if session.corpus.new_ids:
            commands.append(
                ("Go to New: what the last sync added", partial(screen.go_to_section, "new"), "")
            )
        for category in session.corpus.categories:
            commands.append(
                (
                    f"Go to category: {category}",
                    partial(screen.go_to_section, f"category:{category}"),
                    "",
                )
            )
        for topic in session.corpus.topics:
            commands.append(
                (f"Go to topic: {topic}", partial(screen.go_to_section, f"topic:{topic}"), "")
            )
        for entry in session.glossary:
            commands.append(
                (
                    f"Search for {entry.term}: {entry.expansion}",
                    partial(screen.search_for, entry.term),
                    "",
                )
            )
        for saved in session.saved_searches():
            commands.append(
                (
                    f"Saved search: {saved.name} ({saved.query})",
                    partial(screen.search_for, saved.query),
                    "",
                )
            )
        for h in session.all_highlights():
            article = session.corpus.find(h.article_id)
            if article is None:
                continue
            quote = " ".join(h.quote.split())
            quote = quote if len(quote) <= 60 else quote[:57] + "…"
            commands.append(
                (
                    f"Highlight: “{quote}” in {article.title}",
                    partial(screen.open_highlight, article.id, h.start),
                    h.created[:10],
                )
            )
        for article in session.corpus:
            commands.append(
                (
                    f"Open: {for_terminal(article.title, single_line=True)}",
                    partial(screen.open_article, article.id),
                    shown_date(article.date),
                )
            )
        return commands

    async def discover(self) -> Hits:
        for name, callback, key in self._commands():
            if not name.startswith(("Open: ", "Search for ", "Highlight: ", "Saved search: ")):
                yield DiscoveryHit(name, callback, help=key or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, key in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=key or None)
