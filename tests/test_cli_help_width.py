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


def test_every_command_says_what_it_does_and_what_each_argument_is():
    """A newcomer reading `gp-reader open --help` saw `ID` and nothing else: each
    command's help opens with what it does, and every positional argument is explained."""
    for parser in every_parser(build_parser()):
        assert parser.description, parser.prog
        for action in parser._actions:
            if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
                assert action.help, (parser.prog, action.metavar or action.dest)


def test_related_help_says_how_it_finds_related_posts():
    """It said 'whoosh more-like-this' alone; posts closest in meaning come first."""
    related = next(p for p in every_parser(build_parser()) if p.prog == "gp-reader related")
    assert "meaning" in related.format_help()
