"""Every filesystem path gp-reader uses, in one place.

User data (bookmarks, reading state, imported posts) lives in the platformdirs user data
directory; rebuildable things (the parsed-corpus cache, the search index) in the user
cache directory. platformdirs honours XDG_DATA_HOME and XDG_CACHE_HOME, which is how the
tests keep the developer's home directory out of reach.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "gp-reader"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(installed_name: str, source_name: str) -> Path:
    """A directory that ships inside the wheel, or its top-level twin in a source checkout."""
    installed = _PACKAGE_DIR / installed_name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / source_name


def corpus_dir() -> Path:
    """The bundled, read-only corpus: source pages, manifest, topics, glossary."""
    return _bundled("_corpus", "corpus")


def styles_dir() -> Path:
    """The Textual stylesheets."""
    return _bundled("_styles", "styles")


def data_dir() -> Path:
    """Where the user's own data lives (not created here)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Where rebuildable data lives (not created here)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Where the reader's preferences live (not created here)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_file() -> Path:
    """Preferences kept between runs: the theme and the widths chosen in the app."""
    return config_dir() / "settings.json"


def state_db() -> Path:
    """The SQLite store of bookmarks, read state, history and saved searches."""
    return data_dir() / "state.sqlite3"


def library_db() -> Path:
    """Posts the user imported (the bundled corpus stays read-only)."""
    return data_dir() / "library.sqlite3"


def parsed_corpus_cache() -> Path:
    """The parsed corpus, keyed by the sources' content."""
    return cache_dir() / "corpus.json"


def exports_dir() -> Path:
    """Where the app suggests writing exports (Markdown, EPUB): the user's documents
    folder's gp-reader folder (not created here; an export makes it)."""
    return Path(platformdirs.user_documents_dir()) / APP_NAME


def index_dir() -> Path:
    """The whoosh search index."""
    return cache_dir() / "index"
