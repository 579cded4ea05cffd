"""Small hand-made corpora for parser edge cases."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader import paths

LISTING_CATEGORY = "Test Blog"
ARCHIVE_CATEGORY = "Test Archive"


def make_corpus(root: Path, pages: dict[str, tuple[str, str]], newest_year: int = 2015) -> Path:
    """Write pages {file: (kind, text)} with a manifest and the real topic taxonomy."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(paths.corpus_dir() / "topics.toml", root / "topics.toml")
    lines = [
        "[[category]]",
        f'name = "{LISTING_CATEGORY}"',
        'site = "Test Site"',
        'author = "Test Author"',
        "[[category]]",
        f'name = "{ARCHIVE_CATEGORY}"',
        'site = "Old Site"',
        'author = "Test Author"',
    ]
    for name, (kind, text) in pages.items():
        (root / name).write_text(text, encoding="utf-8")
        category = LISTING_CATEGORY if kind == "listing" else ARCHIVE_CATEGORY
        lines += ["[[source]]", f'file = "{name}"', f'kind = "{kind}"', f'category = "{category}"']
        if kind == "archive":
            lines.append(f"newest_year = {newest_year}")
    (root / "sources.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root
