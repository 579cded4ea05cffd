"""Exports from the app (the palette): highlights as Markdown, the open post, the
bookmarked posts and a search's posts as an EPUB, each asking for the file first
(Pilot, with the documents folder in the test's own directories: conftest)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from reader import paths
from reader.ui.screens.exports import free_path
from reader.ui.screens.note_editor import NameAsker
from tests.test_app_glossary import keys, palette_ready
from tests.ui_support import make_app, search, wait_until

SIZE = (120, 40)


async def run_palette(pilot, app, command: str) -> None:
    await pilot.press("ctrl+p", *keys(command))
    await wait_until(pilot, palette_ready(app))
    await pilot.press("enter")


async def export_dialog(pilot, app, command: str):
    """The palette's export command, up to its file box: the box's Input."""
    await run_palette(pilot, app, command)
    await wait_until(pilot, lambda: isinstance(app.screen, NameAsker))
    return app.screen.query_one("#name")


def said(app, text: str) -> bool:
    return any(text in n.message for n in app._notifications)


def epub_titles(path) -> list[str]:
    with zipfile.ZipFile(path) as book:
        assert book.read("mimetype") == b"application/epub+zip"
        return [n for n in book.namelist() if n.endswith(".xhtml")]


async def test_the_open_post_as_an_epub_goes_to_the_suggested_file():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        post = screen.current
        assert post is not None
        field = await export_dialog(pilot, app, "export the open post")
        suggested = paths.exports_dir() / f"{post.id}.epub"
        assert field.value == str(suggested)
        assert not paths.exports_dir().exists()  # made by the export, not before
        await pilot.press("enter")
        await wait_until(pilot, lambda: said(app, "Wrote"))
        assert said(app, "1 post, 0 highlights")
        assert suggested.is_file() and epub_titles(suggested)
        # Again: the suggestion never overwrites the first export.
        field = await export_dialog(pilot, app, "export the open post")
        assert field.value.endswith(f"{post.id}-2.epub")
        await pilot.press("escape")  # cancelled: nothing written
        await wait_until(pilot, lambda: not isinstance(app.screen, NameAsker))
        assert sorted(p.name for p in paths.exports_dir().iterdir()) == [suggested.name]


async def test_bookmarks_and_a_search_as_epubs_and_a_name_alone_goes_in_the_folder():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await run_palette(pilot, app, "export bookmarked posts")
        await wait_until(pilot, lambda: said(app, "No bookmarked posts yet"))
        await pilot.press("b")  # the open post
        field = await export_dialog(pilot, app, "export bookmarked posts")
        field.value = "my pack.epub"  # a name alone: in the exports folder
        await pilot.press("enter")
        await wait_until(pilot, lambda: said(app, "my pack.epub: 1 post"))
        assert (paths.exports_dir() / "my pack.epub").is_file()

        await search(pilot, "maggots OR bookstores")
        written = (await export_dialog(pilot, app, "export this search")).value
        assert written.endswith("search-maggots-or-bookstores.epub")
        await pilot.press("enter")
        await wait_until(pilot, lambda: said(app, "2 posts, 0 highlights"))
        assert len(epub_titles(written)) >= 2
        assert screen.searching


async def test_highlights_as_markdown_and_a_file_that_cannot_be_written():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await run_palette(pilot, app, "export highlights")
        await wait_until(pilot, lambda: said(app, "No highlights yet"))
        await pilot.press("right", "v", "h")  # into the post, the passage cursor, highlight
        await wait_until(pilot, lambda: len(screen.article_view.highlights) == 1)
        suggested = (await export_dialog(pilot, app, "export highlights")).value
        assert suggested.startswith(str(paths.exports_dir() / "highlights-"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: said(app, "1 highlight from 1 post"))
        text = Path(suggested).read_text(encoding="utf-8")
        assert screen.current.title in text

        # A folder where the file should go is a file: one line, the app goes on.
        blocker = paths.exports_dir() / "taken"
        blocker.write_text("not a folder")
        (await export_dialog(pilot, app, "export highlights")).value = str(blocker / "notes.md")
        await pilot.press("enter")
        await wait_until(pilot, lambda: said(app, "Could not export"))
        failure = [n.message for n in app._notifications if "Could not export" in n.message]
        assert "\n" not in failure[-1] and "Traceback" not in failure[-1]
        assert blocker.read_text() == "not a folder"


def test_a_suggested_name_is_free(tmp_path):
    assert free_path(tmp_path, "pack", ".epub") == tmp_path / "pack.epub"
    (tmp_path / "pack.epub").write_text("")
    (tmp_path / "pack-2.epub").write_text("")
    assert free_path(tmp_path, "pack", ".epub") == tmp_path / "pack-3.epub"
