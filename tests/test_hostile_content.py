"""Content from files is untrusted: nothing in it reaches the terminal raw, a folder
import reads only its own regular files, and every parser keeps to a budget."""

from __future__ import annotations

import json
import os
import re
import socket
import time
from pathlib import Path

import pytest

from tests.cli_support import Ran

ESC = "\x1b"
OSC52 = f"{ESC}]52;c;cm0gLXJmIH4vKgo={ESC}\\"  # sets the clipboard to `rm -rf ~/*`
OSC8 = f"{ESC}]8;;https://evil.example/{ESC}\\"
CLEAR = f"{ESC}[2J{ESC}[H"
TITLE = f"{ESC}]0;pwned\x07"
# Whatever a terminal acts on: C0 (but tab and newline), DEL, C1, bidi overrides.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _yaml(text: str) -> str:
    """Controls as YAML writes them in a double-quoted string (raw ones are refused)."""
    return text.replace("\\", "\\\\").replace(ESC, "\\x1b").replace("\x07", "\\a")


HOSTILE_MD = f"""---
title: "Hostile {_yaml(OSC52)}post about neighbourhoods{_yaml(TITLE)}"
date: 2021-03-04
category: "Ambush{_yaml(CLEAR)}"
tags: [access, "{_yaml(OSC8)}hidden"]
author: "Mallory\u202e"
---

The body {CLEAR}wipes the screen and rings\x07 the bell; {OSC8}click here{ESC}]8;;{ESC}\\
and has a \x9b2J C1 sequence. Neighbourhoods and PCNs come up too.
"""


def assert_clean(ran: Ran) -> None:
    for stream in (ran.out, ran.err):
        assert ESC not in stream and CONTROL.search(stream) is None, repr(stream[:400])
        assert "Traceback" not in stream


def one_line(ran: Ran) -> str:
    assert ran.code != 0
    lines = [line for line in ran.err.splitlines() if line.strip()]
    assert len(lines) >= 1 and all(line.startswith("gp-reader") for line in lines), ran.err
    assert "Traceback" not in ran.err
    return ran.err


@pytest.fixture
def hostile(tmp_path: Path, cli) -> str:
    """A hostile post imported; its id."""
    folder = tmp_path / f"saved{ESC}[31m"
    folder.mkdir()
    (folder / f"post{ESC}]0;x\x07.md").write_text(HOSTILE_MD, encoding="utf-8")
    ran = cli("import", str(folder))
    assert ran.code == 0, ran.err
    assert_clean(ran)
    listed = json.loads(cli("list", "--json").out)
    (post,) = [p for p in listed if p["title"].startswith("Hostile")]
    return post["id"]


def test_a_hostile_post_is_stored_clean(hostile, cli):
    shown = json.loads(cli("show", hostile, "--json").out)
    assert shown["title"] == "Hostile post about neighbourhoods"
    assert shown["category"] == "Ambush"
    assert shown["topics"][0] == "Access"
    for value in (shown["title"], shown["body"], shown["category"], shown["source"]):
        assert ESC not in value and CONTROL.search(value) is None
    assert "click here" in shown["body"] and "rings the bell" in shown["body"]


def test_every_command_that_prints_content_prints_it_clean(hostile, cli, tmp_path):
    cli("bookmark", "add", hostile, "--note", "note")
    for args in (
        ("list",),
        ("list", "--category", "Ambush"),
        ("show", hostile),
        ("search", "hostile"),
        ("search", "neighbourhoods", "--limit", "30"),
        ("related", hostile),
        ("bookmark", "list"),
        ("library", "list"),
        ("glossary", "PCN"),
    ):
        ran = cli(*args)
        assert ran.code == 0, (args, ran.err)
        assert_clean(ran)
    assert "Hostile post about neighbourhoods" in cli("list").out


def test_a_store_written_by_something_else_is_cleaned_on_output(cli, tmp_path):
    """Defence in depth: escape codes put straight into the store never print raw."""
    from reader.store.posts import PostStore

    with PostStore.open() as store:
        store.write([], [])
        store._write(
            lambda c: c.execute(
                "INSERT INTO posts (id, title, title_is_derived, category, site, author, date,"
                " topics, body, words, sources, overrides, seq)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    "raw-post",
                    f"Raw {OSC52}title",
                    0,
                    f"Cat{CLEAR}",
                    "",
                    "",
                    None,
                    "[]",
                    f"Body {CLEAR} text{TITLE}",
                    3,
                    '["x"]',
                    0,
                    1,
                ),
            )
        )
        store._write(lambda c: c.execute("UPDATE meta SET value = 'changed'"))
    for args in (("list",), ("show", "raw-post"), ("search", "raw"), ("library", "list")):
        ran = cli(*args)
        assert ran.code == 0, (args, ran.err)
        assert_clean(ran)
    assert "Raw title" in cli("list").out


def test_import_errors_name_hostile_files_clean(cli, tmp_path):
    bad = tmp_path / f"bad{ESC}]52;c;AAAA\x07.md"
    bad.write_text("---\ndate: 2013-13-45\n---\n\nText.\n", encoding="utf-8")
    ran = cli("import", str(bad))
    assert ran.code == 1
    assert_clean(ran)
    assert "'date'" in ran.err


# -- folders: regular files only ----------------------------------------------------------


def test_folder_import_follows_no_symlinks_and_reads_no_special_files(cli, tmp_path):
    secret = tmp_path / "private.md"
    secret.write_text("---\ntitle: My private diary\n---\n\nDo not import me.\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "elsewhere.md").write_text("---\ntitle: Elsewhere\n---\n\nNot in the folder.\n")
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "real.md").write_text("---\ntitle: A real saved post\n---\n\nKept.\n")
    (folder / "diary.md").symlink_to(secret)
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    os.mkfifo(folder / "pipe.md")  # reading it would block forever
    sock = socket.socket(socket.AF_UNIX)
    sock_path = folder / "sock.md"
    try:
        sock.bind(str(sock_path))
    except OSError:  # a path too long for AF_UNIX on this machine
        sock_path = None
    started = time.monotonic()
    ran = cli("import", str(folder))
    assert time.monotonic() - started < 30
    sock.close()
    assert ran.code == 0, ran.err
    titles = [p["title"] for p in json.loads(cli("list", "--json").out)]
    assert "A real saved post" in titles
    assert not {"My private diary", "Elsewhere"} & set(titles)
    assert not any("root:" in t for t in titles)
    assert "symbolic link" in ran.out and "named pipe" in ran.out
    if sock_path:
        assert "socket" in ran.out


def test_a_symlink_named_on_the_command_line_is_followed(cli, tmp_path):
    real = tmp_path / "real.md"
    real.write_text("---\ntitle: Named through a link\n---\n\nText.\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert cli("import", str(link)).code == 0
    assert "Named through a link" in cli("list").out
    fifo = tmp_path / "named.md"
    os.mkfifo(fifo)
    ran = cli("import", str(fifo))
    assert "named pipe" in one_line(ran)


# -- budgets ------------------------------------------------------------------------------

ANCHOR_BOMB = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
title: *i
tags: *i
---

Boom.
"""
# Nine aliases a level, eight levels: under the alias cap, 43 million values expanded.
WIDE_BOMB = (
    "---\n"
    + "a0: &a0 [x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 8)}]\n" for n in range(1, 9))
    + "title: *a8\n---\n\nBoom.\n"
)


@pytest.mark.parametrize("bomb", [ANCHOR_BOMB, WIDE_BOMB], ids=["anchor-bomb", "wide-bomb"])
def test_a_yaml_anchor_bomb_is_refused_in_milliseconds(cli, tmp_path, bomb):
    path = tmp_path / "bomb.md"
    path.write_text(bomb)
    from reader.sources.readers import UnreadableFile, read_markdown

    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="alias"):
        read_markdown(bomb, str(path))
    assert time.monotonic() - started < 0.5
    assert "alias" in one_line(cli("import", str(path)))


def test_python_objects_in_front_matter_are_refused(cli, tmp_path):
    path = tmp_path / "evil.md"
    path.write_text("---\ntitle: !!python/object/apply:os.system ['touch pwned']\n---\n\nX.\n")
    ran = cli("import", str(path))
    assert "not valid YAML" in one_line(ran)
    assert not Path("pwned").exists()


def test_files_over_the_size_cap_are_refused_with_a_clear_line(cli, tmp_path):
    path = tmp_path / "huge.md"
    with path.open("w") as handle:
        handle.write("---\ntitle: Huge\n---\n\n")
        handle.write(("word " * 200 + "\n\n") * 21_000)  # about 21 MB
    ran = cli("import", str(path))
    assert "over the 20.0 MB limit" in one_line(ran)
    assert "--max-file-size" in ran.err
    small = tmp_path / "small.md"
    small.write_text("---\ntitle: Small\n---\n\n" + "word " * 300_000)  # 1.5 MB
    assert "over the 1.0 MB limit" in one_line(cli("import", "--max-file-size", "1", str(small)))
    assert cli("import", "--max-file-size", "2", str(small)).code == 0
    page = tmp_path / "page.html"
    page.write_text("<html><body><article>" + "<p>words and words</p>" * 260_000)  # 5.7 MB
    assert "over the 5 MB limit for saved pages" in one_line(cli("import", str(page)))


@pytest.mark.parametrize(
    ("front", "field"),
    [
        ("date: 2013-13-45", "'date'"),
        ("date: 2013-02-30", "'date'"),
        ("date: 10000-01-01", "'date'"),
        ("date: [2013]", "'date'"),
        ("date: !!timestamp 2013-02-30", "front matter"),
        ("tags: 5", "'tags'"),
        ("tags: [[a, b], c]", "'tags'"),
        ("tags: {a: 1}", "'tags'"),
        ("title: [a, b]", "'title'"),
        ("title: {a: 1}", "'title'"),
        ("title: true", "'title'"),
        ("author: [x]", "'author'"),
        ("category: {x: 1}", "'category'"),
        ("- just\n- a list", "fields"),
        ("a: " + "[" * 5000 + "]" * 5000, "front matter"),
    ],
)
def test_bad_front_matter_values_are_one_line_naming_file_and_field(cli, tmp_path, front, field):
    path = tmp_path / "post.md"
    path.write_text(f"---\n{front}\n---\n\nSome text below.\n")
    err = one_line(cli("import", str(path)))
    assert str(path) in err and field in err
    assert cli("library", "list").out.startswith("You have imported nothing")


def test_feeds_with_entities_are_refused(cli, tmp_path):
    laughs = tmp_path / "laughs.xml"
    laughs.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
        '<rss version="2.0"><channel><title>t</title><item><title>&lol3;</title>'
        "<description>x</description></item></channel></rss>\n"
    )
    xxe = tmp_path / "xxe.xml"
    xxe.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<rss version="2.0"><channel><title>t</title><item><title>&x;</title>'
        "<description>x</description></item></channel></rss>\n"
    )
    for path in (laughs, xxe):
        assert "XML entities" in one_line(cli("import", str(path)))
