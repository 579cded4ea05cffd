"""Real saved pages (tests/data/saved_pages) import as a person reading them expects.

Each page of expected.toml is imported on its own beside the bundled corpus and checked
post by post by benchmarks/import_quality.py's checks: title, date, categories, no page
furniture, the first and last words, no second copy of a held post. Then: folders, the
same post found by its words, and different posts under the same junk title kept apart.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import import_quality as quality  # noqa: E402

SAVED = ROOT / "tests" / "data" / "saved_pages"
PAGES = quality.load_expected()


def gp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def bundled():
    from reader.articles.bundled import load_corpus

    return load_corpus(use_cache=False)


@pytest.mark.parametrize("page", PAGES, ids=[p["file"] for p in PAGES])
def test_each_saved_page_imports_as_a_reader_expects(page, bundled):
    checked = quality.check_page(page, bundled)
    problems = checked.problems
    problems += [f"{p.title[:40]}: {x}" for p in checked.posts for x in p.problems]
    assert problems == []


def test_the_figures_are_all_right(bundled):
    figures = quality.figures([quality.check_page(page, bundled) for page in PAGES])
    assert figures.titles_right == figures.posts and figures.dates_right == figures.dates_expected
    assert figures.authors_right == figures.authors_expected
    assert figures.urls_right == figures.urls_expected
    assert (figures.chrome_lines, figures.duplicates, figures.lost, figures.page_problems) == (
        0,
        0,
        0,
        0,
    )


def test_a_folder_imports_its_good_files_and_names_the_refused_one():
    result = gp("import", str(SAVED / "mixed-folder"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"gp-reader: cannot import {SAVED / 'mixed-folder' / 'feed-truncated.xml'}: "
        "the feed's XML is broken at line 60, column 51: no element found"
    ]
    assert "4 files: added 2 posts, 2 duplicates, 0 skipped, 1 refused" in result.stdout
    listed = gp("list").stdout
    assert "The ARRS Cliff Edge" in listed and "Integrated Neighbourhood Teams" in listed


def test_all_or_nothing_keeps_the_old_rule_for_scripts():
    result = gp("import", "--all-or-nothing", str(SAVED / "mixed-folder"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "gp-reader: nothing was imported (--all-or-nothing)"
    assert "The ARRS Cliff Edge" not in gp("list").stdout


def test_newest_year_is_asked_for_only_where_the_page_gives_no_year(tmp_path):
    tag = SAVED / "ccg-tag-clinical-commissioning-groups.txt"
    month = SAVED / "ccg-archive-july-2013.txt"
    result = gp("import", str(tag), str(month))
    assert result.returncode == 1
    assert "add --newest-year YEAR" in result.stderr and str(tag) in result.stderr
    assert "added 2 posts" in result.stdout  # the month page gives its own year
    again = gp("import", "--newest-year", "2013", str(tag), str(month))
    assert again.returncode == 0, again.stderr
    assert "2013-11-24" in gp("list").stdout


def test_the_same_post_is_found_by_its_words_whatever_its_title(tmp_path, bundled):
    from reader.sources.planner import plan_import
    from reader.sources.readers import ReadOptions

    article = bundled.get("should-pcns-be-political-footballs")
    paragraphs = article.body.split("\n\n")
    for n, title in enumerate(["Blog", "Should PCNs be Political Footbals?", "Untitled 7"]):
        (tmp_path / f"copy{n}.md").write_text(
            f"---\ntitle: {title}\n---\n\n" + "\n\n".join(paragraphs[:4]) + "\n", "utf-8"
        )
    report, plan = plan_import([str(tmp_path)], bundled, [], ReadOptions())
    assert [o[1:3] for o in report.outcomes] == [
        ("duplicate", "should-pcns-be-political-footballs")
    ] * 3
    assert plan.rows == []


def test_different_posts_with_the_same_junk_title_stay_apart(tmp_path, bundled):
    from reader.sources.planner import plan_import
    from reader.sources.readers import ReadOptions

    one = "Practices are being asked to do more with less, and the contract does not help.\n"
    two = "Neighbourhood teams need a home, and general practice is the obvious one to offer.\n"
    (tmp_path / "a.txt").write_text("Home\n\n" + one * 3, "utf-8")
    (tmp_path / "b.txt").write_text("Home\n\n" + two * 3, "utf-8")
    report, plan = plan_import([str(tmp_path)], bundled, [], ReadOptions())
    assert [o[1] for o in report.outcomes] == ["added", "added"]
    assert len({row.id for row in plan.rows}) == 2
    assert all(row.title_is_derived and row.title != "Home" for row in plan.rows)


def test_a_real_title_from_a_feed_replaces_a_derived_one_and_keeps_the_full_text():
    result = gp("import", str(SAVED / "ccginformation-feed-2014.xml"))
    assert result.returncode == 0, result.stderr
    listed = gp("list").stdout
    assert "General Practice’s Amazon Moment" in listed
    assert "Remember independent bookstores?" not in listed
    bundled_id = next(line.split()[1] for line in listed.splitlines() if "£5 per head" in line)
    body = gp("show", bundled_id).stdout
    assert len(body) > 2000  # the summary did not replace the bundled full text
    assert "summary only" not in result.stdout  # both summaries were of posts held in full


def test_a_summary_only_item_is_marked_in_the_library():
    from reader.store.posts import PostStore

    result = gp("import", str(SAVED / "ockham-blogs-feed.xml"))
    assert "summary only: ARRS in 2025/26: What Has Changed?" in result.stdout
    store = PostStore.open_existing()
    assert store.summaries() == {
        "arrs-in-2025-26-what-has-changed": "https://ockham.healthcare/arrs-in-2025-26-what-has-changed/"
    }


def test_skipped_posts_are_named_in_at_most_100_characters(tmp_path):
    from reader.sources.readers import skipped_name

    name = skipped_name(str(tmp_path / ("x" * 80 + ".txt")), "A title " * 20)
    assert len(name) == 100 and name.endswith("…")


def test_the_bundled_parse_is_unchanged(bundled):
    assert len(bundled) == 28
    assert sum(len(a.body.split("\n\n")) for a in bundled) == 376


def test_the_one_escape_a_body_keeps_never_shows_in_the_app():
    from reader.articles.markdown import split_blocks as body_blocks

    body = "\\- a line that starts with a dash\n\n36\\. years on\n\n\\# not a heading\n"
    assert [b[2] for b in body_blocks(body)] == [
        "- a line that starts with a dash",
        "36. years on",
        "# not a heading",
    ]
    assert [b[0] for b in body_blocks(body)] == ["paragraph"] * 3


def test_bold_and_italic_are_drawn_without_their_marks():
    from reader.articles.inline import split_emphasis

    text, spans = split_emphasis("The DES is **shorter**, *simpler* and marked * alone.")
    assert text == "The DES is shorter, simpler and marked * alone."
    assert spans == [(11, 18, "bold"), (20, 27, "italic")]


def test_a_post_is_matched_the_same_way_in_every_run():
    """The shingles kept (one in two, by hash) must not change with Python's per-process
    string hash: a copy near the threshold was a duplicate in one run, a new post in the
    next."""
    import os

    code = (
        "from reader.sources.dedupe import opening_words, shingles\n"
        "text = 'Two weeks ago the BMA reported that it had rejected what it terms the "
        "government rescue package and that it was to take a ballot on industrial action.'\n"
        "print(sorted(shingles(opening_words(text))))\n"
    )
    runs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        runs.add(done.stdout)
    assert len(runs) == 1
