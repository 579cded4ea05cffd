"""One BLAS thread for the search's matrix products.

Ranking by meaning is a product of a vector with a 10,000 x 256 matrix and a gather of
a few thousand paragraph rows: about 0.2 ms on one core. OpenBLAS (numpy's BLAS) splits
such a product over every core's thread by default, and on a machine whose cores are
busy each product then waits for a thread the scheduler has not run yet: 12-50 ms a
product measured at load 14 on two cores (docs/performance.md), for no gain when the
machine is idle. The search runs beside the app's own thread anyway.
"""

from __future__ import annotations

import contextlib

_done = False


def one_thread() -> None:
    """Limit numpy's BLAS to one thread, once a process (threadpoolctl; without it, or
    with a BLAS it does not know, the products run as they would have)."""
    global _done
    if _done:
        return
    _done = True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    with contextlib.suppress(Exception):  # an unknown BLAS build: leave it as it is
        threadpool_limits(limits=1, user_api="blas")
