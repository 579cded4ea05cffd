"""Parser edge cases on small pages made for the purpose."""

from __future__ import annotations

from reader.articles.bundled import load_corpus
from reader.articles.parse import derive_title, infer_years, parse_archive, parse_listing
from tests.pages import ARCHIVE_CATEGORY, LISTING_CATEGORY, make_corpus

NBSP = "\xa0"


def test_archive_crossing_a_year_boundary(tmp_path):
    page = "\n".join(
        [
            "Archive",
            "",
            "Archive for the ‘Test’ Category",
            "",
            "Jan",
            "05",
            "",
            "A new year starts with a long look back at what the old one brought us all.",
            "",
            ",",
            "",
            "Dec",
            "20",
            "",
            "Winter pressures arrive early.  Practices are ready.",
            "",
            "Nov",
            "01",
            "",
            "Autumn is the season of planning guidance.",
            "",
            "Nov",
            "30",
            "",
            "A late November post from the year before.",
            "",
        ]
    )
    corpus = load_corpus(make_corpus(tmp_path, {"a.txt": ("archive", page)}), use_cache=False)
    posts = corpus.select(category=ARCHIVE_CATEGORY)
    assert [p.date for p in posts] == ["2015-01-05", "2014-12-20", "2014-11-01", "2013-11-30"]
    assert posts[1].title == "Winter pressures arrive early"
    assert all(p.title_is_derived for p in posts)
    assert posts[0].id == "2015-01-05-a-new-year-starts-with-a-long-look-back"


def test_infer_years_keeps_the_year_within_a_month():
    posts = parse_archive("Feb\n09\n\nx\n\nFeb\n02\n\ny\n\nDec\n16\n\nz\n", "p")
    assert infer_years(posts, 2014) == [2014, 2014, 2013]


def test_derived_title_is_cut_at_a_word_boundary():
    long = "Word " * 30 + "end."
    title = derive_title(long)
    assert len(title) <= 80 and title.endswith("Word…")
    assert derive_title("Short and sweet.  Then more.") == "Short and sweet"
    assert derive_title("Is it a question?  Yes.") == "Is it a question?"


LISTING_NEWER = """Brand New Post on Top

The newest thing happened.

Post Captured Twice

First paragraph of the twice captured post.

Second paragraph, which this capture cuts off mid-sen

Page 1 of 10
123410
"""

LISTING_OLDER = """Post Captured Twice

First paragraph of the twice captured post.

Second paragraph, which this capture cuts off mid-sentence, has all of its words here.

Third paragraph only the older capture has.

An Older Post

Old news.

Page 1 of 9
12349
"""


def test_a_post_cut_off_at_the_bottom_of_a_capture_keeps_its_complete_text(tmp_path):
    root = make_corpus(
        tmp_path, {"old.txt": ("listing", LISTING_OLDER), "new.txt": ("listing", LISTING_NEWER)}
    )
    posts = load_corpus(root, use_cache=False).select(category=LISTING_CATEGORY)
    assert [p.title for p in posts] == [
        "Brand New Post on Top",
        "Post Captured Twice",
        "An Older Post",
    ]
    twice = posts[1]
    assert "has all of its words here." in twice.body
    assert "mid-sen\n" not in twice.body
    assert "Third paragraph only the older capture has." in twice.body
    assert twice.source == "new.txt, old.txt"
    assert all(p.date is None for p in posts)


def test_overlapping_captures_with_the_same_page_count_put_extra_posts_on_top():
    older = parse_listing("Second Post Here\n\nb\n\nThird Post Here\n\nc\n\nPage 1 of 5\n", "o")
    newer = parse_listing("First Post Here\n\na\n\nSecond Post Here\n\nb\n\nPage 1 of 5\n", "n")
    from reader.articles.bundled import merge_captures

    for captures in ([older, newer], [newer, older]):
        titles = [post.title for post, _ in merge_captures(captures)]
        assert titles == ["First Post Here", "Second Post Here", "Third Post Here"]


NUMBERED = f"""Five Things About Numbered Items

Here is the list:

  1. First Section Heading

Text under the first section.

  1. Second section with its text. More words follow here.

{NBSP}

  1. Third

  • a bullet point.

{NBSP}

  • another bullet point.

What comes next for us?

The end of the post.  It closes here.

Page 1 of 2
12342
"""


def test_numbered_and_bulleted_items(tmp_path):
    root = make_corpus(tmp_path, {"n.txt": ("listing", NUMBERED)})
    (post,) = load_corpus(root, use_cache=False)
    assert post.body == (
        "Here is the list:\n\n"
        "1. First Section Heading\n\n"
        "Text under the first section.\n\n"
        "2. Second section with its text. More words follow here.\n\n"
        "3. Third\n\n"
        "- a bullet point.\n\n"
        "- another bullet point.\n\n"
        "### What comes next for us?\n\n"
        "The end of the post.  It closes here.\n"
    )


def test_a_page_of_only_chrome_gives_no_articles(tmp_path):
    chrome = f"Archive\n\nArchive for the ‘X’ Category\n\n, ,\n\n{NBSP}\n\nPage 1 of 3\n12343\n"
    root = make_corpus(tmp_path, {"c.txt": ("listing", chrome), "d.txt": ("archive", chrome)})
    assert len(load_corpus(root, use_cache=False)) == 0


def test_title_case_lines_start_posts_sentence_case_lines_are_subheadings():
    page = parse_listing(
        "Why Engage with Neighbourhoods?\n\nBody.\n\nWhat exactly then is the problem?\n\n"
        "More body.\n\nHow Can PCNs Prepare for Neighbourhoods?\n\nText.\n",
        "p",
    )
    assert [p.title for p in page.posts] == [
        "Why Engage with Neighbourhoods?",
        "How Can PCNs Prepare for Neighbourhoods?",
    ]
    assert page.posts[0].lines == ["Body.", "What exactly then is the problem?", "More body."]


def test_a_line_after_a_colon_is_a_quotation_not_a_title():
    page = parse_listing(
        "A Post About a Document\n\nThe document says this:\n\nSome Quoted Title Case Text\n", "p"
    )
    assert len(page.posts) == 1
