"""Start-up of two installs of gp-reader, and of an empty Textual app, in turn.

    python benchmarks/compare_start.py OTHER_GP_READER [--runs 9]

Times the first full frame in tmux (bench_app.first_paint) of this interpreter's
`gp-reader`, of OTHER_GP_READER (say, an older commit installed in another venv) and
of benchmarks/empty_app.py, alternately, and prints the medians and their ratios to the
empty app. For before/after figures of a change measured in the same minutes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_app import GP_READER, first_paint  # noqa: E402

FRAME = r"All posts.*What A Neighbourhood Health Service"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="another install's gp-reader command")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gp-reader-compare-start-"))
    env = {"XDG_DATA_HOME": str(work / "data"), "XDG_CACHE_HOME": str(work / "cache")}
    os.environ.update(env)
    subprocess.run([str(GP_READER), "index"], check=True, capture_output=True)
    prefix = "env " + " ".join(f"{k}={v}" for k, v in env.items())
    commands = {
        "empty app": (f"{sys.executable} {HERE / 'empty_app.py'}", "EMPTY-APP-READY"),
        "other": (f"{prefix} {args.other.resolve()}", FRAME),
        "this": (f"{prefix} {GP_READER}", FRAME),
    }
    for command, pattern in commands.values():
        first_paint(command, pattern)  # warm the file cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, (command, pattern) in commands.items():
            times[name].append(first_paint(command, pattern))
    empty = statistics.median(times["empty app"])
    for name in commands:
        median = statistics.median(times[name])
        print(f"{name:10s} {median:.3f} s  ratio to the empty app {median / empty:.2f}")


if __name__ == "__main__":
    main()
