"""An Input that owns every printable key, as far as the footer is concerned.

Textual's footer leaves out the keys the focused input would type, asking the input with
the key's character; for `slash`, `minus`, `plus` and a few others Textual cannot give the character
back, so '/ Search' stayed in the footer of the search bar and the find bar, where `/`
types a '/'.
"""

from __future__ import annotations

from textual.widgets import Input

# Key names Textual gives these characters, whose characters it does not give back.
_CHARACTERS = {
    "slash": "/",
    "minus": "-",
    "plus": "+",
    "at": "@",
    "backslash": "\\",
    "underscore": "_",
}


class TextInput(Input):
    def check_consume_key(self, key: str, character: str | None) -> bool:
        return super().check_consume_key(key, character or _CHARACTERS.get(key))
