"""The UI in Textual's own terms (issue #12): one base for the lists of posts, one message
that says which list chose, a scroll message that supersedes its predecessor, and the
sidebar's state as reactives whose watchers set the classes the stylesheet reads."""

from __future__ import annotations

from reader.ui.screens.main import MainScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.nav_tree import NavTree
from reader.ui.widgets.post_list import PostList
from reader.ui.widgets.related_list import RelatedList
from reader.ui.widgets.results_list import ResultsList
from tests.ui_support import make_app, search, wait_until

SIZE = (120, 40)


def test_the_three_lists_of_posts_share_one_base_and_its_keys():
    for cls in (NavTree, ResultsList, RelatedList):
        assert issubclass(cls, PostList)
        keys = cls._merged_bindings.key_to_bindings
        assert keys["j"][0].action == "cursor_down" and keys["k"][0].action == "cursor_up"


async def test_each_list_posts_one_post_chosen_message_that_carries_its_list():
    seen: list[PostList.PostChosen] = []

    def hook(message):
        if isinstance(message, PostList.PostChosen):
            seen.append(message)

    app = make_app()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        screen = app.screen
        tree, view = screen.query_one(NavTree), screen.query_one(ArticleView)
        related = screen.query_one(RelatedList)
        await wait_until(pilot, lambda: related.article_ids)
        await pilot.press("j", "enter", "j", "enter")  # a post of the first category
        assert seen[-1].control is tree and view.article.id == seen[-1].article_id
        assert tree.chosen_id == seen[-1].article_id
        await pilot.press("r", "j", "enter")  # the second related post
        assert seen[-1].control is related and view.article.id == seen[-1].article_id
        await search(pilot, "integrator")
        await pilot.press("down", "enter")
        results = screen.query_one(ResultsList)
        assert seen[-1].control is results and results.chosen_id == seen[-1].article_id
        assert view.match_count > 0  # chosen from the results: the matches are marked


def test_a_later_place_in_the_same_post_replaces_a_pending_scroll_message():
    early = ArticleView.Scrolled("a", 0.2, at_end=False)
    later = ArticleView.Scrolled("a", 0.4, at_end=False)
    elsewhere = ArticleView.Scrolled("b", 0.4, at_end=False)
    end = ArticleView.Scrolled("a", 1.0, at_end=True)
    assert early.can_replace(later) and early.can_replace(end)
    assert not early.can_replace(elsewhere)
    assert not end.can_replace(later)  # reaching the end (a read mark) is never lost


async def test_the_sidebar_state_is_two_reactives_and_their_classes():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert not screen.narrow and screen.show_sidebar
        await pilot.press("t")
        assert not screen.show_sidebar and screen.has_class("sidebar-hidden")
        await pilot.press("t")
        assert screen.show_sidebar and not screen.has_class("sidebar-hidden")
        await pilot.resize_terminal(50, 24)
        await wait_until(pilot, lambda: screen.narrow)
        assert screen.has_class("narrow") and not screen.show_sidebar  # the post first
        await pilot.resize_terminal(100, 24)
        await wait_until(pilot, lambda: not screen.narrow)
        assert screen.show_sidebar and not screen.has_class("sidebar-hidden")
