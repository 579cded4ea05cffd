"""Shared fixtures: every test runs with its own data and cache directories."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from reader import paths
from tests.cli_support import Ran, run_cli

# Property tests (tests/test_fuzz_*.py): a bounded number of examples, no per-example
# deadline (a shared CI machine stalls now and then); HYPOTHESIS_PROFILE=deep for more.
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("deep", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point platformdirs at fresh directories, so no test touches the real home."""
    root = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "config"))
    # The documents folder (where the app suggests exports) is read from user-dirs.dirs
    # in the config folder, else ~/Documents: named here, so no export reaches the home.
    (root / "config").mkdir()
    (root / "config" / "user-dirs.dirs").write_text(f'XDG_DOCUMENTS_DIR="{root / "documents"}"\n')
    # Scrolling animations make every Pilot key press wait for them to finish.
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    return root


@pytest.fixture(scope="module")
def corpus():
    """The bundled corpus, read from its pages (not the cache), once a test module."""
    from reader.articles.bundled import load_corpus

    return load_corpus(use_cache=False)


@pytest.fixture(scope="module")
def index(corpus, tmp_path_factory):
    """The bundled corpus's search index, built in a directory of its own, once a module."""
    from reader.search.index import SearchIndex

    ix = SearchIndex.open(
        corpus.articles, corpus.fingerprint, tmp_path_factory.mktemp("ix") / "index"
    )
    yield ix
    ix.close()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus directory."""
    target = tmp_path / "corpus"
    shutil.copytree(paths.corpus_dir(), target)
    return target


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """`cli("list", "--json")`: the command run here, as Ran(code, out, err)."""

    def run(*args: str) -> Ran:
        return run_cli(capsys, *args)

    return run
