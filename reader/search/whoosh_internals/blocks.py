"""Reading whoosh's W3 posting blocks and field lengths without its matchers.

A term's postings sit in blocks of up to 128 (W3Codec's blocklimit). A block is
pickle.dumps((ids, weights, values), 2), zlib-compressed when whoosh chose to; the
matcher (W3LeafMatcher) keeps its place in private attributes (_dataoffset,
_nextoffset, _blocklength, _atend ...). Here a block's ids and weights are read without
unpickling its values, and a phrase's position values are read as text and sliced.
Everything here leans on those private attributes and byte layouts: see the package
docstring for the release line it is tested against.
"""

from __future__ import annotations

import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, pairwise
from pickle import dumps, loads
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.util.numeric import byte_to_length

# (document numbers, weights, read): read() gives the block's values (see read_blocks).
Block = tuple[tuple[int, ...], Sequence[float], Callable[[], Sequence[Any]]]

# -- field lengths ------------------------------------------------------------------------

# Per segment reader and field: each document's stored field length, as whoosh stores
# it (one byte, decoded by byte_to_length), read once while the segment lives.
_LENGTHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def length_bytes(reader, fieldname: str) -> bytes | None:
    """The field's length byte of every document of a segment, in one read.

    whoosh's doc_field_length reads one byte per call: 40,000 calls (four fields of
    10,000 posts) took 120 ms before a large library's first search. None where the
    column is not the one-byte column whoosh's W3 codec writes.
    """
    per_field = _LENGTHS.setdefault(reader, {})
    if fieldname in per_field:
        return per_field[fieldname]
    found = None
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if type(column) is NumericColumn.Reader and column._typecode == "B":
            doccount = reader.doc_count_all()
            stored = column._dbfile.get(column._basepos, min(column._count, doccount))
            found = stored + bytes(doccount - len(stored))  # past the column: length 0
    per_field[fieldname] = found
    return found


def field_lengths(reader, fieldname: str) -> list:
    """Each document's length as whoosh's doc_field_length gives it (None for 0)."""
    read = reader.doc_field_length
    return [read(docnum, fieldname, 1) for docnum in range(reader.doc_count_all())]


def length_of_byte(byte: int) -> int:
    """A stored length byte's length (whoosh's byte_to_length)."""
    return byte_to_length(byte)


# -- posting blocks -------------------------------------------------------------------------


def read_blocks(matcher, positions_of=None) -> Iterator[Block]:
    """A term's postings a block at a time: (document numbers, weights, read), where
    read() gives the block's encoded values, or with `positions_of` (the field's
    format) each posting's position deltas. Values are unpickled only when read: a
    positional field's values cost ten times its ids and weights (ids_and_weights)."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child  # deleted documents are dropped at the end
    if type(matcher) is W3LeafMatcher:
        while not matcher._atend:
            raw = _raw_block(matcher)
            read: Callable[[], Sequence[Any]]
            if positions_of is None:
                data = ids_and_weights(matcher._blocklength, raw)
                read = _values_reader(matcher, raw)
            else:
                data, read = _with_positions(matcher, raw, positions_of)
            matcher._data = data
            ids = data[0] if matcher._byteids else tuple(accumulate(data[0]))
            matcher._read_weights()
            yield ids, matcher._weights, read
            matcher._next_block()
        return
    # Any other posting list: one posting at a time.
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value())
        matcher.next()
    if positions_of is None:
        yield tuple(ids), weights, lambda: tuple(values)
    else:
        decode = positions_of.decode_positions
        yield tuple(ids), weights, lambda: [_deltas(decode(v)) for v in values]


def _raw_block(matcher) -> bytes:
    """The pickle of the block the matcher stands on: what its _read_data() loads."""
    datalen = matcher._nextoffset - matcher._dataoffset
    raw = matcher._postfile.get(matcher._dataoffset, datalen)
    return zlib.decompress(raw) if matcher._compression else raw


def _values_reader(matcher, raw: bytes) -> Callable[[], tuple]:
    """whoosh's W3LeafMatcher._read_values, from the block's pickle."""
    fixedsize, count = matcher._fixedsize, matcher._blocklength

    def read() -> tuple:
        values = loads(raw)[2]
        if fixedsize is None or fixedsize < 0:
            return values
        if fixedsize == 0:
            return (None,) * count
        return tuple(values[i : i + fixedsize] for i in range(0, len(values), fixedsize))

    return read


# A block is pickle.dumps((ids, weights, values), 2). In protocol 2 each bytes value is
# pickled as _codecs.encode(text, 'latin1'). The ids (ints) and weights (floats, or
# None) have no GLOBAL opcode, so the first one starts the values; the pickle cut there
# and closed with None for the values reads (ids, weights, None).
VALUES_START = b"c_codecs\nencode\n"
_MARK = b"("[0]
_NONE_TUPLE3_STOP = b"N\x87."
# The same pickle with slice() for _codecs.encode: each value stays the text it was
# pickled as, wrapped in a slice (about the cheapest call that takes two arguments).
TEXT_KEPT = b"cbuiltins\nslice\n"


def ids_and_weights(count: int, raw: bytes) -> tuple:
    """A W3 posting block's (ids, weights, None), without unpickling its values."""
    cut = raw.find(VALUES_START)
    if cut > 0:
        if raw[cut - 1] == _MARK:  # the values tuple's MARK
            cut -= 1
        try:
            data = loads(raw[:cut] + _NONE_TUPLE3_STOP)
        except Exception:
            data = None
        if type(data) is tuple and len(data) == 3 and len(data[0]) == count:
            return data
    return loads(raw)


def _with_positions(matcher, raw: bytes, format_) -> tuple[tuple, Callable[[], list]]:
    """A block's (ids, weights, None), and a function giving each posting's position
    deltas: as the text of its encoded value (decoded by value_deltas when a phrase
    needs that post), or as a list. The values are unpickled only when asked for: a
    phrase asks only for blocks holding a post it may match."""
    count = matcher._blocklength
    return ids_and_weights(count, raw), lambda: _position_values(raw, format_, count)


def _position_values(raw: bytes, format_, count: int) -> list:
    if type(format_) is Positions:
        try:
            data = loads(raw.replace(VALUES_START, TEXT_KEPT, 1))
        except Exception:
            data = None
        if type(data) is tuple and len(data) == 3 and type(data[2]) is tuple:
            texts = [kept.start for kept in data[2]]
            if len(texts) == count and all(type(text) is str for text in texts):
                return texts
    return [_deltas(format_.decode_positions(v)) for v in loads(raw)[2]]


# -- posting values --------------------------------------------------------------------------


def value_deltas(value: str | list[int]) -> Iterable[int]:
    """A post's position deltas from its Positions value's text (see _with_positions).

    The value is pack_uint(count) + pickle.dumps(deltas, 2). With every delta under 256
    (almost all: positions within a post's words) that pickle is fixed in shape, so the
    deltas are every other character: ']q\\x00(' then 'K' and a byte per delta, then
    'e.'; one delta is ']q\\x00K' + byte + 'a.'. Read so, not unpickled value by
    value, a phrase's positions cost a slice each. Any other shape is unpickled.
    """
    if not isinstance(value, str):
        return value  # already deltas
    if value[4:9] == _LIST_START:
        if value[9:10] == "(" and value[-2:] == "e." and not value[10:-2:2].strip("K"):
            return value[11:-2:2].encode("latin-1")
        if len(value) == 13 and value[9] == "K" and value[11:] == "a.":
            return value[10].encode("latin-1")
    return loads(value[_INT_SIZE:].encode("latin-1"))


_LIST_START = "\x80\x02]q\x00"  # protocol 2, an empty list, memo 0


def _deltas(positions: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *positions], positions, strict=False)]


_FREQUENCIES = [pack_uint(n) for n in range(256)]


def encode_frequency(positions: list[int]) -> bytes:
    """whoosh's Frequency format's value for a word at these positions: their count."""
    count = len(positions)
    return _FREQUENCIES[count] if count < 256 else pack_uint(count)


_ONE_POSITION: dict[int, bytes] = {}


def encode_positions(positions: list[int]) -> bytes:
    """whoosh's Positions.encode, the same bytes, faster: most words occur once in a post."""
    if len(positions) == 1:
        position = positions[0]
        found = _ONE_POSITION.get(position)
        if found is None:
            found = pack_uint(1) + dumps(positions, 2)
            if position < 10_000:
                _ONE_POSITION[position] = found
        return found
    deltas = [b - a for a, b in pairwise([0, *positions])]
    return pack_uint(len(deltas)) + dumps(deltas, 2)
