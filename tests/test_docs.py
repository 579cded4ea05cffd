"""Docs that are tested (after sqlite-utils' tests/test_docs.py): every command the parser
registers is in README.md's command tables, and every key the app binds is on its help
screen. Adding a command or a key without saying so fails here."""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"

# Textual's key names as the help screen writes them.
KEY_DISPLAY = {
    "question_mark": "?",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "down": "↓",
    "up": "↑",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "left": "←",
    "right": "→",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "minus": "-",
    "plus": "+",
    "equals_sign": "=",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "shift+down": "Shift+↓",
    "shift+up": "Shift+↑",
}


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """Every subcommand, nested ones too: ('state', 'export'), ('library', 'list') ..."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from command_paths(sub, (*prefix, name))


def readme_table_commands() -> list[list[str]]:
    """The words of every `code span` in the first column of README.md's tables, without
    the leading `gp-reader`."""
    spans = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        first_cell = re.split(r"(?<!\\)\|", line)[1]
        for span in re.findall(r"`([^`]+)`", first_cell):
            words = span.split()
            if words and words[0] == "gp-reader":
                words = words[1:]
            if words:
                spans.append(words)
    return spans


def documented(path: tuple[str, ...], spans: list[list[str]]) -> bool:
    # `bookmark add/remove/list` documents bookmark add, bookmark remove and bookmark list.
    return any(
        len(words) >= len(path) and all(part in words[n].split("/") for n, part in enumerate(path))
        for words in spans
    )


def test_the_walk_finds_nested_commands():
    from reader.cli import build_parser

    paths = set(command_paths(build_parser()))
    assert {("search",), ("state", "export"), ("library", "remove"), ("mark", "read")} <= paths


def test_every_command_is_in_the_readme_tables():
    from reader.cli import build_parser

    spans = readme_table_commands()
    missing = [" ".join(p) for p in command_paths(build_parser()) if not documented(p, spans)]
    assert not missing, f"commands missing from README.md's command tables: {missing}"


def ui_classes() -> list[type]:
    """The App, screens and widgets defined in reader.ui."""
    from textual.dom import DOMNode

    import reader.ui

    found = []
    for info in pkgutil.walk_packages(reader.ui.__path__, "reader.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def bound_keys() -> dict[str, list[str]]:
    """Each key the app binds (as the help screen writes it) -> the classes binding it."""
    from textual.app import App
    from textual.binding import Binding

    keys: dict[str, list[str]] = {}
    for cls in ui_classes():
        bindings = list(cls.__dict__.get("BINDINGS", []))
        if issubclass(cls, App) and cls.ENABLE_COMMAND_PALETTE:
            bindings.append(Binding(cls.COMMAND_PALETTE_BINDING, "command_palette"))
        for binding in bindings:
            key = binding.key if isinstance(binding, Binding) else binding[0]
            for one in key.split(","):
                one = one.strip()
                shown = KEY_DISPLAY.get(one)
                if shown is None and one.startswith("ctrl+"):
                    shown = "Ctrl+" + one.removeprefix("ctrl+").upper()
                keys.setdefault(shown or one, []).append(cls.__name__)
    return keys


def help_screen_keys() -> set[str]:
    from reader.ui.screens.help import KEYS

    shown: set[str] = set()
    for key, what in KEYS:
        if what:  # a heading row has no description
            # 'j / k, ↓ / ↑': keys between ' / ' and ', ' (a lone '/' is the key itself)
            shown.update(k.strip() for k in re.split(r"\s+/\s+|,\s*", key) if k.strip())
    return shown


def test_the_walk_finds_every_kind_of_binding():
    keys = bound_keys()
    assert {"MainScreen", "HelpScreen"} <= set(keys["q"])
    assert "SearchBar" in keys["Enter"] and "ArticleView" in keys["Space"]
    assert "Ctrl+P" in keys  # the App's own: the command palette


@pytest.mark.parametrize("key", sorted(bound_keys()))
def test_every_bound_key_is_on_the_help_screen(key):
    assert key in help_screen_keys(), f"{key} (bound in {bound_keys()[key]}) is not on ? help"
