"""A sync killed (kill -9) or interrupted (Ctrl+C) mid-backfill leaves the library whole,
and the next sync carries on and completes."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading

import pytest

from reader import paths
from reader.cli import main
from tests.wpsite import WordPressSite, generate_posts

# The second page of the posts (not per_page=100): asked for only after the first page's
# posts were committed.
SECOND_PAGE = re.compile(r"/wp/v2/posts\?.*[?&]page=2(&|$)")


def wait_for_request(site, pattern: re.Pattern, proc: subprocess.Popen) -> None:
    """Until the site has logged a request matching pattern (the sync is then blocked on
    its response, which the slow fault holds); fails if the sync ends first."""
    tick = threading.Event()
    for _ in range(3000):  # 60 s at most
        if any(pattern.search(r.target) for r in site.requests):
            return
        assert proc.poll() is None, proc.communicate()
        tick.wait(0.02)
    raise AssertionError("the sync never asked for the second page")


def sync_json(capsys, name: str) -> tuple[int, dict]:
    code = main(["sync", name, "--pause", "0", "--json"])
    return code, json.loads(capsys.readouterr().out)["sources"][0]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_a_sync_stopped_mid_backfill_is_whole_and_carries_on(capsys, how):
    with WordPressSite(generate_posts(250)) as site:
        assert main(["source", "add", site.url, "--name", "Big"]) == 0
        capsys.readouterr()
        hold = site.fault(SECOND_PAGE, "slow")
        proc = subprocess.Popen(
            [sys.executable, "-m", "reader", "sync", "Big", "--pause", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        try:
            wait_for_request(site, SECOND_PAGE, proc)
            proc.send_signal(how)
            _out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
            hold.release.set()
        if how == signal.SIGINT:
            assert proc.returncode == 130
            assert "sync stopped; what was synced so far is kept" in err
            assert "Traceback" not in err
        else:
            assert proc.returncode == -signal.SIGKILL

        conn = sqlite3.connect(paths.library_db())
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            rows = conn.execute(
                "SELECT id, title, body, url FROM posts WHERE feed = 'Big'"
            ).fetchall()
            (state,) = conn.execute("SELECT state FROM subscriptions WHERE name = 'Big'").fetchone()
        finally:
            conn.close()
        # The first page whole (100 posts, each with its title, text and address), the
        # second not begun, and the source not marked complete.
        assert len(rows) == 100
        assert all(
            title and len(body) > 100 and url.startswith(site.url) for _, title, body, url in rows
        )
        assert not json.loads(state).get("complete")

        site.clear_faults()
        code, result = sync_json(capsys, "Big")
        assert code == 0 and result["errors"] == []
        assert (result["added"], result["updated"]) == (150, 0)
        assert main(["list", "--json"]) == 0
        held = [p for p in json.loads(capsys.readouterr().out) if p["source"] == site.url]
        assert len(held) == 250 and len({p["url"] for p in held}) == 250
        # And the one after is the cheap one: the backfill was recorded complete.
        site.clear_requests()
        code, result = sync_json(capsys, "Big")
        assert code == 0 and (result["added"], result["unchanged"]) == (0, 250)
        assert len(site.requests_to("/wp-json/wp/v2/posts*")) == 1
