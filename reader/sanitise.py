"""Text from content made safe: for storage and for the terminal.

Posts come from files and the web, so every title, body, name and note may carry bytes a
terminal obeys: ESC sequences (CSI ``ESC[2J`` clears the screen; OSC 52 sets the clipboard,
OSC 8 hides a link behind text, OSC 0/2 sets the window title; DCS, APC, PM and SOS strings
reach the terminal's own parsers), their 8-bit C1 forms (U+009B is a CSI on its own), other
C0 and C1 controls (BEL, backspace, carriage return overwriting a line) and the Unicode
bidirectional overrides and isolates that make text read differently from how it is
stored ("Trojan Source").

Functions, pure and without any dependency but the standard library, used by everyone:

`clean_text(s)`
    For storage, where content enters (import, sync, state import). Removes every escape
    sequence whole (the introducer, its parameters and its terminator), then every other
    control character except newline and tab, the bidi overrides and isolates and lone
    surrogates (which no file can hold as UTF-8). Carriage returns become newlines.
    U+FFFE and U+FFFF, noncharacters XML cannot hold, go too, and a run of combining
    marks on one character is cut to MAX_MARKS.
    Idempotent: ``clean_text(clean_text(s)) == clean_text(s)``.

`for_terminal(s, single_line=False)`
    Again at every output (defence in depth: a store written by an older gp-reader, or by
    hand, is not trusted either). With `single_line`, newlines and tabs become spaces, for
    a field printed on one line (a title in a listing).

`json_for_terminal(value)`
    `--json` output: exact (what the store holds, once parsed), but with every character a
    terminal acts on written as a \\u escape. `json.dumps` escapes C0 controls itself but,
    with `ensure_ascii=False`, writes DEL, C1 (U+009B is a CSI), the bidi overrides and
    lone surrogates raw.
"""

from __future__ import annotations

import json
import re

__all__ = ["clean_text", "for_terminal", "is_clean", "json_for_terminal"]

# An escape sequence, 7-bit or 8-bit, as ECMA-48 describes it:
#  - control strings (OSC ESC ], DCS ESC P, APC ESC _, PM ESC ^, SOS ESC X; C1 9D 90 9F 9E
#    98), ended by ST (ESC \ or 9C) or, for OSC in practice, BEL. One that never ends is
#    taken to the end of its line, so the text after it survives.
#  - CSI (ESC [ or 9B): parameter bytes 0x30-0x3F, intermediates 0x20-0x2F, a final byte
#    0x40-0x7E. A CSI cut short is taken as far as it goes.
#  - any other ESC: its intermediates and one final character (ESC ( B, ESC 7, ESC c).
_SEQUENCE = re.compile(
    r"(?:\x1b[\]P_^X]|[\x9d\x90\x9f\x9e\x98])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# U+FFFE and U+FFFF are noncharacters (never text) that XML 1.0 forbids: one in a title
# made `export epub` fail in lxml ("All strings must be XML compatible").
_NONCHARACTERS = "\ufffe\uffff"
# Everything a terminal may act on, and nothing a reader means: C0 but tab and newline,
# DEL, C1, bidi embeddings/overrides/isolates, lone surrogates, those two noncharacters.
_UNSAFE_CLASS = "\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + _NONCHARACTERS + "\ud800-\udfff"
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
# Combining marks stacked on one character ("Zalgo" text): 100,000 of them are a single
# cell that some terminals hold, and redraw, mark by mark, and that draws over the lines
# around it. No writing stacks more than a few from these blocks (Vietnamese two,
# phonetic transcription three or four), so a run is cut to MAX_MARKS.
MAX_MARKS = 8
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_STACK = re.compile(f"([{_MARKS}]{{{MAX_MARKS}}})[{_MARKS}]+")
# Anything clean_text may change: one scan of a plain character class, as fast as _UNSAFE.
_ATTENTION = re.compile(f"[{_UNSAFE_CLASS}{_MARKS}]")
_DROP: dict[int, int | None] = {c: None for c in range(0x20) if c not in (0x09, 0x0A)}
_DROP |= {c: None for c in range(0x7F, 0xA0)}
_DROP |= {ord(c): None for c in _BIDI + _NONCHARACTERS}
_DROP[0x0D] = 0x0A  # a carriage return would overwrite its line: a line break instead
_SURROGATE = re.compile("[\ud800-\udfff]")
_ONE_LINE = str.maketrans({"\n": " ", "\t": " "})
# What json.dumps leaves raw that a terminal acts on (C0 it escapes itself). Outside
# strings JSON is ASCII, so each of these is inside a string, where \\uXXXX means the same.
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}\ud800-\udfff]")


def is_clean(text: str) -> bool:
    """True when `clean_text` would leave `text` as it is."""
    if _ATTENTION.search(text) is None:
        return True
    return _UNSAFE.search(text) is None and _STACK.search(text) is None


def clean_text(text: str) -> str:
    """`text` without escape sequences, controls (but newline and tab), bidi overrides
    or lone surrogates, and no more than MAX_MARKS combining marks in a row: what
    gp-reader stores."""
    if _ATTENTION.search(text) is None:  # nearly every text: one scan, no copy
        return text
    if _STACK.search(text) is not None:
        text = _STACK.sub(r"\1", text)
    if _UNSAFE.search(text) is None:
        return text
    text = text.replace("\r\n", "\n")
    text = _SEQUENCE.sub("", text)
    text = _SURROGATE.sub("\ufffd", text)
    text = text.translate(_DROP)
    # Removing controls can join two runs of marks into one longer than the limit.
    return _STACK.sub(r"\1", text) if _STACK.search(text) is not None else text


def for_terminal(text: str, single_line: bool = False) -> str:
    """`text` safe to write to a terminal; with `single_line`, on one line."""
    text = clean_text(text)
    return text.translate(_ONE_LINE) if single_line else text


def json_for_terminal(value: object) -> str:
    """`value` as indented JSON, non-ASCII text kept, every character a terminal acts on
    escaped: the same data when parsed, nothing raw on the screen."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    if _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
