"""Reading for work in the app: find in the post, the passage cursor, highlights, notes,
copy with a citation, saved searches and the progress line (Pilot)."""

from __future__ import annotations

from reader.ui.screens.note_editor import NameAsker, NoteEditor
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.find_bar import FindBar, FindInput
from reader.ui.widgets.nav_tree import NavTree
from tests.test_app import as_text
from tests.ui_support import make_app, make_session, search, wait_until

NEWEST = "what-a-neighbourhood-health-service-for-london-means-for"
SIZE = (120, 40)


def parts(app):
    screen = app.screen
    return screen, screen.query_one(NavTree), screen.query_one(ArticleView)


async def into_post(pilot):
    await pilot.press("tab")
    screen, _, view = parts(pilot.app)
    assert screen.focused is view


async def test_find_marks_counts_steps_with_n_and_closes_on_escape():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, view = parts(app)
        await into_post(pilot)
        await pilot.press("f")
        bar = screen.query_one(FindBar)
        assert bar.display and screen.focused is bar.input
        await pilot.press(*"neighbourhood")
        await pilot.pause()
        total = view.plain.lower().count("neighbourhood")
        assert total > 3 and len(view.find_spans) == total
        count = bar.query_one("#find-count")
        assert str(count.render()) == f"1 of {total}"
        # The list beside the post is not a search of every post: no results list.
        assert not screen.searching
        await pilot.press("enter")
        assert view.find_index == 1 and str(count.render()) == f"2 of {total}"
        await pilot.press("up")
        assert view.find_index == 0
        # Into the post: n / N go through the matches and stay in this post.
        await pilot.press("tab")
        assert screen.focused is view
        await pilot.press("n", "n")
        assert view.find_index == 2 and view.article.id == NEWEST
        await pilot.press("N")
        assert view.find_index == 1 and view.article.id == NEWEST
        # Each match is drawn reversed; the current one bold too.
        await pilot.press("escape")
        assert not bar.display and view.find_spans == [] and screen.focused is view
        # With the bar closed, n is the next unread post again.
        await pilot.press("n")
        assert view.article.id != NEWEST


async def test_ctrl_f_from_the_list_and_escape_in_the_bar():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        assert screen.focused is tree
        await pilot.press("ctrl+f")
        assert screen.focused is screen.query_one(FindInput)
        await pilot.press(*"zzzqqq")
        await pilot.pause()
        assert str(screen.query_one("#find-count").render()) == "no matches"
        await pilot.press("escape")
        assert not screen.query_one(FindBar).display and view.find_spans == []


async def test_passage_cursor_moves_by_sentence_and_paragraph_and_extends():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        _, _, view = parts(app)
        await into_post(pilot)
        await pilot.press("v")
        first = view.passage
        assert first is not None and first[0] == 0
        assert view.plain[first[0] : first[1]].endswith(".")  # one sentence
        await pilot.press("j")
        second = view.passage
        assert second[0] > first[1] - 1
        await pilot.press("k")
        assert view.passage == first
        await pilot.press("J", "shift+down")
        longer = view.passage
        assert longer[0] == first[0] and longer[1] > second[1]
        await pilot.press("K")
        assert view.passage == (first[0], second[1])
        await pilot.press("right_curly_bracket")
        block = view._blocks[1]
        assert view.passage == (block.start, block.end)
        await pilot.press("escape")
        assert view.passage is None
        # j scrolls again once the cursor is off.
        await pilot.press("j")
        assert view.scroll_y == 1


async def test_highlight_survives_a_restart_and_lists_in_the_tree():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        await into_post(pilot)
        await pilot.press("v", "j", "h")
        await pilot.pause()
        (h,) = view.highlights
        assert view.plain[h.start : h.end] == h.quote
        assert "1 highlight" in str(screen.query_one("#byline").render())
        # In the margin, so it shows with NO_COLOR too.

        assert "┃ " in as_text(view) or "▶ " in as_text(view)
        await pilot.press("escape")
        assert "┃ " in as_text(view)
        await pilot.press("h")  # no cursor, no mouse selection: nothing added, to the list
        assert len(view.highlights) == 1 and screen.focused is not view
    session = make_session()
    assert [e.id for e in session.entries("highlights")] == [NEWEST]
    assert session.entries("highlights")[0].count == 1
    app = make_app(session=session)
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        assert [x.quote for x in view.highlights] == [h.quote]
        screen.go_to_section("highlights")
        await pilot.pause()
        await pilot.press("right")  # open the section
        await pilot.pause()
        node = tree.cursor_node
        assert node.data == ("section", "highlights")
        leaves = [c for c in node.children if c.data[0] == "post"]
        assert [c.data[1] for c in leaves] == [NEWEST]
        assert str(leaves[0].label).startswith("●  [1] What A Neighbourhood")


async def test_note_editor_saves_a_note_on_a_highlight_and_escape_cancels():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, view = parts(app)
        await into_post(pilot)
        await pilot.press("v", "e")  # a passage with no highlight yet: highlighted, then noted
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"Use this")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        (h,) = view.highlights
        assert h.note == "Use this"
        assert "✎ Use this" in as_text(view)
        await pilot.press("e")
        await pilot.press(*" later")
        await pilot.press("escape")
        await pilot.pause()
        assert view.highlights[0].note == "Use this"  # cancelled: unchanged
        await pilot.press("x")
        await pilot.pause()
        assert view.highlights == []


async def test_bookmark_note_in_the_app_shows_in_byline_and_bookmarks():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        await into_post(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"For the board")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "★ bookmarked: For the board" in str(screen.query_one("#byline").render())
        entries = screen.session.entries("bookmarks")
        assert entries[0].id == NEWEST and entries[0].note == "For the board"


async def test_y_copies_the_passage_with_a_citation():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        _, _, view = parts(app)
        await into_post(pilot)
        await pilot.press("y")  # no cursor: the paragraph at the top of the view
        first = view._blocks[0].text
        assert app.clipboard.startswith(f"“{first}”")
        assert f"— “{view.article.title}”, Ben Gowland" in app.clipboard
        await pilot.press("v", "y")
        sentence = view.plain[view.passage[0] : view.passage[1]]
        assert app.clipboard.splitlines()[0] == f"“{sentence}”"


async def test_save_search_from_the_search_bar_and_saved_section_counts():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, _ = parts(app)
        await search(pilot, "integrator")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NameAsker)
        await pilot.press(*"integ", "enter")
        await pilot.pause()
        assert [s.name for s in screen.session.saved_searches()] == ["integ"]
        await wait_until(pilot, lambda: screen.session._index is not None)
        total, _ = screen.session.counts("saved:integ")
        assert total == screen.session.search_index().search("integrator", limit=200).total > 0


async def test_progress_line_shows_percent_and_minutes_left():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        _, _, view = parts(app)
        await into_post(pilot)
        await pilot.press("G")
        await pilot.pause()
        assert str(view.query_one("#progress").render()) == "100% · end"
        await pilot.press("g")
        await pilot.pause()
        text = str(view.query_one("#progress").render())
        assert text.startswith("0% · ") and text.endswith("min left")


async def test_a_highlight_whose_text_is_gone_is_shown_detached_not_dropped():
    session = make_session()
    session.store.add_highlight(
        NEWEST, "A sentence the fuller import removed from the post", "", "", 10, 60
    )
    app = make_app(session=session)
    async with app.run_test(size=SIZE) as pilot:
        _, _, view = parts(app)
        await pilot.pause()
        (h,) = view.highlights
        assert h.detached
        # Drawn at the end of the post (after the blocks the offsets count in).
        assert "Detached (1), no longer found in the post" in view.detached_note().plain
        assert "┃" not in as_text(view)  # and not marked anywhere in the text
    (kept,) = session.store.highlights(NEWEST)
    assert kept.detached and kept.quote.startswith("A sentence the fuller import")


async def test_highlights_and_notes_made_by_the_cli_show_while_the_app_runs(monkeypatch):
    import asyncio
    import json
    import os
    import subprocess
    import sys

    monkeypatch.setattr("reader.ui.screens.main.STATE_SYNC_SECONDS", 0.05)

    def cli(*args: str) -> str:  # `gp-reader ...` in another process, as a user runs it
        ran = subprocess.run(
            [sys.executable, "-m", "reader", *args],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            timeout=120,
        )
        assert ran.returncode == 0, ran.stderr
        return ran.stdout

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        assert view.article.id == NEWEST and view.highlights == []
        section = next(c for c in tree.root.children if c.data == ("section", "highlights"))
        assert str(section.label).startswith("Highlights  0")
        quote = "a somewhat fuzzy concept"
        await asyncio.to_thread(cli, "highlight", "add", NEWEST, "--quote", quote)
        await wait_until(pilot, lambda: [h.quote for h in view.highlights] == [quote])
        (h,) = view.highlights
        assert view.plain[h.start : h.end] == quote
        assert "┃ " in as_text(view)  # drawn in the open post, not only stored
        assert "1 highlight" in str(screen.query_one("#byline").render())
        assert str(section.label).startswith("Highlights  1")
        # A note set from the CLI arrives on the open post's highlight too.
        listed = json.loads(await asyncio.to_thread(cli, "highlight", "list", "--json"))
        await asyncio.to_thread(cli, "highlight", "note", listed[0]["id"], "Ask the ICB")
        await wait_until(pilot, lambda: [x.note for x in view.highlights] == ["Ask the ICB"])
        # And one removed there goes here.
        await asyncio.to_thread(cli, "highlight", "remove", listed[0]["id"])
        await wait_until(pilot, lambda: view.highlights == [])
        assert "highlight" not in str(screen.query_one("#byline").render())
        assert str(section.label).startswith("Highlights  0")
