"""The `gp-reader` command.

Each feature's subcommands live in their own module in reader/cli/ and register
themselves here. Nothing in this file (or those modules, at import time) loads Textual,
whoosh or rich, so the command line stays quick; `gp-reader` with no subcommand opens the app.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys

from reader import __version__
from reader.errors import ReaderError

_NOT_WORD = re.compile(r"-[^\W\d_][\w'*~-]*")  # -word, -prefix*, -word~: a word to leave out

COMMAND_MODULES = (
    "reader.cli.posts",
    "reader.cli.glossary",
    "reader.cli.search",
    "reader.cli.imports",
    "reader.cli.related",
    "reader.cli.state",
    "reader.cli.sync",
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, not a usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gp-reader",
        description="Read Ben Gowland's general practice blogs offline. "
        "With no command, opens the reader app.",
    )
    parser.add_argument("--version", action="version", version=f"gp-reader {__version__}")
    parser.add_argument(
        "--theme",
        choices=["dark", "light"],
        default=None,
        help="the app's colours (default: the theme last chosen in the app, else dark)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def _open_app(args: argparse.Namespace) -> int:
    from reader.ui.launch import run_app

    return run_app(theme=args.theme)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        # The app with its defaults, the usual start: no parser of every command to build.
        args = argparse.Namespace(command=None, theme=None)
    else:
        parser = build_parser()
        args, extra = parser.parse_known_args(argv)
        # `gp-reader search neighbourhood -pcn`: '-pcn' is the query's NOT, not an option.
        if extra and args.command == "search" and all(_NOT_WORD.fullmatch(e) for e in extra):
            args.query += extra
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    handler = getattr(args, "func", _open_app)
    try:
        return handler(args) or 0
    except ReaderError as exc:
        print(f"gp-reader: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `gp-reader list | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
