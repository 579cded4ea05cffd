"""Writing files whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomically(path: Path, text: str, make_parents: bool = True) -> None:
    """Write a whole text file or nothing (UTF-8): see `write_parts_atomically`."""
    write_parts_atomically(path, [text.encode("utf-8")], make_parents)


def write_parts_atomically(
    path: Path, parts: Iterable[bytes | memoryview], make_parents: bool = True
) -> None:
    """Write a whole file or nothing: the parts, in order, to a temporary file beside it,
    flushed to disk, then renamed over `path`."""
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
