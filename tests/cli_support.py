"""Running `gp-reader` commands in the test's process, as the `cli` fixture (conftest) does."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest

from reader.cli import main


class Ran(NamedTuple):
    """What a command did: its exit code and what it printed (unpacks as a tuple too)."""

    code: int | str | None
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Ran:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)
