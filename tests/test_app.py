"""The app, driven with Textual's Pilot: every key and flow of the reading app issue."""

from __future__ import annotations

import asyncio
import gc

import pytest
from rich.console import Console, Group
from textual.command import CommandList
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from reader.articles.markdown import split_blocks
from reader.errors import ReaderError
from reader.ui import launch
from reader.ui.app import ReaderApp
from reader.ui.screens.help import HelpScreen, keys_table
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.nav_tree import NavTree
from reader.ui.widgets.results_list import ResultsList
from tests.ui_support import KEY_NAMES, corpus, make_app, make_session, search, wait_until

NEWEST = "what-a-neighbourhood-health-service-for-london-means-for"
SIZE = (120, 40)


def as_text(view):
    console = Console(record=True, width=90)
    console.print(Group(*view._renderables))
    return console.export_text()


def keys(text):
    return [KEY_NAMES.get(ch, ch) for ch in text]


async def scrolls_with_j_k_g_and_G(pilot, scrollable):
    """j j, k, G and g move `scrollable` (at the top to start) as a reader expects."""
    await pilot.press("j", "j")
    assert scrollable.scroll_y == 2
    await pilot.press("k")
    assert scrollable.scroll_y == 1
    await pilot.press("G")
    assert scrollable.scroll_y == scrollable.max_scroll_y
    await pilot.press("g")
    assert scrollable.scroll_y == 0


def parts(app):
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen, screen.query_one(NavTree), screen.query_one(ArticleView)


async def test_first_run_shows_the_tree_and_the_newest_post():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        assert view.article.id == NEWEST
        labels = [str(node.label) for node in tree.root.children]
        assert labels[0] == "All posts  28/28"
        assert [lbl.split("  ")[0] for lbl in labels] == [
            "All posts",
            "The General Practice Blog",
            "CCGs and Primary Care",
            "Topics",
            "Archive by date",
            "Bookmarks",
            "Highlights",
            "Saved searches",
            "Unread",
            "Recently opened",
        ]
        assert app.focused is tree
        # The post shown at start was not opened by the reader: not in Recently opened.
        recent = tree.root.children[-1]
        assert str(recent.label) == "Recently opened  0"
        recent.expand()
        await pilot.pause()
        assert len(recent.children) == 0
        screen.open_article(corpus().articles[-1].id)
        await pilot.pause()
        assert str(recent.label) == "Recently opened  1/1"
        assert [child.data for child in recent.children] == [("post", corpus().articles[-1].id)]
        await pilot.press("q")
    assert app.return_code == 0


async def test_start_reopens_the_last_post_at_its_reading_position():
    session = make_session()
    session.opened("50-to-1")
    session.save_position("50-to-1", 0.5)
    app = make_app(session=session)
    async with app.run_test(size=SIZE) as pilot:
        _, _, view = parts(app)
        await pilot.pause()
        assert view.article.id == "50-to-1"
        assert view.max_scroll_y > 0
        assert abs(view.scroll_y - 0.5 * view.max_scroll_y) <= 1


async def test_tree_keys_open_a_post_and_the_archive_groups_by_year_and_month():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        # j/k move, Enter expands a section and opens a post.
        await pilot.press("j", "j", "k")  # on 'The General Practice Blog'
        assert tree.cursor_node.data == ("section", "category:The General Practice Blog")
        await pilot.press("enter", "j", "j", "enter")
        assert view.article.id == "why-engage-with-neighbourhoods"
        assert app.focused is tree  # Enter opens; the keys stay in the list
        # The archive: years, then months, then undated posts.
        screen.go_to_section("archive")
        await pilot.pause()
        archive = tree.cursor_node
        assert [str(c.label).split("  ")[0] for c in archive.children] == [
            "2014",
            "2013",
            "Date unknown",
        ]
        screen.go_to_section("month:2013-09")
        await pilot.pause()
        september = tree.cursor_node
        assert str(september.label).startswith("September 2013  2")
        # A year lists its months; their posts are under them, not again under the year.
        year = september.parent
        assert [child.data[0] for child in year.children] == ["section"] * len(year.children)
        assert len(september.children) == 2
        assert len(september.children) == 2


async def test_article_pane_shows_title_byline_and_markdown_blocks():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, view = parts(app)
        screen.open_article("why-extended-access-is-so-controversial")
        await pilot.pause()
        byline = str(view.query_one("#byline").render())
        # An undated post's byline has no date in it, not a "date unknown".
        assert "Ben Gowland" in byline and "min read" in byline and "date unknown" not in byline
        assert "The General Practice Blog (Ockham Healthcare) · 3 min read" in byline
        assert "Topics: Access" in byline and "unread" in byline
        kinds = [kind for kind, _, _ in split_blocks(view.article.body)]
        assert "heading" in kinds and kinds.count("bullet") == 4
        shown = as_text(view)
        assert "What exactly then is the problem?" in shown and "• Where an external" in shown
        screen.open_article(NEWEST)
        await pilot.pause()
        assert "▌ The neighbourhood health service" in as_text(view)  # a quotation
        assert view.query_one("#page").size.width <= 90


async def test_scrolling_keys_in_the_article():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, view = parts(app)
        await pilot.press("tab")
        assert app.focused is view
        await pilot.press("space")
        assert view.scroll_y > 0
        first_page = view.scroll_y
        await pilot.press("pagedown")
        assert view.scroll_y > first_page
        await pilot.press("pageup", "pageup")
        assert view.scroll_y == 0
        await scrolls_with_j_k_g_and_G(pilot, view)
        await pilot.press("tab")
        assert isinstance(app.focused, NavTree)


async def test_search_as_you_type_enter_opens_with_matches_and_n_jumps():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        await pilot.press("j", "j")
        before = tree.cursor_node
        await search(pilot, "integrator")
        results = screen.query_one(ResultsList)
        assert results.option_count == 3
        assert "3 results" in str(screen.query_one("#status").render())
        await pilot.press("enter")
        assert app.focused is results  # out of the search bar, where n would be typed
        assert view.article.id == NEWEST
        assert view.match_count >= 2
        await pilot.press("n")
        assert view._current == 0
        await pilot.press("n")
        assert view._current == 1
        await pilot.press("N")
        assert view._current == 0
        shown = [n.message for n in app._notifications]  # one at a time, the latest
        assert shown == [f"Match 1 of {view.match_count}"]
        # b works at once on the opened result.
        await pilot.press("b")
        assert screen.session.is_bookmarked(NEWEST)
        # Esc leaves the search: the tree is back with its cursor where it was.
        await pilot.press("escape")
        assert not screen.searching
        assert app.focused is tree and tree.cursor_node is before
        assert screen.query_one(Input).value == ""


async def test_enter_before_the_results_are_in_opens_the_first_when_they_come():
    """Typed fast ('maggots' then Enter within the search's pause): Enter searches at
    once and opens the first result when it comes, not "No results to open"."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, view = parts(app)
        await pilot.press("slash")
        bar = screen.query_one(Input)
        bar.value = "maggots"  # as typed, the search not yet run
        await bar.action_submit()
        await wait_until(pilot, lambda: view.article is not None and "maggots" in view.article.id)
        assert not [n for n in app._notifications if "No results" in n.message]
        assert screen.query_one(ResultsList).option_count == 1


async def test_results_list_keys_and_mouse():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, view = parts(app)
        await search(pilot, "maggots OR bookstores")
        results = screen.query_one(ResultsList)
        assert results.option_count == 2
        await pilot.press("down")
        assert app.focused is results
        await pilot.press("j", "enter")
        second = results.get_option_at_index(1).id
        assert view.article.id == second
        await search(pilot, "maggots OR bookstores")
        first = results.get_option_at_index(0).id
        await pilot.click(ResultsList, offset=(5, 1))
        assert view.article.id == first


async def test_no_results_and_did_you_mean_are_shown_plainly():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, _ = parts(app)
        await search(pilot, "xqzvwk")
        assert "No results for “xqzvwk”." in str(screen.query_one("#status").render())
        assert screen.query_one(ResultsList).option_count == 0
        await pilot.press("enter")  # nothing to open: no crash, the post stays
        await search(pilot, "neighbourhods")
        assert "Did you mean: neighbourhoods?" in str(screen.query_one("#status").render())
        await pilot.press("enter")  # takes the suggestion
        await wait_until(pilot, lambda: screen.last_search == "neighbourhoods ")
        assert screen.query_one(ResultsList).option_count > 0


async def test_a_plain_question_is_not_rewritten_by_did_you_mean():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, _ = parts(app)
        await search(pilot, "why should my practice bother with neighbourhoods")
        status = str(screen.query_one("#status").render())
        assert screen.query_one(ResultsList).option_count > 0
        assert "Did you mean" not in status  # 'bother' is a word, not a typo of 'other'


async def test_a_first_letter_alone_is_not_searched():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, _ = parts(app)
        await search(pilot, "pc")
        assert screen.searching
        await pilot.press("backspace")  # 'p': back to the list, not "No results for p"
        assert not screen.searching and tree.display
        assert "No results" not in str(screen.query_one("#status").render())


async def test_bad_query_syntax_is_searched_as_words():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, _ = parts(app)
        await search(pilot, '"primary care')
        assert screen.query_one(ResultsList).option_count > 0
        assert "words" in str(screen.query_one("#status").render())


async def test_b_B_m_and_n_without_a_search():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        session = screen.session
        await pilot.press("b")
        assert session.is_bookmarked(NEWEST)
        assert "★ bookmarked" in str(view.query_one("#byline").render())
        await pilot.press("B")
        await pilot.pause()
        assert tree.cursor_node.data == ("section", "bookmarks")
        assert [c.data for c in tree.cursor_node.children] == [("post", NEWEST)]
        await pilot.press("b")
        assert not session.is_bookmarked(NEWEST)
        assert tree.cursor_node.children == [] or not tree.cursor_node.children
        # m toggles read; n opens the next unread post, N the previous one.
        await pilot.press("m")
        assert session.is_read(NEWEST)
        await pilot.press("n")
        second = corpus().articles[1].id
        assert view.article.id == second
        await pilot.press("N")  # the only earlier post is read: round to the last one
        assert view.article.id == corpus().articles[-1].id
        await pilot.press("n")
        assert view.article.id == second
        await pilot.press("m", "m")
        assert session.is_read(second) is False


async def test_reaching_the_end_marks_a_post_read_and_position_is_saved():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        session = screen.session
        await pilot.press("tab", "space")
        screen.flush_position()
        assert 0 < session.position(NEWEST) < 1
        assert not session.is_read(NEWEST)
        await pilot.press("G")
        assert session.is_read(NEWEST)
        assert str(tree.root.children[0].label) == "All posts  27/28"


async def test_staying_on_a_post_marks_it_read_but_not_the_one_shown_at_start(monkeypatch):
    monkeypatch.setattr("reader.ui.screens.main.READ_AFTER_SECONDS", 0.1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, _ = parts(app)
        later = []
        screen.set_timer(0.3, lambda: later.append(True))  # the start post's time is up
        await wait_until(pilot, lambda: later)
        assert not screen.session.is_read(NEWEST)  # shown at start, never chosen
        chosen = corpus().articles[-1].id
        screen.open_article(chosen)
        await wait_until(pilot, lambda: screen.session.is_read(chosen))


async def test_help_lists_every_key_and_closes():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(record=True, width=120)
        console.print(keys_table())
        text = console.export_text()
        assert app.screen.query_one("#help-keys")
        for key in [
            "j / k",
            "Enter",
            "Space",
            "g / G",
            "Tab",
            "b",
            "B",
            "m",
            "n / N",
            "/",
            "Ctrl+P",
            "q",
            "Esc",
        ]:
            assert key in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_help_scrolls_with_j_k_g_and_G_in_a_small_terminal():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y > 0  # it does not fit
        await scrolls_with_j_k_g_and_G(pilot, box)


async def test_command_palette_opens_a_post_by_title_and_jumps_to_a_topic():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)

        def palette_ready():
            palettes = app.screen.query(CommandList)
            return bool(palettes) and palettes.first().option_count > 0

        await pilot.press("ctrl+p", *keys("50 to 1"))
        await wait_until(pilot, palette_ready)
        await pilot.press("enter")
        await wait_until(pilot, lambda: view.article.id == "50-to-1")
        await pilot.press("ctrl+p", *keys("topic pcns"))
        await wait_until(pilot, palette_ready)
        await pilot.press("enter")
        await wait_until(pilot, lambda: tree.cursor_node.data == ("section", "topic:PCNs"))
        # One way to change the theme: the app's two, not also Textual's twenty.
        system = [command.title for command in app.get_system_commands(app.screen)]
        assert "Theme" not in system and {"Quit", "Keys"} <= set(system)  # the rest stay
        await pilot.press("ctrl+p", *keys("theme"))
        await wait_until(pilot, palette_ready)
        options = app.screen.query_one(CommandList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        themes = sorted(p.split("\n")[0] for p in prompts if p.startswith("Theme"))
        assert themes == ["Theme: dark", "Theme: light"]


@pytest.mark.parametrize("width", [50, 59])
async def test_narrow_terminal_folds_the_list_away_and_t_brings_it_back(width):
    app = make_app()
    async with app.run_test(size=(width, 24)) as pilot:
        screen, tree, view = parts(app)
        sidebar = screen.query_one("#sidebar")
        assert not sidebar.display or sidebar.region.width == 0
        assert view.region.width > 0
        await pilot.press("t")
        assert sidebar.region.width == width
        await pilot.press("tab")  # to the post: the list folds away again
        assert app.focused is view and sidebar.region.width == 0
        await pilot.press("t")
        assert sidebar.region.width == width
        assert app.focused is tree  # shown to be used: the keys move in it at once
        await pilot.press("escape")
        assert not sidebar.display or sidebar.region.width == 0


async def test_light_and_dark_themes():
    for theme, dark in (("light", False), ("dark", True)):
        app = make_app(theme=theme)
        async with app.run_test(size=SIZE):
            assert app.current_theme.dark is dark


async def test_q_quits_and_saves_the_reading_position():
    session = make_session()
    app = make_app(session=session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "space", "q")
    assert 0 < session.position(NEWEST) < 1


async def test_the_footer_lists_the_keys_after_the_first_frame():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.screen.query(FooterKey))
        assert len(app.screen.query(Footer)) == 1
        shown = {key.description for key in app.screen.query(FooterKey)}
        assert {"Open", "Post", "Search", "Bookmark", "Read", "Next", "Help", "Quit"} <= shown
        await pilot.press("slash")  # the footer follows the focus, as before
        await wait_until(pilot, lambda: isinstance(app.focused, Input))


def test_the_app_starts_with_the_garbage_collector_paused_until_its_first_frame(monkeypatch):
    seen = {}
    first_frame_drawn = ReaderApp.first_frame_drawn

    def drawn(app):
        seen["at the first frame"] = gc.isenabled()
        first_frame_drawn(app)
        seen["after it"] = gc.isenabled()
        app.exit()

    monkeypatch.setattr(ReaderApp, "first_frame_drawn", drawn)
    monkeypatch.setattr(MainScreen, "_warm_search", lambda self: None)
    assert gc.isenabled()
    gc.unfreeze()
    try:
        assert launch.run_app(headless=True, size=SIZE) == 0
        assert seen == {"at the first frame": False, "after it": True}
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # what the start-up left is not walked again
    finally:
        gc.unfreeze()


def test_the_garbage_collector_is_resumed_when_the_app_cannot_start(monkeypatch):
    def broken():
        raise ReaderError("the library is unreadable")

    monkeypatch.setattr(launch, "make_session", broken)
    with pytest.raises(ReaderError):
        launch.run_app(headless=True, size=SIZE)
    assert gc.isenabled()


async def test_the_tree_cursor_is_drawn_where_the_keys_move_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, _ = parts(app)
        await pilot.press("j", "j")
        await pilot.pause()
        assert tree.cursor_node.data == ("section", "category:CCGs and Primary Care")
        # The cursor's colours, on the screen as drawn, on that line and no other.
        cursor_bg = tree.get_component_rich_style("tree--cursor").bgcolor
        lines = [
            [segment for strip in line for segment in strip]
            for line in screen._compositor.render_update(full=True).strips
        ]
        drawn = [
            "".join(segment.text for segment in line).strip()
            for line in lines
            if any(segment.style and segment.style.bgcolor == cursor_bg for segment in line)
        ]
        assert len(drawn) == 1 and "CCGs and Primary Care" in drawn[0]


def test_the_widgets_shadow_no_private_method_of_textual():
    """NavTree once defined `_refresh_node`, a private Tree method: the cursor went undrawn."""
    from reader.ui.widgets.related_list import RelatedList
    from reader.ui.widgets.search_bar import SearchBar

    made_by_textual = {"_computes", "_css_type_name", "_css_type_names", "_decorated_handlers"}
    made_by_textual |= {"_merged_bindings", "_reactives", "_abc_impl"}
    for cls in (NavTree, ResultsList, RelatedList, ArticleView, SearchBar, MainScreen, ReaderApp):
        ours = {n for n in vars(cls) if n.startswith("_") and not n.startswith("__")}
        ours -= made_by_textual | {n for n in ours if n.startswith("_inherit_")}
        for base in cls.__mro__[1:]:
            if base.__module__.startswith("textual"):
                assert not ours & set(vars(base)), (cls.__name__, base.__name__)


async def test_marks_made_by_another_gp_reader_show_while_the_app_runs(monkeypatch):
    from reader import paths
    from reader.store.sqlite import StoreBusy
    from reader.store.state import StateStore

    monkeypatch.setattr("reader.ui.screens.main.STATE_SYNC_SECONDS", 0.05)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        assert "unread" in str(screen.query_one("#byline").render())
        with StateStore.open(paths.state_db()) as other:  # the other gp-reader
            other.mark_read(NEWEST)
            other.add_bookmark(NEWEST, "a title")
        await wait_until(pilot, lambda: "★ bookmarked" in str(screen.query_one("#byline").render()))
        assert "✓ read" in str(screen.query_one("#byline").render())
        with StateStore.open(paths.state_db()) as other:  # a note, as `bookmark add --note`
            other.add_bookmark(NEWEST, "a title", note="for Tuesday's PCN board")
        screen.open_article(NEWEST)
        await pilot.pause()
        byline = str(screen.query_one("#byline").render())
        assert "★ bookmarked: for Tuesday's PCN board" in byline
        # A store busy past its timeout (a long import elsewhere) skips a look, no more.
        tries = []

        def busy():
            tries.append(1)
            raise StoreBusy("the reading-state store is busy")

        monkeypatch.setattr(screen.session, "sync", busy)
        await wait_until(pilot, lambda: len(tries) >= 3)
        assert app.is_running
        assert str(tree.root.children[0].label) == "All posts  27/28"
        assert str(tree.root.children[-5].label).startswith("Bookmarks  1")


async def test_the_pane_the_keys_go_to_has_a_bar_in_the_primary_colour():
    from textual.color import Color

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        primary = Color.parse(app.current_theme.primary)

        def bars():
            return tree.styles.border_left[1] == primary, view.styles.border_left[1] == primary

        assert bars() == (True, False)
        await pilot.press("tab")
        assert bars() == (False, True)
        await pilot.press("r")  # into the related posts at the post's end: still the post's
        assert bars() == (False, True)


def test_a_passage_cut_for_a_narrow_list_keeps_its_first_marked_word():
    from reader.ui.widgets.results_list import trim_snippet

    snippet = "…one two three four five six seven care eight nine ten eleven twelve thirteen…"
    care = snippet.index("care")
    cut, spans = trim_snippet(snippet, ((care, care + 4), (len(snippet) - 9, len(snippet) - 1)), 40)
    assert [cut[a:b] for a, b in spans] == ["care"]  # the one past the cut is gone
    assert cut.startswith("…") and cut.endswith("…") and len(cut) <= 42  # the room, two '…'
    assert not cut[1:].startswith(" ") and " " not in (cut[1], cut[-2])  # whole words
    assert trim_snippet("short one", ((6, 9),), 40) == ("short one", ((6, 9),))


async def test_results_in_a_narrow_list_show_a_shorter_passage():
    async def passages(width):
        app = make_app()
        async with app.run_test(size=(width, 40)) as pilot:
            await search(pilot, "pcn")
            results = app.screen.query_one(ResultsList)
            prompts = [results.get_option_at_index(i).prompt for i in range(3)]
            return [str(p).split("\n")[2] for p in prompts]

    narrow, wide = await passages(80), await passages(160)
    assert all(len(n) < len(w) for n, w in zip(narrow, wide, strict=True))
    assert all(len(n) <= 3 * 32 for n in narrow)


async def test_at_80_columns_a_section_name_is_cut_before_its_counts():
    from rich.style import Style

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen, tree, _ = parts(app)
        screen.go_to_section("topics")
        await pilot.pause()
        width = tree.scrollable_content_region.width
        sections = [*tree.root.children, *tree.root.children[3].children]
        cut = 0
        for node in sections:
            depth = 1 if node.parent is tree.root else 2
            label = tree.render_label(node, Style(), Style()).plain
            total, unread = screen.session.counts(node.data[1])
            counts = f"  {unread}/{total}" if unread else f"  {total}"
            assert label.endswith(counts), label
            assert len(label) <= width - tree.guide_depth * (depth - 1), label
            cut += "…" in label
        assert cut >= 3  # 'The General Practice Blog', 'Collaboration at scale', ...


async def test_the_theme_chosen_in_the_app_is_kept_for_the_next_start(monkeypatch):
    from reader import paths
    from reader.settings import load_theme

    seen = []
    first_frame_drawn = ReaderApp.first_frame_drawn

    def drawn(app):
        seen.append(app.theme)
        first_frame_drawn(app)
        app.exit()

    def start(theme=None):
        try:
            launch.run_app(theme, headless=True, size=SIZE)
        finally:
            gc.unfreeze()

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert load_theme() is None  # starting is not choosing
        app.theme = "gp-light"  # what the palette's "Theme: light" does
        await pilot.pause()
    assert load_theme() == "light"
    monkeypatch.setattr(ReaderApp, "first_frame_drawn", drawn)
    monkeypatch.setattr(MainScreen, "_warm_search", lambda self: None)
    await asyncio.to_thread(start)
    await asyncio.to_thread(start, "dark")  # --theme wins for that start
    paths.settings_file().write_text("{not json", encoding="utf-8")
    await asyncio.to_thread(start)  # an unreadable file is no preference
    assert seen == ["gp-light", "gp-dark", "gp-dark"]
