"""Imports as a newcomer met them (issue #18): where imported posts are listed, the order
of every list, and the messages for broken files."""

from __future__ import annotations

import json
import subprocess
import sys

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Neighbourhood Notes</title>
  <item>
    <title>Boards and Budgets</title>
    <pubDate>Mon, 02 Jun 2025 08:00:00 +0000</pubDate>
    <category>Neighbourhoods</category>
    <description>&lt;p&gt;Who holds the neighbourhood budget decides what general practice
    can do with it, and the board that sets it needs practices at the table.&lt;/p&gt;</description>
  </item>
  <item>
    <title>A Second Look at Integrators</title>
    <pubDate>Tue, 14 Jan 2025 08:00:00 +0000</pubDate>
    <description>&lt;p&gt;The integrator function, looked at again after a year of
    practice boards and neighbourhood teams working side by side.&lt;/p&gt;</description>
  </item>
</channel></rss>
"""

NOTE = """---
title: What I took from the PCN meeting
date: 2024-03-01
---

The meeting spent most of its time on the budget for the neighbourhood team.
"""


def gp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True)


def test_a_feeds_posts_stay_together_under_the_feed_and_every_list_is_by_date(tmp_path):
    (tmp_path / "notes.xml").write_text(FEED, encoding="utf-8")
    (tmp_path / "meeting.md").write_text(NOTE, encoding="utf-8")
    done = gp("import", str(tmp_path / "notes.xml"), str(tmp_path / "meeting.md"))
    assert done.returncode == 0, done.stderr
    posts = json.loads(gp("list", "--json").stdout)
    by_title = {p["title"]: p for p in posts}
    feed = [by_title["Boards and Budgets"], by_title["A Second Look at Integrators"]]
    # Both of the feed's posts under the feed; a topic's name is not made a category.
    assert {p["category"] for p in feed} == {"Neighbourhood Notes"}
    categories = {p["category"] for p in posts}
    assert "Neighbourhoods" not in categories
    assert categories - {"The General Practice Blog", "CCGs and Primary Care"} == {
        "Neighbourhood Notes",
        "Imported",
    }
    # Every post newest first: the dated ones in date order, wherever they came from.
    dates = [p["date"] for p in posts if p["date"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[:3] == ["2025-06-02", "2025-01-14", "2024-03-01"]
    undated = [n for n, p in enumerate(posts) if not p["date"]]
    assert undated == list(range(len(undated)))  # the blog's undated pages, as they were


def test_a_feed_cut_short_says_its_xml_is_broken_and_where(tmp_path):
    # Cut inside the one entry's text, on line 4: the entry is left with a title alone.
    only_title = FEED.split("<item>")[0] + "<item><title>Only a title</title><descr"
    (tmp_path / "cut.xml").write_text(only_title, encoding="utf-8")
    done = gp("import", str(tmp_path / "cut.xml"))
    output = done.stdout + done.stderr
    assert "the feed's XML is broken at line 4, column" in output
    assert "none of the feed's entries has any text" not in output


def test_broken_front_matter_says_on_which_line(tmp_path):
    (tmp_path / "bad.md").write_text(
        "---\ntitle: A note\ntags: [pcn, des\ndate: 2024-01-01\n---\n\nText.\n", encoding="utf-8"
    )
    done = gp("import", str(tmp_path / "bad.md"))
    output = done.stdout + done.stderr
    assert "its front matter is not valid YAML at line 4, column" in output
    assert "Traceback" not in output


def test_library_list_counts_one_post_as_one_post(tmp_path):
    (tmp_path / "meeting.md").write_text(NOTE, encoding="utf-8")
    gp("import", str(tmp_path / "meeting.md"))
    listed = gp("library", "list").stdout
    assert "    1 post " in listed and "1 posts" not in listed
