"""SVG snapshots of reading for work: the find bar, the passage cursor with a highlight and
its note, the note editor, and the Highlights section. Update with --snapshot-update after
looking at every changed picture."""

from __future__ import annotations

from tests.test_snapshots import _settled
from tests.ui_support import make_app, make_session

NEWEST = "what-a-neighbourhood-health-service-for-london-means-for"


def _session_with_a_noted_highlight():
    from reader.annotations import highlight_quote

    session = make_session()
    article = session.corpus.get(NEWEST)
    h, _ = highlight_quote(session.store, article, "a somewhat fuzzy concept")
    session.store.set_highlight_note(h.id, "Say this in section 2")
    return session


async def _find_neighbourhood(pilot):
    await _settled(pilot)
    await pilot.press("tab", "f", *"neighbourhood", "enter")
    await pilot.pause()


async def _passage_cursor(pilot):
    await _settled(pilot)
    await pilot.press("tab", "v", "j", "J")
    await pilot.pause()


async def _note_editor(pilot):
    await _settled(pilot)
    await pilot.press("tab", "v", "e", *"Check the figures")
    await pilot.pause()


async def _highlights_section(pilot):
    await _settled(pilot)
    pilot.app.screen.go_to_section("highlights")
    await pilot.pause()
    await pilot.press("right")
    await pilot.pause()


def test_find_bar(snap_compare):
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_find_neighbourhood)


def test_passage_cursor_over_a_noted_highlight(snap_compare):
    app = make_app(session=_session_with_a_noted_highlight())
    assert snap_compare(app, terminal_size=(120, 40), run_before=_passage_cursor)


async def _down_to_the_highlight(pilot):
    await _settled(pilot)
    await pilot.press("tab", *"jjjjjjjjjj")
    await pilot.pause()


def test_highlight_light_theme_80x24(snap_compare):
    app = make_app(theme="light", session=_session_with_a_noted_highlight())
    assert snap_compare(app, terminal_size=(80, 24), run_before=_down_to_the_highlight)


def test_note_editor(snap_compare):
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_note_editor)


def test_highlights_section(snap_compare):
    app = make_app(session=_session_with_a_noted_highlight())
    assert snap_compare(app, terminal_size=(120, 40), run_before=_highlights_section)
