"""The sanitiser: nothing a terminal acts on survives it, and plain text passes as it is."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from reader.sanitise import MAX_MARKS, clean_text, for_terminal, is_clean

ESC = "\x1b"
# Whatever a terminal treats as a control: C0 but tab/newline, DEL, C1, bidi controls.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

HOSTILE = [
    (f"{ESC}]52;c;cm0gLXJmIH4K{ESC}\\Title", "Title"),  # OSC 52: set the clipboard
    (f"{ESC}]52;c;cm0gLXJmIH4K\x07Title", "Title"),  # ... ended by BEL
    (f"{ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\", "click"),  # OSC 8 link
    (f"{ESC}]0;pwned\x07Post", "Post"),  # window title
    (f"before{ESC}[2Jafter", "beforeafter"),  # clear the screen
    (f"{ESC}[38;2;255;0;0mred{ESC}[0m", "red"),
    (f"{ESC}P+q544e{ESC}\\x", "x"),  # DCS (XTGETTCAP)
    (f"{ESC}_Gf=100;AAAA{ESC}\\x", "x"),  # APC (kitty graphics)
    (f"{ESC}^privacy{ESC}\\x", "x"),  # PM
    (f"{ESC}Xstring{ESC}\\x", "x"),  # SOS
    ("\x9b2J\x9d52;c;AAAA\x9cx", "x"),  # 8-bit CSI and OSC ended by 8-bit ST
    (f"a{ESC}(Bb{ESC}7c{ESC}cd", "abcd"),  # charset, save cursor, reset
    ("ring\x07 the bell\x08\x08", "ring the bell"),
    ("line one\rLINE", "line one\nLINE"),
    ("dos\r\nline", "dos\nline"),
    ("access \u202eevil\u202c granted", "access evil granted"),  # bidi override
    ("\u2067isolate\u2069", "isolate"),
    ("lone \udc80 surrogate", "lone \ufffd surrogate"),
    (f"unterminated {ESC}]52;c;AAAA\nnext line", "unterminated \nnext line"),
    (f"cut {ESC}[", "cut "),
    ("Z" + "\u0336\u0301\u0489" * 30_000 + "algo", "Z" + ("\u0336\u0301\u0489" * 3)[:8] + "algo"),
    ("x\u0301\u0301\u0301\u0301\x01\u0301\u0301\u0301\u0301\u0301y", "x" + "\u0301" * 8 + "y"),
    ("noncharacters \ufffe\uffff", "noncharacters "),
]


def test_hostile_sequences_are_removed_whole():
    for raw, clean in HOSTILE:
        assert clean_text(raw) == clean, raw


def test_plain_text_is_kept_exactly():
    text = "Why engage with neighbourhoods?\n\n“PCNs” cost £3.20 — 50% of it\tnow. 日本語 🙂 ‏"
    text += " Tiếng Việt (ế: e, two marks) d\u0323\u0302 t\u0361s"  # marks as writing uses them
    text += " 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # England's flag
    assert clean_text(text) is text
    assert for_terminal(text) == text
    assert for_terminal("a\nb\tc", single_line=True) == "a b c"


_any_char = st.one_of(
    st.characters(),
    st.sampled_from([ESC, "\x9b", "\x9d", "\x9c", "\x07", "\r", "\ud800", "\udc80", "\u202e"]),
    st.sampled_from(["\u0301", "\u0489", "\u20dd", "\ufe20", "\uffff"]),  # marks to stack
)
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_MARK_RUN = re.compile(f"[{_MARKS}]{{{MAX_MARKS + 1}}}")


@given(st.text(alphabet=_any_char, max_size=300))
def test_nothing_a_terminal_obeys_survives(text):
    clean = clean_text(text)
    assert ESC not in clean and CONTROL.search(clean) is None
    assert _MARK_RUN.search(clean) is None and "\uffff" not in clean
    assert is_clean(clean)
    assert clean_text(clean) == clean  # idempotent
    one = for_terminal(text, single_line=True)
    assert "\n" not in one and "\t" not in one and ESC not in one


_pieces = st.sampled_from(
    [ESC, "[", "]", "52;c;", "8;;", "\x07", "\\", "P", "_", "^", "X", "\x9b", "\x9d", "\x9c"]
    + ["2J", "0m", ";", "x", "\n", "\r", "\u202e", "word "]
)


@given(st.lists(_pieces, max_size=40).map("".join))
def test_sequence_fragments_never_leave_an_escape(text):
    clean = clean_text(text)
    assert CONTROL.search(clean) is None
    # what is left is only the printable pieces (a fragment never becomes a control)
    assert set(clean) <= set("[]52;c8P_^XxJ0mword \n\\")


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=200))
def test_printable_ascii_is_untouched(text):
    assert clean_text(text) == text
