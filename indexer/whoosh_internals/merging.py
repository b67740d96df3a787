"""Reading whole segments in the order a merge by concatenation writes them.

Whoosh merges segments by pushing every posting of every merged segment
through its external-sort pool and writing them back one by one: at 100x
Reuters that was 72% of the indexing parent's time (``bench/RESULTS.md``,
"Stop 20"). But the segments of a merge are already sorted: a term's
postings in the merged segment are the source segments' postings, one
segment after the other, with each document number shifted by the number of
live documents before it (and renumbered past deleted ones). These functions
read a segment in that shape, a term's whole posting list or a column at a
time; :class:`indexer.fastwrite.MergingSegmentWriter` decides what to write.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from array import array
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    STORED_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    _lenfield,
)
from whoosh.columns import VarBytesColumn
from whoosh.util.numeric import byte_to_length

from indexer.whoosh_internals.reading import numeric_column

__all__ = [
    "LENGTH_OF_CODE",
    "column_values",
    "field_terms",
    "has_vectors",
    "indexed_field_names",
    "length_codes",
    "raw_stored_documents",
    "term_postings",
]

#: A field length by its one-byte code, as Whoosh's merge reads it back
#: (``doc_field_length``): what a merged segment's lengths and totals are made of.
LENGTH_OF_CODE: list[int] = [int(byte_to_length(code)) for code in range(256)]
_BLOCK_LENGTH = struct.Struct("!i")
_MAGIC = len(WHOOSH3_HEADER_MAGIC)


def indexed_field_names(segreader: Any) -> set[str]:
    """The fields that have terms in one segment."""
    return set(segreader._terms.indexed_field_names())


def has_vectors(segreader: Any) -> bool:
    """Whether any field of the segment's schema stores term vectors (not supported here)."""
    return any(field.vector for _, field in segreader.schema.items())


def field_terms(segreader: Any, fieldname: str) -> Iterator[tuple[bytes, Any]]:
    """``(term bytes, term info)`` of one field of a segment, in byte order.

    One sequential walk of the term table from the field's first key, not a
    hash lookup per term.
    """
    terms = segreader._terms
    if fieldname not in terms._fieldmap:
        return
    for (name, tbytes), info in terms.items_from(fieldname, b""):
        if name != fieldname:
            return
        yield tbytes, info


def term_postings(
    segreader: Any, fieldname: str, info: Any, fmt: Any
) -> tuple[array, array, list[bytes]]:
    """One term's postings in a segment: doc numbers, weights, one value per posting.

    Read as the term's bytes in one piece and cut into Whoosh 3 blocks here
    (no matcher, no per-posting call); an inlined posting list (Whoosh's own
    writer inlines single postings) goes through the public matcher.
    ``fmt`` is the field's format.
    """
    terms = segreader._terms
    if info.is_inlined():
        inline_ids, inline_weights, inline_values = info.inlined_postings()
        return (
            array("I", inline_ids),
            array("f", inline_weights),
            [v or b"" for v in inline_values],
        )
    fixed = fmt.fixed_value_size()
    offset, length = info.extent()
    if isinstance(length, tuple):  # Whoosh's ``from_bytes`` keeps the unpacked tuple
        (length,) = length
    buf = terms._postfile.get(offset, length)
    if buf[:_MAGIC] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"bad postings header for a term of {fieldname!r}")
    stream = io.BytesIO(buf)
    position = _MAGIC
    ids = array("I")
    weights = array("f")
    values: list[bytes] = []
    while True:
        (size,) = _BLOCK_LENGTH.unpack_from(buf, position)
        last = size < 0
        end = position + 4 + abs(size)
        stream.seek(position + 4)
        count, _maxid, _maxweight, compression, _mn, _mx = pickle.load(stream)
        data = buf[stream.tell() : end]
        if compression:
            data = zlib.decompress(data)
        deltas, block_weights, block_values = pickle.loads(data)
        ids.extend(accumulate(deltas))
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
        if fixed is None or fixed < 0:
            if len(block_values) != count:
                # Empty values are left out of a block: renumbering would
                # shift the others, so read this term posting by posting.
                return _walk(terms._codec.postings_reader(terms._postfile, info, fmt))
            values.extend(block_values)
        elif fixed == 0:
            values.extend([b""] * count)
        else:
            values.extend(block_values[i : i + fixed] for i in range(0, count * fixed, fixed))
        if last:
            return ids, weights, values
        position = end


def _walk(matcher: Any) -> tuple[array, array, list[bytes]]:
    ids = array("I")
    weights = array("f")
    values: list[bytes] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value() or b"")
        matcher.next()
    return ids, weights, values


def length_codes(segreader: Any, fieldname: str, size: int) -> np.ndarray | None:
    """The field's one-byte length codes of every document (None: no lengths stored)."""
    perdoc = segreader._perdoc
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    return numeric_column(column, size, np.uint8)


def raw_stored_documents(segreader: Any) -> list[bytes]:
    """Every document's stored fields as the segment holds them: pickled, then compressed.

    A merge copies these bytes as they are; decompressing, unpickling,
    pickling and compressing each document again was two thirds of a
    merge's time at 100x. Empty for a document without stored fields.
    """
    perdoc = segreader._perdoc
    size = segreader.doc_count_all()
    if not perdoc.has_column("_stored"):
        return [b""] * size
    compressed = perdoc.column_reader("_stored", STORED_COLUMN)._child
    raw = VarBytesColumn.Reader.__getitem__
    return [raw(compressed, docnum) for docnum in range(size)]


def column_values(segreader: Any, fieldname: str, column: Any) -> list[Any] | None:
    """Every document's raw value of a column, as a merge copies it (None: no such column)."""
    if not segreader.has_column(fieldname):
        return None
    reader = segreader.column_reader(fieldname, column, translate=False)
    size = segreader.doc_count_all()
    return [reader[docnum] for docnum in range(size)]
