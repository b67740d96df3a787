"""Reading a Whoosh 3 segment in bulk: posting blocks, numeric columns, field lengths.

Whoosh's public readers answer one posting or one document per Python call
(about 2 µs each); the search engine needs whole arrays. These functions
read the same data a block or a column at a time. Each has a slow fallback
through the public API for readers of another shape (an inline posting, a
column type without a raw buffer), so an unexpected codec is slower, never
wrong.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.util.numeric import byte_to_length

#: One posting block as stored: delta-encoded doc numbers, the weights in
#: Whoosh's compact form (None: all 1.0; a number: all equal; else one per
#: posting), and the encoded values (empty for a format without values).
RawBlock = tuple[Sequence[int], Any, Sequence[bytes]]

__all__ = [
    "FileStorage",
    "RawBlock",
    "field_lengths",
    "fixed_column_bytes",
    "has_term",
    "latest_generation",
    "length_table",
    "numeric_column",
    "posting_blocks",
    "term_matcher",
    "terms_checksum",
]


def latest_generation(directory: str, indexname: str) -> int:
    """The newest committed generation in ``directory`` (-1 if none), from file names only.

    Cheaper than opening the index: one directory listing, no table of contents read.
    """
    return int(TOC._latest_generation(FileStorage(directory, readonly=True), indexname))


def has_term(segreader: Any, fieldname: str, btext: bytes) -> bool:
    """Whether one segment's term table holds ``btext`` in ``fieldname``."""
    return (fieldname, btext) in segreader._terms


def term_matcher(segreader: Any, fieldname: str, btext: bytes) -> Any:
    """The raw matcher of a term in one segment: deleted documents included.

    ``SegmentReader.postings`` wraps it to skip deleted documents one by one;
    the engine masks deletions with one vector operation instead.
    """
    fmt = segreader.schema[fieldname].format
    return segreader._terms.matcher(fieldname, btext, fmt)


def posting_blocks(matcher: Any) -> Iterator[RawBlock] | None:
    """The blocks of a Whoosh 3 block matcher, read without decoding each posting.

    None for any other matcher (an inline posting list, another codec): the
    caller then walks it with the public ``id()``/``weight()``/``next()``.
    """
    if not hasattr(matcher, "_read_data") or not hasattr(matcher, "_lastblock"):
        return None
    return _blocks(matcher)


def _blocks(matcher: Any) -> Iterator[RawBlock]:
    while True:
        matcher._read_data()
        ids, weights, values = matcher._data[0], matcher._data[1], matcher._data[2]
        yield ids, weights, values or ()
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


def length_table() -> np.ndarray:
    """Field length by Whoosh's one-byte length code (a log scale), as float32[256]."""
    return np.asarray([byte_to_length(code) for code in range(256)], dtype=np.float32)


_LENGTHS = length_table()


def _is_raw_numeric(column: Any) -> bool:
    return all(hasattr(column, name) for name in ("_dbfile", "_basepos", "_count", "_typecode"))


def numeric_column(column: Any, size: int, dtype: Any) -> np.ndarray:
    """All ``size`` values of a column reader as an array, in one read.

    Whoosh's ``NumericColumn`` stores big-endian fixed-size values for the
    first ``_count`` documents (later ones take the default); reading them
    with ``numpy.frombuffer`` replaces a Python call per document. Other
    column types are iterated.
    """
    if not _is_raw_numeric(column):
        return np.fromiter(iter(column), dtype=dtype, count=size)
    width = np.dtype(column._typecode).itemsize
    count = min(column._count, size)
    raw = column._dbfile.get(column._basepos, count * width) if count else b""
    values = np.frombuffer(raw, dtype=">" + column._typecode).astype(dtype)
    if count < size:
        values = np.concatenate([values, np.full(size - count, column._default, dtype=dtype)])
    return values


def fixed_column_bytes(column: Any, size: int) -> bytes:
    """The raw values of a fixed-size column for the first ``size`` documents, in one read.

    Whoosh stores them flat (documents past the column's count have none);
    other column types are read value by value.
    """
    if all(hasattr(column, name) for name in ("_dbfile", "_basepos", "_count", "_fixedlen")):
        count = min(column._count, size)
        if not count:
            return b""
        return bytes(column._dbfile.get(column._basepos, count * column._fixedlen))
    return b"".join(column[n] for n in range(size))


def field_lengths(segreader: Any, fieldname: str, size: int) -> np.ndarray:
    """Every document's length of ``fieldname`` in one segment, as float32.

    Whoosh 3 keeps lengths as one-byte codes in a hidden column per field;
    read in one go and mapped through :func:`length_table` (exactly what
    ``doc_field_length`` returns, document by document).
    """
    column = None
    perdoc = getattr(segreader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is not None and _is_raw_numeric(column):
        return _LENGTHS[numeric_column(column, size, np.int64)]
    length = segreader.doc_field_length
    return np.fromiter(
        (length(n, fieldname) or 0 for n in range(size)), dtype=np.float32, count=size
    )


def terms_checksum(directory: str, segment: Any) -> int:
    """CRC-32 of one segment's term table (inside its compound file if it has one).

    Whoosh keeps no checksums; the search arrays record this one so that a
    damaged term table shows when a generation is opened (a few ms per
    segment at Reuters size: the table is read sequentially, once).
    """
    storage: Any = FileStorage(directory, readonly=True)
    if segment.is_compound():
        storage = segment.open_compound_file(storage)
    handle = segment.open_file(storage, W3Codec.TERMS_EXT)
    try:
        crc = 0
        while chunk := handle.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
        return crc
    finally:
        handle.close()
        if storage is not None and segment.is_compound():
            storage.close()
