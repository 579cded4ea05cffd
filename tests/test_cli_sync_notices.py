"""What opening the library had to say (a damaged file moved aside, naming its path) is
printed by the source and sync commands as cleaned text, as every other notice is."""

from __future__ import annotations

from reader import paths
from reader.cli import main


def test_a_library_notice_reaches_the_terminal_cleaned(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data\x1b]0;pwned\x07\x1b[2J"  # a path is text from outside too
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    library = paths.library_db()
    library.parent.mkdir(parents=True)
    library.write_bytes(b"not a database at all\n" * 50)
    assert main(["source", "list"]) == 0
    err = capsys.readouterr().err
    assert "moved aside" in err or "not a SQLite database" in err
    assert "\x1b" not in err and "\x07" not in err
    assert len(err.splitlines()) == 1
