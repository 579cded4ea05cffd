"""`gp-reader import` and `gp-reader library`: small files of each kind made for the purpose."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader import paths

DATA = Path(__file__).parent / "data" / "import"
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def gp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True)


def posts() -> dict[str, dict]:
    return {p["id"]: p for p in json.loads(gp("list", "--json").stdout)}


def body(post_id: str) -> str:
    return json.loads(gp("show", post_id, "--json").stdout)["body"]


def test_feed_page_and_markdown_import_with_their_fields():
    result = gp(
        "import",
        str(DATA / "blog-feed.xml"),
        str(DATA / "post-page.html"),
        str(DATA / "my-note.md"),
    )
    assert result.returncode == 0, result.stderr
    assert "added 2" in result.stdout and "2 duplicates" in result.stdout
    held = posts()
    assert len(held) == 30
    feed = held["neighbourhood-leadership-who-sits-at-the-table"]
    assert feed["date"] == "2025-06-02" and feed["category"] == "The General Practice Blog"
    assert "Neighbourhoods" in feed["topics"]
    text = body(feed["id"])
    assert "### What to ask for" in text
    assert "- A seat for the PCN clinical directors." in text
    assert "> Neighbourhood health is a team sport. (p4)" in text
    note = held["notes-from-the-lmc-conference"]
    assert note["date"] == "2025-11-20" and note["category"] == "My notes"
    assert note["topics"][0] == "PCNs"  # a tag that names a topic comes first
    assert body(note["id"]).startswith(
        # Bold survives import (the app draws it): the "bold and italic survive".
        "### Notes from the day\n\nThe conference debated the future of the **PCN DES**"
    )


def test_a_saved_post_page_keeps_the_post_and_drops_the_site_around_it(tmp_path):
    page = (DATA / "post-page.html").read_text(encoding="utf-8")
    page = page.replace("Why Engage with Neighbourhoods?", "A Page Saved From the Blog")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    assert gp("import", str(tmp_path / "page.html")).returncode == 0
    post = posts()["a-page-saved-from-the-blog"]
    assert post["date"] == "2025-05-12" and post["category"] == "The General Practice Blog"
    text = body(post["id"])
    assert "Neighbourhoods can be a frustrating concept." in text
    for chrome in [
        "Basket",
        "cookies",
        "Share this",
        "Subscribe",
        "Privacy policy",
        "All rights reserved",
    ]:
        assert chrome not in text


def test_a_feed_with_only_summaries_imports_the_summaries():
    assert gp("import", str(DATA / "summaries.atom")).returncode == 0
    post = posts()["arrs-roles-after-the-review"]
    assert post["date"] == "2025-03-01"
    assert body(post["id"]).startswith("Only a summary: the review of the Additional Roles")


def capture_of(bundled_page: str, first_title: str, last_title: str | None) -> str:
    text = (CORPUS / bundled_page).read_text(encoding="utf-8")
    start = text.index(first_title)
    end = text.index(last_title) if last_title else len(text)
    return text[start:end]


@pytest.mark.parametrize("kind", ["capture", "feed", "html", "markdown"])
def test_a_duplicate_of_a_bundled_post_is_not_added_again(tmp_path, kind):
    title = "Should PCNs be Political Footballs?"
    short = "Two weeks ago the BMA reported that it had rejected the rescue package."
    files = {
        "capture": ("c.txt", capture_of("003_e9d48032e40a26cf.txt", title, None)),
        "feed": (
            "f.xml",
            f"<rss version='2.0'><channel><title>x</title><item><title>{title}</title>"
            f"<description>{short}</description></item></channel></rss>",
        ),
        "html": (
            "p.html",
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{short} This is the start of the post as saved.</p></article></body></html>",
        ),
        "markdown": ("m.md", f"---\ntitle: {title}\n---\n\n{short}\n"),
    }
    name, text = files[kind]
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = gp("import", str(tmp_path / name))
    assert result.returncode == 0, result.stderr
    assert "added 0" in result.stdout and "1 duplicate" in result.stdout
    assert len(posts()) == 28


def test_a_fuller_text_of_a_bundled_post_replaces_it_under_the_same_id(tmp_path):
    bundled = body("50-to-1")
    fuller = bundled + "\n\nA closing paragraph that the capture never had, added by the author.\n"
    (tmp_path / "full.md").write_text(
        f"---\ntitle: 50 to 1\ndate: 2021-12-14\n---\n\n{fuller}", "utf-8"
    )
    gp("bookmark", "add", "50-to-1")
    result = gp("import", str(tmp_path / "full.md"))
    assert "1 fuller text" in result.stdout
    held = posts()
    assert len(held) == 28
    assert held["50-to-1"]["date"] == "2021-12-14"  # the import supplied a date
    assert body("50-to-1").rstrip().endswith("added by the author.")
    bookmarks = json.loads(gp("bookmark", "list", "--json").stdout)
    assert bookmarks[0]["id"] == "50-to-1" and not bookmarks[0]["missing"]


@pytest.mark.parametrize("bad", ["bad-date.md", "binary.txt", "empty.md", "missing.md"])
def test_a_file_that_cannot_be_read_is_named_and_the_others_go_in(bad):
    result = gp("import", str(DATA / "my-note.md"), str(DATA / bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith(f"gp-reader: cannot import {DATA / bad}: ")
    assert "Traceback" not in result.stderr
    assert "added 1 post," in result.stdout and "1 refused" in result.stdout
    assert len(posts()) == 29


@pytest.mark.parametrize("bad", ["bad-date.md", "binary.txt", "empty.md", "missing.md"])
def test_all_or_nothing_adds_nothing_when_a_file_is_refused(bad):
    result = gp("import", "--all-or-nothing", str(DATA / "my-note.md"), str(DATA / bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"gp-reader: cannot import {DATA / bad}: ")
    assert lines[-1] == "gp-reader: nothing was imported (--all-or-nothing)"
    assert "Traceback" not in result.stderr
    assert len(posts()) == 28
    assert not paths.library_db().exists()


def test_reimporting_adds_nothing_and_says_so():
    assert gp("import", str(DATA / "blog-feed.xml")).returncode == 0
    again = gp("import", str(DATA / "blog-feed.xml"))
    assert again.returncode == 0
    assert "added 0" in again.stdout and "nothing new" in again.stdout
    assert len(posts()) == 29


def test_dry_run_reports_and_writes_nothing():
    result = gp("import", "--dry-run", str(DATA / "blog-feed.xml"), str(DATA / "my-note.md"))
    assert "would add 2" in result.stdout
    assert len(posts()) == 28 and not paths.library_db().exists()


def test_an_archive_capture_needs_its_year_and_then_dates_its_posts(tmp_path):
    archive = (CORPUS / "004_f334e75c08f1209b.txt").read_text(encoding="utf-8")
    (tmp_path / "archive.txt").write_text(archive, encoding="utf-8")
    refused = gp("import", str(tmp_path / "archive.txt"))
    assert refused.returncode == 1 and "--newest-year" in refused.stderr
    same = gp("import", "--newest-year", "2014", str(tmp_path / "archive.txt"))
    assert "added 0" in same.stdout and "10 duplicates" in same.stdout
    shifted = archive.replace("Feb\n09", "Mar\n01", 1)
    (tmp_path / "newer.txt").write_text(shifted, encoding="utf-8")
    moved = gp("import", "--newest-year", "2014", str(tmp_path / "newer.txt"))
    assert "added 1" in moved.stdout  # the same words on another date are another post


def test_library_list_and_remove_and_the_index_follows(tmp_path):
    shutil.copy(DATA / "my-note.md", tmp_path / "a.md")
    shutil.copy(DATA / "my-note.md", tmp_path / "b.md")
    gp("import", str(DATA / "blog-feed.xml"), str(tmp_path / "a.md"))
    gp("import", str(tmp_path / "b.md"))  # the same note from a second file
    listed = gp("library", "list").stdout
    assert "blog-feed.xml" in listed and "a.md" in listed and "b.md" in listed
    assert "team sport" in gp("search", "team sport").stdout
    removed = gp("library", "remove", str(DATA / "blog-feed.xml"))
    assert removed.returncode == 0 and "removed 1 post" in removed.stdout
    # Its words are gone from the index: no post holds both any more (others hold "team").
    after = json.loads(gp("search", "--json", "team sport").stdout)["hits"]
    assert all(hit["matched"] != "all" for hit in after)
    assert "team sport" not in json.dumps(after)
    kept = gp("library", "remove", "a.md")
    assert "removed 0 posts" in kept.stdout and "1 kept" in kept.stdout
    assert "notes-from-the-lmc-conference" in posts()
    gp("library", "remove", "b.md")
    assert "notes-from-the-lmc-conference" not in posts()
    unknown = gp("library", "remove", "nothing.md")
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1


def test_ids_are_stable_so_bookmarks_survive_a_reimport():
    gp("import", str(DATA / "my-note.md"))
    gp("bookmark", "add", "notes-from-the-lmc-conference")
    gp("library", "remove", "my-note.md")
    assert json.loads(gp("bookmark", "list", "--json").stdout)[0]["missing"] is True
    gp("import", str(DATA / "my-note.md"))
    assert json.loads(gp("bookmark", "list", "--json").stdout)[0]["missing"] is False


def test_a_folder_is_searched_for_importable_files(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    shutil.copy(DATA / "my-note.md", folder / "note.md")
    shutil.copy(DATA / "summaries.atom", folder / "feed.atom")
    (folder / "ignored.pdf").write_bytes(b"%PDF")
    result = gp("import", str(folder))
    assert result.returncode == 0 and "2 files: added 2" in result.stdout


def test_many_files_are_read_in_two_processes_with_the_same_result(tmp_path, monkeypatch):
    """Above PARALLEL_READ_FROM files two processes read them; nothing else changes."""
    from reader.articles.bundled import load_corpus
    from reader.sources import planner as library_import
    from reader.sources.readers import ReadOptions

    folder = tmp_path / "many"
    folder.mkdir()
    for name in ("blog-feed.xml", "my-note.md", "post-page.html", "summaries.atom", "bad-date.md"):
        shutil.copy(DATA / name, folder / name)
    for n in range(6):  # the same note six times over: one post, five duplicates
        shutil.copy(DATA / "my-note.md", folder / f"copy-{n}.md")
    corpus = load_corpus()
    pools = []

    class CountedPool(library_import.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(library_import, "ProcessPoolExecutor", CountedPool)

    def plan(parallel_from: int):
        monkeypatch.setattr(library_import, "PARALLEL_READ_FROM", parallel_from)
        seen = []
        report, planned = library_import.plan_import(
            [str(folder)], corpus, [], ReadOptions(), progress=lambda n, total: seen.append(n)
        )
        assert seen == list(range(1, 12))
        return report, planned

    one_by_one = plan(10_000)
    assert pools == []
    parallel = plan(2)
    assert pools == [2] or sys.platform == "win32"  # no fork there: one by one
    assert one_by_one == parallel
    report, planned = parallel
    assert [path for path, _ in report.failed] == [str(folder / "bad-date.md")]
    notes = [source for _, source in report.duplicates if Path(source).name.endswith(".md")]
    assert len(notes) == 6 and report.added
    assert [row.topics for row in planned.rows] == [row.topics for row in one_by_one[1].rows]


SAVED = Path(__file__).parent / "data" / "saved_pages"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_capture_saved_as_windows_unicode_imports_like_its_utf8_copy(tmp_path, encoding):
    # Notepad's "Unicode" is UTF-16 LE with a byte-order mark and CRLF line ends.
    page = SAVED / "Why are GP Practices Struggling to Recruit ARRS Staff_ - Ockham Healthcare.txt"
    text = page.read_text(encoding="utf-8")
    wide = tmp_path / "wide" / "arrs.txt"
    wide.parent.mkdir()
    mark = "\ufeff" if encoding == "utf-16-be" else ""  # the -be codec writes no mark itself
    wide.write_bytes((mark + text).replace("\n", "\r\n").encode(encoding))
    before = set(posts())
    result = gp("import", str(wide))
    assert result.returncode == 0, result.stderr
    assert "added 1 post" in result.stdout
    (new,) = set(posts()) - before
    assert posts()[new]["title"] == "Why are GP Practices Struggling to Recruit ARRS Staff?"
    assert "\ufeff" not in body(new) and "\r" not in body(new)
    utf8 = tmp_path / "arrs.txt"
    shutil.copy(page, utf8)
    again = gp("import", str(utf8), "--dry-run")
    assert "add 0 posts, 1 duplicate" in again.stdout, again.stdout


def test_single_file_saves_give_the_address_the_browser_saved_the_page_from():
    from reader.sources.readers import ReadOptions, read_file

    mhtml = SAVED / "Five Questions Every PCN Should Ask Its ICB _ PCN Network News.mhtml"
    kind, (post,) = read_file(mhtml, ReadOptions())
    assert kind == "html"
    assert (
        post.url
        == "https://pcnnetworknews.example/opinion/five-questions-every-pcn-should-ask-its-icb/"
    )
    # The page's own canonical link wins over the address Safari saved it from.
    archive = next(SAVED.glob("*.webarchive"))
    _, (post,) = read_file(archive, ReadOptions())
    assert (
        post.url == "https://ockham.healthcare/neighbourhood-health-providers-what-would-they-mean/"
    )


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("page.webarchive", b"bplist00\x00\x01garbage", "property list is damaged"),
        ("page.webarchive", b"", "it is empty"),
        ("page.mhtml", b"From: x\r\nContent-Type: text/plain\r\n\r\nhello\r\n", "no HTML part"),
        (
            "page.mht",
            b'Content-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
            b"Content-Type: image/png\r\n\r\nPNG\r\n--b--\r\n",
            "holds no HTML page",
        ),
    ],
)
def test_a_damaged_single_file_save_is_refused_in_one_line(tmp_path, name, data, reason):
    page = tmp_path / name
    page.write_bytes(data)
    result = gp("import", str(page))
    assert result.returncode == 1
    assert reason in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
