"""Preferences kept between runs: today, the theme chosen in the app.

A small JSON file in the user config directory (reader.paths). Unreadable or odd
contents count as no preference; writes replace the whole file or nothing.
"""

from __future__ import annotations

import json
from typing import Any

from reader import paths

THEMES = ("dark", "light")


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
