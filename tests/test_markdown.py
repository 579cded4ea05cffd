"""The Markdown subset (reader.articles.markdown): what is escaped where a block starts,
and that a reader never sees the escape: not in the app's blocks, the plain text, or
`gp-reader show` on a terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from reader.articles.markdown import (
    Block,
    escape_block_start,
    plain_text,
    split_blocks,
    unescape_block_start,
)
from reader.sources.html_markdown import html_to_markdown
from reader.sources.readers import normalise_markdown

# Paragraph texts that would read as a block if written as they are.
BLOCKISH = [
    "36. The thirty-sixth point",
    "2) A bracketed number",
    "- not a list",
    "* not a list either",
    "+ nor this",
    "> not a quotation",
    "# not a heading",
]
ORDINARY = [
    "#hashtag and more",
    "2014 was a year",
    "-5 degrees",
    "A plain sentence.",
    "*emphatic*",
    "1.5 million",
]


@pytest.mark.parametrize("text", BLOCKISH)
def test_a_paragraph_that_would_read_as_a_block_is_escaped_and_read_back(text):
    escaped = escape_block_start(text)
    assert escaped != text and "\\" in escaped
    assert unescape_block_start(escaped) == text
    assert split_blocks(escaped) == [Block("paragraph", "", text)]
    assert split_blocks("> " + escaped) == [Block("quote", "", text)]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text):
    assert escape_block_start(text) == text
    assert split_blocks(text) == [Block("paragraph", "", text)]


def test_blocks_and_plain_text_of_a_body():
    body = "### Sub\n\n> Quoted\n\n3. Third\n\n- Bullet\n\n36\\. Not an item\n\n\\#tag\n"
    assert [b.kind for b in split_blocks(body)] == [
        "heading",
        "quote",
        "item",
        "bullet",
        "paragraph",
        "paragraph",
    ]
    assert plain_text(body) == "Sub\n\nQuoted\n\n3. Third\n\n• Bullet\n\n36. Not an item\n\n#tag"


def test_html_and_imported_markdown_store_the_same_escapes():
    html = "<p>- not a list</p><p>#hashtag</p><p>36. Point</p>"
    source_md = "\\- not a list\n\n#hashtag\n\n36\\. Point\n"
    assert html_to_markdown(html) == normalise_markdown(source_md)
    assert plain_text(normalise_markdown(source_md)) == "- not a list\n\n#hashtag\n\n36. Point"


def test_escaped_punctuation_in_imported_markdown_is_the_character():
    body = normalise_markdown("Costs rose by 5\\% and *fell* in \\[brackets\\].\n")
    assert body == "Costs rose by 5% and *fell* in [brackets].\n"  # emphasis kept, escapes gone
    assert plain_text(body) == "Costs rose by 5% and fell in [brackets]."


NOTE = """---
title: Escapes in a note
date: 2025-03-04
category: My notes
---
\\- not a list, says the author

#hashtag of the week

12\\. Not the twelfth item

An ordinary paragraph about the PCN DES.
"""


def _gp(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True)


def _show_on_a_terminal(post_id: str) -> str:
    """`gp-reader show ID` with its output on a pseudo-terminal, as a reader runs it."""
    leader, follower = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "LINES": "40", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "show", post_id],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closes when the command exits
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=30) == 0, proc.stderr.read() if proc.stderr else ""
    text = b"".join(chunks).decode("utf-8", "replace")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)  # any styling codes


def test_an_imported_post_shows_no_escapes(tmp_path: Path):
    note = tmp_path / "escapes.md"
    note.write_text(NOTE, encoding="utf-8")
    result = _gp("import", str(note))
    assert result.returncode == 0, result.stderr
    post = json.loads(_gp("show", "escapes-in-a-note", "--json").stdout)
    # Stored as the subset writes it: valid Markdown, escapes where blocks would start.
    assert post["body"].startswith("\\- not a list, says the author\n\n#hashtag of the week")
    shown = plain_text(post["body"])
    assert "- not a list, says the author" in shown
    assert "#hashtag of the week" in shown and "12. Not the twelfth item" in shown
    assert "\\" not in shown
    on_terminal = _show_on_a_terminal("escapes-in-a-note")
    assert "not a list, says the author" in on_terminal
    assert "#hashtag of the week" in on_terminal
    assert "12. Not the twelfth item" in on_terminal
    assert "\\" not in on_terminal
