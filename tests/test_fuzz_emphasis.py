"""split_emphasis (linear) reads emphasis exactly as the regular expression that defines
it, on any text of marks, words, spaces and backslashes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from reader.articles.inline import split_emphasis

# The definition: an opener after no word character, asterisk or backslash, before
# neither space nor asterisk; the first closer of its kind after neither space, asterisk
# nor backslash, before no word character or asterisk. Quadratic, so a test oracle only.
DEFINITION = re.compile(r"(?<![\w*\\])(\*\*|\*)(?=[^\s*])(.+?)(?<=[^\s*\\])\1(?![\w*])", re.S)


def by_definition(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    out, spans, at, length = [], [], 0, 0
    for m in DEFINITION.finditer(text):
        out.append(text[at : m.start()])
        length += m.start() - at
        inner = m.group(2)
        spans.append((length, length + len(inner), "bold" if m.group(1) == "**" else "italic"))
        out.append(inner)
        length += len(inner)
        at = m.end()
    out.append(text[at:])
    return "".join(out), spans


@given(st.text(alphabet=st.sampled_from([*"**a _\\\n.é1", "\u00a0"]), max_size=40))
def test_emphasis_is_read_as_defined(text):
    assert split_emphasis(text) == by_definition(text)


@given(st.text(max_size=60))
def test_emphasis_in_any_text_is_read_as_defined(text):
    assert split_emphasis(text) == by_definition(text)
