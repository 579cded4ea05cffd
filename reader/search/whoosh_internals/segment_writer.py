"""Writing whoosh segments faster: the same files, less Python per posting.

A posting is one word in one post's field; 10,000 posts make about 5.7 million. whoosh
passes each one as a tuple into a pool that it sorts (spilling sorted runs to disk and
merging them back when the pool outgrows `limitmb`), then through a chain of calls per
posting, reading the post's field length back from the length column for each one. That
was most of an index build. Here, with whoosh's own file format:

* GroupedPool keeps each term's postings together as they come (documents arrive in
  order), in arrays: no sort of millions of tuples, no runs on disk, and about a third
  of the memory of whoosh's pool;
* the field writer writes a term's postings a block at a time, with each document's
  field length read once per field, not once per posting.

FastSegmentWriter and FastMpWriter are whoosh's SegmentWriter and MpWriter (two build
processes) with these parts. Segments name whoosh's own W3Codec, which reads them:
an index never depends on this module to open. tests/test_index_build.py holds the
postings, term statistics and block statistics equal to whoosh's writer's.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Sequence
from itertools import pairwise

from whoosh.codec.whoosh3 import (
    W3Codec,
    W3FieldWriter,
    W3PostingsWriter,
    W3Segment,
    W3TermInfo,
)
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter


class GroupedPool:
    """A posting pool holding each field's terms' postings together, in arrival order.

    Implements what SegmentWriter uses of whoosh's PostingPool: add(), fieldnames,
    iter_postings() in (field, term, document) order, cleanup(). add_words() takes a
    document's words for a field at once, keyed by the words themselves.
    """

    def __init__(self) -> None:
        self.fieldnames: set[str] = set()
        # fieldname -> term (bytes, or str from add_words) -> (docnums, weights, values)
        self._fields: dict[str, dict] = {}

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, vbytes = item
        terms = self._fields.get(fieldname)
        if terms is None:
            self.fieldnames.add(fieldname)
            terms = self._fields[fieldname] = {}
        postings = terms.get(btext)
        if postings is None:
            postings = terms[btext] = (array("I"), array("d"), [])
        postings[0].append(docnum)
        postings[1].append(weight)
        postings[2].append(vbytes)

    def add_words(self, fieldname: str, docnum: int, words: dict, encode, boost: float) -> int:
        """A document's words in a field, word -> positions; values by `encode(positions)`.

        A posting's weight is its frequency times `boost`. Returns the field's length.
        """
        terms = self._fields.get(fieldname)
        if terms is None:
            self.fieldnames.add(fieldname)
            terms = self._fields[fieldname] = {}
        length = 0
        for word, positions in words.items():
            count = len(positions)
            length += count
            postings = terms.get(word)
            if postings is None:
                postings = terms[word] = (array("I"), array("d"), [])
            postings[0].append(docnum)
            postings[1].append(float(count) * boost)
            postings[2].append(encode(positions))
        return length

    def grouped(self):
        """(fieldname, btext, docnums, weights, values) in field and term order."""
        for fieldname in sorted(self._fields):
            terms = self._fields.pop(fieldname)  # freed as it is written
            by_bytes: dict[bytes, tuple[array, array, list]] = {}
            for term in list(terms):
                postings = terms.pop(term)
                btext = term.encode("utf-8") if isinstance(term, str) else term
                if btext in by_bytes:  # the same term from add() and add_words()
                    for mine, theirs in zip(by_bytes[btext], postings, strict=True):
                        mine.extend(theirs)
                else:
                    by_bytes[btext] = postings
            for btext in sorted(by_bytes):
                ids, weights, values = by_bytes.pop(btext)
                if any(a >= b for a, b in pairwise(ids)):  # merged segments may interleave
                    order = sorted(range(len(ids)), key=ids.__getitem__)
                    ids = array("I", (ids[i] for i in order))
                    weights = array("d", (weights[i] for i in order))
                    values = [values[i] for i in order]
                yield fieldname, btext, ids, weights, values

    def iter_postings(self):
        for fieldname, btext, ids, weights, values in self.grouped():
            for docnum, weight, vbytes in zip(ids, weights, values, strict=True):
                yield fieldname, btext, docnum, weight, vbytes

    def cleanup(self) -> None:
        self._fields.clear()


# Posting blocks are written without zlib (whoosh's default is level 3). A block's
# pickle holds its ids and weights first and its position values after them; stored
# plain, a search reads the ids and weights as a slice and never touches the values
# unless a phrase asks, where a compressed block must be inflated whole first. Measured
# at 10,000 posts (docs/performance.md): query p50 about a quarter lower, the build a
# little faster, the posting files about three times larger (158 MB against 48 MB; the
# real archive's index stays a few MB). whoosh reads either kind: each block records
# its own compression, so an index written before reads as it did.
POSTING_COMPRESSION = 0


def plain_codec() -> W3Codec:
    """whoosh's own W3 codec, writing posting blocks as the fast writers do."""
    return W3Codec(compression=POSTING_COMPRESSION)


class BuildCodec(W3Codec):
    """whoosh's W3 codec with a faster field writer; segments record plain W3Codec."""

    def __init__(self, compression: int = POSTING_COMPRESSION) -> None:
        super().__init__(compression=compression)

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors: whoosh's own writer
            return super().postings_writer(dbfile, byteids=byteids)
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def new_segment(self, storage, indexname):
        # The table of contents pickles the segment's codec: name whoosh's, which
        # reads the same files.
        return W3Segment(W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)


class _PostingsWriter(W3PostingsWriter):
    _ids: Sequence[int]  # whoosh's block buffer of document numbers (set in W3's __init__)

    def add_list(self, ids: array, weights: array, values: list, lengths: list) -> None:
        """A term's postings, as add_posting() one by one would have added them."""
        limit = self._blocklimit
        for start in range(0, len(ids), limit):
            if len(self._ids) >= limit:
                self._write_block()
            # The block buffer is empty here: each pass fills it with up to `limit`.
            block_ids = ids[start : start + limit]
            block_weights = weights[start : start + limit]
            self._ids = block_ids
            self._weights = array("f", block_weights)
            self._values = [v for v in values[start : start + limit] if v]
            self._maxweight = max(0, max(block_weights))
            found = [n for n in (lengths[d] for d in block_ids) if n]
            self._minlength = min(found) if found else None
            self._maxlength = max(found) if found else 0


class _FieldWriter(W3FieldWriter):
    def add_grouped(self, schema, lengths, groups) -> None:
        """Write GroupedPool.grouped() postings, field lengths read once per document."""
        doc_count = lengths.doc_count_all() if lengths else 0
        lastfn = None
        field_lengths: list = []
        for fieldname, btext, ids, weights, values in groups:
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                if lengths:
                    read = lengths.doc_field_length
                    field_lengths = [read(d, fieldname) for d in range(doc_count)]
                lastfn = fieldname
            if not field_lengths:
                field_lengths = [0] * (max(ids) + 1)
            self._btext = btext
            self._postwriter.start_postings(self._format, W3TermInfo())
            self._postwriter.add_list(ids, weights, values, field_lengths)
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


class FastSegmentWriter(SegmentWriter):
    """whoosh's SegmentWriter with a GroupedPool, flushed a term at a time."""

    def __init__(self, ix, **kwargs) -> None:
        kwargs.pop("poolclass", None)
        kwargs["codec"] = BuildCodec()
        super().__init__(ix, **kwargs)
        self.pool = GroupedPool()
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                self.cancel()
                raise ValueError(f"{name}: term vectors and spelling fields need whoosh's writer")

    def add_document(self, **fields):
        """whoosh's SegmentWriter.add_document, a field's postings added in one call."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    freqs = self._add_postings(fieldname, field, docnum, value, fieldboost)
                    if field.scorable:
                        length = freqs
                customval = fields.get(f"_stored_{fieldname}", value)
                stored = customval if field.stored else None
                perdocwriter.add_field(fieldname, field, stored, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(
                        fieldname, column, field.to_column_value(customval)
                    )
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_postings(self, fieldname, field, docnum, value, fieldboost) -> int:
        """Pool a field's postings for a document; the sum of their frequencies."""
        words = None
        if fieldboost == 1.0 and hasattr(field, "word_positions"):
            words = field.word_positions(value)
        if words is not None:
            positions, encode = words
            boost = field.format.field_boost
            return self.pool.add_words(fieldname, docnum, positions, encode, boost)
        length = 0
        add = self.pool.add
        for btext, freq, weight, vbytes in field.index(value):
            length += freq
            add((fieldname, btext, docnum, weight * fieldboost, vbytes))
        return length

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        try:
            self.fieldwriter.add_grouped(self.schema, pdr, self.pool.grouped())
        finally:
            pdr.close()
        self.fieldwriter.close()


class _FastSubWriterTask(SubWriterTask):
    def run(self):
        # whoosh's SubWriterTask.run (multisegment), with a FastSegmentWriter.
        from reader.processes import end_with_parent

        end_with_parent(self.parent_pid)
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = FastSegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
        else:
            segment = writer._finalize_segment()
            self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=5)


class FastMpWriter(MpWriter):
    """whoosh's MpWriter (multisegment: one segment per process) with FastSegmentWriters."""

    def __init__(self, ix, procs: int, **kwargs) -> None:
        kwargs.pop("poolclass", None)
        super().__init__(ix, procs=procs, multisegment=True, codec=BuildCodec(), **kwargs)
        self.pool = GroupedPool()

    def _new_task(self):
        task = _FastSubWriterTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        task.parent_pid = os.getpid()  # the helper ends if this process does
        self.tasks.append(task)
        task.start()
        return task

    _flush_segment = FastSegmentWriter._flush_segment
