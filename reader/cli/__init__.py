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
from reader.sanitise import for_terminal

_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_WORD = re.compile(r"-[^\W\d_][\w'*~-]*")  # -word, -prefix*, -word~: a word to leave out

COMMAND_MODULES = (
    "reader.cli.posts",
    "reader.cli.glossary",
    "reader.cli.search",
    "reader.cli.imports",
    "reader.cli.related",
    "reader.cli.state",
    "reader.cli.highlights",
    "reader.cli.export",
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
    _describe(parser)
    return parser


def _describe(parser: argparse.ArgumentParser) -> None:
    """A command's --help opens with what it does: the line `gp-reader --help` lists it
    by, where the command gives no longer description."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                text = helps.get(name)
                if sub.description is None and text:
                    sub.description = text[0].upper() + text[1:] + "."
                _describe(sub)


def _open_app(args: argparse.Namespace) -> int:
    from reader.ui.launch import run_app

    return run_app(theme=args.theme)


# Arguments that name files: bytes that are not UTF-8 are the file's real name there
# (Python keeps them as surrogate escapes, and the file system gets them back).
_PATH_ARGUMENTS = {"paths", "file"}


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Refuse text on the command line that is not UTF-8 (a note, a query, an id): it
    could be neither stored nor shown. File names may be any bytes."""
    for name, value in vars(args).items():
        if name in _PATH_ARGUMENTS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and _SURROGATE.search(item):
                shown = item.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                raise ReaderError(
                    f"--{name.replace('_', '-')} {shown!r} is not UTF-8 text; nothing was done"
                    if name not in ("query", "id", "ids", "term", "source")
                    else f"{name.upper()} {shown!r} is not UTF-8 text; nothing was done",
                    exit_code=2,
                )


def _command_parser(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.ArgumentParser:
    """The parser of the (sub)command `argv` names: `bookmark add` for `bookmark add ID -x`."""
    top = parser
    for word in argv:
        commands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if commands and word in commands[0].choices:
            parser = commands[0].choices[word]
        elif parser is not top and not word.startswith("-"):
            break  # an argument of the command (options before it, as --theme's, go by)
    return parser


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
        elif extra:  # said by the command's own parser, whose --help tells its options
            _command_parser(parser, argv).error(f"unrecognized arguments: {' '.join(extra)}")
    handler = getattr(args, "func", _open_app)
    try:
        _check_text_arguments(args)
        return handler(args) or 0
    except ReaderError as exc:
        # Messages may quote a title or a file name: content, cleaned like any other.
        print(f"gp-reader: {for_terminal(str(exc), single_line=True)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `gp-reader list | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return 0
    finally:
        _print_corpus_notices()


def _print_corpus_notices() -> None:
    """What loading the library had to say (a damaged store moved aside ...), once."""
    bundled = sys.modules.get("reader.articles.bundled")
    for notice in getattr(bundled, "PENDING_NOTICES", ()):
        print(f"gp-reader: {for_terminal(notice, single_line=True)}", file=sys.stderr)
    if bundled is not None:
        bundled.PENDING_NOTICES.clear()


if __name__ == "__main__":
    sys.exit(main())
