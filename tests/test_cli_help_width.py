"""Every command's --help fits an 80-column terminal (argparse wraps most of it itself,
but not a group of options of which one is required)."""

from __future__ import annotations

import argparse

from reader.cli import build_parser


def every_parser(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from every_parser(sub)


def test_every_help_fits_80_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    parsers = list(every_parser(build_parser()))
    assert len(parsers) > 30
    for parser in parsers:
        wide = [line for line in parser.format_help().splitlines() if len(line) > 80]
        assert not wide, (parser.prog, wide)
