"""The main screen's exports, from the palette: highlights as Markdown, and the open
post, the bookmarked posts or a search's posts as an EPUB reading pack.

Each asks for the file first, suggesting a free name in reader.paths.exports_dir() (a
relative name is taken there, `~` is the home folder), then writes it in a worker with
the session's store (reader.export.files, as the CLI's `export` does) and says in one
line what it wrote, or why it could not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from textual import work
from textual.message import Message

from reader import paths
from reader.articles.parse import slugify
from reader.errors import ReaderError
from reader.export.files import (
    bookmarked_articles,
    searched_articles,
    write_epub,
    write_highlights,
)
from reader.sanitise import for_terminal
from reader.ui.screens.host import MainScreenHost


class ExportDone(Message):
    def __init__(self, line: str, failed: bool) -> None:
        super().__init__()
        self.line = line
        self.failed = failed


def free_path(directory: Path, stem: str, suffix: str) -> Path:
    """directory/stem.suffix, or stem-2, stem-3 ... when that is taken (never over an
    earlier export)."""
    candidate = directory / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = directory / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def chosen_path(typed: str) -> Path:
    path = Path(typed.strip()).expanduser()
    return path if path.is_absolute() else paths.exports_dir() / path


class Exports(MainScreenHost):
    """Mixed into MainScreen."""

    def action_export_highlights(self) -> None:
        if not self.session.all_highlights():
            self.notify("No highlights yet: v in a post, then h.", timeout=3)
            return
        today = date.today().isoformat()

        def write(store, output: Path) -> str:
            return write_highlights(store, self.session.corpus, output).summary("highlights")

        self._ask_and_write(
            "Export your highlights (Markdown) to", f"highlights-{today}", ".md", write
        )

    def action_export_post_epub(self) -> None:
        article = self.current
        if article is None:
            self.notify("Open a post first.", timeout=3)
            return
        self._epub([article], f"gp-reader: {article.title}", "one post", article.id)

    def action_export_bookmarks_epub(self) -> None:
        articles = bookmarked_articles(self.session.store, self.session.corpus)
        if not articles:
            self.notify("No bookmarked posts yet: b bookmarks the open post.", timeout=3)
            return
        today = date.today().isoformat()
        self._epub(
            articles, "gp-reader: bookmarked posts", "bookmarked posts", f"bookmarks-{today}"
        )

    def action_export_search_epub(self) -> None:
        text = self.last_search if self.searching else None
        if not text:
            self.notify("Search first (/), then export what it finds.", timeout=3)
            return
        self._epub(
            None,
            f"gp-reader: search: {text}",
            f"search: {text}",
            f"search-{slugify(text, 40)}",
            text,
        )

    # -- writing ---------------------------------------------------------------------

    def _epub(
        self, articles, title: str, selection: str, stem: str, search: str | None = None
    ) -> None:
        def write(store, output: Path) -> str:
            chosen = articles
            if chosen is None:  # a search's posts, found again as the CLI finds them
                chosen = searched_articles(
                    self.session.search_index(), self.session.corpus, search or ""
                )
            return write_epub(store, chosen, title, selection, output).summary("posts")

        self._ask_and_write("Export as an EPUB reading pack to", stem, ".epub", write)

    def _ask_and_write(
        self, heading: str, stem: str, suffix: str, write: Callable[..., str]
    ) -> None:
        from reader.ui.screens.note_editor import NameAsker

        suggested = free_path(paths.exports_dir(), stem, suffix)

        def answered(typed: str | None) -> None:
            if typed:
                self._write_export(chosen_path(typed), write)

        hint = f"Enter write · Esc cancel · a name alone goes in {paths.exports_dir()}"
        self.app.push_screen(
            NameAsker(heading, str(suggested), placeholder="a file", hint=for_terminal(hint)),
            answered,
        )

    @work(thread=True, group="export", exit_on_error=False)
    def _write_export(self, output: Path, write: Callable[..., str]) -> None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)  # the exports folder, first time
            line, failed = write(self.session.store, output), False
        except ReaderError as exc:
            line, failed = f"Could not export: {exc}", True
        except OSError as exc:
            line, failed = f"Could not export to {output}: {exc.strerror or exc}", True
        self.post_message(ExportDone(line, failed))

    def on_export_done(self, message: ExportDone) -> None:
        self.notify(
            for_terminal(message.line[:1].upper() + message.line[1:], single_line=True),
            severity="error" if message.failed else "information",
            timeout=8,
            markup=False,
        )
