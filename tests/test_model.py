"""Article records: a stored post's body is read from disk once, and only when asked for."""

from __future__ import annotations

import dataclasses

import pytest

from reader.articles.model import LazyBody, StoredArticle, byline, shown_date


def stored(loads: list) -> StoredArticle:
    return StoredArticle(
        id="a-post",
        title="A Post",
        title_is_derived=False,
        category="Imported",
        site="",
        author="Ben Gowland",
        date=None,
        topics=("PCNs",),
        body=LazyBody(lambda: loads.append(1) or "The body."),
        source="notes.md",
        words=2,
    )


def test_a_stored_body_is_read_once_and_only_when_asked_for():
    loads: list = []
    article = stored(loads)
    assert article.title == "A Post" and article.topics == ("PCNs",)
    assert "body" not in article.to_json() and loads == []
    assert article.body == "The body." and article.body == "The body."
    assert loads == [1]
    assert article.to_json(with_body=True)["body"] == "The body."


def test_a_stored_article_made_lazily_equals_one_made_by_its_constructor():
    loads: list = []
    made = stored(loads)
    fields = made.to_json()
    fields["topics"] = tuple(fields["topics"])
    quick = StoredArticle.lazy(lambda: loads.append(2) or "The body.", **fields)
    assert quick.to_json() == made.to_json() and loads == []
    assert quick.body == "The body." and quick.body == "The body." and loads == [2]
    assert quick == made and loads == [2, 1]  # equal, bodies included
    assert repr(quick) == repr(made)


def test_a_stored_article_still_says_what_it_lacks():
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        stored([]).nope  # noqa: B018


def test_section_counts_agree_with_the_posts_each_section_lists():
    """The tree's counts (from per-section id sets) equal a count of what it lists."""
    from reader import paths
    from reader.articles.bundled import load_corpus
    from reader.session import Session
    from reader.store.state import StateStore

    corpus = load_corpus(use_cache=False)
    session = Session(corpus, StateStore.open(paths.state_db()))
    for article in corpus.articles[::3]:
        session.set_read(article.id, True)
    session.toggle_bookmark(corpus.articles[1])

    def listed(key):
        parts = session.subsections(key)
        if parts:
            return {i for part in parts for i in listed(part)}
        return {e.id for e in session.entries(key) if not e.missing}

    keys = session.root_sections() + session.subsections("topics") + session.subsections("archive")
    assert "topic:PCNs" in keys and "bookmarks" in keys
    for key in keys:
        ids = listed(key)
        unread = {i for i in ids if not session.is_read(i)}
        assert session.counts(key) == (len(ids), len(unread)), key
    assert session.counts("unread")[0] == len(corpus) - len(corpus.articles[::3])
    session.close()


def test_a_library_takes_in_what_another_gp_reader_changed():
    from reader import paths
    from reader.articles.bundled import load_corpus
    from reader.articles.text import plain_text
    from reader.session import Session
    from reader.store.state import StateStore

    corpus = load_corpus()
    first, second = corpus.articles[0].id, corpus.articles[1].id
    mine = Session(corpus, StateStore.open(paths.state_db()))
    theirs = Session(corpus, StateStore.open(paths.state_db()))
    assert not mine.sync()  # nothing yet
    theirs.save_position(first, 0.5)
    assert not mine.sync()  # a position alone changes no mark or count
    theirs.set_read(first, True)
    theirs.toggle_bookmark(corpus.articles[1])
    theirs.opened(second)
    assert not mine.is_read(first)  # not before it looks
    assert mine.sync()
    assert mine.is_read(first) and mine.is_bookmarked(second)
    assert [e.id for e in mine.entries("recent")] == [second]
    assert not mine.sync()  # taken in once
    mine.set_read(first, False)  # its own change is not news to it
    assert not mine.sync()
    # Highlights and their notes, told apart from marks so the app redraws the post.
    text = plain_text(corpus.articles[0])
    h = theirs.add_highlight(corpus.articles[0], 0, text.index(" ", 20))
    assert mine.sync() == {"highlights"}
    theirs.set_highlight_note(h.id, "ask the ICB")
    assert mine.sync() == {"highlights"}
    assert [x.note for x in mine.highlights(corpus.articles[0])] == ["ask the ICB"]
    theirs.toggle_bookmark(corpus.articles[0])
    theirs.remove_highlight(h.id)
    assert mine.sync() == {"marks", "highlights"}
    assert not mine.sync()
    mine.close()
    theirs.close()


@pytest.mark.parametrize(
    ("date", "shown"),
    [
        (None, ""),
        ("", ""),
        ("2013-07-08", "2013-07-08"),
        ("2013-07", "2013-07"),  # a month: what is known, no made-up day
        ("2013-07-00", "2013-07"),
        ("2013", "2013"),
        ("2013-00-00", "2013"),
        ("2013-07-08T09:30:00+01:00", "2013-07-08"),
        ("not a date", ""),
    ],
)
def test_a_date_shows_what_is_known_of_it(date, shown):
    assert shown_date(date) == shown


def test_a_byline_leaves_an_unknown_date_out_and_keeps_a_partial_one():
    post = stored([])
    assert byline(post) == "Ben Gowland · Imported · 1 min read · Topics: PCNs"
    month = dataclasses.replace(post, date="2013-07", body="The body.")
    assert byline(month) == "Ben Gowland · Imported · 2013-07 · 1 min read · Topics: PCNs"
