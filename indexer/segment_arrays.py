"""Per-segment arrays of the search service, written beside each segment and read with mmap.

The search service needs, for every Whoosh segment, arrays Whoosh keeps in
other shapes: dates, title/body lengths, facet (document, value) pairs,
near-duplicate signatures and the terms of the fields it expands (wildcards,
fuzzy terms, spelling). Decoding them from the segment costs seconds per
process (a facet value's postings are read one term at a time; a field's
terms one Python call each), which every server worker and every CLI call
paid again. So the indexer writes them once, when it writes the segment,
into one file ``<segment id>.nsarrays`` beside it: immutable like the
segment, read with ``mmap`` (the worker processes of a server share the
pages; start-up decodes nothing but a small JSON header and, on first use,
the term lists).

File layout (little-endian): ``MAGIC``, the header length (u64), the
header's CRC-32 (u32), the header (JSON: format version, segment id,
document count, total file size, and the offset/dtype/shape of each array
or the offset/length of each JSON string list), then the sections, each
aligned to :data:`ALIGN` bytes.

Crash safety: the file is written to a temporary name, flushed with
``fsync`` and renamed into place (then the directory is synced), before the
table of contents naming its segment is committed. A reader that finds no
file, or one whose magic, header checksum, segment id, document count or
size disagrees (a truncated copy, a file from another version), or whose
segment files no longer have the sizes recorded in it (a truncated postings
file), builds the arrays from the segment in memory as before: an index without these files,
or with damaged ones, opens and searches with the same results, only slower.
The name matches Whoosh's segment file pattern, so Whoosh's own clean-up
deletes the file with its segment when a merge retires it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import mmap
import os
import struct
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from indexer import schema as F
from indexer.dedup import PERMUTATIONS, SIGNATURE_BYTES
from indexer.search.postings import DOC_DTYPE, read_postings
from indexer.search.yielding import never_pause
from indexer.whoosh_internals import (
    field_lengths,
    fixed_column_bytes,
    length_table,
    numeric_column,
    terms_checksum,
)

if TYPE_CHECKING:  # the writer's types only: a search never loads the writer
    from indexer.fastwrite import FastSegmentWriter, Kept

log = logging.getLogger(__name__)

#: File name suffix after the segment id (``MAIN_<id>.nsarrays``).
SUFFIX = ".nsarrays"
#: Prefix of the temporary name a file is written under before its rename.
TMP_MARK = ".tmp"
MAGIC = b"NSARRAY1"
#: Bumped whenever what is stored, or how, changes: older files are rebuilt.
VERSION = 1
ALIGN = 64
#: Magic, header length and header CRC: the start of every mapped file we write.
PREAMBLE = struct.Struct("<8sQI")
#: Fields whose terms (with document frequencies) are stored: the ones the
#: search service expands or corrects (others are read from the segment).
VOCAB_FIELDS: tuple[str, ...] = (*F.TEXT_FIELDS, F.NAME_VARIANTS)


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class FacetPairs:
    """(doc, value) pairs of one facet field in one segment or snapshot.

    A snapshot's pairs (merged over its segments) are sorted by document,
    then value id, and carry ``starts``: document ``d``'s pairs are
    ``starts[d]:starts[d + 1]`` (``size + 1`` entries). A small result set
    then counts its facets from its own documents' pairs instead of every
    pair of the index (:func:`indexer.search.facets.facet_counts`). A
    segment's pairs (grouped by value) have no ``starts``. Compared and
    hashed by identity, and weakly referenced by the per-table caches
    (a dropped generation's mapped file is then unmapped).
    """

    values: tuple[str, ...]
    docs: np.ndarray
    value_ids: np.ndarray
    starts: np.ndarray | None = None


@dataclass(slots=True)
class SegmentArrays:
    """Everything :mod:`indexer.search.snapshot` needs of one segment, built or mapped."""

    segment_id: str
    size: int
    date_ts: np.ndarray
    lengths: dict[str, np.ndarray]
    facets: dict[str, FacetPairs]
    #: (size, PERMUTATIONS) uint32, zeros where a story has none; None: not stored.
    signatures: np.ndarray | None = None
    #: field -> (sorted terms, document frequencies); terms may still be
    #: undecoded (see :meth:`terms`).
    vocab: dict[str, tuple[Any, np.ndarray]] = field(default_factory=dict)
    #: The mapped file the arrays are views of (None: built in memory).
    mapping: mmap.mmap | None = None

    def release_pages(self) -> bool:
        """Drop this process's mapping of the file's pages (they stay in the page cache).

        The indexing parent reads every segment's signatures and facet pairs
        at each commit; the pages it touched counted in its resident set
        until the file was closed, ~250 MB at 620k stories. ``MADV_DONTNEED``
        on a read-only shared mapping only removes the page table entries:
        a later read faults the page back in, unchanged. Returns whether
        there was a mapping to release.
        """
        if self.mapping is None or self.mapping.closed:
            return False
        self.mapping.madvise(mmap.MADV_DONTNEED)
        return True

    def terms(self, fieldname: str) -> tuple[list[str], np.ndarray] | None:
        """The stored terms of ``fieldname`` (decoded on first use), or None if not stored."""
        found = self.vocab.get(fieldname)
        if found is None:
            return None
        terms, df = found
        if not isinstance(terms, list):
            terms = terms()
            self.vocab[fieldname] = (terms, df)
        return terms, df


# -- building from a segment --------------------------------------------------------


def check_docs(docs: np.ndarray, size: int, what: str) -> None:
    """Postings must name documents of this segment in increasing order.

    Whoosh stores no checksums: damaged posting blocks can decode into
    numbers, and those must not reach an array index.
    """
    if len(docs) and (
        docs[0] < 0 or docs[-1] >= size or (len(docs) > 1 and (np.diff(docs) <= 0).any())
    ):
        raise ValueError(f"postings of {what} name documents outside 0..{size - 1} or out of order")


def read_dates(segreader: Any, size: int) -> np.ndarray:
    if not segreader.has_column(F.DATE_TS):
        return np.full(size, F.UNDATED, dtype=np.int64)
    return numeric_column(segreader.column_reader(F.DATE_TS), size, np.int64)


def read_facet(
    segreader: Any, fieldname: str, size: int, pause: Callable[[], None] = never_pause
) -> FacetPairs:
    """The (doc, value id) pairs of one facet field, one posting list per value."""
    values: list[str] = []
    doc_blocks: list[np.ndarray] = []
    id_blocks: list[np.ndarray] = []
    segment_id = segreader.segment().segment_id()
    for btext in segreader.lexicon(fieldname):
        value = btext.decode("utf-8") if isinstance(btext, bytes) else btext
        pause()
        docs, _, _ = read_postings(segreader, fieldname, value)
        check_docs(docs, size, f"{fieldname}:{value!r} in segment {segment_id}")
        doc_blocks.append(docs)
        id_blocks.append(np.full(len(docs), len(values), dtype=np.int32))
        values.append(value)
    if not values:
        empty = np.zeros(0, dtype=np.int32)
        return FacetPairs((), empty.astype(DOC_DTYPE), empty)
    return FacetPairs(tuple(values), np.concatenate(doc_blocks), np.concatenate(id_blocks))


def read_signatures(segreader: Any, size: int) -> np.ndarray:
    """(size, PERMUTATIONS) uint32 signatures of one segment; zeros where none."""
    result = np.zeros((size, PERMUTATIONS), dtype=np.uint32)
    # An index written before signatures existed has no such field: its
    # stories stay alone until ``newsearch index --rebuild``.
    if F.SIGNATURE in segreader.schema and segreader.has_column(F.SIGNATURE):
        column = segreader.column_reader(F.SIGNATURE, translate=False)
        raw = fixed_column_bytes(column, size)
        count = len(raw) // SIGNATURE_BYTES
        result[:count] = np.frombuffer(raw, dtype="<u4").reshape(count, PERMUTATIONS)
    return result


def read_terms(segreader: Any, fieldname: str) -> tuple[list[str], np.ndarray]:
    """The terms of ``fieldname`` in one segment (sorted) with their document frequencies.

    One pass over the segment's term table: far cheaper than asking a
    multi-segment reader, which looks every term up in every segment.
    """
    terms: list[str] = []
    counts: list[int] = []
    if fieldname in segreader.schema:
        for btext, info in segreader.iter_field(fieldname):
            terms.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
            counts.append(info.doc_frequency())
    return terms, np.asarray(counts, dtype=np.int64)


def build(segreader: Any, pause: Callable[[], None] = never_pause) -> SegmentArrays:
    """Every array of one segment, decoded from the segment (what the file stores)."""
    size = int(segreader.doc_count_all())
    arrays = build_core(segreader, pause)
    arrays.signatures = read_signatures(segreader, size)
    arrays.vocab = {name: read_terms(segreader, name) for name in VOCAB_FIELDS}
    return arrays


def build_core(segreader: Any, pause: Callable[[], None] = never_pause) -> SegmentArrays:
    """What every snapshot needs at once (dates, lengths, facets); the rest on first use."""
    size = int(segreader.doc_count_all())
    return SegmentArrays(
        segment_id=segreader.segment().segment_id(),
        size=size,
        date_ts=read_dates(segreader, size),
        lengths={name: field_lengths(segreader, name, size) for name in F.TEXT_FIELDS},
        facets={f.field: read_facet(segreader, f.field, size, pause) for f in F.FACETS},
    )


# -- building from what the writer kept ----------------------------------------------

_LENGTHS = length_table()
#: Signatures copied into the array per join in :func:`from_kept` (4 MB).
SIGNATURE_CHUNK = 16_384


def keep_while_writing(writer: FastSegmentWriter) -> Kept | None:
    """Ask ``writer`` to keep what :func:`from_kept` needs (call before its first document)."""
    return writer.keep(
        columns=(F.DATE_TS, F.SIGNATURE),
        postings=[f.field for f in F.FACETS],
        counts=VOCAB_FIELDS,
        lengths=F.TEXT_FIELDS,
    )


def from_kept(segment_id: str, size: int, kept: Kept) -> SegmentArrays:
    """The arrays :func:`build` would decode from the segment, from what its writer kept.

    Same values, same order (terms in byte order as in the term table, a
    facet value's documents ascending, column defaults for documents
    without a value); tests/integration/test_segment_arrays.py compares the
    two on real indexes.
    """
    date_ts = np.full(size, F.UNDATED, dtype=np.int64)
    dates = kept.columns.get(F.DATE_TS) or {}
    if dates:
        date_ts[np.fromiter(dates.keys(), dtype=np.int64, count=len(dates))] = np.fromiter(
            dates.values(), dtype=np.int64, count=len(dates)
        )
    signatures = np.zeros((size, PERMUTATIONS), dtype=np.uint32)
    found = kept.columns.get(F.SIGNATURE) or {}
    if found:
        docs = np.fromiter(found.keys(), dtype=np.int64, count=len(found))
        # Joined a chunk at a time: a merged segment of 250k stories holds
        # 64 MB of signatures, which one join would copy whole once more.
        values = iter(found.values())
        for start in range(0, len(docs), SIGNATURE_CHUNK):
            part = docs[start : start + SIGNATURE_CHUNK]
            raw = b"".join(itertools.islice(values, len(part)))
            if len(raw) != len(part) * SIGNATURE_BYTES:
                raise ValueError("a signature of the wrong size")
            signatures[part] = np.frombuffer(raw, dtype="<u4").reshape(len(part), PERMUTATIONS)
    lengths = {}
    for name in F.TEXT_FIELDS:
        codes = kept.lengths.get(name)
        if codes is None:
            lengths[name] = np.zeros(size, dtype=np.float32)
        else:
            if len(codes) != size:
                raise ValueError(f"{len(codes)} length codes of {name} for {size} documents")
            lengths[name] = _LENGTHS[np.frombuffer(bytes(codes), dtype=np.uint8)]
    facets = {}
    for facet in F.FACETS:
        terms, id_lists = kept.postings.get(facet.field) or ([], [])
        if not terms:
            empty = np.zeros(0, dtype=np.int32)
            facets[facet.field] = FacetPairs((), empty.astype(DOC_DTYPE), empty)
            continue
        docs = np.concatenate([np.frombuffer(ids, dtype=np.uint32) for ids in id_lists])
        counts = np.fromiter((len(ids) for ids in id_lists), dtype=np.int64, count=len(id_lists))
        facets[facet.field] = FacetPairs(
            tuple(t.decode("utf-8") for t in terms),
            docs.astype(DOC_DTYPE),
            np.repeat(np.arange(len(terms), dtype=np.int32), counts),
        )
    vocab: dict[str, tuple[Any, np.ndarray]] = {}
    for name in VOCAB_FIELDS:
        terms, dfs = kept.counts.get(name) or ([], [])
        vocab[name] = ([t.decode("utf-8") for t in terms], np.asarray(dfs, dtype=np.int64))
    return SegmentArrays(segment_id, size, date_ts, lengths, facets, signatures, vocab)


# -- the file ---------------------------------------------------------------------


def path_for(directory: str, segment_id: str) -> str:
    return os.path.join(directory, segment_id + SUFFIX)


def _sections(arrays: SegmentArrays) -> Iterable[tuple[str, np.ndarray | bytes]]:
    yield "date_ts", np.ascontiguousarray(arrays.date_ts, dtype="<i8")
    for name, lengths in arrays.lengths.items():
        yield f"len:{name}", np.ascontiguousarray(lengths, dtype="<f4")
    for name, pairs in arrays.facets.items():
        yield f"facet:{name}:docs", np.ascontiguousarray(pairs.docs, dtype="<i4")
        yield f"facet:{name}:ids", np.ascontiguousarray(pairs.value_ids, dtype="<i4")
        yield f"facet:{name}:values", json.dumps(list(pairs.values)).encode()
    if arrays.signatures is not None:
        yield "signatures", np.ascontiguousarray(arrays.signatures, dtype="<u4")
    for name in arrays.vocab:
        found = arrays.terms(name)
        assert found is not None
        terms, df = found
        yield f"vocab:{name}:df", np.ascontiguousarray(df, dtype="<i8")
        yield f"vocab:{name}:terms", json.dumps(terms).encode()


def align(offset: int) -> int:
    """``offset`` rounded up to :data:`ALIGN` (every mapped section starts aligned)."""
    return (offset + ALIGN - 1) // ALIGN * ALIGN


def save(
    directory: str,
    arrays: SegmentArrays,
    terms_crc: int | None = None,
    before_rename: Callable[[], None] | None = None,
) -> str:
    """Write ``arrays`` beside their segment, atomically; return the file's path.

    ``terms_crc`` is the segment's term table checksum
    (:func:`~indexer.whoosh_internals.terms_checksum`), checked by
    :func:`load`. ``before_rename`` runs once the temporary file is complete
    and synced (for crash tests).
    """
    sections = list(_sections(arrays))
    # The header holds the sections' offsets, and its own length decides
    # where they start: lay it out until the two agree.
    entries: dict[str, list[Any]] = {}
    for name, data in sections:
        if isinstance(data, bytes):
            entries[name] = ["json", 0, len(data)]
        else:
            entries[name] = [data.dtype.str, 0, list(data.shape)]
    header = {
        "version": VERSION,
        "segment": arrays.segment_id,
        "size": arrays.size,
        "files": segment_files(directory, arrays.segment_id),
        "terms_crc": terms_crc,
        "total": 0,
        "sections": entries,
    }
    for _ in range(3):  # offsets' digits change the header's length: settle it
        encoded = json.dumps(header, sort_keys=True).encode()
        offset = align(PREAMBLE.size + len(encoded))
        for name, data in sections:
            entries[name][1] = offset
            offset = align(offset + (len(data) if isinstance(data, bytes) else data.nbytes))
        header["total"] = offset
    encoded = json.dumps(header, sort_keys=True).encode()
    if sections and align(PREAMBLE.size + len(encoded)) > entries[sections[0][0]][1]:
        raise AssertionError("array file header did not settle")  # pragma: no cover
    placed = [(entries[name][1], data) for name, data in sections]
    final = path_for(directory, arrays.segment_id)
    return write_file(final, MAGIC, encoded, placed, offset, before_rename)


def write_file(
    final: str,
    magic: bytes,
    encoded: bytes,
    placed: Sequence[tuple[int, np.ndarray | bytes]],
    total: int,
    before_rename: Callable[[], None] | None = None,
) -> str:
    """Write a mapped file whole, then make it appear at ``final`` in one rename.

    The preamble and JSON header, then each section at its offset; fsync of
    the file before the rename and of the directory after, so that a crash
    leaves either no file or a complete one (shared with
    :mod:`indexer.generation_arrays`).
    """
    tmp = f"{final}{TMP_MARK}{os.getpid()}"
    with open(tmp, "wb") as out:
        out.write(PREAMBLE.pack(magic, len(encoded), zlib.crc32(encoded)))
        out.write(encoded)
        for offset, data in placed:
            out.seek(offset)
            out.write(data if isinstance(data, bytes) else data.reshape(-1).view(np.uint8).data)
        out.truncate(total)
        out.flush()
        os.fsync(out.fileno())
    if before_rename is not None:
        before_rename()
    os.replace(tmp, final)
    sync_directory(os.path.dirname(final) or ".")
    return final


def segment_files(directory: str, segment_id: str) -> dict[str, int]:
    """Name -> size of the segment's own files (postings, terms, columns...)."""
    prefix = segment_id + "."
    found = {}
    for name in os.listdir(directory):
        if name.startswith(prefix) and SUFFIX not in name:
            found[name] = os.path.getsize(os.path.join(directory, name))
    return found


def _check_segment_files(directory: str, recorded: dict[str, int]) -> None:
    """The segment's files must still have the sizes they had when the arrays were written.

    The arrays stand in for what opening used to decode from those files,
    which is how a truncated postings or terms file showed at once; a size
    check (one ``stat`` a file) keeps that: the arrays are then not
    trusted, and decoding the segment meets the damage as before.
    """
    for name, size in recorded.items():
        try:
            actual = os.path.getsize(os.path.join(directory, name))
        except OSError as exc:
            raise ValueError(f"segment file {name} is missing") from exc
        if actual != size:
            raise ValueError(f"segment file {name} has {actual} bytes, {size} when written")


def sync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable (fsync of the directory itself)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def map_file(path: str) -> tuple[mmap.mmap, int]:
    """The whole file mapped read-only, and its size; ValueError when too short
    to hold a preamble (FileNotFoundError and OSError pass through)."""
    with open(path, "rb") as handle:
        total = os.fstat(handle.fileno()).st_size
        if total < PREAMBLE.size:
            raise ValueError("truncated")
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ), total


def read_header(buf: Any, total: int, magic: bytes, version: int, what: str) -> dict[str, Any]:
    """The JSON header of a mapped file whose preamble, checksum, version and size hold.

    Shared by the per-segment array files and the per-generation files
    (:mod:`indexer.generation_arrays`); raises ValueError naming what is wrong.
    """
    found, length, crc = PREAMBLE.unpack_from(buf, 0)
    if found != magic:
        raise ValueError(f"not {what}")
    if PREAMBLE.size + length > total:
        raise ValueError("truncated header")
    encoded = bytes(buf[PREAMBLE.size : PREAMBLE.size + length])
    if zlib.crc32(encoded) != crc:
        raise ValueError("header checksum mismatch")
    header: dict[str, Any] = json.loads(encoded)
    if header.get("version") != version:
        raise ValueError(f"format version {header.get('version')}, expected {version}")
    if header.get("total") != total:
        raise ValueError(f"{total} bytes, the header says {header.get('total')}")
    return header


def _read_header(buf: Any, segment_id: str, size: int, total: int) -> dict[str, Any]:
    header = read_header(buf, total, MAGIC, VERSION, "an array file")
    if header.get("segment") != segment_id or header.get("size") != size:
        raise ValueError("written for another segment")
    return header


def is_valid(directory: str, segment_id: str, size: int) -> bool:
    """Whether the segment's array file exists and its header matches (cheap: one read)."""
    path = path_for(directory, segment_id)
    try:
        with open(path, "rb") as handle:
            total = os.fstat(handle.fileno()).st_size
            head = handle.read(PREAMBLE.size)
            if len(head) < PREAMBLE.size:
                return False
            length = PREAMBLE.unpack(head)[1]
            if length > total:
                return False
            _read_header(head + handle.read(length), segment_id, size, total)
    except (OSError, ValueError, struct.error):
        return False
    return True


def load(
    directory: str, segment_id: str, size: int, terms_crc: Callable[[], int] | None = None
) -> SegmentArrays | None:
    """The segment's arrays mapped from its file, or None when missing or not trustworthy.

    ``terms_crc`` computes the segment's term table checksum now: a table
    changed since the arrays were written (damage) makes them untrusted, so
    that decoding the segment meets the damage, as opening did before.
    """
    path = path_for(directory, segment_id)
    try:
        buf, total = map_file(path)
        header = _read_header(buf, segment_id, size, total)
        _check_segment_files(directory, header.get("files") or {})
        recorded = header.get("terms_crc")
        if terms_crc is not None and recorded is not None and terms_crc() != recorded:
            raise ValueError("the segment's term table changed since the arrays were written")
        return _from_buffer(buf, header, segment_id, size, total)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, struct.error) as exc:
        log.info("array file %s not used (%s); building from the segment", path, exc)
        return None


def _from_buffer(
    buf: Any, header: dict[str, Any], segment_id: str, size: int, total: int
) -> SegmentArrays:
    sections: dict[str, list[Any]] = header["sections"]

    def array(name: str) -> np.ndarray:
        dtype, offset, shape = sections[name]
        count = int(np.prod(shape)) if shape else 1
        if offset < 0 or offset + count * np.dtype(dtype).itemsize > total:
            raise ValueError(f"section {name} outside the file")
        return np.frombuffer(buf, dtype=dtype, count=count, offset=offset).reshape(shape)

    def strings(name: str) -> Any:
        kind, offset, length = sections[name]
        if kind != "json" or offset < 0 or offset + length > total:
            raise ValueError(f"section {name} outside the file")
        return lambda: json.loads(bytes(buf[offset : offset + length]))

    lengths = {name: array(f"len:{name}") for name in F.TEXT_FIELDS}
    facets = {}
    for facet in F.FACETS:
        docs = array(f"facet:{facet.field}:docs")
        ids = array(f"facet:{facet.field}:ids")
        values = tuple(strings(f"facet:{facet.field}:values")())
        if len(docs) != len(ids) or (len(ids) and (ids.min() < 0 or ids.max() >= len(values))):
            raise ValueError(f"facet {facet.field} pairs do not match its values")
        if len(docs) and (docs.min() < 0 or docs.max() >= size):
            raise ValueError(f"facet {facet.field} names documents outside the segment")
        facets[facet.field] = FacetPairs(values, docs, ids)
    date_ts = array("date_ts")
    if len(date_ts) != size or any(len(v) != size for v in lengths.values()):
        raise ValueError("arrays do not match the segment's document count")
    vocab = {}
    for name in VOCAB_FIELDS:
        if f"vocab:{name}:df" in sections:
            vocab[name] = (strings(f"vocab:{name}:terms"), array(f"vocab:{name}:df"))
    signatures = array("signatures") if "signatures" in sections else None
    if signatures is not None and signatures.shape != (size, PERMUTATIONS):
        raise ValueError("signatures do not match the segment")
    return SegmentArrays(segment_id, size, date_ts, lengths, facets, signatures, vocab, mapping=buf)


# -- what the indexer calls ----------------------------------------------------------


def ensure(
    directory: str,
    segments: Iterable[Any],
    open_reader: Callable[[Any], Any],
) -> int:
    """Write the array file of every segment that lacks a valid one; return how many.

    ``open_reader`` opens a Whoosh ``SegmentReader`` on a segment (the
    caller knows its storage and schema).
    """
    written = 0
    for segment in segments:
        segment_id = segment.segment_id()
        if is_valid(directory, segment_id, int(segment.doc_count_all())):
            continue
        reader = open_reader(segment)
        try:
            save(directory, build(reader), terms_checksum(directory, segment))
        finally:
            reader.close()
        written += 1
    return written


def remove_stale_temporaries(directory: str) -> None:
    """Delete temporary array files a killed run left (the caller holds the index lock)."""
    for name in os.listdir(directory):
        if SUFFIX + TMP_MARK in name:
            with contextlib.suppress(OSError):
                os.remove(os.path.join(directory, name))
