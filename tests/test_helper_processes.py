"""A large import's helper processes end when gp-reader is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = r"""
import multiprocessing, sys, threading, time
from pathlib import Path
import reader.sources.planner as planner

def slow(path, options, taxonomy):  # a file that takes long to read
    time.sleep(60)

planner._read_one = slow
files = [Path(f"/nonexistent/{n}.md") for n in range(planner.PARALLEL_READ_FROM + 10)]
threading.Thread(target=lambda: list(planner._read_all(files, None, None)), daemon=True).start()
deadline = time.monotonic() + 30
while len(multiprocessing.active_children()) < 2 and time.monotonic() < deadline:
    time.sleep(0.05)
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status  # a zombie has ended; only its entry is left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the import reads in-process")
def test_import_helpers_end_with_a_killed_parent():
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling /proc: there is no event for another's death
        assert not any(_alive(p) for p in pids)
    finally:
        parent.kill()
        parent.wait()
