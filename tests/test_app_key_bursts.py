"""Keys that arrive together (typed faster than the app answers, pasted by a terminal
multiplexer, or held while a post renders) are handled in order, each by the widget that
has the focus once the key before it is done: not by the widget that had it when they
arrived (Pilot)."""

from __future__ import annotations

from textual import events
from textual.widgets._footer import FooterKey

from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.nav_tree import NavTree
from reader.ui.widgets.search_bar import SearchBar
from tests.ui_support import KEY_NAMES, make_app, wait_until

SIZE = (120, 40)
NAMES = {**KEY_NAMES, "/": "slash"}


def burst(app, keys: str) -> None:
    """Every key at once, as the terminal driver hands over what it read in one go."""
    for ch in keys:
        app.post_message(events.Key(NAMES.get(ch, ch), ch))


async def ready(pilot):
    app = pilot.app
    await wait_until(pilot, lambda: app.screen.query(FooterKey))  # drawn; type-ahead over
    return app.screen


async def test_a_slash_and_a_word_in_one_burst_search_for_the_word():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        read_before = screen.session.is_read(screen.current.id)
        burst(app, "/maggots")
        bar = screen.query_one(SearchBar)
        await wait_until(pilot, lambda: bar.value == "maggots")
        await wait_until(pilot, lambda: screen.last_search == "maggots")
        # The letters went to the search bar, not to the list's keys (m: mark read).
        assert screen.session.is_read(screen.current.id) == read_before


async def test_a_key_that_moves_the_focus_then_the_next_key_goes_where_it_moved():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(ArticleView)
        assert isinstance(screen.focused, NavTree)
        burst(app, "lv")  # to the post, then the passage cursor on
        await wait_until(pilot, lambda: view.passage is not None)
        assert screen.focused is view
        burst(app, "vhl")  # off, to the list, back to the post
        await wait_until(pilot, lambda: view.passage is None and screen.focused is view)
        burst(app, "vhl")  # on, highlight it (the focus stays), nowhere to go
        await wait_until(pilot, lambda: len(view.highlights) == 1)
        assert view.passage is not None and screen.focused is view


async def test_v_straight_after_g_starts_where_the_view_is_going():
    """g, G and Space scroll smoothly; a v (or f, or y) pressed before the scroll has
    landed took the sentence at the top of a view on its way, not where it was going:
    G then v put the cursor mid-post, and the view jumped back to it."""
    app = make_app()
    app.animation_level = "full"  # the tests' default is no animations
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(ArticleView)
        burst(app, "l")
        await wait_until(pilot, lambda: screen.focused is view)
        burst(app, "Gv")
        await wait_until(pilot, lambda: view.passage is not None)
        await wait_until(pilot, lambda: not app.animator.is_being_animated(view, "scroll_y"))
        start = view.passage[0]
        assert start > len(view.plain) // 2, (start, len(view.plain))
        # Still at the end, give or take the line or two above the cursor: no jump back.
        assert view.scroll_y >= view.max_scroll_y - 3


async def test_pages_in_a_row_each_go_a_page_from_the_last():
    """Each page counted from where the last one was going, not from a view still on its
    way there (or not yet moving): three quick Spaces went one page, or less."""
    app = make_app()
    app.animation_level = "full"
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(ArticleView)
        page = view.scrollable_content_region.height
        assert view.max_scroll_y > 3 * page
        burst(app, "   ")  # from the list: the open post pages, the keys stay there
        await wait_until(pilot, lambda: view.scroll_y == 3 * page)
        burst(app, "l")
        await wait_until(pilot, lambda: screen.focused is view)
        for key in ("pageup", "pageup", "space"):  # in the post, gliding
            app.post_message(events.Key(key, " " if key == "space" else None))
        await wait_until(pilot, lambda: view.scroll_y == 2 * page)


async def test_a_key_lost_on_its_way_holds_up_no_key_typed_later():
    """A key whose check was lost with its screen (never seen back, never seen stopped)
    lets the keys behind it through once GIVE_UP_SECONDS have passed: the keyboard never
    locks."""
    import time

    from reader.ui.typeahead import GIVE_UP_SECONDS

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        ahead = app._type_ahead
        ahead._out = events.Key("x", "x")  # on its way, its check gone
        ahead._out_since = time.monotonic() - GIVE_UP_SECONDS - 1
        await pilot.press("slash", *"maggots")
        bar = screen.query_one(SearchBar)
        await wait_until(pilot, lambda: bar.value == "maggots")
