"""App speed: start-up against an empty Textual app, opening the longest post, 10,000 posts.

(Start-up at 10,000 posts, from an imported library as a reader would have it, is
measured by bench_import.py.)

    python benchmarks/bench_app.py [--runs 7] [--posts 10000]

Needs tmux for the start-up part (the first full frame as a terminal shows it).
Everything is measured in this one run, against a reference measured in the same run,
because the machine is shared and absolute times drift. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
GP_READER = Path(sys.executable).parent / "gp-reader"


# -- A: time to first full frame in a terminal ----------------------------------------


def first_paint(command: str, pattern: str, timeout: float = 30.0) -> float:
    """Seconds from starting `command` in a fresh 120x40 tmux session until `pattern` shows."""
    name = "bench-" + uuid.uuid4().hex[:8]
    tmux = ["tmux", "-L", name, "-f", "/dev/null"]  # a server of its own, no user config
    started = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", command])
    try:
        while time.perf_counter() - started < timeout:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if re.search(pattern, screen, re.S):
                return time.perf_counter() - started
            time.sleep(0.005)  # polling the terminal: there is nothing to wait on
        raise RuntimeError(f"{pattern!r} never appeared:\n{screen}")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def bench_start(runs: int, env_prefix: str) -> dict:
    empty = f"{sys.executable} {HERE / 'empty_app.py'}"
    reader = f"{env_prefix} {GP_READER}"
    # The first full frame: the tree and the newest post both drawn.
    reader_frame = r"All posts.*What A Neighbourhood Health Service"
    first_paint(empty, "EMPTY-APP-READY")  # warm the disk cache
    first_paint(reader, reader_frame)
    empties, readers = [], []
    for _ in range(runs):  # alternate, so drift hits both alike
        empties.append(first_paint(empty, "EMPTY-APP-READY"))
        readers.append(first_paint(reader, reader_frame))
    e, r = statistics.median(empties), statistics.median(readers)
    return {"empty_app_s": e, "gp_reader_s": r, "ratio": r / e, "runs": runs}


# -- B: opening the longest post ------------------------------------------------------------


async def _drawn(screen) -> None:
    """Wait until the screen has processed what is pending and refreshed."""
    done = asyncio.get_running_loop().create_future()
    screen.call_after_refresh(lambda: done.done() or done.set_result(None))
    await done


async def _open_longest(runs: int) -> dict:
    from tests.ui_support import corpus, make_app

    longest = max(corpus().articles, key=lambda a: a.words)
    other = corpus().articles[-1]
    app = make_app()
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        for _ in range(runs * 2):
            screen.open_article(other.id)
            await pilot.pause()
            started = time.perf_counter()
            screen.open_article(longest.id)
            await _drawn(screen)  # laid out and drawn
            times.append(time.perf_counter() - started)
    return {
        "post": longest.id,
        "words": longest.words,
        "median_ms": statistics.median(times) * 1000,
    }


# -- C: the tree at 10,000 posts ------------------------------------------------------------------


async def _tree(articles) -> dict:
    """Open All posts and move through it; the same on the bundled corpus as the reference."""
    from reader import paths
    from reader.articles.bundled import Corpus, load_manifest
    from reader.session import Session
    from reader.store.state import StateStore
    from reader.ui.app import build_app
    from reader.ui.screens.main import MainScreen
    from reader.ui.widgets.nav_tree import NavTree

    MainScreen._warm_search = lambda self: None
    corpus = Corpus(articles, load_manifest(paths.corpus_dir()), "bench")
    session = Session(corpus, StateStore.open(Path(tempfile.mkdtemp()) / "state.sqlite3"))
    app = build_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.query_one(NavTree)
        tree.focus()
        started = time.perf_counter()
        tree.root.children[0].expand()  # All posts
        await _drawn(app.screen)
        expand = time.perf_counter() - started
        if tree.root.children[0].children and tree.root.children[0].children[0].data[0] == "chunk":
            tree.root.children[0].children[0].expand()
            await _drawn(app.screen)
        presses = []
        for key in ["pagedown"] * 10 + ["j"] * 30:
            started = time.perf_counter()
            await pilot.press(key)
            await _drawn(app.screen)
            presses.append(time.perf_counter() - started)
    return {
        "posts": len(articles),
        "expand_all_posts_ms": expand * 1000,
        "key_median_ms": statistics.median(presses) * 1000,
        "key_max_ms": max(presses) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    work = Path(tempfile.mkdtemp(prefix="gp-reader-bench-app-"))
    env = {"XDG_DATA_HOME": str(work / "data"), "XDG_CACHE_HOME": str(work / "cache")}
    os.environ.update(env)
    env_prefix = "env " + " ".join(f"{k}={v}" for k, v in env.items())
    subprocess.run([str(GP_READER), "index"], check=True, capture_output=True)  # warm caches
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")

    results = {}
    if shutil.which("tmux"):
        results["start"] = bench_start(args.runs, env_prefix)
        s = results["start"]
        verdict = "PASS" if s["ratio"] <= 1.5 else "FAIL"
        print(
            f"start-up, first full frame in tmux: gp-reader {s['gp_reader_s']:.3f} s, "
            f"empty Textual app {s['empty_app_s']:.3f} s, ratio {s['ratio']:.2f} "
            f"(target <= 1.5) {verdict}"
        )
    else:
        print("start-up: skipped, tmux is not installed")

    sys.path.insert(0, str(HERE.parent))
    results["open"] = asyncio.run(_open_longest(args.runs))
    o = results["open"]
    print(
        f"open the longest post ({o['words']} words): median {o['median_ms']:.1f} ms "
        f"(target <= 50) {'PASS' if o['median_ms'] <= 50 else 'FAIL'}"
    )

    from synthetic import synthetic_articles

    articles = synthetic_articles(args.posts)
    from reader.articles.bundled import load_corpus

    results["tree_bundled"] = asyncio.run(_tree(list(load_corpus().articles)))
    results["tree_large"] = asyncio.run(_tree(articles))
    small, large = results["tree_bundled"], results["tree_large"]
    ratio = large["key_median_ms"] / small["key_median_ms"]
    print(
        f"tree at {large['posts']} posts: opening All posts {large['expand_all_posts_ms']:.0f} ms; "
        f"a key press (PgDn, j) until drawn: median {large['key_median_ms']:.1f} ms, max "
        f"{large['key_max_ms']:.1f} ms; at {small['posts']} posts median "
        f"{small['key_median_ms']:.1f} ms (ratio {ratio:.2f}; smooth if close to 1)"
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
