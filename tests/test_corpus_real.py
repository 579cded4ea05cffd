"""The parser over the real source pages: every rule of the foundation issue."""

from __future__ import annotations

import re
import tomllib

from reader import paths
from reader.articles.bundled import load_corpus
from reader.articles.parse import _FLATTENED_ITEM_RE, is_chrome

GP_BLOG = "The General Practice Blog"
ARCHIVE = "CCGs and Primary Care"

# Newest first, as the captures tell it: the 83-page captures (001 above 000, since 001
# has three extra posts on top), then the 56-page capture, then the 55-page one.
GP_BLOG_ORDER = [
    "What A Neighbourhood Health Service for London means for General Practice",
    "Why Engage with Neighbourhoods?",
    "How Can PCNs Prepare for Neighbourhoods?",
    "Advice and Guidance: Centralised Micromanagement at its worst",
    "What do the Changes to NHS England and ICBs mean for General Practice?",
    "5 Things we can learn from the New GP Contract",
    "Neighbourhoods: 6 Things to Look Out For",
    "What is in Store for General Practice Next Year: Change is Coming",
    "50 to 1",
    "The Inquiry into the Future of General Practice",
    "3 Reasons to be Concerned about the Newly Announced Review of PCNs",
    "Is General Practice Making the Most of the Opportunity of PCNs?",
    "Should PCNs be Political Footballs?",
    "A Reminder of the Value of Independent Contractor Status",
    "What do ICSs and PCNs mean for GP Practices?",
    "A 3 point ICS Strategy for Local General Practice",
    "Why Extended Access is so Controversial",
    "Making General Practice Effective within an ICS",
]
ARCHIVE_DATES = [
    "2014-02-09",
    "2014-02-02",
    "2013-12-16",
    "2013-10-27",
    "2013-10-12",
    "2013-09-22",
    "2013-09-14",
    "2013-08-11",
    "2013-07-19",
    "2013-07-08",
]


def by_title(corpus, title):
    (article,) = [a for a in corpus if a.title == title]
    return article


def test_every_post_once_newest_first_by_category(corpus):
    assert [a.title for a in corpus.select(category=GP_BLOG)] == GP_BLOG_ORDER
    assert [a.date for a in corpus.select(category=ARCHIVE)] == ARCHIVE_DATES
    assert len(corpus) == len(GP_BLOG_ORDER) + len(ARCHIVE_DATES)


def test_titles_are_told_apart_from_subheadings(corpus):
    titles = {a.title for a in corpus}
    assert "Why Engage with Neighbourhoods?" in titles
    assert "What exactly then is the problem?" not in titles
    extended = by_title(corpus, "Why Extended Access is so Controversial")
    assert "\n### What exactly then is the problem?\n" in extended.body
    inquiry = by_title(corpus, "The Inquiry into the Future of General Practice")
    assert "### What can we make of the announcement of the inquiry" in inquiry.body


def test_page_chrome_is_dropped(corpus):
    for article in corpus:
        text = article.title + "\n" + article.body
        assert "Page 1 of" not in text
        assert not re.search(r"^\d+$", text, re.M)
        assert "Archive for the" not in text
        assert not re.search(r"^Archive$", text, re.M)
        assert not re.search(r"^[\s,]*,[\s,]*$", text, re.M), article.id
        assert not re.search(r"^[\s\xa0]+$", text, re.M), article.id


def test_archive_posts_get_derived_titles_and_inferred_dates(corpus):
    archive = corpus.select(category=ARCHIVE)
    assert all(a.title_is_derived for a in archive)
    assert not any(a.title_is_derived for a in corpus.select(category=GP_BLOG))
    assert all(len(a.title) <= 80 for a in archive)
    assert archive[0].title == "Remember independent bookstores?"
    # A long opening sentence is cut at a word boundary and marked as cut.
    maggots = archive[2]
    assert maggots.title.endswith("…")
    assert maggots.body.startswith(maggots.title[:-1])
    assert maggots.body[len(maggots.title) - 1] == " "


def test_flattened_numbered_items_are_renumbered(corpus):
    changes = by_title(corpus, GP_BLOG_ORDER[4])
    numbered = re.findall(r"^(\d+)\. (.*)$", changes.body, re.M)
    assert numbered == [
        ("1", "The Freedom of Local Areas"),
        ("2", "Local Contracting Arrangements"),
        ("3", "The Independent Contractor Model"),
    ]
    six = by_title(corpus, "Neighbourhoods: 6 Things to Look Out For")
    assert [n for n, _ in re.findall(r"^(\d+)\. (.*)$", six.body, re.M)] == list("123456")
    # Paragraphs between items stay where they were.
    assert six.body.index("3. Improving GP Access") < six.body.index("One question this raises")
    assert six.body.index("One question this raises") < six.body.index("4. The Role of PCN CDs")


def test_bullets_become_markdown_bullets(corpus):
    extended = by_title(corpus, "Why Extended Access is so Controversial")
    bullets = re.findall(r"^- (.*)$", extended.body, re.M)
    assert len(bullets) == 4
    assert bullets[1].startswith("Extended access is funded at £6 per head")
    assert "•" not in extended.body


def test_text_is_kept_verbatim(corpus):
    contract = by_title(corpus, "5 Things we can learn from the New GP Contract")
    assert "Of the global sum increase of £743M" in contract.body
    london = by_title(corpus, GP_BLOG_ORDER[0])
    assert "(p13)" in london.body and "“target operating model”" in london.body
    # Quotations introduced by a colon are block quotes, page reference and all.
    assert re.search(
        r"^> In the absence of significant additional funding.*\(p26\)$", london.body, re.M
    )


def test_a_post_captured_twice_appears_once(corpus):
    advice = [a for a in corpus if a.title.startswith("Advice and Guidance")]
    assert len(advice) == 1
    assert advice[0].source == "001_ad604c1d8f28cfd2.txt, 000_c1de14fada83d275.txt"


def content_lines(page_text):
    for raw in page_text.splitlines():
        if is_chrome(raw):
            continue
        text = raw.strip()
        if re.fullmatch(r"[A-Z][a-z]{2}|\d{1,2}", text):
            continue  # archive month/day markers become the date
        item = _FLATTENED_ITEM_RE.match(raw)
        yield item.group(1).strip() if item else text.lstrip("• ").strip()


def as_markdown_paragraph(line):
    """A paragraph that starts like '36. ' is escaped in Markdown ('36\\. ') but is still itself."""
    return re.sub(r"^(\d+)\. ", r"\1\\. ", line)


def test_nothing_is_lost_every_paragraph_lands_in_exactly_one_article(corpus):
    manifest = tomllib.loads((paths.corpus_dir() / "sources.toml").read_text(encoding="utf-8"))
    checked = 0
    for source in manifest["source"]:
        page = (paths.corpus_dir() / source["file"]).read_text(encoding="utf-8")
        for line in content_lines(page):
            escaped = as_markdown_paragraph(line)
            homes = [a for a in corpus if a.title == line or line in a.body or escaped in a.body]
            assert len(homes) == 1, (source["file"], line[:60], [a.id for a in homes])
            (home,) = homes
            if home.title != line:
                count = home.body.count(line) if escaped == line else home.body.count(escaped)
                assert count == 1, (home.id, line[:60])
            checked += 1
    assert checked > 400


def test_ids_are_readable_unique_and_pinned(corpus):
    ids = [a.id for a in corpus]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert "why-engage-with-neighbourhoods" in ids
    assert "50-to-1" in ids
    assert "2014-02-09-remember-independent-bookstores-there" in ids


def test_ids_do_not_depend_on_other_captures(corpus, corpus_copy):
    # Drop the later capture 001: the posts of 000 keep their ids.
    manifest = (corpus_copy / "sources.toml").read_text(encoding="utf-8")
    start = manifest.index('[[source]]\nfile = "001_')
    end = manifest.index("[[source]]", start + 1)
    (corpus_copy / "sources.toml").write_text(manifest[:start] + manifest[end:], encoding="utf-8")
    fewer = load_corpus(corpus_copy, use_cache=False)
    assert len(fewer) == len(corpus) - 3
    assert {a.id for a in fewer} <= {a.id for a in corpus}


def test_order_does_not_depend_on_manifest_order(corpus, corpus_copy):
    manifest = (corpus_copy / "sources.toml").read_text(encoding="utf-8")
    head, *sources = manifest.split("[[source]]")
    reordered = head + "".join("[[source]]" + s for s in reversed(sources))
    (corpus_copy / "sources.toml").write_text(reordered, encoding="utf-8")
    again = load_corpus(corpus_copy, use_cache=False)
    assert [a.id for a in again] == [a.id for a in corpus]
    assert again.articles == corpus.articles


def test_every_article_has_one_to_three_topics(corpus):
    known = set(tomllib.loads((paths.corpus_dir() / "topics.toml").read_text())["topics"])
    for article in corpus:
        assert 1 <= len(article.topics) <= 3, article.id
        assert set(article.topics) <= known
    assert "Neighbourhoods" in by_title(corpus, "Why Engage with Neighbourhoods?").topics
    assert by_title(corpus, "Should PCNs be Political Footballs?").topics[0] == "PCNs"


def test_parsed_corpus_is_cached_by_source_content(corpus_copy, monkeypatch):
    first = load_corpus(corpus_copy)
    assert paths.parsed_corpus_cache().exists()

    def no_parsing(*args, **kwargs):
        raise AssertionError("unchanged sources were parsed again")

    monkeypatch.setattr("reader.articles.bundled.build_articles", no_parsing)
    assert load_corpus(corpus_copy).articles == first.articles
    monkeypatch.undo()
    # Any change to a source page invalidates the cache.
    page = corpus_copy / "003_e9d48032e40a26cf.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("50 to 1", "51 to 1"), "utf-8")
    changed = load_corpus(corpus_copy)
    assert "51-to-1" in changed and "50-to-1" not in changed


def test_a_damaged_cache_is_rebuilt(corpus_copy):
    first = load_corpus(corpus_copy)
    paths.parsed_corpus_cache().write_text("{not json", encoding="utf-8")
    assert load_corpus(corpus_copy).articles == first.articles
