"""End to end: the installed `gp-reader` in a real terminal (tmux), then the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.tmux_support import Terminal

GP_READER = Path(sys.executable).parent / "gp-reader"
MAGGOTS = "2013-12-16-much-has-been-written-about-maggots-this"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


TERMINAL = Terminal("e2e")
tmux, screen, wait_for = TERMINAL.tmux, TERMINAL.screen, TERMINAL.wait_for
wait_for_gone = TERMINAL.wait_for_gone


def keys(session: str, *args: str) -> None:
    tmux("send-keys", "-t", session, *args, check=True)


def quit_and_wait(session: str, done: Path) -> None:
    """q, then the exit code the session's shell wrote once gp-reader had ended: 0."""
    keys(session, "q")
    deadline = time.monotonic() + 20
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert done.read_text().strip() == "0"


def test_start_search_open_bookmark_quit_then_the_cli_sees_the_bookmark(tmp_path):
    assert GP_READER.exists(), "install the package first (README's test command)"
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    session = "gp-reader-e2e-" + uuid.uuid4().hex[:8]
    done = tmp_path / "exit-code"
    command = (
        f"cd {tmp_path} && env XDG_DATA_HOME={env['XDG_DATA_HOME']} "
        f"XDG_CACHE_HOME={env['XDG_CACHE_HOME']} {GP_READER}; echo $? > {done}"
    )
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command, check=True)
    tmux("resize-window", "-t", session, "-x", "120", "-y", "40", capture_output=True)
    try:
        wait_for(session, "b Bookmark")  # drawn, and the tree has the keys
        keys(session, "/")
        wait_for_gone(session, "b Bookmark")  # the search bar has them now
        keys(session, "-l", "maggots")
        wait_for(session, "1 result")
        keys(session, "Enter")
        wait_for(session, "Ben Gowland · CCGs and Primary Care")
        # The meta line may wrap between the star and the word in a narrow pane.
        assert "bookmarked" not in screen(session)
        keys(session, "b")
        wait_for(session, "bookmarked")
        quit_and_wait(session, done)
    finally:
        tmux("kill-server", capture_output=True)
    listed = subprocess.run(
        [str(GP_READER), "bookmark", "list", "--json"], capture_output=True, text=True, env=env
    )
    assert listed.returncode == 0, listed.stderr
    assert [b["id"] for b in json.loads(listed.stdout)] == [MAGGOTS]


def test_at_80x24_names_come_first_enter_keeps_the_list_and_the_width_is_kept(tmp_path):
    """The newcomer's 80x24 (issue #18): whole names before counts, j Enter j Enter skims
    with the keys staying in the list, and > widens the list for the next start too."""
    dirs = {name: tmp_path / name.lower() for name in ("DATA", "CACHE", "CONFIG")}
    env = " ".join(f"XDG_{name}_HOME={path}" for name, path in dirs.items())
    session = "gp-reader-e2e-" + uuid.uuid4().hex[:8]
    done = tmp_path / "exit-code"
    command = f"cd {tmp_path} && env {env} {GP_READER}; echo $? > {done}"
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command, check=True)
    tmux("resize-window", "-t", session, "-x", "80", "-y", "24", capture_output=True)
    try:
        wait_for(session, "Bookmark")
        wait_for(session, "▶ The General Practi")
        assert "…  18/18" in screen(session)  # the name is cut, the counts are whole
        keys(session, "j", "Enter")
        wait_for(session, "├─ ●  What A")  # the section is open
        keys(session, "j", "j", "Enter")
        shown = wait_for(session, "Why Engage with Neighbourhoods?\n")  # the post's title
        assert "⏎ Open" in shown  # the list still has the keys
        keys(session, "j", "Enter")
        wait_for(session, "How Can PCNs Prepare for Neighbourhoods?")
        keys(session, ">", ">", ">")
        wait_for(session, "The General Practice Blog  1")  # wider: the whole name
        quit_and_wait(session, done)
    finally:
        tmux("kill-server", capture_output=True)
    settings = json.loads((dirs["CONFIG"] / "gp-reader" / "settings.json").read_text())
    assert settings["list_width"] == 44


def test_keys_typed_before_the_first_frame_search_as_typed(tmp_path):
    """Type-ahead: '/' and a word typed while the app starts (the terminal holds them)
    search for the word; before, the screen not yet mounted took them itself: the '/'
    was lost and the letters ran commands ('m' marked the open post read)."""
    dirs = {name: tmp_path / name.lower() for name in ("DATA", "CACHE", "CONFIG")}
    env = " ".join(f"XDG_{name}_HOME={path}" for name, path in dirs.items())
    session = "gp-reader-e2e-" + uuid.uuid4().hex[:8]
    done = tmp_path / "exit-code"
    command = f"cd {tmp_path} && env {env} {GP_READER}; echo $? > {done}"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command, check=True)
    try:
        # Sent at once: the shell has not even started gp-reader yet.
        keys(session, "/")
        keys(session, "-l", "maggots")
        keys(session, "Enter")
        wait_for(session, "1 result")
        wait_for(session, "Ben Gowland · CCGs and Primary Care")  # Enter opened it
        assert "maggots" in screen(session).splitlines()[1]  # in the search bar
        quit_and_wait(session, done)
    finally:
        tmux("kill-server", capture_output=True)
    # No letter ran a command: nothing was marked read or bookmarked.
    env_vars = {**os.environ, **{f"XDG_{n}_HOME": str(p) for n, p in dirs.items()}}
    for flag in ("--unread", "--bookmarked"):
        listed = subprocess.run(
            [str(GP_READER), "list", "--json", flag], capture_output=True, text=True, env=env_vars
        )
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == (28 if flag == "--unread" else 0), flag
