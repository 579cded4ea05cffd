"""What several command groups print the same way."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from reader.sanitise import json_for_terminal

# What progress_bar yields: progress(done, total, label=None).
ProgressUpdate = Callable[..., None]


def print_json(value: object) -> None:
    """`--json` output: exact once parsed, with nothing in it a terminal would act on."""
    sys.stdout.write(json_for_terminal(value) + "\n")


@contextmanager
def progress_bar(enabled: bool, label: str = "indexing") -> Iterator[ProgressUpdate | None]:
    """A rich progress bar for work that takes more than a moment (stderr, TTY only).

    Yields `progress(done, total, label=None)`; a label renames the step under way.
    """
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task(label, total=None)

    def update(done: int, total: int, label: str | None = None) -> None:
        progress.update(task, completed=done, total=total, description=label or None)

    with progress:
        yield update
