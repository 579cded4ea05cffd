"""Text from outside (the web, imported files) made safe to show in a terminal.

Removes escape sequences (CSI, OSC, DCS, SOS, PM, APC, and lone ESC pairs), every C0 and
C1 control except newline and tab, and the bidirectional overrides and isolates that can
make text read differently from what it holds (Trojan Source). A minimal version for web
sync; the sanitiser of branch `harden` supersedes it.
"""

from __future__ import annotations

import re

# ESC [ ... final byte; ESC ] ... BEL or ST; ESC P/X/^/_ ... ST; the 8-bit C1 forms too.
_SEQUENCES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]          # CSI
    | (?:\x1b\]|\x9d).*?(?:\x07|\x1b\\|\x9c)  # OSC, ended by BEL or ST
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]).*?(?:\x1b\\|\x9c)  # DCS, SOS, PM, APC
    | \x1b[ -/]*[0-~]                          # other ESC sequences (ESC c, ESC ( B ...)
    """,
    re.VERBOSE | re.DOTALL,
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def clean_text(s: str) -> str:
    """`s` without terminal escapes, controls (but \\n and \\t) or bidi overrides."""
    if not s:
        return s
    s = s.replace("\r\n", "\n")
    s = _SEQUENCES.sub("", s)
    return _CONTROLS.sub("", s)
