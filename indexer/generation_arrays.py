"""Per-generation arrays (near-duplicate clusters), computed once by the indexer and mapped.

The per-segment array files (:mod:`indexer.segment_arrays`) hold what one
segment knows. Near-duplicate clusters span segments: they are a property
of a whole committed generation (its segments and deletions), and computing
them from the signatures (:mod:`indexer.search.clusters`) costs ~1 CPU-s at
10x Reuters and ~24 s at 100x, which every server worker and every CLI call
paid again. So the indexer computes them while it holds the writer lock,
before the generation's table of contents is written, and stores them in
``generation_<N>.nsclusters`` beside the index: a small JSON header and two
arrays (each document's representative and its cluster's live size), read
with ``mmap`` (both server workers share the pages). The same commit writes
``generation_<N>.nsfacets``: every facet's (document, value id) pairs over
the generation with global value ids, which each snapshot otherwise merges
from the segments' pairs (~1 CPU-s and ~200 MB per process at 100x).

Validity: the header names the generation, its segments in order (id,
document count, deleted count) and the CRC-32 of the arrays. A reader uses
the file only when all of that matches the generation it opened (the
deleted count suffices: a segment's deletions only ever grow); anything
else (a missing, truncated, damaged or stale file, one of a commit that
was never made visible) is ignored, and the clusters are computed on open
as before. The next ``newsearch index`` run writes a missing file.

Incremental: a commit usually adds a few new segments to many unchanged
ones. The previous generation's file gives the clusters of every unchanged
document; only the new documents (and the members of a cluster that lost
one, by deletion or a merge) are paired again, against the documents within
the clustering window of their dates (:data:`~indexer.search.clusters.WINDOW_DAYS`)
and the undated ones sharing an LSH band with them (an undated new story:
against every story sharing a band), and their near-duplicate links join
the kept clusters. A copy indexed later therefore joins its original's
cluster without the whole index being clustered again. Every band group
holding a new story is complete in what is paired, so the new story's links
are those a full clustering makes. The one possible difference from
clustering from scratch: a kept cluster is not split by an insertion that
would reorder the chain of its band group (measured on the 100x index: a
1,000-story commit and its removal both equal a full clustering).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import struct
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer import schema as F
from indexer import segment_arrays
from indexer.dedup import PERMUTATIONS
from indexer.search import clusters as cl
from indexer.search.snapshot import check_pair_counts, facet_values, segment_pairs
from indexer.segment_arrays import PREAMBLE as _PREAMBLE
from indexer.segment_arrays import FacetPairs
from indexer.segment_arrays import align as _align
from indexer.segment_arrays import load as load_segment_arrays

log = logging.getLogger(__name__)

SUFFIX = ".nsclusters"
#: The generation's merged facet pairs (global value ids, live documents).
FACETS_SUFFIX = ".nsfacets"
FACETS_MAGIC = b"NSFACET1"
#: 2: pairs sorted by document, int32, with each document's range (``starts``);
#: a file of version 1 (int64 documents grouped by segment and value) is
#: ignored like a damaged one, the facets merged on open and the file
#: rewritten by the next ``newsearch index`` run.
FACETS_VERSION = 2
TMP_MARK = ".tmp"
MAGIC = b"NSCLUST1"
VERSION = 1
_NAME = re.compile(
    r"^generation_(\d+)(" + re.escape(SUFFIX) + "|" + re.escape(FACETS_SUFFIX) + r")$"
)
#: Above this share of documents to pair again, the whole generation is clustered.
INCREMENTAL_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Layout:
    """The segments of one generation, in order: (segment id, documents, deleted)."""

    generation: int
    segments: tuple[tuple[str, int, int], ...]

    @property
    def size(self) -> int:
        return sum(size for _, size, _ in self.segments)

    def offsets(self) -> dict[str, int]:
        found: dict[str, int] = {}
        offset = 0
        for segment_id, size, _ in self.segments:
            found[segment_id] = offset
            offset += size
        return found


def path_for(directory: str, generation: int) -> str:
    return os.path.join(directory, f"generation_{generation}{SUFFIX}")


def facets_path_for(directory: str, generation: int) -> str:
    return os.path.join(directory, f"generation_{generation}{FACETS_SUFFIX}")


def layout_of(generation: int, leaves: Sequence[tuple[Any, Any, int]]) -> Layout:
    """The layout of a snapshot's generation from its leaves (reader, data, offset)."""
    return Layout(
        generation,
        tuple(
            (data.segment_id, data.size, int(reader.segment().deleted_count()))
            for reader, data, _ in leaves
        ),
    )


# -- the file ---------------------------------------------------------------------


def save(
    directory: str,
    layout: Layout,
    groups: cl.Clusters,
    before_rename: Callable[[], None] | None = None,
) -> str:
    """Write the clusters of ``layout``'s generation atomically; return the path."""
    rep = np.ascontiguousarray(groups.rep, dtype="<i8")
    size = np.ascontiguousarray(groups.size, dtype="<i4")
    if len(rep) != layout.size or len(size) != layout.size:
        raise ValueError("clusters do not match the generation's document count")
    body_crc = zlib.crc32(size.view(np.uint8).data, zlib.crc32(rep.view(np.uint8).data))
    header: dict[str, Any] = {
        "version": VERSION,
        "generation": layout.generation,
        "segments": [list(s) for s in layout.segments],
        "documents": layout.size,
        "crc": body_crc,
        "rep": 0,
        "size": 0,
        "total": 0,
    }
    for _ in range(3):  # the offsets' digits change the header's length: settle it
        encoded = json.dumps(header, sort_keys=True).encode()
        header["rep"] = _align(_PREAMBLE.size + len(encoded))
        header["size"] = _align(header["rep"] + rep.nbytes)
        header["total"] = header["size"] + size.nbytes
    encoded = json.dumps(header, sort_keys=True).encode()
    if _align(_PREAMBLE.size + len(encoded)) > header["rep"]:
        raise AssertionError("cluster file header did not settle")  # pragma: no cover
    placed = [(header["rep"], rep), (header["size"], size)]
    final = path_for(directory, layout.generation)
    return segment_arrays.write_file(final, MAGIC, encoded, placed, header["total"], before_rename)


def read(path: str, expected: Layout | None = None) -> tuple[Layout, cl.Clusters] | None:
    """The file's layout and clusters (mapped), or None when missing or not trustworthy.

    With ``expected``, the file must describe exactly that generation.
    """
    try:
        buf, total = segment_arrays.map_file(path)
        header = _header(buf, total)
        layout = _layout_in(header)
        if int(header["documents"]) != layout.size:
            raise ValueError("document count does not match the segments")
        if expected is not None and layout != expected:
            raise ValueError("stale: written for another generation or segments")
        return layout, _arrays(buf, header, layout.size)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, struct.error) as exc:
        log.info("cluster file %s not used (%s); clusters are computed", path, exc)
        return None


def _layout_in(header: dict[str, Any]) -> Layout:
    """The generation and segments a file's header says it describes."""
    return Layout(
        int(header["generation"]),
        tuple((str(s), int(n), int(d)) for s, n, d in header["segments"]),
    )


def _header(buf: Any, total: int, expected_magic: bytes = MAGIC) -> dict[str, Any]:
    if expected_magic == MAGIC:
        return segment_arrays.read_header(buf, total, MAGIC, VERSION, "a cluster file")
    return segment_arrays.read_header(buf, total, expected_magic, FACETS_VERSION, "a facet file")


def _arrays(buf: Any, header: dict[str, Any], documents: int) -> cl.Clusters:
    rep = np.frombuffer(buf, dtype="<i8", count=documents, offset=int(header["rep"]))
    size = np.frombuffer(buf, dtype="<i4", count=documents, offset=int(header["size"]))
    body_crc = zlib.crc32(size.view(np.uint8).data, zlib.crc32(rep.view(np.uint8).data))
    if body_crc != header["crc"]:
        raise ValueError("array checksum mismatch")
    if documents and (int(rep.min()) < 0 or int(rep.max()) >= documents or int(size.min()) < 1):
        raise ValueError("representatives outside the generation")
    return cl.Clusters(rep, size)


def save_facets(directory: str, layout: Layout, facets: dict[str, FacetPairs]) -> str:
    """Write the generation's merged facet pairs atomically (see :func:`load_facets`)."""
    sections: list[tuple[str, bytes | np.ndarray]] = []
    for name, pairs in facets.items():
        if pairs.starts is None or len(pairs.starts) != layout.size + 1:
            raise ValueError(f"facet {name} pairs are not sorted by document for this generation")
        sections.append((f"{name}:docs", np.ascontiguousarray(pairs.docs, dtype="<i4")))
        sections.append((f"{name}:ids", np.ascontiguousarray(pairs.value_ids, dtype="<i4")))
        sections.append((f"{name}:starts", np.ascontiguousarray(pairs.starts, dtype="<i4")))
        sections.append((f"{name}:values", json.dumps(list(pairs.values)).encode()))
    header, encoded = _facets_header(
        layout,
        [(name, len(data) if isinstance(data, bytes) else data.nbytes) for name, data in sections],
    )
    final = facets_path_for(directory, layout.generation)
    return _write_streamed(final, header, encoded, iter(sections))


def write_facets(
    directory: str,
    layout: Layout,
    parts: Sequence[segment_arrays.SegmentArrays],
    live: np.ndarray,
    before_rename: Callable[[], None] | None = None,
) -> str:
    """Merge the segments' facet pairs and write the generation's file, one facet at a time.

    The same file as :func:`save_facets` given ``merge_facet`` of every
    facet (tests/integration/test_generation_arrays.py compares the bytes),
    without holding every facet's merged pairs at once: a first pass counts
    each facet's live pairs and gathers its values (the header needs every
    section's length), then each facet is merged segment by segment
    (:func:`~indexer.search.snapshot.segment_pairs`), written and dropped.
    The indexing parent did this for every commit with every facet's pairs
    and their int64 sort keys in memory at once, which grew with the index.
    """
    offsets = layout.offsets()
    sizes = [part.size for part in parts]
    plans = []
    sections: list[tuple[str, int]] = []
    for facet in F.FACETS:
        own = [(part.facets[facet.field], offsets[part.segment_id]) for part in parts]
        values, mappings = facet_values(own)
        count = sum(
            int(np.count_nonzero(live[pairs.docs.astype(np.int64) + offset]))
            for pairs, offset in own
            if len(pairs.docs)
        )
        check_pair_counts(layout.size, len(values), count)
        names = json.dumps(list(values)).encode()
        plans.append((facet.field, own, values, mappings, names))
        for part in parts:  # the pairs' pages are read again when the facet is written
            part.release_pages()
        sections += [
            (f"{facet.field}:docs", 4 * count),
            (f"{facet.field}:ids", 4 * count),
            (f"{facet.field}:starts", 4 * (layout.size + 1)),
            (f"{facet.field}:values", len(names)),
        ]
    header, encoded = _facets_header(layout, sections)

    def chunks() -> Iterator[tuple[str, bytes | np.ndarray]]:
        for field, own, values, mappings, names in plans:
            runs = [
                segment_pairs(pairs, offset, mapping, len(values), live)
                for (pairs, offset), mapping in zip(own, mappings, strict=True)
            ]
            for part in parts:
                part.release_pages()
            for docs, _ in runs:
                yield f"{field}:docs", docs
            for _, ids in runs:
                yield f"{field}:ids", ids
            counts = np.zeros(layout.size, dtype=np.int64)
            for (docs, _), (_, offset), size in zip(runs, own, sizes, strict=True):
                if len(docs):
                    counts[offset : offset + size] = np.bincount(docs - offset, minlength=size)
            del runs
            starts = np.zeros(layout.size + 1, dtype=np.int32)
            np.cumsum(counts, out=starts[1:])
            del counts
            yield f"{field}:starts", starts
            yield f"{field}:values", names

    final = facets_path_for(directory, layout.generation)
    return _write_streamed(final, header, encoded, chunks(), before_rename)


def _facets_header(layout: Layout, sections: list[tuple[str, int]]) -> tuple[dict[str, Any], bytes]:
    """The facet file's header for sections of these lengths, in this order, with
    a placeholder checksum of the final width (the caller fills it in)."""
    header: dict[str, Any] = {
        "version": FACETS_VERSION,
        "generation": layout.generation,
        "segments": [list(s) for s in layout.segments],
        "documents": layout.size,
        "crc": "0" * 8,
        "sections": {name: [0, length] for name, length in sections},
        "total": 0,
    }
    for _ in range(3):  # the offsets' digits change the header's length: settle it
        encoded = json.dumps(header, sort_keys=True).encode()
        offset = _align(_PREAMBLE.size + len(encoded))
        end = offset
        for name, length in sections:
            header["sections"][name][0] = offset
            end = offset + length
            offset = _align(end)
        header["total"] = end  # no padding after the last section: every byte is checked
    encoded = json.dumps(header, sort_keys=True).encode()
    first = header["sections"][sections[0][0]][0] if sections else header["total"]
    if _align(_PREAMBLE.size + len(encoded)) > first:
        raise AssertionError("facet file header did not settle")  # pragma: no cover
    return header, encoded


def _write_streamed(
    final: str,
    header: dict[str, Any],
    encoded: bytes,
    chunks: Iterator[tuple[str, bytes | np.ndarray]],
    before_rename: Callable[[], None] | None = None,
) -> str:
    """Write a facet file's sections from ``chunks`` (section name, data; in file
    order), the checksum as they pass, then the header; fsync and rename as
    :func:`indexer.segment_arrays.write_file` does."""
    tmp = f"{final}{TMP_MARK}{os.getpid()}"
    sections: dict[str, list[int]] = header["sections"]
    with open(tmp, "wb") as out:
        position = min((offset for offset, _ in sections.values()), default=header["total"])
        out.seek(position)
        crc = 0
        written: dict[str, int] = {}
        for name, data in chunks:
            start, length = sections[name]
            at = start + written.get(name, 0)
            if at < position:
                raise ValueError(f"section {name} written out of order")
            if at > position:  # the zero padding between sections is checked too
                gap = bytes(at - position)
                crc = zlib.crc32(gap, crc)
                out.write(gap)
            raw = data if isinstance(data, bytes) else np.ascontiguousarray(data, "<i4").data
            size = len(raw) if isinstance(raw, bytes) else raw.nbytes
            if written.get(name, 0) + size > length:
                raise ValueError(f"section {name} longer than its header says")
            crc = zlib.crc32(raw, crc)
            out.write(raw)
            written[name] = written.get(name, 0) + size
            position = at + size
        for name, (_, length) in sections.items():
            if written.get(name, 0) != length:
                raise ValueError(f"section {name}: {written.get(name, 0)} bytes, {length} expected")
        if position != header["total"]:
            raise ValueError("the sections do not end where the header says")  # pragma: no cover
        header["crc"] = f"{crc:08x}"  # fixed width: the layout is settled already
        final_header = json.dumps(header, sort_keys=True).encode()
        if len(final_header) != len(encoded):
            raise AssertionError("the checksum changed the header's length")  # pragma: no cover
        out.seek(0)
        out.write(_PREAMBLE.pack(FACETS_MAGIC, len(final_header), zlib.crc32(final_header)))
        out.write(final_header)
        out.flush()
        os.fsync(out.fileno())
    if before_rename is not None:
        before_rename()
    os.replace(tmp, final)
    segment_arrays.sync_directory(os.path.dirname(final) or ".")
    return final


def load_facets(directory: str, layout: Layout) -> dict[str, FacetPairs] | None:
    """The generation's merged facet pairs (mapped), or None when missing or not trustworthy."""
    path = facets_path_for(directory, layout.generation)
    try:
        buf, total = segment_arrays.map_file(path)
        header = _header(buf, total, FACETS_MAGIC)
        found = _layout_in(header)
        if found != layout:
            raise ValueError("stale: written for another generation or segments")
        return _facets_from(buf, header, layout.size, total)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, struct.error) as exc:
        log.info("facet file %s not used (%s); facets are merged", path, exc)
        return None


def _facets_from(buf: Any, header: dict[str, Any], size: int, total: int) -> dict[str, FacetPairs]:
    sections: dict[str, list[int]] = header["sections"]
    views = {}
    for name, (offset, length) in sections.items():
        if offset < 0 or offset + length > total:
            raise ValueError(f"section {name} outside the file")
        views[name] = memoryview(buf)[offset : offset + length]
    first = min((offset for offset, _ in sections.values()), default=total)
    if f"{zlib.crc32(memoryview(buf)[first:total]):08x}" != header["crc"]:
        raise ValueError("array checksum mismatch")
    facets = {}
    for facet in F.FACETS:
        docs = np.frombuffer(views[f"{facet.field}:docs"], dtype="<i4")
        ids = np.frombuffer(views[f"{facet.field}:ids"], dtype="<i4")
        starts = np.frombuffer(views[f"{facet.field}:starts"], dtype="<i4")
        values = tuple(json.loads(bytes(views[f"{facet.field}:values"])))
        if len(docs) != len(ids) or (len(ids) and (ids.min() < 0 or ids.max() >= len(values))):
            raise ValueError(f"facet {facet.field} pairs do not match its values")
        # Sorted by document (the writer's invariant, and the checksum held):
        # the ends bound every document number.
        if len(docs) and (docs[0] < 0 or docs[-1] >= size):
            raise ValueError(f"facet {facet.field} names documents outside the generation")
        if len(starts) != size + 1 or starts[0] != 0 or starts[-1] != len(docs):
            raise ValueError(f"facet {facet.field} document ranges do not match its pairs")
        facets[facet.field] = FacetPairs(values, docs, ids, starts)
    return facets


def load(directory: str, layout: Layout) -> cl.Clusters | None:
    """The mapped clusters of ``layout``'s generation, if its valid file exists."""
    found = read(path_for(directory, layout.generation), layout)
    return None if found is None else found[1]


def generations(directory: str) -> list[int]:
    """Generations that have a cluster file in ``directory``, newest first."""
    found = []
    for name in os.listdir(directory):
        match = _NAME.match(name)
        if match and match.group(2) == SUFFIX:
            found.append(int(match.group(1)))
    return sorted(found, reverse=True)


# -- computing (the indexer) ------------------------------------------------------


@dataclass
class _Inputs:
    """The arrays clustering reads, concatenated over a generation's segments (mapped
    per segment; gathered by row so that a small update reads only what it needs)."""

    layout: Layout
    parts: list[segment_arrays.SegmentArrays]
    live: np.ndarray
    dates: np.ndarray
    lengths: np.ndarray

    def signatures(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), PERMUTATIONS) signatures of sorted global ``rows``."""
        out = np.empty((len(rows), PERMUTATIONS), dtype=np.uint32)
        start = 0
        for part in self.parts:
            end = start + part.size
            lo, hi = np.searchsorted(rows, [start, end])
            if hi > lo:
                assert part.signatures is not None
                np.take(part.signatures, rows[lo:hi] - start, axis=0, out=out[lo:hi])
            start = end
        return out

    def release_pages(self) -> None:
        """Unmap the pages read so far (see :meth:`SegmentArrays.release_pages`)."""
        for part in self.parts:
            part.release_pages()


def _inputs(directory: str, layout: Layout, deleted: Sequence[np.ndarray]) -> _Inputs | None:
    parts = []
    for segment_id, size, _ in layout.segments:
        arrays = load_segment_arrays(directory, segment_id, size)
        if arrays is None or arrays.signatures is None:
            return None
        parts.append(arrays)
    live = np.ones(layout.size, dtype=bool)
    offset = 0
    for part, dead in zip(parts, deleted, strict=True):
        if len(dead):
            live[dead + offset] = False
        offset += part.size

    def cat(arrays: list[np.ndarray], dtype: Any) -> np.ndarray:
        return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype)

    return _Inputs(
        layout,
        parts,
        live,
        cat([p.date_ts for p in parts], np.int64),
        cat([p.lengths[F.BODY] for p in parts], np.float32),
    )


def compute_full(inputs: _Inputs) -> cl.Clusters:
    """Cluster the whole generation (what a reader without the file computes)."""
    rows = np.flatnonzero(inputs.live)
    sigs = inputs.signatures(rows)
    signed = sigs[:, 0] != 0
    rows, sigs = rows[signed], sigs[signed]
    size = inputs.layout.size
    if len(rows) < 2:
        return cl.singletons(size)
    a, b = cl.edges(sigs, inputs.dates[rows], inputs.lengths[rows])
    if not len(a):
        return cl.singletons(size)
    labels = cl.components(len(rows), a, b)
    return cl.from_labels(size, rows, labels, inputs.dates[rows], sigs[:, 0])


def compute_incremental(
    inputs: _Inputs, previous: Layout, before: cl.Clusters
) -> cl.Clusters | None:
    """The generation's clusters from the previous generation's, or None when
    too much changed (then :func:`compute_full` is cheaper)."""
    layout = inputs.layout
    size = layout.size
    old_offsets = previous.offsets()
    new_offsets = layout.offsets()
    old_sizes = {s: n for s, n, _ in previous.segments}
    # Old global docnum -> new global docnum (-1: gone, by merge or deletion).
    moved = np.full(previous.size, -1, dtype=np.int64)
    fresh = np.ones(size, dtype=bool)  # documents to pair again
    for segment_id, count, _ in layout.segments:
        if old_sizes.get(segment_id) == count:
            old, new = old_offsets[segment_id], new_offsets[segment_id]
            moved[old : old + count] = np.arange(new, new + count)
            fresh[new : new + count] = False
    alive = moved >= 0
    alive[alive] = inputs.live[moved[alive]]
    moved[~alive] = -1
    # A cluster that lost a member may fall apart: pair its members again.
    clustered = before.size > 1
    broken_reps = np.unique(before.rep[clustered & ~alive])
    broken = clustered & np.isin(before.rep, broken_reps)
    fresh[moved[broken & alive]] = True
    fresh &= inputs.live
    kept = clustered & ~broken & alive
    if int(fresh.sum()) > INCREMENTAL_SHARE * max(size, 1):
        return None
    # Kept clusters as they were (all members alive, in unchanged segments,
    # whose order Whoosh keeps: the representative stays the earliest).
    rep = np.arange(size, dtype=np.int64)
    members = np.ones(size, dtype=np.int32)
    reps = moved[before.rep[kept]]
    if (reps < 0).any():
        return None  # a kept cluster's representative is gone: not consistent
    rep[moved[kept]] = reps
    members[moved[kept]] = before.size[kept]
    a, b = _fresh_links(inputs, fresh)
    if not len(a):
        return cl.Clusters(rep, members)
    # Clusters a new link touches are joined (as wholes) and ranked again.
    touched = np.unique(np.concatenate([rep[a], rep[b]]))
    docs = np.flatnonzero(np.isin(rep, touched))
    position = np.searchsorted(docs, np.concatenate([a, b, docs]))
    own = np.searchsorted(docs, rep[docs])
    pairs_a = np.concatenate([position[: len(a)], own])
    pairs_b = np.concatenate([position[len(a) : 2 * len(a)], np.arange(len(docs))])
    labels = cl.components(len(docs), pairs_a, pairs_b)
    joined = cl.from_labels(size, docs, labels, inputs.dates[docs], inputs.signatures(docs)[:, 0])
    rep[docs] = joined.rep[docs]
    members[docs] = joined.size[docs]
    return cl.Clusters(rep, members)


def _fresh_links(inputs: _Inputs, fresh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Near-duplicate links (global docnums) with at least one ``fresh`` end.

    Only documents within the clustering window of a fresh one's date can
    be its partners (undated ones pair with any), and of those only the
    ones sharing an LSH band with a fresh one: only those are paired. Every
    band group holding a fresh story is complete in what is paired, so its
    chain, and the fresh story's links, are those of pairing every
    document of the window. (Pairing the whole window held the signatures
    of every story in it, 256 bytes each: most of the index when the new
    stories span its dates, as a merged segment's do.)
    """
    empty = np.zeros(0, np.int64)
    fresh_rows = np.flatnonzero(fresh)
    if not len(fresh_rows):
        return empty, empty
    undated = inputs.dates == F.UNDATED
    if undated[fresh_rows].any():
        # An undated story pairs with any date: every story sharing a band.
        rows = _band_partners(inputs, fresh_rows, inputs.live)
    else:
        near = _near_dates(inputs.dates, np.unique(inputs.dates[fresh_rows]))
        near &= inputs.live
        rows = _band_partners(inputs, fresh_rows, near | (undated & inputs.live))
    # The partners' band keys, a chunk of signatures at a time, and the
    # signatures of candidate pairs only: an undated new story pairs with
    # every copy of it, of any date (at 100x Reuters, whose stories each
    # have 99 copies, most of the index), and holding all their signatures
    # (256 bytes each, plus the mapped pages read) was most of a commit's
    # memory.
    keys, signed = _band_keys(inputs, rows)
    rows, keys = rows[signed], keys[signed]
    if len(rows) < 2:
        return empty, empty
    dates = inputs.dates[rows]
    a, b = _candidates(keys, dates)
    del keys  # the pairs are checked without them
    a, b = cl.checked_pairs(
        a, b, lambda local: _signatures_of(inputs, rows[local]), dates, inputs.lengths[rows]
    )
    inputs.release_pages()
    a, b = rows[a], rows[b]
    touches = fresh[a] | fresh[b]
    return a[touches], b[touches]


def _candidates(keys: np.ndarray, dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return cl.candidate_pairs_of(lambda band: keys[:, band], len(keys), dates)


def _band_keys(inputs: _Inputs, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(len(rows), BANDS) band keys of sorted ``rows``, and which rows have a signature."""
    keys = np.empty((len(rows), cl.BANDS), dtype=np.uint64)
    signed = np.empty(len(rows), dtype=bool)
    for start in range(0, len(rows), CHUNK):
        sigs = inputs.signatures(rows[start : start + CHUNK])
        keys[start : start + len(sigs)] = cl.band_keys(sigs)
        signed[start : start + len(sigs)] = sigs[:, 0] != 0
        inputs.release_pages()
    return keys, signed


def _signatures_of(inputs: _Inputs, rows: np.ndarray) -> np.ndarray:
    """Signatures of global ``rows`` in any order (read in sorted order)."""
    order = np.argsort(rows, kind="stable")
    out = np.empty((len(rows), PERMUTATIONS), dtype=np.uint32)
    out[order] = inputs.signatures(rows[order])
    inputs.release_pages()  # pairs may name most of the index: a chunk's pages at a time
    return out


#: Documents whose band keys (or distances to a fresh date) are computed at
#: a time: bounds the temporary arrays (~25 MB), which otherwise grow with
#: the index.
CHUNK = 65_536


def _near_dates(dates: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """Which ``dates`` lie within the clustering window of one of the sorted ``marks``."""
    window = cl.WINDOW_DAYS * 86400
    near = np.zeros(len(dates), dtype=bool)
    for start in range(0, len(dates), CHUNK):
        chunk = dates[start : start + CHUNK]
        at = np.searchsorted(marks, chunk)
        after = np.abs(marks[np.minimum(at, len(marks) - 1)] - chunk)
        before_gap = np.abs(chunk - marks[np.maximum(at - 1, 0)])
        near[start : start + CHUNK] = np.minimum(after, before_gap) <= window
    return near


def _band_partners(inputs: _Inputs, fresh_rows: np.ndarray, among: np.ndarray) -> np.ndarray:
    """The documents of the mask ``among`` that share an LSH band with a fresh one.

    An undated story pairs with a story of any date, so the window does not
    narrow those pairs down; band keys are compared with the fresh ones'
    instead (in chunks: O(documents), no sort of the whole index). Every
    member of a band group holding a fresh story is found, so the fresh
    story's neighbours in the group's chain are those of a full clustering.
    """
    rows = np.flatnonzero(among)
    if not len(rows):
        return rows
    # Each band's fresh keys sorted: an undated key is looked up by binary
    # search (O(log fresh)), the undated keys are never sorted.
    fresh_keys = np.sort(cl.band_keys(inputs.signatures(fresh_rows)), axis=0)
    last = len(fresh_rows) - 1
    found = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        keys = cl.band_keys(inputs.signatures(chunk))
        match = np.zeros(len(chunk), dtype=bool)
        for band in range(cl.BANDS):
            column = fresh_keys[:, band]
            at = np.minimum(np.searchsorted(column, keys[:, band]), last)
            match |= column[at] == keys[:, band]
        found.append(chunk[match])
        inputs.release_pages()
    return np.concatenate(found)


def write(directory: str, generation: int, segments: Sequence[Any]) -> str | None:
    """Compute and save the clusters of the generation made of Whoosh ``segments``.

    Called with the writer lock held, once the segments' array files exist
    and before the table of contents naming them is written. Returns the
    file's path, or None when a segment has no usable array file (readers
    then compute the clusters, as for an index written before these files).
    """
    deleted = [
        np.fromiter(segment.deleted_docs(), dtype=np.int64)
        if segment.has_deletions()
        else np.zeros(0, np.int64)
        for segment in segments
    ]
    layout = Layout(
        generation,
        tuple(
            (s.segment_id(), int(s.doc_count_all()), len(dead))
            for s, dead in zip(segments, deleted, strict=True)
        ),
    )
    inputs = _inputs(directory, layout, deleted)
    if inputs is None:
        return None
    groups = None
    for older in generations(directory):
        if older >= generation:
            continue
        found = read(path_for(directory, older))
        if found is not None:
            groups = compute_incremental(inputs, *found)
            break
    if groups is None:
        groups = compute_full(inputs)
    inputs.release_pages()
    write_facets(directory, layout, inputs.parts, inputs.live)
    path = save(directory, layout, groups)
    remove_old(directory, keep={generation, generation - 1})
    return path


def write_missing(directory: str, generation: int, segments: Sequence[Any]) -> str | None:
    """:func:`write` unless the generation's valid file exists already (lock held)."""
    layout = Layout(
        generation,
        tuple((s.segment_id(), int(s.doc_count_all()), int(s.deleted_count())) for s in segments),
    )
    if (
        read(path_for(directory, generation), layout) is not None
        and load_facets(directory, layout) is not None
    ):
        remove_old(directory, keep={generation, generation - 1})
        return None
    return write(directory, generation, segments)


def remove_old(directory: str, keep: set[int]) -> None:
    """Delete the cluster files of other generations and temporary ones (lock held).

    A reader that mapped a deleted file keeps its pages; one that opens an
    older generation afterwards computes its clusters.
    """
    for name in os.listdir(directory):
        match = _NAME.match(name)
        stale = (match is not None and int(match.group(1)) not in keep) or any(
            suffix + TMP_MARK in name for suffix in (SUFFIX, FACETS_SUFFIX)
        )
        if stale:
            with contextlib.suppress(OSError):
                os.remove(os.path.join(directory, name))
