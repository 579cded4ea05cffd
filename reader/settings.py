"""Preferences kept between runs: the theme, the list's width and the text's measure,
as chosen in the app.

A small JSON file in the user config directory (reader.paths). Unreadable or odd
contents count as no preference; writes replace the whole file or nothing.
"""

from __future__ import annotations

import json
from typing import Any

from reader import paths

THEMES = ("dark", "light")
# The widths the reader can choose, in columns: the list beside the post, and the
# measure of the post's text (its longest line).
LIST_WIDTHS = range(20, 121)
MEASURES = range(60, 121)


def _load() -> dict[str, Any]:
    try:
        data = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_theme() -> str | None:
    """The theme last chosen in the app, if any."""
    theme = _load().get("theme")
    return theme if theme in THEMES else None


def save_theme(theme: str) -> None:
    """Remember `theme` ('dark' or 'light') for the next start; OSError if it cannot."""
    from reader.files import write_atomically

    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}")
    data = _load()
    data["theme"] = theme
    write_atomically(paths.settings_file(), json.dumps(data, indent=2) + "\n")


def load_width(name: str, allowed: range) -> int | None:
    """A width kept under `name` ('list_width', 'measure'), if it is one of `allowed`."""
    value = _load().get(name)
    if isinstance(value, int) and not isinstance(value, bool) and value in allowed:
        return value
    return None


def save_width(name: str, value: int | None) -> None:
    """Keep a width for the next start (None forgets it); OSError if it cannot."""
    from reader.files import write_atomically

    data = _load()
    if value is None:
        data.pop(name, None)
    else:
        data[name] = int(value)
    write_atomically(paths.settings_file(), json.dumps(data, indent=2) + "\n")
