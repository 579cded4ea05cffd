"""Every use of whoosh's private names and byte layouts, in one place.

Re-read this package, and only this package, when whoosh is upgraded. It is tested
against the whoosh-reloaded 2.7.x release line (pyproject pins >=2.7.5,<2.8); its main
branch is a 3.0 rewrite (117 files changed) and its README says it is unmaintained: see
docs/dependencies.md for the options.

What leans on what:

* blocks.py: W3LeafMatcher's private attributes (_dataoffset, _nextoffset, _postfile,
  _blocklength, _atend, _byteids, _compression, _fixedsize, _read_weights,
  _next_block), the pickled layout of a W3 posting block, Positions and Frequency
  value bytes, the per-document length column (_perdoc, _cached_reader, _lenfield,
  NumericColumn.Reader's _typecode/_dbfile/_basepos/_count), whoosh.system._INT_SIZE.
* segment_writer.py: subclasses of W3Codec, W3FieldWriter, W3PostingsWriter,
  SegmentWriter, MpWriter and SubWriterTask that fill their private buffers (_ids,
  _weights, _values, _maxweight, _minlength, _maxlength, _btext, _postwriter) and call
  their private steps (_write_block, _check_state, _doc_boost, _check_fields,
  _field_boost, _finalize_segment, _process_file).
* matchers.py: a SpanNear2Matcher subclass (_get_spans), Or._matcher/_tree_matcher,
  MultiTerm._btexts, BM25F._field_B.
* scoring.py: BM25F whose scorers get a cached length lookup (BM25FScorer.dfl).

tests/test_evaluate.py (the evaluator against whoosh's own matchers, block reading
against whoosh's) and tests/test_index_build.py (segments byte for byte whoosh's) are
the tests to run after an upgrade.
"""

from reader.search.whoosh_internals.blocks import (
    encode_frequency,
    encode_positions,
    field_lengths,
    length_bytes,
    length_of_byte,
    read_blocks,
    value_deltas,
)
from reader.search.whoosh_internals.matchers import (
    AdjacentPhrase,
    SizedOr,
    expanded_words,
    field_b,
    phrase_terms,
    positional_field,
)
from reader.search.whoosh_internals.scoring import CachedLengthBM25F
from reader.search.whoosh_internals.segment_writer import (
    FastMpWriter,
    FastSegmentWriter,
    plain_codec,
)

__all__ = [
    "AdjacentPhrase",
    "CachedLengthBM25F",
    "FastMpWriter",
    "FastSegmentWriter",
    "SizedOr",
    "encode_frequency",
    "encode_positions",
    "expanded_words",
    "field_b",
    "field_lengths",
    "length_bytes",
    "length_of_byte",
    "phrase_terms",
    "plain_codec",
    "positional_field",
    "read_blocks",
    "value_deltas",
]
