"""A faster way for Whoosh to write a brand-new segment.

Whoosh's writer pushes every posting through an external-sort pool and then
through a per-posting write loop that also reads the document's field length
back from disk: about 10 µs per posting, which is most of a Reuters build.
A worker that writes one fresh segment from documents it adds in docnum
order needs none of that machinery:

* :class:`MemoryPool` groups postings by (field, term) in arrays as they are
  added, already in docnum order (no sort, no spill files); a text term's
  positions go into one flat array;
* :class:`FastSegmentWriter` encodes each term's posting blocks (128
  postings each) in Whoosh 3's layout, with block length statistics from
  an in-memory array of field length codes, and adds the term to Whoosh's
  own term table with the file offsets counted rather than asked for.

What a reader sees is exactly what Whoosh would write: the same blocks,
statistics and term table, which a test checks term by term against a
stock-written index. One difference in the bytes: blocks holding positions
are pickled with protocol 4 rather than Whoosh's 2 (see
:data:`_BYTES_PROTOCOL`); ``pickle.loads`` reads both. Only the Whoosh 3
codec is supported; for any other codec the stock path runs unchanged.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from collections.abc import Iterator
from hashlib import md5
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3TermInfo,
)
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.filedb.structfile import StructFile
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.util.numlists import delta_encode
from whoosh.writing import SegmentWriter

from indexer.analysis import PackedPositions

#: Postings per block, as Whoosh's codec writes them.
_BLOCK = 128
#: One term's postings: doc numbers, weights, encoded values; or, for a term
#: of the analyzer's fast path, doc numbers, position counts and all the
#: positions in one array (see :meth:`FastSegmentWriter._add_text`).
_Entry = tuple[array, array, list[bytes]] | tuple[array, array, array]
#: A term's bytes and its postings, as written.
_Postings = tuple[bytes, array, array, list[bytes]]
#: Distinct facet/ID values whose postings are remembered per field.
_MEMO_LIMIT = 50_000


class MemoryPool:
    """Postings grouped by field, then term: doc numbers, weights, values.

    Terms of the analyzer's fast path are kept as ``str`` and encoded once
    per distinct term at flush time (UTF-8 sorts like code points, so the
    order is the same), with their positions in one flat array per term;
    terms from Whoosh's own ``field.index`` stay bytes, with a list of
    encoded values.
    Implements the part of Whoosh's ``PostingPool`` interface the writer
    uses when only ``add_document`` is called.
    """

    def __init__(self) -> None:
        self.fields: dict[str, dict[str | bytes, _Entry]] = {}
        self.fieldnames: set[str] = set()
        self.count = 0

    def field(self, fieldname: str) -> dict[str | bytes, _Entry]:
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, value = item
        terms = self.field(fieldname)
        entry = terms.get(tbytes)
        if entry is None:
            entry = terms[tbytes] = (array("I"), array("f"), [])
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(value or b"")
        self.count += 1

    def cleanup(self) -> None:
        self.fields = {}

    def save(self) -> None:  # nothing spills: the builder bounds the pool's size
        pass


class FastSegmentWriter(SegmentWriter):
    """A lock-free segment writer for worker processes (add_document only)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        # Blocks stay uncompressed and the segment's files are not copied
        # into one compound file: both cost a fifth of a worker's time and
        # buy only disk space (about a third more). Readers handle both
        # forms, and segments merged later are compressed again.
        kwargs.setdefault("codec", W3Codec(compression=0))
        kwargs.setdefault("compound", False)
        super().__init__(ix, _lk=False, **kwargs)
        self._fast = isinstance(self.fieldwriter, W3FieldWriter)
        #: Field lengths as Whoosh stores them, one-byte codes (log scale,
        #: monotonic, 0 only for 0), by field: block and term statistics are
        #: the codes of minima and maxima, so they can work on codes.
        self._lengths: dict[str, dict[int, int]] = {}
        self._text_fields: dict[str, Any] = {}
        self._memo: dict[str, dict[str | None, list[tuple[bytes, int, float, bytes]]]] = {}
        if self._fast:
            self.pool.cleanup()
            self.pool: Any = MemoryPool()

    @property
    def pending_postings(self) -> int:
        return self.pool.count if self._fast else 0

    def add_document(self, **fields: Any) -> None:
        """Whoosh's ``add_document``, with postings appended straight to the pool.

        Same per-document records (stored values, lengths, columns) through
        the same per-document writer; only the per-posting tuple and method
        call of the stock loop are gone, and field lengths are remembered for
        the block statistics instead of being read back from disk. Boost
        keywords (``_boost``) are not supported: newsearch does not use them.
        """
        if not self._fast:
            super().add_document(**fields)
            return
        self._check_state()
        docnum = self.docnum
        perdocwriter = self.perdocwriter
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in sorted(name for name in fields if not name.startswith("_")):
                if fields[fieldname] is not None:
                    self._add_field(docnum, fieldname, fields)
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        self.pool.fieldnames.update(name for name in fields if not name.startswith("_"))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_field(self, docnum: int, fieldname: str, fields: dict[str, Any]) -> None:
        value = fields[fieldname]
        field = self.schema[fieldname]
        analyzer = self._packed_text(fieldname)
        if analyzer is not None and isinstance(value, str):
            length = self._add_text(docnum, fieldname, analyzer, value)
        elif field.indexed:
            length = self._add_postings(docnum, fieldname, field, value)
        else:
            length = 0
        if field.scorable:
            self._lengths.setdefault(fieldname, {})[docnum] = length_to_byte(length)
        else:
            length = 0
        customval = fields.get(f"_stored_{fieldname}", value)
        self.perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
        column = field.column_type
        if column and customval is not None:
            self.perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))

    def _add_text(self, docnum: int, fieldname: str, analyzer: Any, text: str) -> int:
        """``PackedPositions.word_values`` inlined: term -> positions.

        A term's positions go into one flat array with a count per document,
        not into a bytes object per posting: a few bytes per posting instead
        of ~45, and the flush reads them sequentially instead of chasing a
        pointer per posting (which cost a tenth of the flush in cache
        misses). The per-posting values are cut from the array at flush.
        """
        terms = self.pool.field(fieldname)
        length = 0
        found = analyzer.term_positions(text)
        for word, positions in found.items():
            entry = terms.get(word)
            if entry is None:
                entry = terms[word] = (array("I"), array("f"), array("I"))
            count = len(positions)
            entry[0].append(docnum)
            entry[1].append(count)
            entry[2].extend(positions)
            length += count
        self.pool.count += len(found)
        return length

    def _add_postings(self, docnum: int, fieldname: str, field: Any, value: Any) -> int:
        """One document's postings of a non-text field (Whoosh's ``field.index``).

        Facet values repeat across documents (a dateline, a topic list), so
        their postings are remembered per value; a field's output depends on
        the value alone.
        """
        terms = self.pool.field(fieldname)
        memo = self._memo.setdefault(fieldname, {})
        key = value if isinstance(value, str) else None
        postings = memo.get(key) if key is not None else None
        if postings is None:
            postings = [(t, f, w, v or b"") for t, f, w, v in field.index(value)]
            if key is not None and not field.unique and len(memo) < _MEMO_LIMIT:
                memo[key] = postings
        length = 0
        for tbytes, freq, weight, vbytes in postings:
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = (array("I"), array("f"), [])
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(vbytes)
            length += freq
        self.pool.count += len(postings)
        return length

    def _packed_text(self, fieldname: str) -> Any | None:
        """The analyzer of a PackedPositions text field with a fast path, else None."""
        cached = self._text_fields.get(fieldname, False)
        if cached is False:
            field = self.schema[fieldname]
            analyzer = getattr(field, "analyzer", None)
            fast = (
                isinstance(field.format, PackedPositions)
                and field.scorable
                and hasattr(analyzer, "term_positions")
            )
            cached = analyzer if fast else None
            self._text_fields[fieldname] = cached
        return cached

    def _flush_segment(self) -> None:
        if not self._fast:
            super()._flush_segment()
            return
        self.perdocwriter.close()
        self._write_terms()
        self.fieldwriter.close()

    def _field_lengths(self, fieldname: str) -> bytearray | None:
        """Field length codes by docnum, or None for a field without lengths."""
        known = self._lengths.get(fieldname)
        if not known:
            return None
        return bytearray(known.get(docnum, 0) for docnum in range(self.docnum))

    def _write_terms(self) -> None:
        writer = self.fieldwriter
        compression = getattr(self.codec, "_compression", 0)
        postfile = writer._postfile
        # File offsets are counted here, not asked for: ``tell()`` on a
        # buffered file is a system call, and Whoosh's writers call it two
        # to four times per term (a fifth of the flush).
        write = postfile.file.write if type(postfile) is StructFile else postfile.write
        offset = postfile.tell()
        table = _TermTable(writer._tindex)
        for fieldname in sorted(self.pool.fields):
            terms = self.pool.fields[fieldname]
            fieldobj = self.schema[fieldname]
            lengths = self._field_lengths(fieldname)
            fixed = fieldobj.format.fixed_value_size()
            writer.start_field(fieldname, fieldobj)
            prefix = pack_ushort(writer._fieldid)
            boost = fieldobj.format.field_boost
            for tbytes, ids, weights, values in _by_bytes(terms, boost):
                data, stats = _encode_postings(ids, weights, values, lengths, fixed, compression)
                write(data)
                table.add(prefix + tbytes, stats + pack_long(offset) + pack_int(len(data)))
                offset += len(data)
            writer.finish_field()
        table.close()
        self.pool.cleanup()
        self._memo = {}


class _TermTable:
    """Adds terms to Whoosh's ``OrderedHashWriter`` exactly as its ``add`` does,
    with the file offset counted instead of asked for with ``tell()``.

    Anything but the stock table with its MD5 hash goes through ``add``.
    """

    def __init__(self, table: Any) -> None:
        self._table = table
        dbfile = table.dbfile
        self._fast = (
            type(table) is OrderedHashWriter and table.hashtype == 0 and type(dbfile) is StructFile
        )
        if self._fast:
            self._write = dbfile.file.write
            self._offset = dbfile.tell()
            self._index = table.index.append
            self._buckets = table.buckets
            self._last = table.lastkey

    def add(self, key: bytes, value: bytes) -> None:
        if not self._fast:
            self._table.add(key, value)
            return
        if key <= self._last:
            raise ValueError(f"Keys must increase: {self._last!r}..{key!r}")
        position = self._offset
        self._index(position)
        self._write(_KV_LENGTHS.pack(len(key), len(value)) + key + value)
        # ``md5_hash``: the low 32 bits of the digest read as a big integer.
        hashed = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")
        self._buckets[hashed & 255].append((hashed, position))
        self._offset = position + 8 + len(key) + len(value)
        self._last = key

    def close(self) -> None:
        if self._fast:
            self._table.lastkey = self._last


def _by_bytes(terms: dict[str | bytes, _Entry], boost: float) -> Iterator[_Postings]:
    """A field's terms in byte order, each with its postings.

    A field's terms are ``str`` (the analyzer's fast path) or bytes
    (Whoosh's ``field.index``); a text field given both strings and token
    lists has both, and one term's two entries are merged in docnum order.
    """
    keys: dict[bytes, list[str | bytes]] = {}
    for term in terms:
        keys.setdefault(term.encode("utf-8") if isinstance(term, str) else term, []).append(term)
    for tbytes in sorted(keys):
        entries = [_as_values(terms[term], boost) for term in keys[tbytes]]
        if len(entries) == 1:
            yield tbytes, *entries[0]
            continue
        merged = sorted(
            (docnum, weight, value)
            for ids, weights, values in entries
            for docnum, weight, value in zip(ids, weights, values, strict=True)
        )
        yield (
            tbytes,
            array("I", [d for d, _, _ in merged]),
            array("f", [w for _, w, _ in merged]),
            [v for _, _, v in merged],
        )


def _as_values(entry: _Entry, boost: float) -> tuple[array, array, list[bytes]]:
    """A pool entry as doc numbers, weights and one encoded value per posting.

    A fast-path entry's flat positions are cut into each posting's packed
    positions, and its counts become weights (frequency x field boost).
    """
    ids, weights, values = entry
    if not isinstance(values, array):
        return ids, weights, values
    raw = values.tobytes()
    if len(ids) == 1:
        cut = [raw]
    else:
        cut = []
        start = 0
        for count in weights:
            end = start + (int(count) << 2)
            cut.append(raw[start:end])
            start = end
    if boost != 1.0:
        weights = array("f", [count * boost for count in weights])
    return ids, weights, cut


_TERMINFO = W3TermInfo._struct
#: Pickle protocol for blocks that hold a tuple of byte strings (positions).
#: Whoosh writes protocol 2, which pickles each ``bytes`` as a call to
#: ``_codecs.encode`` on a Latin-1 string: about 10x slower to write (it was
#: a quarter of the segment flush) and 2.3x bigger than protocol 4's binary
#: bytes. ``pickle.loads`` reads either, so every reader (ours, Whoosh's
#: matchers, a merge) sees the same tuples. Blocks without byte strings keep
#: protocol 2, which is faster there (no framing).
_BYTES_PROTOCOL = 4
_NO_ID = 0xFFFFFFFF
#: A term table record's header: key length, value length.
_KV_LENGTHS = struct.Struct("!ii")


def _encode_postings(
    ids: array,
    weights: array,
    values: list[bytes],
    lengths: bytearray | None,
    fixed: int | None,
    compression: int,
) -> tuple[bytes, bytes]:
    """One term's posting blocks as Whoosh 3's postings writer lays them out.

    The same layout as ``W3PostingsWriter`` (header tag, then per block: its
    length, negative for the last; the pickled block info; the pickled,
    possibly compressed, ids/weights/values), without its per-posting calls
    and per-block buffers. Returns the bytes and the term's statistics as
    ``W3TermInfo.to_bytes`` packs them before the offset and length,
    gathered block by block as ``add_block`` does. ``lengths`` holds the
    field's length codes by docnum, None for a field without lengths.
    """
    parts = [WHOOSH3_HEADER_MAGIC]
    total_weight = 0.0
    min_length: int | None = None
    max_length = 0
    max_weight = 0.0
    total = len(ids)
    for first in range(0, total, _BLOCK):
        last = min(first + _BLOCK, total)
        if total <= _BLOCK:
            block_ids, block_weights, block_values = ids, weights, values
        else:
            block_ids = ids[first:last]
            block_weights = weights[first:last]
            block_values = values[first:last]
        # Whoosh ignores zero lengths and empty values in its statistics.
        if lengths is None:
            block_min, block_max = None, 0
        else:
            block_lengths = [n for n in map(lengths.__getitem__, block_ids) if n]
            block_min = min(block_lengths) if block_lengths else None
            block_max = max(block_lengths, default=0)
        block_max_weight = max(0, max(block_weights))
        total_weight += sum(block_weights)
        if block_min is not None:
            min_length = block_min if min_length is None else min(min_length, block_min)
        max_length = max(max_length, block_max)
        max_weight = max(max_weight, block_max_weight)
        encoded = _mini_values([v for v in block_values if v], fixed)
        data = dumps(
            (tuple(delta_encode(block_ids)), _mini_weights(block_weights), encoded),
            _BYTES_PROTOCOL if type(encoded) is tuple else 2,
        )
        level = compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if level:
            data = zlib.compress(data, level)
        info = dumps(
            (
                len(block_ids),
                block_ids[-1],
                block_max_weight,
                level,
                block_min or 0,
                block_max,
            ),
            2,
        )
        size = len(info) + len(data)
        parts.append(pack_int(-size if last == total else size))
        parts.append(info)
        parts.append(data)
    stats = _TERMINFO.pack(
        False,
        total_weight,
        total,
        min_length or 0,
        max_length,
        max_weight,
        ids[0] if total else _NO_ID,
        ids[-1] if total else _NO_ID,
    )
    return b"".join(parts), stats


def _mini_weights(weights: array) -> Any:
    if all(w == 1.0 for w in weights):
        return None
    if all(w == weights[0] for w in weights):
        return weights[0]
    return tuple(weights)


def _mini_values(values: list[bytes], fixed: int | None) -> Any:
    if fixed is None or fixed < 0:
        return tuple(values)
    if fixed == 0:
        return None
    return b"".join(values)


__all__ = ["FastSegmentWriter", "MemoryPool"]
