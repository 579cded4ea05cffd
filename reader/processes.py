"""Helper processes (a large import's readers, a large build's index writers) end with
the process that started them: a gp-reader killed with kill -9 or closed with its
terminal leaves none behind, holding the index lock or burning a core.

On Linux the kernel sends the helper SIGKILL when its parent thread dies
(prctl PR_SET_PDEATHSIG); elsewhere, and in the moment before that is set, the helper
checks that its parent is still the one that started it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def end_with_parent(parent_pid: int) -> None:
    """Call first thing in a helper process; `parent_pid` is the starter's os.getpid()."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)
