"""An option a command does not have: one line from that command's own parser, pointing
at the --help that lists its options (not the top-level one, which does not)."""

from __future__ import annotations

import pytest

from reader.cli import main


@pytest.mark.parametrize(
    ("argv", "prog"),
    [
        (["list", "--frob"], "gp-reader list"),
        (["bookmark", "add", "some-id", "--frob"], "gp-reader bookmark add"),
        (["--theme", "dark", "state", "export", "--frob"], "gp-reader state export"),
        (["search", "pcn", "--limt", "2"], "gp-reader search"),
        (["--frob"], "gp-reader"),
    ],
)
def test_an_unknown_option_names_the_commands_own_help(argv, prog, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"{prog}: error: unrecognized arguments: ")
    assert line.endswith(f"(see {prog} --help)")
