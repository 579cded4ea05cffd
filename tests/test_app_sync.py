"""The app and the web: Sync now (S) in a worker, New, search after a sync, posts another
gp-reader added, o for a post's address, L and clicks for its links. Against the
simulated WordPress site on 127.0.0.1; the default sources (the real sites) are removed
first, so nothing here reaches the network."""

from __future__ import annotations

import webbrowser
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from reader.cli import main
from reader.ui.app import build_app
from reader.ui.launch import make_session
from reader.ui.screens.links import LinksScreen
from reader.ui.widgets.nav_tree import NavTree
from tests.ui_support import search, wait_until
from tests.wpsite import WordPressSite, build_post, generate_posts

SIZE = (120, 40)


class FakeBrowser(webbrowser.BaseBrowser):
    """A graphical browser, as webbrowser.get() gives one, that notes what it opens."""

    def __init__(self) -> None:
        super().__init__("fake")
        self.opened: list[str] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return True


def browser_opens(monkeypatch) -> list[str]:
    browser = FakeBrowser()
    monkeypatch.setattr(webbrowser, "get", lambda *_: browser)
    return browser.opened


@pytest.fixture
def site(monkeypatch, capsys):
    monkeypatch.setenv("GP_READER_SYNC_PAUSE", "0")
    for default in ("The General Practice Blog", "CCG Information"):
        assert main(["source", "remove", default]) == 0
    posts = generate_posts(6, seed=7)
    other = build_post(
        4242,
        "Quinoa and the surgery",
        ["A post about quinoa in the waiting room, and what practices make of it."] * 3,
        datetime(2025, 6, 1, 9, tzinfo=UTC),
        categories=["Blogs", "Practice life"],
    )
    with WordPressSite([*posts, other]) as wp:
        linking = build_post(
            4343,
            "A post that links",
            ["x"],
            datetime(2025, 6, 2, 9, tzinfo=UTC),
            categories=["Blogs", "Practice life"],
        )
        linking = replace(
            linking,
            content=(
                f'<p>Read <a href="{wp.permalink(other)}">the quinoa post</a> first, '
                'then <a href="https://www.england.nhs.uk/gp/">NHS England</a> on general '
                "practice, and think about what it means for a practice like yours.</p>"
            ),
        )
        wp.add_post(linking)
        assert main(["source", "add", wp.url, "--name", "Sim"]) == 0
        capsys.readouterr()
        yield wp


def section_labels(tree: NavTree) -> list[str]:
    return [str(node.label) for node in tree.root.children]


async def test_sync_now_adds_posts_to_new_their_category_and_search(site, monkeypatch):
    session = make_session()
    before = len(session.corpus)
    app = build_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        tree = screen.query_one(NavTree)
        assert not any(label.startswith("New") for label in section_labels(tree))
        await pilot.press("S")
        await wait_until(pilot, lambda: len(session.corpus) == before + 8, timeout=60)
        await pilot.pause()
        assert section_labels(tree)[0].startswith("New")
        new = {e.id for e in session.entries("new")}
        assert len(new) == 8 and "quinoa-and-the-surgery" in new
        practice = {e.id for e in session.entries("category:Practice life")}
        assert {"quinoa-and-the-surgery", "a-post-that-links"} <= practice
        assert any(label.startswith("Practice life") for label in section_labels(tree))
        # The index was brought up to date in the worker: search finds the new post.
        await search(pilot, "quinoa")
        results = screen.query_one("#results")
        ids = [results.get_option_at_index(n).id for n in range(results.option_count)]
        assert ids[0] == "quinoa-and-the-surgery"
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: screen.current is not None and screen.current.id == "quinoa-and-the-surgery",
        )
        # The byline names the site; o opens the post's address.
        opened = browser_opens(monkeypatch)
        screen.article_view.focus()
        await pilot.press("o")
        assert opened == [site.url + "2025/06/01/quinoa-and-the-surgery/"]
        # A second sync with nothing new keeps New as the last sync that added posts.
        await pilot.press("S")
        await wait_until(pilot, lambda: not screen._syncing, timeout=60)
        assert len({e.id for e in session.entries("new")}) == 8


async def test_posts_another_reader_synced_appear_without_a_restart(site, capsys):
    session = make_session()
    before = len(session.corpus)
    app = build_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        # Another gp-reader (here the CLI) syncs: the store and the index change.
        assert main(["sync", "Sim", "--pause", "0"]) == 0
        capsys.readouterr()
        # Opening it before the app looked again (a search of another reader's index
        # would name it) loads the library instead of saying the post has gone.
        screen.open_article("quinoa-and-the-surgery")
        await wait_until(
            pilot,
            lambda: screen.current is not None and screen.current.id == "quinoa-and-the-surgery",
            timeout=30,
        )
        assert len(session.corpus) == before + 8
        assert section_labels(screen.query_one(NavTree))[0].startswith("New")
        await search(pilot, "quinoa")
        results = screen.query_one("#results")
        assert results.get_option_at_index(0).id == "quinoa-and-the-surgery"


async def test_the_app_looks_for_posts_added_elsewhere_on_its_own(site, capsys):
    session = make_session()
    before = len(session.corpus)
    app = build_app(session)
    async with app.run_test(size=SIZE) as pilot:
        assert main(["sync", "Sim", "--pause", "0"]) == 0
        capsys.readouterr()
        # The look at the library's version every couple of seconds finds the change.
        await wait_until(pilot, lambda: len(session.corpus) == before + 8, timeout=30)
        await pilot.pause()
        assert section_labels(app.screen.query_one(NavTree))[0].startswith("New")


async def test_links_in_a_post_open_held_posts_in_the_app_and_others_in_the_browser(
    site, monkeypatch
):
    assert main(["sync", "Sim", "--pause", "0"]) == 0
    session = make_session()
    app = build_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        opened = browser_opens(monkeypatch)
        screen.open_article("a-post-that-links")
        await pilot.pause()
        links = screen.article_view.links
        assert [text for text, _ in links] == ["the quinoa post", "NHS England"]
        body = str(screen.query_one("#article-body").render())
        assert "](" not in body  # links drawn as their text, not as Markdown
        await pilot.press("L")
        assert isinstance(app.screen, LinksScreen)
        await pilot.press("enter")  # the first: a post the reader holds
        await wait_until(
            pilot,
            lambda: screen.current is not None and screen.current.id == "quinoa-and-the-surgery",
        )
        assert opened == []
        screen.open_article("a-post-that-links")
        await pilot.pause()
        await pilot.press("L", "j", "enter")  # the second: the web
        await wait_until(pilot, lambda: opened == ["https://www.england.nhs.uk/gp/"])
        # A click on a link follows it too (the article view's @click action).
        screen.action_follow_link(0)
        assert screen.current.id == "quinoa-and-the-surgery"


async def test_sync_now_with_the_site_down_says_so_and_keeps_the_library(site):
    session = make_session()
    before = len(session.corpus)
    app = build_app(session)
    site.stop()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        notes: list[str] = []
        original = screen.notify

        def record(message, **kwargs):
            notes.append(str(message))
            return original(message, **kwargs)

        screen.notify = record
        await pilot.press("S")
        await wait_until(pilot, lambda: notes and not screen._syncing, timeout=60)
        assert any("Sim: cannot reach" in n and "nothing changed" in n for n in notes)
        assert len(session.corpus) == before


async def test_a_sync_here_while_another_reader_syncs_adds_nothing_twice(site, capsys):
    session = make_session()
    before = len(session.corpus)
    app = build_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        # S: the app's sync asks for the posts, and the site holds its answer...
        held = site.fault("*/wp/v2/posts*", "slow")
        await pilot.press("S")
        await wait_until(pilot, lambda: held.fired == 1, timeout=30)
        # ... while another gp-reader (here the CLI) syncs the same site to the end.
        assert main(["sync", "Sim", "--pause", "0"]) == 0
        capsys.readouterr()
        held.release.set()
        await wait_until(pilot, lambda: not screen._syncing, timeout=60)
        await wait_until(pilot, lambda: len(session.corpus) >= before + 8, timeout=30)
        await pilot.pause()
        # The app's sync matched the site's posts against the library as it is now (with
        # the other reader's copies), not as the app last loaded it: nothing twice.
        titles = [a.title for a in session.corpus]
        assert len(titles) == len(set(titles)) == before + 8
