"""The footer while the passage cursor is on says what the cursor is for (h Highlight,
e Note, y Copy, v Off), instead of "← List" beside the h that now highlights (Pilot)."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from reader.ui.screens.note_editor import NoteEditor
from tests.test_app_annotate import into_post, parts
from tests.ui_support import make_app, wait_until

SIZE = (120, 40)
CURSOR_KEYS = {"Highlight", "Note", "Copy", "Off"}


def footer(screen) -> list[str]:
    return [key.description for key in screen.query(FooterKey)]


async def test_the_footer_shows_the_cursor_keys_while_it_is_on():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, tree, view = parts(app)
        await into_post(pilot)
        await wait_until(pilot, lambda: "List" in footer(screen))
        assert not CURSOR_KEYS & set(footer(screen))

        await pilot.press("v")
        await wait_until(pilot, lambda: set(footer(screen)) >= CURSOR_KEYS)
        assert "List" not in footer(screen)  # h highlights now: no "← List" beside it
        # Space still pages, but the footer gives its room to the cursor's keys
        assert "Page" not in footer(screen) and footer(screen)[0] == "Highlight"
        before = view.scroll_y
        await pilot.press("space")
        await wait_until(pilot, lambda: view.scroll_y > before)
        assert view.passage is not None

        await pilot.press("h")  # the key the footer names does what it says
        await wait_until(pilot, lambda: len(view.highlights) == 1)
        assert screen.focused is view

        await pilot.press("v")  # "v Off"
        await wait_until(pilot, lambda: "List" in footer(screen))
        assert view.passage is None and not CURSOR_KEYS & set(footer(screen))
        assert footer(screen)[:2] == ["Page", "List"]

        await pilot.press("J")  # starts the cursor, as before
        await wait_until(pilot, lambda: "Highlight" in footer(screen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: "List" in footer(screen))

        await pilot.press("h")  # no cursor, nothing selected: back to the list
        await wait_until(pilot, lambda: screen.focused is tree)
        assert len(view.highlights) == 1


async def test_e_and_y_without_the_cursor_still_work():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, _, view = parts(app)
        await into_post(pilot)
        await pilot.press("y")  # the paragraph at the top of the view
        await wait_until(pilot, lambda: any("Copied" in n.message for n in app._notifications))
        await pilot.press("e")  # the bookmark's note
        await wait_until(pilot, lambda: isinstance(app.screen, NoteEditor))


async def test_at_80_columns_the_cursor_keys_leave_room_for_help_and_quit():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _, _ = parts(app)
        await into_post(pilot)
        await wait_until(pilot, lambda: "Page" in footer(screen))
        assert screen.query("FooterKey.-command-palette")  # ^p, without the cursor
        await pilot.press("v")  # the cursor's keys: more than fit beside ^p
        await wait_until(pilot, lambda: "Highlight" in footer(screen))
        await pilot.pause()
        keys = {key.description: key for key in screen.query(FooterKey)}
        assert {"Help", "Quit"} <= set(keys)
        assert all(key.region.right <= 80 and key.region.width for key in keys.values())
        assert not screen.query("FooterKey.-command-palette")  # ^p gave its room
        await pilot.press("v")
        await wait_until(pilot, lambda: "Page" in footer(screen))
        await wait_until(pilot, lambda: bool(screen.query("FooterKey.-command-palette")))


async def test_at_80_columns_the_palette_key_gives_way_whenever_the_footer_is_fitted():
    """Under 110 columns the cursor's keys take ^p's room. The footer redrew for the new
    keys, and was told to drop ^p when the cursor's message reached the screen; when the
    redraw came first (a real terminal, now and then), ^p stayed and '? Help' and
    'q Quit' were cut off the right."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _, view = parts(app)
        await into_post(pilot)
        await wait_until(pilot, lambda: "List" in footer(screen))
        assert screen.query(".-command-palette")  # ^p is there without the cursor
        # The cursor comes on and the footer redraws for its keys...
        view.passage = view._sentences[0]
        view.refresh_bindings()
        await wait_until(pilot, lambda: "Highlight" in footer(screen))
        # ...then the screen fits the footer to them.
        screen.fit_footer()
        await wait_until(pilot, lambda: not screen.query(".-command-palette"))
        assert {"Help", "Quit"} <= set(footer(screen))
