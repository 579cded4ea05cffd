"""`gp-reader list`, `show` and `--version`, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from reader import __version__


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )


def test_list_json_has_every_post_with_its_fields():
    result = run("list", "--json")
    assert result.returncode == 0, result.stderr
    posts = json.loads(result.stdout)
    assert len(posts) == 28
    assert set(posts[0]) == {
        "id",
        "title",
        "title_is_derived",
        "category",
        "topics",
        "date",
        "words",
        "source",
        "url",
    }
    dated = [p for p in posts if p["date"]]
    assert len(dated) == 10 and all(len(p["date"]) == 10 for p in dated)
    assert all(p["words"] > 100 for p in posts)


def test_list_plain_shows_id_and_title_per_line():
    result = run("list", "--category", "ccgs and primary care")
    lines = result.stdout.splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("2014-02-09  2014-02-09-remember-independent-bookstores-there")
    assert lines[0].endswith("Remember independent bookstores?")


def test_a_category_or_topic_may_be_named_by_its_start():
    full = run("list", "--category", "ccgs and primary care").stdout
    assert run("list", "--category", "CCGs").stdout == full
    assert (
        run("list", "--topic", "neighbour").stdout
        == run("list", "--topic", "Neighbourhoods").stdout
    )
    ambiguous = run("list", "--topic", "c")  # Collaboration..., Commissioning...
    assert ambiguous.returncode == 2 and "Commissioning and CCGs" in ambiguous.stderr
    assert "Access" not in ambiguous.stderr  # the choices it could have meant


def test_list_by_topic():
    posts = json.loads(run("list", "--json", "--topic", "Neighbourhoods").stdout)
    assert posts and all("Neighbourhoods" in p["topics"] for p in posts)


def test_show_prints_markdown_with_title_and_byline():
    result = run("show", "50-to-1")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# 50 to 1"
    assert "Ben Gowland" in lines[2] and "date unknown" not in lines[2]
    assert "(Ockham Healthcare) · " in lines[2] and " min read" in lines[2]
    assert "Cynefin Framework" in result.stdout


def test_search_text_leaves_an_unknown_date_out_and_shows_a_known_one():
    out = run("search", "integrator").stdout
    wheres = [line.strip() for line in out.splitlines() if " · score " in line]
    assert wheres and not any("date unknown" in w for w in wheres)
    assert any(w.startswith("The General Practice Blog · score ") for w in wheres)
    dated = run("search", "independent bookstores").stdout
    assert "CCGs and Primary Care · 2014-02-09 · score " in dated


def test_show_json_adds_the_body():
    data = json.loads(run("show", "why-engage-with-neighbourhoods", "--json").stdout)
    assert data["title"] == "Why Engage with Neighbourhoods?"
    assert len(data["body"]) > 1000
    assert data["body"] in run("show", "why-engage-with-neighbourhoods").stdout


@pytest.mark.parametrize(
    "args",
    [
        ("show", "50-to"),
        ("show", "no-such-post"),
        ("list", "--topic", "astrology"),
        ("list", "--category", "sport"),
        ("show",),
        ("frobnicate",),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_id_names_the_closest_ids():
    assert "50-to-1" in run("show", "50-to").stderr


def test_version():
    result = run("--version")
    assert result.stdout.strip() == f"gp-reader {__version__}"
