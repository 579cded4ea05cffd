"""How well `gp-reader import` reads real saved pages: figures from tests/data/saved_pages.

    .venv/bin/python benchmarks/import_quality.py [--verbose]

Each page of tests/data/saved_pages/expected.toml is imported on its own into an empty
library beside the bundled corpus (with --newest-year where the page names one), and its
posts are held against what a person reading the page expects: the title, the date, the
categories, no page furniture in the body, the first and last words present, no second
copy of a post the reader already holds, and two different posts never merged. The
figures it prints are the ones docs/import-quality.md quotes; tests/test_saved_pages.py
asserts the same checks page by page.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAVED = ROOT / "tests" / "data" / "saved_pages"
sys.path.insert(0, str(ROOT))

from reader.sources.planner import plan_import  # noqa: E402
from reader.sources.readers import ReadOptions  # noqa: E402

NBSP = "\u00a0"


def load_expected(saved: Path = SAVED) -> list[dict]:
    return tomllib.loads((saved / "expected.toml").read_text(encoding="utf-8"))["page"]


def plain(markdown: str) -> str:
    """The body's words as a reader sees them: block markers off, spaces collapsed."""
    blocks = []
    for block in markdown.split("\n\n"):
        block = re.sub(r"^(### |> |- |\d+\. )", "", block.strip())
        block = re.sub(r"^(\d+)\\\. ", r"\1. ", block)
        blocks.append(_squash(block))
    return "\n\n".join(b for b in blocks if b)


def _squash(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").split())


def _emphasis_off(text: str) -> str:
    return re.sub(r"(\*\*|\*)(?=\S)(.+?)(?<=\S)\1", r"\2", text)


@dataclass
class PostCheck:
    page: str
    title: str
    problems: list[str] = field(default_factory=list)
    title_right: bool = True
    date_expected: bool = False
    date_right: bool = True
    author_expected: bool = False
    author_right: bool = True
    url_expected: bool = False
    url_right: bool = True
    chrome_lines: int = 0
    lost: int = 0
    duplicate: bool = False


@dataclass
class PageCheck:
    file: str
    posts: list[PostCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # page-level: counts, refusals, merges


def _title_ok(want: dict, got: str) -> bool:
    title = want["title"]
    match = want.get("title_match", "exact")
    if match == "starts":
        return got.startswith(title.rstrip("…")) or title.startswith(got.rstrip("…"))
    if match == "loose":
        loose = lambda s: re.sub(r"[\W_]+", "", s.casefold())  # noqa: E731
        return loose(got) == loose(title)
    return got == title


def check_post(page: dict, want: dict, outcome, corpus) -> PostCheck:
    post, action, held_id, library_title = outcome
    check = PostCheck(page=page["file"], title=want["title"])
    bad = check.problems.append
    if not _title_ok(want, library_title) or library_title in want.get("title_not", ()):
        check.title_right = False
        bad(f"title {library_title!r}, want {want['title']!r}")
    derived_wrong = "title_derived" in want and post.title_is_derived != want["title_derived"]
    if derived_wrong and not want.get("same_as"):
        check.title_right = False
        bad(f"title_is_derived={post.title_is_derived}")
    inferred = want.get("inferred_date") if page.get("newest_year") else None
    wanted_date = want.get("date") or inferred
    check.date_expected = wanted_date is not None
    got_date = post.date
    if wanted_date and got_date != wanted_date:
        check.date_right = False
        bad(f"date {got_date}, want {wanted_date}")
    if not wanted_date and got_date and not want.get("same_as"):
        check.date_right = False
        bad(f"date {got_date} invented (the page shows none)")
    author = want.get("author")
    check.author_expected = author is not None
    if author and post.author != author or post.author in want.get("author_not", ()):
        check.author_right = False
        bad(f"author {post.author!r}, want {author!r}")
    url = want.get("url")
    check.url_expected = url is not None
    if url and post.url != url:
        check.url_right = False
        bad(f"address {post.url!r}, want {url!r}")
    if "categories" in want and list(post.categories) != want["categories"]:
        bad(f"categories {list(post.categories)}, want {want['categories']}")
    if post.category != want.get("primary_category"):
        bad(f"category {post.category!r}, want {want.get('primary_category')!r}")
    for tag in want.get("tags", ()):
        if tag not in post.tags:
            bad(f"tag {tag!r} missing")
    same_as = want.get("same_as")
    if same_as:
        held = corpus.find(held_id) if held_id else None
        if action == "added" or held is None or held.title != same_as:
            check.duplicate = True
            bad(f"a second copy of {same_as!r} ({action} as {held_id})")
    text = plain(post.body)
    words = _emphasis_off(text)
    first = _squash(want.get("first_paragraph_starts", ""))
    if first and not words.startswith(first):
        check.lost += 1
        bad(f"starts {words[:60]!r}, want {first[:60]!r}")
    last = _squash(want.get("last_paragraph_ends", ""))
    # A summary's '[…]' may show as a plain '…' after its last words.
    if last and not words.rstrip("…").rstrip().endswith(last):
        check.lost += 1
        bad(f"ends {words[-60:]!r}, want {last[-60:]!r}")
    raw = post.body.replace(NBSP, " ")
    for needed in want.get("must_contain", ()):
        if needed.replace(NBSP, " ") not in raw and _squash(needed) not in words:
            check.lost += 1
            bad(f"lost {needed[:50]!r}")
    lines = {_squash(line) for line in post.body.splitlines()}
    lines |= {b for b in text.split("\n\n")}
    for chrome in want.get("chrome", ()):
        entry = _squash(chrome)
        if entry in lines or (len(entry) >= 12 and (entry in _squash(post.body) or entry in words)):
            check.chrome_lines += 1
            bad(f"chrome {chrome!r} in the body")
    for never in want.get("never", ()):
        if never in post.body or never in post.title:
            check.chrome_lines += 1
            bad(f"{never!r} in the body")
    return check


def import_file(path: Path, corpus, rows=(), newest_year: int | None = None):
    options = ReadOptions(newest_year=newest_year)
    return plan_import([str(path)], corpus, list(rows), options)


def check_page(page: dict, corpus, saved: Path = SAVED) -> PageCheck:
    result = PageCheck(file=page["file"])
    path = saved / page["file"]
    report, plan = import_file(path, corpus, newest_year=page.get("newest_year"))
    if page.get("refused"):
        if not report.failed:
            result.problems.append("not refused")
        elif page.get("refusal_says", "") not in report.failed[0][1]:
            result.problems.append(f"refused saying {report.failed[0][1]!r}")
        return result
    if report.failed:
        result.problems.append(f"refused: {report.failed[0][1]}")
        return result
    outcomes = report.outcomes
    wanted = page.get("posts", [])
    if len(outcomes) != len(wanted):
        result.problems.append(
            f"{len(outcomes)} posts, want {len(wanted)}: {[o[3][:40] for o in outcomes]}"
        )
    for want, outcome in zip(wanted, outcomes, strict=False):
        result.posts.append(check_post(page, want, outcome, corpus))
    other = page.get("must_not_merge_with")
    if other:
        # The other page imported next, into the library this one made: no post in common.
        second, _ = import_file(saved / other, corpus, rows=plan.rows)
        mine = {o[2] for o in outcomes}
        theirs = {o[2] for o in second.outcomes}
        if mine & theirs:
            result.problems.append(f"merged with {other}: {sorted(mine & theirs)}")
    return result


@dataclass
class Figures:
    pages: int = 0
    posts: int = 0
    titles_right: int = 0
    dates_expected: int = 0
    dates_right: int = 0
    authors_expected: int = 0
    authors_right: int = 0
    urls_expected: int = 0
    urls_right: int = 0
    chrome_lines: int = 0
    duplicates: int = 0
    lost: int = 0
    page_problems: int = 0

    def lines(self) -> list[str]:
        return [
            f"pages {self.pages}, posts {self.posts}",
            f"titles right      {self.titles_right}/{self.posts}",
            f"dates right       {self.dates_right}/{self.dates_expected} (where a page gives one)",
            f"authors right     {self.authors_right}/{self.authors_expected} (where named)",
            f"addresses right   {self.urls_right}/{self.urls_expected} (where a page gives one)",
            f"chrome lines      {self.chrome_lines}",
            f"second copies     {self.duplicates}",
            f"lost paragraphs   {self.lost}",
            f"page problems     {self.page_problems} (wrong post count, refusals, merges)",
        ]


def figures(checks: list[PageCheck]) -> Figures:
    f = Figures(pages=len(checks))
    for page in checks:
        f.page_problems += len(page.problems)
        for post in page.posts:
            f.posts += 1
            f.titles_right += post.title_right
            f.dates_expected += post.date_expected
            f.dates_right += post.date_expected and post.date_right
            f.authors_expected += post.author_expected
            f.authors_right += post.author_expected and post.author_right
            f.urls_expected += post.url_expected
            f.urls_right += post.url_expected and post.url_right
            f.chrome_lines += post.chrome_lines
            f.duplicates += post.duplicate
            f.lost += post.lost
    return f


def main(argv: list[str]) -> int:
    from reader.articles.bundled import load_corpus

    corpus = load_corpus()
    checks = [check_page(page, corpus) for page in load_expected()]
    verbose = "--verbose" in argv
    for page in checks:
        problems = page.problems + [f"{p.title[:40]}: {x}" for p in page.posts for x in p.problems]
        if verbose and problems:
            print(page.file)
            for problem in problems:
                print("   ", problem)
    print("\n".join(figures(checks).lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
