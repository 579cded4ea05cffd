"""Text saved in the encoding Windows uses for Western European text.

Notepad and older browsers save as Windows-1252: curly quotes, dashes, '£' and '…'
(0x85). Read as Latin-1, 0x85 would become U+0085, a line break to Python. A file that
is neither UTF-8 nor Windows-1252 text (bytes it leaves undefined, control characters)
is not text.
"""

from __future__ import annotations

_CONTROL_OK = {"\t", "\n", "\r", "\f"}


def decode_legacy(data: bytes) -> str | None:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _CONTROL_OK)
    if controls > max(2, len(text) // 1000):
        return None
    return text
