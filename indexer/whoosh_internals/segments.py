"""Writing Whoosh 3 segments without Whoosh's slow paths, and committing them.

Three pieces, each named for what it does:

* :class:`WorkerSegmentWriter`: a ``SegmentWriter`` that takes no lock
  (worker processes write while the parent holds ours), writes uncompressed,
  non-compound segments, exposes the per-document steps of ``add_document``
  as public methods, and hands the postings flush to a subclass
  (:meth:`WorkerSegmentWriter.write_terms`, see :mod:`indexer.fastwrite`);
* :class:`PostingsOutput`: what that flush writes to: one term's posting
  blocks in Whoosh 3's layout plus its term-table entry, with file offsets
  counted rather than asked for (``tell()`` is a system call);
* :class:`LockHeldWriter`: the parent's ``SegmentWriter``, committing its
  deletions together with segments written by workers, with hooks between
  the steps of a commit (for crash tests).

What a reader sees is exactly what Whoosh would write: the same blocks,
statistics and term table, which ``tests/unit/test_fastwrite.py`` checks term
by term against a stock-written index. One difference in the bytes: blocks
holding positions are pickled with protocol 4 rather than Whoosh's 2 (see
:data:`BYTES_PROTOCOL`); ``pickle.loads`` reads both.
"""

from __future__ import annotations

import contextlib
import struct
import zlib
from array import array
from collections.abc import Callable
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
from whoosh.columns import VarBytesColumn
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC, clean_files
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.util.numlists import delta_encode
from whoosh.writing import SegmentWriter

__all__ = ["LockHeldWriter", "PostingsOutput", "WorkerSegmentWriter", "length_code"]

#: Postings per block, as Whoosh's codec writes them.
BLOCK = 128
#: Pickle protocol for blocks that hold a tuple of byte strings (positions).
#: Whoosh writes protocol 2, which pickles each ``bytes`` as a call to
#: ``_codecs.encode`` on a Latin-1 string: about 10x slower to write (it was
#: a quarter of the segment flush) and 2.3x bigger than protocol 4's binary
#: bytes. ``pickle.loads`` reads either, so every reader (ours, Whoosh's
#: matchers, a merge) sees the same tuples. Blocks without byte strings keep
#: protocol 2, which is faster there (no framing).
BYTES_PROTOCOL = 4
_NO_ID = 0xFFFFFFFF
_TERMINFO = W3TermInfo._struct
#: A term table record's header: key length, value length.
_KV_LENGTHS = struct.Struct("!ii")


def length_code(length: int) -> int:
    """Whoosh's one-byte code of a field length (log scale, monotonic, 0 only for 0)."""
    return int(length_to_byte(length))


class WorkerSegmentWriter(SegmentWriter):
    """A lock-free ``SegmentWriter`` for worker processes; subclasses write the postings.

    ``add_document`` is left to the subclass, built from :meth:`start_document`,
    :meth:`add_stored`, :meth:`add_column`, :meth:`finish_document` and
    :meth:`cancel_document`. When the codec is not Whoosh 3's
    (:attr:`whoosh3` is False), the stock paths run unchanged.
    """

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        # Blocks stay uncompressed and the segment's files are not copied
        # into one compound file: both cost a fifth of a worker's time and
        # buy only disk space (about a third more). Readers handle both
        # forms, and segments merged later are compressed again.
        kwargs.setdefault("codec", W3Codec(compression=0))
        kwargs.setdefault("compound", False)
        super().__init__(ix, _lk=False, **kwargs)
        #: True when this writer's postings go through :meth:`write_terms`.
        self.whoosh3 = isinstance(self.fieldwriter, W3FieldWriter)

    # -- one document ----------------------------------------------------------------

    def start_document(self) -> int:
        """Begin the next document; return its number in the segment."""
        self._check_state()
        self.perdocwriter.start_doc(self.docnum)
        return int(self.docnum)

    def add_stored(self, fieldname: str, field: Any, stored: Any, length: int) -> None:
        """Record a field's stored value (None: not stored) and length for this document."""
        self.perdocwriter.add_field(fieldname, field, stored, length)

    def add_stored_raw(self, raw: bytes) -> None:
        """This document's stored fields as another segment holds them (pickled, compressed).

        Only for a document given no stored value through :meth:`add_stored`.
        """
        if raw:
            stored = self.perdocwriter._colwriters["_stored"]._child
            VarBytesColumn.Writer.add(stored, self.docnum, raw)

    def add_column(self, fieldname: str, column: Any, value: Any) -> None:
        self.perdocwriter.add_column_value(fieldname, column, value)

    def cancel_document(self) -> None:
        self.perdocwriter.cancel_doc()

    def finish_document(self) -> None:
        self.perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    # -- the segment -----------------------------------------------------------------

    def write_terms(self, out: PostingsOutput) -> None:
        """Write every term's postings to ``out``, fields and terms in byte order."""
        raise NotImplementedError

    def _flush_segment(self) -> None:
        if not self.whoosh3:
            super()._flush_segment()
            return
        self.perdocwriter.close()
        self.write_terms(PostingsOutput(self.fieldwriter, self.codec))
        self.fieldwriter.close()

    def finish_unlocked(self, keep: bool) -> Any | None:
        """Close the segment without Whoosh's ``_finish()``; return it if ``keep``.

        Every writer of an index shares its ``MAIN.tmp`` folder, and
        ``_finish()`` deletes that folder, which would pull temporary files
        from under a sibling worker still writing. The lock-holding parent
        commits after all workers are done, and its own ``_finish()`` clears
        the folder then. The segment returned is picklable.
        """
        segment = None
        if keep:
            segment = self._finalize_segment()
        else:
            self._close_segment()
        self.is_closed = True
        return segment


class PostingsOutput:
    """One segment's posting file and term table, written term by term.

    Call :meth:`start_field`, :meth:`add_term` for each term in byte order,
    :meth:`finish_field`; :meth:`close` at the end.
    """

    def __init__(self, fieldwriter: Any, codec: Any) -> None:
        self._writer = fieldwriter
        self._compression = getattr(codec, "_compression", 0)
        postfile = fieldwriter._postfile
        # File offsets are counted here, not asked for: ``tell()`` on a
        # buffered file is a system call, and Whoosh's writers call it two
        # to four times per term (a fifth of the flush).
        self._write = postfile.file.write if type(postfile) is StructFile else postfile.write
        self._offset = postfile.tell()
        self._table = _TermTable(fieldwriter._tindex)
        self._prefix = b""
        self._fixed: int | None = None

    def start_field(self, fieldname: str, field: Any) -> None:
        self._writer.start_field(fieldname, field)
        self._prefix = pack_ushort(self._writer._fieldid)
        self._fixed = field.format.fixed_value_size()

    def add_term(
        self,
        tbytes: bytes,
        ids: array,
        weights: array,
        values: list[bytes],
        lengths: bytearray | None,
    ) -> None:
        """One term's postings (doc numbers ascending); ``lengths``: length codes by doc."""
        data, stats = encode_postings(ids, weights, values, lengths, self._fixed, self._compression)
        self._write(data)
        self._table.add(
            self._prefix + tbytes, stats + pack_long(self._offset) + pack_int(len(data))
        )
        self._offset += len(data)

    def finish_field(self) -> None:
        self._writer.finish_field()

    def close(self) -> None:
        self._table.close()


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


def encode_postings(
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
    for first in range(0, total, BLOCK):
        last = min(first + BLOCK, total)
        if total <= BLOCK:
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
            BYTES_PROTOCOL if type(encoded) is tuple else 2,
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


class LockHeldWriter(SegmentWriter):
    """The writer of the process holding the index lock: deletions, merges, commits."""

    def commit_segments(
        self,
        segments: list[Any],
        merge: bool = True,
        before_toc: Callable[[], None] | None = None,
        after_toc: Callable[[], None] | None = None,
        policy: Callable[[Any, list[Any]], list[Any]] | None = None,
        segments_ready: Callable[[list[Any]], None] | None = None,
        shared: bool = False,
    ) -> None:
        """Commit this writer's deletions and ``segments`` (written elsewhere) as one generation.

        Whoosh's ``commit()``, with segments from other writers added to the
        new table of contents. ``segments_ready`` receives every segment the
        new table of contents will name, once all are written (merged ones
        included) and before it is: files derived from segments are written
        there, so a commit is never visible without them. ``before_toc`` runs
        next; ``after_toc`` once the table of contents is renamed into place
        and old files are not yet cleaned. Both exist for crash tests.
        ``policy`` chooses which existing segments to merge (Whoosh's
        ``MERGE_SMALL`` when None).

        ``shared``: worker processes are writing new segments into the index
        while this commit runs (the next batch of a run). Whoosh's clean-up
        deletes every file of a segment the new table of contents does not
        name, and the temporary folder every writer shares: theirs too. A
        shared commit deletes only the files of the segments it replaced
        (merged away or emptied) and of its own unused segment, and keeps
        the temporary folder and older tables of contents (a worker may be
        reading one); the run's last commit, with no worker running, cleans
        everything as Whoosh does.
        """
        self._check_state()
        previous = {segment.segment_id() for segment in self.segments}
        try:
            final = self._merge_segments(policy if merge else None, False, merge)
            if self._added:
                final.append(self._finalize_segment())
            else:
                self._close_segment()
            final.extend(segments)
            if segments_ready is not None:
                segments_ready(final)
            if before_toc is not None:
                before_toc()
            TOC(self.schema, final, self.generation).write(self.storage, self.indexname)
            if after_toc is not None:
                after_toc()
            if shared:
                replaced = (previous | {self.newsegment.segment_id()}) - {
                    segment.segment_id() for segment in final
                }
                clean_segments(self.storage, self.indexname, replaced)
            else:
                clean_files(self.storage, self.indexname, self.generation, final)
        except Exception:
            if shared:
                self._finish_shared()
            else:
                self._cleanup_on_error()
            raise
        if shared:
            self._finish_shared()
        else:
            self._finish()

    def _finish_shared(self) -> None:
        """Whoosh's ``_finish()`` without deleting the temporary folder workers still use."""
        if self._searcher is not None:
            self._searcher._orig_close()
            self._searcher = None
        if self.writelock:
            self.writelock.release()
        self.is_closed = True


def clean_segments(storage: Any, indexname: str, segment_ids: set[str]) -> None:
    """Delete the files of these segments (and nothing else) from ``storage``."""
    pattern = TOC._segment_pattern(indexname)
    for filename in list(storage):
        found = pattern.match(filename)
        if found and found.group(1) in segment_ids:
            # As Whoosh's clean_files: a file still open elsewhere stays.
            with contextlib.suppress(OSError):
                storage.delete_file(filename)
