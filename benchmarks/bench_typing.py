"""Searching as you type a question, on the bundled corpus: the app's case.

    python benchmarks/bench_typing.py            # every question of questions.toml

Each question of benchmarks/questions.toml is typed a character at a time; each prefix
of two characters or more is searched as the app's search bar searches it
(SearchIndex.search(text, limit=SEARCH_LIMIT, as_you_type=True), the model loaded, as
the app loads it after its first frame). Prints p50 / p95 / max over all prefixes,
and apart for those whose results went on past the strict ones (some of the words,
meaning). The index is built in a temporary directory; the user's cache is untouched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from search_quality import load_questions, open_bundled_index  # noqa: E402


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over every prefix")
    args = parser.parse_args(argv)
    from reader.ui.screens.main import SEARCH_LIMIT

    with tempfile.TemporaryDirectory(prefix="gp-reader-typing-") as tmp:
        index, _ = open_bundled_index(Path(tmp) / "index")
        index.warm()
        prefixes = [q.question[:n] for q in load_questions() for n in range(2, len(q.question) + 1)]
        for text in prefixes[:50]:  # warm caches
            index.search(text, limit=SEARCH_LIMIT, as_you_type=True)
        went_on, strict = [], []
        for _ in range(args.rounds):
            for text in prefixes:
                started = time.perf_counter()
                results = index.search(text, limit=SEARCH_LIMIT, as_you_type=True)
                ms = (time.perf_counter() - started) * 1000
                on = any(hit.matched != "all" for hit in results.hits)
                (went_on if on else strict).append(ms)
        index.close()
    every = went_on + strict
    print(f"load average {os.getloadavg()[0]:.1f}; {len(prefixes)} prefixes x {args.rounds}")
    for name, samples in (("all prefixes", every), ("went on", went_on), ("strict", strict)):
        if samples:
            print(
                f"  {name:<14}{len(samples):>6}  p50 {statistics.median(samples):6.1f} ms"
                f"  p95 {percentile(samples, 95):6.1f} ms  max {max(samples):6.1f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
