"""gp-reader sync against a simulated 500-post WordPress site on 127.0.0.1.

    .venv/bin/python benchmarks/bench_sync.py [--posts 500] [--repeat 3] [--default-pause]

Runs the real CLI (`gp-reader sync`) in fresh data and cache directories, as a user who
has searched once (the bundled posts' index is there): a first sync from scratch with the
pause at 0 (index update included), a second with nothing new, and with --default-pause
the number of requests and the time a backfill takes at the default 1 s pause. Each
repeat starts from nothing; the best and the spread are printed, with the wall time of
`gp-reader --version` and `gp-reader list` in the same run as a reference for how loaded
the machine was. Targets: first <= 10 s, second <= 1 s and <= 5% of the first's bytes.
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


def once(posts: int, default_pause: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp, WordPressSite(generate_posts(posts)) as site:
        env = dict(
            os.environ,
            XDG_DATA_HOME=f"{tmp}/data",
            XDG_CACHE_HOME=f"{tmp}/cache",
            XDG_CONFIG_HOME=f"{tmp}/config",
        )
        run(env, "search", "funding")  # the bundled corpus cached and indexed, as for a user
        version = run(env, "--version")
        listing = run(env, "list")
        run(env, "source", "add", site.url, "--name", "Bench")
        first = run(env, "sync", "Bench", "--pause", "0")
        first_bytes, first_requests = site.bytes_sent(), len(site.requests)
        site.clear_requests()
        second = run(env, "sync", "Bench", "--pause", "0")
        figures = {
            "version": version,
            "list": listing,
            "first": first,
            "first_requests": first_requests,
            "first_bytes": first_bytes,
            "second": second,
            "second_requests": len(site.requests),
            "second_bytes": site.bytes_sent(),
        }
        if default_pause:
            run(env, "source", "remove", "Bench", "--delete-posts")
            run(env, "source", "add", site.url, "--name", "Bench2")
            site.clear_requests()
            figures["slow"] = run(env, "sync", "Bench2")
            figures["slow_requests"] = len(site.requests)
        return figures


def spread(values: list[float]) -> str:
    return f"best {min(values):.2f} s, worst {max(values):.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--default-pause", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    runs = [once(args.posts, args.default_pause and n == 0) for n in range(args.repeat)]
    for n, f in enumerate(runs, start=1):
        print(
            f"run {n}: --version {f['version']:.2f} s, list {f['list']:.2f} s, "
            f"first sync {f['first']:.2f} s ({f['first_requests']} requests, "
            f"{f['first_bytes'] / 1e6:.2f} MB), second {f['second']:.2f} s "
            f"({f['second_requests']} requests, {f['second_bytes']} bytes, "
            f"{100 * f['second_bytes'] / f['first_bytes']:.3f}% of the first)"
        )
    print(f"posts: {args.posts}, runs: {len(runs)}")
    print(f"first sync (pause 0, index included): {spread([f['first'] for f in runs])}")
    print(f"second sync (nothing new): {spread([f['second'] for f in runs])}")
    print(f"reference, gp-reader list: {spread([f['list'] for f in runs])}")
    print(f"reference, gp-reader --version: {spread([f['version'] for f in runs])}")
    if "slow" in runs[0]:
        print(
            f"backfill at the default 1 s pause: {runs[0]['slow']:.2f} s, "
            f"{runs[0]['slow_requests']} requests"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
