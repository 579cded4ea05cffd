"""The core never imports Textual: only reader/ui/ may (STYLE.md, after Harlequin)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

READER = Path(__file__).resolve().parent.parent / "reader"
CORE_MODULES = sorted(
    ".".join(path.relative_to(READER.parent).with_suffix("").parts).removesuffix(".__init__")
    for path in READER.rglob("*.py")
    if "ui" not in path.relative_to(READER).parts and path.name != "__main__.py"
)


def test_core_modules_are_found():
    assert "reader.articles.bundled" in CORE_MODULES and "reader.cli" in CORE_MODULES


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module):
    code = f"import sys, {module}; sys.exit('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} imports textual\n{result.stderr}"


def test_building_the_cli_parser_does_not_import_textual():
    code = (
        "import sys; from reader.cli import build_parser; build_parser();"
        " sys.exit('textual' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
