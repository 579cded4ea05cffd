"""End to end in a real terminal (tmux): a hostile imported post, printed by the CLI and
shown in the app, leaves the terminal's title and clipboard as they were.

tmux obeys OSC 52 (with set-clipboard on it makes a paste buffer of what an application
sends) and OSC 0/2 (the pane title), so a raw escape sequence that got through would
show up in `list-buffers` and `#{pane_title}`; the last step checks exactly that with
the raw bytes themselves, so the test can fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tmux_support import Terminal

GP_READER = Path(sys.executable).parent / "gp-reader"
ESC = "\x1b"
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
TERMINAL = Terminal("hostile", timeout=30.0)
SOCKET = TERMINAL.socket
tmux, screen, wait_for = TERMINAL.tmux, TERMINAL.screen, TERMINAL.wait_for


def title(session: str) -> str:
    shown = tmux("display-message", "-p", "-t", session, "#{pane_title}", capture_output=True)
    return shown.stdout.decode("utf-8", "replace").strip()


def buffers() -> str:
    return tmux("list-buffers", capture_output=True, text=True).stdout


HOSTILE = (
    "---\n"
    'title: "Hostile \\x1b]52;c;cm0gLXJmIH4K\\aclipboard \\x1b]2;PWNED-TITLE\\athing"\n'
    "---\n\n"
    f"Body {ESC}]52;c;cm0gLXJmIH4K{ESC}\\ and {ESC}]0;PWNED-TITLE\x07 and "
    f"{ESC}]8;;https://evil.example/{ESC}\\a hidden link{ESC}]8;;{ESC}\\ here.\n"
)


def test_a_hostile_post_leaves_title_and_clipboard_unchanged(tmp_path):
    assert GP_READER.exists(), "install the package first (README's test command)"
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "d"),
        "XDG_CACHE_HOME": str(tmp_path / "c"),
    }
    post = tmp_path / "hostile.md"
    post.write_text(HOSTILE, encoding="utf-8")
    subprocess.run([str(GP_READER), "import", str(post)], env=env, check=True, capture_output=True)
    session = "hostile"
    script = tmp_path / "run.sh"
    dirs = f"XDG_DATA_HOME={env['XDG_DATA_HOME']} XDG_CACHE_HOME={env['XDG_CACHE_HOME']}"
    run = f"env {dirs} {GP_READER}"
    script.write_text(
        # Waits until the server is told to obey OSC 52, then prints and opens the post.
        f"tmux -L {SOCKET} wait-for go\n{run} list\n{run} show hostile-clipboard-thing\n"
        f"{run} search hostile\n{run}\necho ALL-DONE\nsleep 60\n"
    )
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", f"sh {script}", check=True)
    tmux("resize-window", "-t", session, "-x", "120", "-y", "40", capture_output=True)
    tmux("set-option", "-s", "set-clipboard", "on", check=True)
    tmux("wait-for", "-S", "go", check=True)
    try:
        before = title(session)
        wait_for(session, "b Bookmark")
        tmux("send-keys", "-t", session, "/", check=True)
        deadline = time.monotonic() + 30
        while "b Bookmark" in screen(session) and time.monotonic() < deadline:
            time.sleep(0.05)  # the search bar has the keys once the footer changes
        tmux("send-keys", "-t", session, "-l", "hostile", check=True)
        wait_for(session, "1 result")
        tmux("send-keys", "-t", session, "Enter", check=True)
        shown = wait_for(session, "hidden link")
        assert "Hostile clipboard thing" in shown
        assert "PWNED" not in title(session) and title(session) == before
        assert buffers() == ""
        tmux("send-keys", "-t", session, "q", check=True)
        wait_for(session, "ALL-DONE")
        assert "PWNED" not in title(session)
        assert buffers() == ""
        # The same bytes written raw do set both: the checks above can fail.
        raw = tmp_path / "raw.txt"
        raw.write_text(f"{ESC}]52;c;cm0gLXJmIH4K\x07{ESC}]2;PWNED-TITLE\x07", encoding="utf-8")
        tmux("new-session", "-d", "-s", "raw", f"cat {raw}; sleep 60", check=True)
        deadline = time.monotonic() + 10
        while "PWNED" not in title("raw") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "PWNED" in title("raw") and buffers() != ""
    finally:
        tmux("kill-server", capture_output=True)
