"""SVG snapshots of the screens a reader sees (pytest-textual-snapshot).

Update with `python -m pytest tests/test_snapshots.py --snapshot-update`, and look at
every changed picture before committing it.
"""

from __future__ import annotations

from tests.ui_support import make_app, search


async def _search_integrator(pilot):
    await search(pilot, "integrator")


async def _search_nothing(pilot):
    await search(pilot, "xqzvwk")


def test_main_screen_dark(snap_compare):
    assert snap_compare(make_app(theme="dark"), terminal_size=(120, 40))


def test_main_screen_light(snap_compare):
    assert snap_compare(make_app(theme="light"), terminal_size=(120, 40))


def test_main_screen_80x24(snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_search_results(snap_compare):
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_search_integrator)


def test_no_results(snap_compare):
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_search_nothing)


def test_help(snap_compare):
    assert snap_compare(make_app(), terminal_size=(120, 40), press=["question_mark"])


def test_narrow_terminal(snap_compare):
    assert snap_compare(make_app(), terminal_size=(50, 24))


def test_narrow_terminal_with_the_list_brought_back(snap_compare):
    assert snap_compare(make_app(), terminal_size=(50, 24), press=["t"])


def test_wide_terminal_centres_the_text(snap_compare):
    assert snap_compare(make_app(), terminal_size=(200, 60))
