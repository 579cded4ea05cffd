"""Importing 10,000 posts, then starting the app and searching over them.

    python benchmarks/bench_import.py [--posts 10000] [--runs 5]

Writes the synthetic corpus (benchmarks/synthetic.py) as Markdown files with front
matter, imports them with the installed `gp-reader import`, then measures, at that size:
start-up to the first full frame (headless, fresh process) and search latency.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
GP_READER = Path(sys.executable).parent / "gp-reader"
QUERIES = [
    "practice",
    "neighbourhood",
    "primary care network",
    "ARRS funding",
    '"local areas"',
    "integr*",
]


def write_markdown(articles, folder: Path) -> None:
    folder.mkdir(parents=True)
    for n, article in enumerate(articles):
        front = {"title": article.title, "category": article.category}
        if article.date:
            front["date"] = article.date
        lines = [
            "---",
            *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()),
            "---",
            "",
        ]
        (folder / f"{n:05d}.md").write_text("\n".join(lines) + article.body, encoding="utf-8")


def to_first_frame(command: list[str], env: dict) -> tuple[float, dict | None]:
    """Seconds from starting `command` until it writes FRAME (at its first full frame),
    and the JSON line it may print as it exits."""
    began = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        if line.strip() == "FRAME":
            took = time.perf_counter() - began
            break
    else:
        raise SystemExit(f"{command[-1]} never drew its first frame")
    rest = process.stdout.read()
    if process.wait():
        raise SystemExit(f"{command[-1]} failed")
    last = rest.strip().splitlines()[-1:] or [""]
    return took, (json.loads(last[0]) if last[0].startswith("{") else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from synthetic import synthetic_articles

    work = Path(tempfile.mkdtemp(prefix="gp-reader-bench-import-"))
    env = {**os.environ, "XDG_DATA_HOME": str(work / "data"), "XDG_CACHE_HOME": str(work / "cache")}
    write_markdown(synthetic_articles(args.posts), work / "posts")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; {args.posts} Markdown files")

    subprocess.run([str(GP_READER), "index"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    result = subprocess.run(
        [str(GP_READER), "import", str(work / "posts")], env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(result.stderr)
    print(
        f"import of {args.posts} posts, index included: {took:.1f} s (target <= 30 s) "
        f"{'PASS' if took <= 30 else 'FAIL'}; {result.stdout.strip().splitlines()[-1]}"
    )

    empty_app = [
        sys.executable,
        str(HERE / "empty_app.py"),
        "--headless",
        "--exit-after-first-frame",
    ]
    reader_app = [sys.executable, str(HERE / "app_first_frame.py")]
    to_first_frame(empty_app, env)  # warm the file cache
    starts, empties = [], []
    for _ in range(args.runs):  # alternate, so drift hits both alike
        empties.append(to_first_frame(empty_app, env)[0])
        starts.append(to_first_frame(reader_app, env))
    wall = statistics.median(s for s, _ in starts)
    empty = statistics.median(empties)
    phases = {k: statistics.median(p[k] for _, p in starts) for k in starts[0][1]}
    print(
        f"app start-up at {phases['posts']:.0f} posts (fresh process, headless, to its first full "
        f"frame): {wall:.3f} s (target <= 1 s) {'PASS' if wall <= 1 else 'FAIL'}; "
        f"an empty Textual app in the same run {empty:.3f} s (ratio {wall / empty:.2f}); phases "
        + ", ".join(f"{k} {v:.3f}" for k, v in phases.items() if k != "posts")
    )

    took_ms = []
    for query in QUERIES:
        for _ in range(3):
            out = subprocess.run(
                [str(GP_READER), "search", "--json", "--limit", "20", query],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            took_ms.append(json.loads(out.stdout)["took_ms"])
    took_ms.sort()
    p50 = statistics.median(took_ms)
    p95 = took_ms[int(0.95 * (len(took_ms) - 1))]
    print(
        f"search after import, top 20 with snippets: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(target p95 <= 100) "
        f"{'PASS' if p95 <= 100 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
