"""Content as large as the caps let in (a 20 MB post, one paragraph) costs bounded time
and memory everywhere it goes after the import: the meaning vectors first."""

from __future__ import annotations

import time
import tracemalloc

from reader.search.meaning import model

MB = 1024 * 1024


def test_a_huge_text_is_embedded_in_bounded_memory_from_its_opening():
    embedder = model.load()
    opening = "General practice and the neighbourhood teams in primary care networks. " * 1500
    huge = opening[: model.MAX_CHARS] + "quinoa kale sourdough " * 200_000  # 4 MB more
    tracemalloc.start()
    started = time.monotonic()
    try:
        vector = embedder.embed_one(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Every token's row of the table at once: 900,000 tokens took 900 MB.
    assert peak < 100 * MB, f"peak {peak / MB:.0f} MB"
    assert time.monotonic() - started < 10
    assert (vector == embedder.embed_one(opening[: model.MAX_CHARS])).all()


def test_emphasis_marks_that_never_close_are_read_in_linear_time():
    from reader.articles.inline import split_emphasis

    # 200,000 openers without a closer (600 KB): the regex read it in hours, and held the
    # app that long when the post opened. Bold and italic that do close still count.
    text = "**bold** and *italic* " + "*a " * 200_000
    started = time.monotonic()
    plain, spans = split_emphasis(text)
    assert time.monotonic() - started < 2
    assert plain.startswith("bold and italic *a") and [kind for *_, kind in spans] == [
        "bold",
        "italic",
    ]


def test_brackets_that_never_close_are_read_in_linear_time():
    from reader.articles.markdown import split_links

    # '[' scanned to the end of its line for a ']': 100,000 of them took minutes.
    text = "[a " * 100_000 + "\n[a link](https://example.org/x_(y)) and [b [c](https://e.org/)"
    started = time.monotonic()
    plain, links = split_links(text)
    assert time.monotonic() - started < 2
    assert [(plain[s:e], url) for s, e, url in links] == [
        ("a link", "https://example.org/x_(y)"),
        ("c", "https://e.org/"),
    ]
