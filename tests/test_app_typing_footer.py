"""While the reader types (the search bar, the find bar) the footer lists only keys that
do something there: no '/ Search', which types a '/'; the find bar lists its own keys,
and each does what it says (Pilot)."""

from __future__ import annotations

import string

from textual.keys import _character_to_key, key_to_character
from textual.widgets._footer import FooterKey

from reader.ui.widgets.find_bar import FindBar, FindInput
from reader.ui.widgets.search_bar import SearchBar
from tests.test_app_annotate import into_post, parts
from tests.ui_support import make_app, wait_until

SIZE = (120, 40)


def footer(screen) -> list[str]:
    return [key.description for key in screen.query(FooterKey)]


def test_the_inputs_take_every_printable_key():
    """What Textual's footer asks before it lists a key: every character typed into
    these inputs is theirs, '/', '-' and '+' too (Textual names them but cannot give
    their characters back)."""
    for widget in (SearchBar(), FindInput()):
        for character in string.printable.strip():
            key = _character_to_key(character)
            typed = widget.check_consume_key(key, key_to_character(key))
            assert typed, (type(widget).__name__, key)


async def test_typing_in_the_search_bar_the_footer_has_no_slash_search():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: "Search" in footer(screen))
        await pilot.press("slash")
        await wait_until(pilot, lambda: "Results" in footer(screen))
        assert "Search" not in footer(screen)
        await pilot.press("slash")  # it types, as the footer now says nothing otherwise
        assert screen.query_one(SearchBar).value == "/"


async def test_the_find_bar_footer_lists_its_own_keys_and_they_work():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, view = parts(app)
        await into_post(pilot)
        await pilot.press("f")
        bar = screen.query_one(FindBar)
        await wait_until(pilot, lambda: screen.focused is bar.input)
        await wait_until(pilot, lambda: "Close" in footer(screen))
        assert {"Next", "Previous", "Close"} <= set(footer(screen)[:3])
        assert "Search" not in footer(screen)
        await pilot.press(*"the")
        await wait_until(pilot, lambda: view.find_spans)
        first = view.find_index
        await pilot.press("enter")
        assert view.find_index == first + 1
        await pilot.press("up")
        assert view.find_index == first
        await pilot.press("escape")
        await wait_until(pilot, lambda: not bar.display)
        assert view.find_spans == []
