"""gp-reader sync against a simulated 500-post WordPress site on 127.0.0.1.

    .venv/bin/python benchmarks/bench_sync.py [--posts 500] [--default-pause]

Runs the real CLI (`gp-reader sync`) in fresh data and cache directories: a first sync
from scratch with the pause at 0 (index update included), a second with nothing new, and
with --default-pause the number of requests and the time a backfill takes at the default
1 s pause. Targets: first <= 10 s, second <= 1 s and <= 5% of the first's bytes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.wpsite import WordPressSite, generate_posts  # noqa: E402


def run(env: dict, *argv: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "reader", *argv], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"gp-reader {' '.join(argv)} failed: {done.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--default-pause", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, WordPressSite(generate_posts(args.posts)) as site:
        env = dict(
            os.environ,
            XDG_DATA_HOME=f"{tmp}/data",
            XDG_CACHE_HOME=f"{tmp}/cache",
            XDG_CONFIG_HOME=f"{tmp}/config",
        )
        run(env, "list")  # the bundled corpus parsed and cached, as for any user
        run(env, "source", "add", site.url, "--name", "Bench")
        first = run(env, "sync", "Bench", "--pause", "0")
        first_bytes, first_requests = site.bytes_sent(), len(site.requests)
        site.clear_requests()
        second = run(env, "sync", "Bench", "--pause", "0")
        second_bytes, second_requests = site.bytes_sent(), len(site.requests)
        print(f"posts: {args.posts}")
        print(
            f"first sync (pause 0, index included): {first:.2f} s, {first_requests} requests, "
            f"{first_bytes / 1e6:.2f} MB"
        )
        print(
            f"second sync (nothing new): {second:.2f} s, {second_requests} requests, "
            f"{second_bytes} bytes ({100 * second_bytes / first_bytes:.2f}% of the first)"
        )
        if args.default_pause:
            run(env, "source", "remove", "Bench", "--delete-posts")
            run(env, "source", "add", site.url, "--name", "Bench2")
            site.clear_requests()
            slow = run(env, "sync", "Bench2")
            print(f"backfill at the default 1 s pause: {slow:.2f} s, {len(site.requests)} requests")


if __name__ == "__main__":
    main()
