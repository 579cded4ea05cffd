"""SVG snapshots of the screens a reader sees (pytest-textual-snapshot).

Update with `python -m pytest tests/test_snapshots.py --snapshot-update`, and look at
every changed picture before committing it.
"""

from __future__ import annotations

from tests.ui_support import make_app, search, wait_until


async def _settled(pilot):
    """The related posts, found in a worker, are in: the page's height is final."""
    from reader.ui.widgets.related_list import RelatedList

    def loaded() -> bool:
        found = pilot.app.screen.query(RelatedList)  # the screen may still be mounting
        return bool(found) and bool(found.first().article_ids)

    await wait_until(pilot, loaded)


async def _search_integrator(pilot):
    await _settled(pilot)
    await search(pilot, "integrator")


async def _search_nothing(pilot):
    await _settled(pilot)
    await search(pilot, "xqzvwk")


async def _related_reading(pilot):
    """r: to the related posts at the end, which counts as reading the post to its end."""
    await _settled(pilot)
    await pilot.press("r")
    screen = pilot.app.screen
    await wait_until(pilot, lambda: screen.session.is_read(screen.current.id))
    await pilot.pause()


async def _glossary_counted(pilot):
    await _settled(pilot)
    await pilot.press("A")
    screen = pilot.app.screen
    await wait_until(pilot, lambda: screen.counts is not None)


def test_main_screen_dark(snap_compare):
    assert snap_compare(make_app(theme="dark"), terminal_size=(120, 40), run_before=_settled)


def test_main_screen_light(snap_compare):
    assert snap_compare(make_app(theme="light"), terminal_size=(120, 40), run_before=_settled)


def test_main_screen_80x24(snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_settled)


def test_search_results(snap_compare):
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_search_integrator)


def test_no_results(snap_compare):
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_search_nothing)


def test_help(snap_compare):
    assert snap_compare(
        make_app(), terminal_size=(120, 40), press=["question_mark"], run_before=_settled
    )


def test_narrow_terminal(snap_compare):
    assert snap_compare(make_app(), terminal_size=(50, 24), run_before=_settled)


def test_narrow_terminal_with_the_list_brought_back(snap_compare):
    assert snap_compare(make_app(), terminal_size=(50, 24), press=["t"], run_before=_settled)


def test_wide_terminal_centres_the_text(snap_compare):
    assert snap_compare(make_app(), terminal_size=(200, 60), run_before=_settled)


class TestGlossaryAndRelatedReading:
    def test_acronyms_panel(self, snap_compare):
        assert snap_compare(make_app(), terminal_size=(120, 40), press=["a"], run_before=_settled)

    def test_acronyms_panel_80x24(self, snap_compare):
        assert snap_compare(make_app(), terminal_size=(80, 24), press=["a"], run_before=_settled)

    def test_glossary_screen(self, snap_compare):
        assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_glossary_counted)

    def test_glossary_screen_filtered_80x24(self, snap_compare):
        assert snap_compare(
            make_app(),
            terminal_size=(80, 24),
            press=["p", "c", "n"],
            run_before=_glossary_counted,
        )

    def test_related_reading_at_the_end_of_the_post(self, snap_compare):
        assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_related_reading)

    def test_related_reading_light_80x24(self, snap_compare):
        assert snap_compare(
            make_app(theme="light"), terminal_size=(80, 24), run_before=_related_reading
        )
