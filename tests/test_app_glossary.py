"""The glossary and related reading in the app, driven with Pilot: acronym marks, the
acronyms panel (a), the glossary screen (A), related reading (r) and their palette commands."""

from __future__ import annotations

from rich.console import Console
from textual.command import CommandList

from reader import paths
from reader.articles.glossary import count_posts, load_glossary
from reader.search.highlight import find_match_spans
from reader.session import Session
from reader.store.state import StateStore
from reader.ui.screens.acronyms import AcronymsPanel
from reader.ui.screens.glossary import GlossaryScreen, filtered
from reader.ui.screens.help import keys_table
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.article_view import ACRONYM_STYLE, MATCH_STYLE, ArticleView, body_blocks
from reader.ui.widgets.glossary_list import GlossaryList
from reader.ui.widgets.related_list import RelatedList
from reader.ui.widgets.results_list import ResultsList
from reader.ui.widgets.search_bar import SearchBar
from tests.ui_support import KEY_NAMES, corpus, make_app, search, wait_until

NEWEST = "what-a-neighbourhood-health-service-for-london-means-for"
NO_ACRONYMS = "2013-12-16-much-has-been-written-about-maggots-this"
SIZE = (120, 40)


def text_of(renderable, width: int = 100) -> str:
    console = Console(record=True, width=width)
    console.print(renderable)
    return console.export_text()


def options_text(option_list) -> list[str]:
    return [
        text_of(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)
    ]


def keys(text: str) -> list[str]:
    return [KEY_NAMES.get(ch, ch) for ch in text]


def related_loaded(screen: MainScreen):
    return lambda: bool(screen.query_one(RelatedList).article_ids)


def styled(view: ArticleView, style) -> list[str]:
    """The words of the post drawn in `style`, block by block."""
    found = []
    for block in view._renderables:
        text = getattr(block, "text", block)
        for span in text.spans:
            if span.style == style:
                found.append(text.plain[span.start : span.end])
    return found


# --- acronyms in the post ---------------------------------------------------------------


async def test_acronyms_the_glossary_explains_are_underlined_in_the_post():
    app = make_app()
    async with app.run_test(size=SIZE):
        view = app.screen.query_one(ArticleView)
        assert view.article.id == NEWEST
        marked = styled(view, ACRONYM_STYLE)
        assert {"PCNs", "INT", "INTs", "ICB", "GP", "ARRS", "GPwER"} <= set(marked)
        glossary = app.screen.session.glossary
        assert all(glossary.lookup(word) for word in marked)
        # Every use is marked, not just the first.
        body = "\n".join(text for _, _, text in body_blocks(view.article.body))
        assert marked.count("PCNs") == body.count("PCNs") > 1


async def test_search_matches_are_still_marked_and_counted_alongside_acronyms():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        view = screen.query_one(ArticleView)
        await search(pilot, "pcn")
        await pilot.press("enter")
        await wait_until(pilot, lambda: view._terms)  # opened from the results
        terms = view._terms
        expected = [
            n
            for n, (_, _, text) in enumerate(body_blocks(view.article.body))
            if find_match_spans(text, terms)
        ]
        assert view._match_blocks == expected and expected
        assert "PCNs" in styled(view, MATCH_STYLE)
        assert "PCNs" in styled(view, ACRONYM_STYLE)


# --- the acronyms panel (a) -------------------------------------------------------------


async def test_a_lists_the_open_posts_acronyms_with_expansions():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AcronymsPanel)
        panel_list = app.screen.query_one(GlossaryList)
        terms = [panel_list.get_option_at_index(i).id for i in range(panel_list.option_count)]
        assert terms == ["ARRS", "GP", "GPwER", "ICB", "INT", "PCN"]
        shown = "\n".join(options_text(panel_list))
        for expansion in (
            "Additional Roles Reimbursement Scheme",
            "general practitioner",
            "integrated neighbourhood team",
            "primary care network",
        ):
            assert expansion in shown
        assert "What A Neighbourhood Health Service" in str(
            app.screen.query_one("#acronyms-title").render()
        )
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("a", "a")  # a closes it too
        assert isinstance(app.screen, MainScreen)


async def test_a_post_without_acronyms_says_so():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.screen.open_article(NO_ACRONYMS)
        await pilot.press("a")
        assert isinstance(app.screen, AcronymsPanel)
        assert not app.screen.query(GlossaryList)
        said = [str(static.render()) for static in app.screen.query("Static")]
        assert "This post uses no acronyms the glossary explains." in said


async def test_choosing_an_acronym_in_the_panel_searches_every_post_for_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = app.screen
        await pilot.press("a", "G", "enter")  # G: the last entry, PCN
        assert app.screen is main
        await wait_until(pilot, lambda: main.searching and main.last_search == "PCN ")
        assert main.query_one(SearchBar).value == "PCN "
        results = main.query_one(ResultsList)
        assert results.option_count == count_posts(corpus(), main.session.glossary)["PCN"]


# --- the glossary screen (A) ------------------------------------------------------------


async def test_A_lists_every_term_with_its_expansion_and_post_count():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        glossary = app.screen.session.glossary
        await pilot.press("A")
        screen = app.screen
        assert isinstance(screen, GlossaryScreen)
        await wait_until(pilot, lambda: screen.counts is not None)
        await pilot.pause()
        listed = screen.query_one(GlossaryList)
        assert listed.option_count == len(glossary) == 32
        counts = count_posts(corpus(), glossary)
        for entry, text in zip(glossary, options_text(listed), strict=True):
            posts = counts[entry.term]
            assert text.split()[0] == entry.term
            assert entry.expansion in text
            assert f"{posts} post{'' if posts == 1 else 's'}" in text
        assert "32 terms" in str(screen.query_one("#glossary-title").render())
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_the_glossary_filters_as_you_type_and_enter_searches_the_term():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = app.screen
        await pilot.press("A", *keys("care network"))
        screen = app.screen
        listed = screen.query_one(GlossaryList)
        await wait_until(pilot, lambda: listed.chosen_term == "PCN")
        assert "shown" in str(screen.query_one("#glossary-title").render())
        await pilot.press("enter")
        assert app.screen is main
        await wait_until(pilot, lambda: main.searching and main.last_search == "PCN ")


async def test_the_glossary_list_works_with_keys_and_the_mouse():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = app.screen
        await pilot.press("A", "down")
        screen = app.screen
        listed = screen.query_one(GlossaryList)
        assert app.focused is listed
        await pilot.press("j", "j")
        assert listed.chosen_term == "ARRS"
        await pilot.press("slash", "q")  # / back to the filter, where q is a letter
        assert screen.query_one("#glossary-filter").value == "q"
        await pilot.press("backspace")
        await pilot.click(GlossaryList, offset=(4, 0))
        assert app.screen is main
        await wait_until(pilot, lambda: main.last_search == "A&E ")


def test_filter_puts_terms_matched_by_name_before_those_matched_by_meaning():
    entries = list(load_glossary())
    found = [e.term for e in filtered(entries, "pcn")]
    assert found[0] == "PCN" and "ARRS" in found[1:]  # ARRS's explanation names PCNs
    assert [e.term for e in filtered(entries, "ics")] == ["ICS"]  # not "paramedics"
    assert [e.term for e in filtered(entries, "care netw")][0] == "PCN"
    assert [e.term for e in filtered(entries, "")] == [e.term for e in entries]
    assert filtered(entries, "zzzz") == []


# --- related reading (r) ----------------------------------------------------------------


async def test_the_post_ends_with_five_related_posts_and_r_opens_one():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = app.screen
        view = main.query_one(ArticleView)
        related = main.query_one(RelatedList)
        await wait_until(pilot, related_loaded(main))
        ids = list(related.article_ids)
        assert len(ids) == 5 and NEWEST not in ids
        assert ids == [e.id for e in main.session.related(NEWEST)]
        titles = options_text(related)
        assert [t.strip().removeprefix("› ").split("\n")[0][:20] for t in titles] == [
            corpus().get(i).title[:20] for i in ids
        ]
        await pilot.press("tab", "j", "j")  # reading, a little way in
        reading_at = view.scroll_y
        await pilot.press("r")
        assert app.focused is related
        assert view.scroll_y == view.max_scroll_y > reading_at  # the list is in view
        await pilot.press("r")  # r again: back to the post, where the reader was
        assert app.focused is view
        assert view.scroll_y == reading_at
        await pilot.press("g")
        await pilot.press("r", "j", "enter")
        assert view.article.id == ids[1]
        assert app.focused is view
        # The new post gets its own related posts.
        await wait_until(pilot, lambda: related.article_ids and related.article_ids != ids)
        assert ids[1] not in related.article_ids


async def test_a_click_on_a_related_post_opens_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = app.screen
        view = main.query_one(ArticleView)
        related = main.query_one(RelatedList)
        await wait_until(pilot, related_loaded(main))
        first = related.article_ids[0]
        await pilot.press("r", "tab")  # in view, focus elsewhere: the mouse alone opens it
        await pilot.click(RelatedList, offset=(4, 0))
        assert view.article.id == first


async def test_without_a_search_index_the_related_list_says_it_is_unavailable():
    session = Session(corpus(), StateStore.open(paths.state_db()))  # no index opener
    app = make_app(session=session)
    async with app.run_test(size=SIZE) as pilot:
        related = app.screen.query_one(RelatedList)
        await wait_until(pilot, lambda: "unavailable" in "".join(options_text(related)))
        assert related.article_ids == []


# --- palette and help -------------------------------------------------------------------


def palette_ready(app):
    def ready():
        palettes = app.screen.query(CommandList)
        return bool(palettes) and palettes.first().option_count > 0

    return ready


async def test_palette_commands_open_the_panel_the_glossary_and_related_reading():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = app.screen
        await pilot.press("ctrl+p", *keys("acronyms in the open post"))
        await wait_until(pilot, palette_ready(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AcronymsPanel))
        await pilot.press("escape")
        await pilot.press("ctrl+p", *keys("glossary every acronym"))
        await wait_until(pilot, palette_ready(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GlossaryScreen))
        await pilot.press("escape")
        await wait_until(pilot, related_loaded(main))
        await pilot.press("ctrl+p", *keys("related reading"))
        await wait_until(pilot, palette_ready(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.focused, RelatedList))


async def test_palette_searches_for_a_glossary_term():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = app.screen
        await pilot.press("ctrl+p", *keys("search for mpig"))
        await wait_until(pilot, palette_ready(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: main.last_search == "MPIG ")
        assert main.query_one(ResultsList).option_count == 2


def test_help_lists_a_A_and_r():
    text = text_of(keys_table(), 120)
    rows = {line.split()[0] for line in text.splitlines() if line.strip()}
    assert {"a", "A", "r"} <= rows
    assert "glossary" in text and "related reading" in text
