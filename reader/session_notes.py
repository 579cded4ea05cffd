"""The session's part in reading for work: highlights and their notes, bookmark notes, and
saved searches, with the tree sections that list them.

Sections (keys, as reader.session names them):
    highlights        posts with highlights, the most recently highlighted first
    saved             the saved searches; saved:NAME lists what one finds now

Session inherits `NotesMixin`; it never imports Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.annotations import highlight_passage, place
from reader.articles.bundled import Corpus
from reader.articles.model import Article
from reader.store.highlights import Highlight
from reader.store.records import SavedSearch
from reader.store.state import StateStore

if TYPE_CHECKING:
    from reader.search.index import SearchIndex
    from reader.session import Entry

SAVED_SEARCH_LIMIT = 200  # posts a saved search's section lists at most


class NotesMixin:
    # From Session:
    corpus: Corpus
    store: StateStore
    _bookmarks: dict[str, str | None]
    _index: SearchIndex | None

    def search_index(self) -> SearchIndex:
        raise NotImplementedError  # Session's

    # -- highlights ------------------------------------------------------------------

    def highlights(self, article: Article) -> list[Highlight]:
        """The post's highlights, re-anchored on its text as it is now, in text order."""
        placed = place(self.store, article)
        return sorted(placed, key=lambda h: (h.detached, h.start, h.created))

    def add_highlight(self, article: Article, start: int, end: int) -> Highlight:
        return highlight_passage(self.store, article, start, end)

    def set_highlight_note(self, highlight_id: str, note: str | None) -> Highlight:
        return self.store.set_highlight_note(highlight_id, note)

    def remove_highlight(self, highlight_id: str) -> bool:
        return self.store.remove_highlight(highlight_id)

    def all_highlights(self) -> list[Highlight]:
        """Every highlight, newest first (as stored: no text is read)."""
        return self.store.highlights()

    def set_bookmark_note(self, article: Article, note: str | None) -> None:
        """Set or clear the bookmark's note, bookmarking the post if it was not."""
        self.store.set_bookmark_note(article.id, article.title, note)
        self._bookmarks[article.id] = (note or "").strip() or None

    # -- saved searches --------------------------------------------------------------

    def save_search(self, name: str, query: str) -> SavedSearch:
        return self.store.save_search(name.strip(), query.strip())

    def saved_searches(self) -> list[SavedSearch]:
        return self.store.saved_searches()

    def saved_search_ids(self, name: str) -> list[str] | None:
        """What a saved search finds now, best first; None while the index is not open
        (a count would have to wait for it)."""
        index = self._index
        if index is None:
            return None
        query = next((s.query for s in self.store.saved_searches() if s.name == name), None)
        if query is None:
            return []
        results = index.search(query, limit=SAVED_SEARCH_LIMIT)
        return [hit.id for hit in results.hits]

    # -- sections --------------------------------------------------------------------

    def notes_entries(self, key: str) -> list[Entry] | None:
        """The entries of a section this mixin owns, else None."""
        from reader.session import Entry

        if key == "highlights":
            counts: dict[str, int] = {}
            order: list[str] = []
            for h in self.store.highlights():
                if h.article_id not in counts:
                    order.append(h.article_id)
                counts[h.article_id] = counts.get(h.article_id, 0) + 1
            entries = []
            for article_id in order:
                article = self.corpus.find(article_id)
                n = counts[article_id]
                entries.append(
                    Entry(
                        article_id,
                        article.title if article else article_id,
                        article,
                        count=n,
                    )
                )
            return entries
        if key.startswith("saved:"):
            if self._index is None:
                self.search_index()  # opening the section: worth the wait
            ids = self.saved_search_ids(key[6:]) or []
            found = [self.corpus.find(i) for i in ids]
            return [Entry(a.id, a.title, a) for a in found if a is not None]
        if key == "saved":
            return []
        return None

    def notes_label(self, key: str) -> str | None:
        if key == "highlights":
            return "Highlights"
        if key == "saved":
            return "Saved searches"
        if key.startswith("saved:"):
            return key[6:]
        return None

    def notes_subsections(self, key: str) -> list[str]:
        if key == "saved":
            return [f"saved:{s.name}" for s in self.store.saved_searches()]
        return []

    def notes_section_ids(self, key: str) -> set[str] | None:
        if key == "highlights":
            return {h.article_id for h in self.store.highlights() if self.corpus.find(h.article_id)}
        if key == "saved":
            ids: set[str] = set()
            for s in self.store.saved_searches():
                ids |= set(self.saved_search_ids(s.name) or [])
            return ids
        if key.startswith("saved:"):
            return set(self.saved_search_ids(key[6:]) or [])
        return None
