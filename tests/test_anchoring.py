"""Re-anchoring a highlight over edited texts: position, then quote, then a fuzzy match."""

from __future__ import annotations

import pytest

from reader.articles.anchoring import anchor, describe, find_quote
from reader.articles.text import blocks_with_offsets, plain_text, sentence_spans

TEXT = (
    "The Additional Roles Reimbursement Scheme (ARRS) funds new staff. PCNs have used the "
    "ARRS to hire pharmacists, physios and care coordinators. The ARRS has been criticised "
    "for its rigid rules.\n\nPractices say the ARRS money comes with strings attached."
)


def passage(text: str, quote: str, nth: int = 0):
    at = -1
    for _ in range(nth + 1):
        at = text.index(quote, at + 1)
    return describe(text, at, at + len(quote))


def test_unchanged_text_anchors_by_position():
    s = passage(TEXT, "hire pharmacists, physios")
    found = anchor(TEXT, s)
    assert found.method == "position" and TEXT[found.start : found.end] == s.quote


def test_text_added_before_moves_the_highlight_by_its_quote():
    s = passage(TEXT, "has been criticised for its rigid rules")
    edited = "An introduction the fuller import added.\n\n" + TEXT
    found = anchor(edited, s)
    assert found.method == "quote"
    assert edited[found.start : found.end] == s.quote
    assert found.start == s.start + len("An introduction the fuller import added.\n\n")


def test_of_several_copies_of_the_quote_the_context_picks_the_right_one():
    s = passage(TEXT, "the ARRS", nth=1)  # "...comes with strings": the second "the ARRS"
    assert s.suffix.startswith(" money")
    edited = "Note: the ARRS is a scheme.\n\n" + TEXT  # another "the ARRS" before it
    found = anchor(edited, s)
    assert edited[found.end : found.end + 6] == " money"


def test_curly_quotes_and_spacing_changed_still_anchor_exactly():
    text = "They call it a “target operating model”  for the region."
    s = passage(text, "“target operating model”  for")
    edited = 'Intro. They call it a "target operating model" for the region.'
    found = anchor(edited, s)
    assert found.method == "quote"
    assert edited[found.start : found.end] == '"target operating model" for'


def test_reworded_passage_is_found_by_a_fuzzy_match():
    s = passage(TEXT, "PCNs have used the ARRS to hire pharmacists, physios and care coordinators.")
    edited = TEXT.replace(
        "PCNs have used the ARRS to hire pharmacists, physios and care coordinators.",
        "Many PCNs have used the ARRS to employ pharmacists, physios and care co-ordinators.",
    )
    found = anchor(edited, s)
    assert found.method == "fuzzy"
    got = edited[found.start : found.end]
    assert "employ pharmacists, physios" in got and got.endswith("co-ordinators.")
    assert "criticised" not in got


def test_a_passage_that_is_gone_is_detached_not_misplaced():
    s = passage(TEXT, "has been criticised for its rigid rules")
    edited = TEXT.replace("The ARRS has been criticised for its rigid rules.", "")
    assert anchor(edited, s) is None
    assert anchor("", s) is None


def test_find_quote_ignores_case_spaces_and_quote_marks():
    text = "What they are terming a “target operating model”."
    (start, end), *_ = find_quote(text, 'TERMING a "target  operating model"')
    assert text[start:end] == "terming a “target operating model”"
    assert find_quote(text, "not there") == []
    assert len(find_quote(TEXT, "ARRS")) == 4


def test_describe_rejects_a_passage_outside_the_text():
    with pytest.raises(ValueError):
        describe("short", 3, 30)


def test_plain_text_offsets_match_the_blocks(corpus):
    article = corpus.articles[0]
    text = plain_text(article)
    for block in blocks_with_offsets(article.body):
        assert text[block.start : block.end] == block.text
        for start, end in sentence_spans(block.text, block.start):
            assert block.start <= start < end <= block.end


def test_sentences_are_not_cut_at_abbreviations_or_money():
    text = "The PCN got £1.5m. It hired staff, e.g. pharmacists. “Why?” she asked. Done"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "The PCN got £1.5m.",
        "It hired staff, e.g. pharmacists.",
        "“Why?” she asked.",
        "Done",
    ]


def test_offsets_count_in_the_codec_plain_text_without_emphasis_marks():
    """What the app draws (emphasis marks gone, '3. ' and '•' beside items) is what the
    offsets count in: each block's text sits at its offsets in the codec's plain text."""
    from reader.articles.markdown import plain_text as codec_plain_text

    body = "### A **bold** head\n\nSome *italic* words.\n\n3. An **item**\n\n- A bullet\n\n> Quoted"
    blocks = blocks_with_offsets(body)
    text = codec_plain_text(body)
    assert [b.text for b in blocks] == [
        "A bold head",
        "Some italic words.",
        "An item",
        "A bullet",
        "Quoted",
    ]
    for b in blocks:
        assert text[b.start : b.end] == b.text
    assert "*" not in text and text.index("3. An item") == blocks[2].start - 3
