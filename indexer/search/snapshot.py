"""One committed state of the index, held as numpy arrays for fast search.

A :class:`Snapshot` wraps a Whoosh searcher for one index generation and
keeps, per segment, what every search needs as arrays:

* dates (seconds since the epoch) for date filters, sorting and the timeline;
* title/body lengths for BM25 length normalization;
* facet values as (document, value id) pairs, so counting a facet over any
  result set is one ``numpy.bincount``;
* term postings, loaded on first use and cached.

Segments are immutable once written, so a new generation reuses the
:class:`SegmentData` of every segment it shares with the previous one: an
incremental commit costs only the new segments' loading, not a full rebuild
of the caches ("built once per commit").

Whoosh readers are not safe to share across threads (their files seek), so
every Whoosh call goes through :attr:`Snapshot.io_lock`; the arrays are
read-only once built.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import logging
import mmap
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from cachetools import LRUCache

from indexer import schema as F
from indexer import segment_arrays
from indexer.errors import NewsearchError
from indexer.search.postings import decode_positions, read_postings
from indexer.search.yielding import never_pause
from indexer.segment_arrays import FacetPairs
from indexer.store import CURRENT_LINK, IndexVersion, corrupt_index_error
from indexer.whoosh_internals import compound, terms_checksum

__all__ = ["FacetPairs", "SegmentCaches", "SegmentData", "Snapshot", "Vocabulary"]

log = logging.getLogger(__name__)

#: Postings (array entries) the per-segment term caches of one index
#: directory may hold together, in one process (one LRU over every segment:
#: per segment, as until stop 22, a 100x index's dozen segments could hold
#: ten times this).
TERM_CACHE_POSTINGS = 40_000_000
#: Positions (array entries) the per-segment phrase caches may hold together:
#: one pass of ``bench/search.py``'s requests at 100x reads 42 M (held to
#: 20 M, the CPU p95 of the next pass went from 154 to 569 ms).
POSITION_CACHE_ENTRIES = 48_000_000
#: Postings warming may load per field: the top 2000 terms' are ~1.1 M at
#: 1x Reuters and ~11 M at 10x, but ~110 M at 100x, where warming them cost
#: each server process 83 CPU-s and 2.8 GB (postings cached per segment and
#: per snapshot, ~20 bytes each), more than the 3 GB both workers may use.
#: The most frequent terms come first: the costliest to read at query time.
WARM_POSTINGS = 8_000_000


class _SizedLRU:
    """An LRU cache bounded by the total size of its values, thread-safe.

    cachetools' ``LRUCache`` does the bookkeeping (``getsizeof`` weighs each
    entry by the size given to :meth:`put`); the lock is ours, as cachetools
    containers are not thread-safe. A value bigger than the whole capacity
    is returned by the caller but not kept.
    """

    def __init__(self, capacity: int) -> None:
        self._cache: LRUCache[Any, tuple[Any, int]] = LRUCache(
            maxsize=capacity, getsizeof=_entry_size
        )
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        return int(self._cache.maxsize)

    @property
    def size(self) -> int:
        """Total size of the values held."""
        return int(self._cache.currsize)

    def __len__(self) -> int:
        return len(self._cache)

    def __contains__(self, key: Any) -> bool:
        with self._lock:
            return key in self._cache

    def get(self, key: Any) -> Any | None:
        with self._lock:
            item = self._cache.get(key)
        return None if item is None else item[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        with self._lock:
            if key in self._cache or size > self._cache.maxsize:
                return
            self._cache[key] = (value, size)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def drop(self, which: Callable[[Any], bool]) -> None:
        """Remove the entries whose key ``which`` selects."""
        with self._lock:
            for key in [key for key in self._cache if which(key)]:
                del self._cache[key]


def _entry_size(entry: tuple[Any, int]) -> int:
    return entry[1]


class _Discarding(dict[Any, Any]):
    """A dict that keeps nothing: the derived lookups of a retired snapshot.

    Modules cache what they derive from a snapshot in :attr:`Snapshot.cache`
    (``cache[key] = value`` or ``cache.setdefault(key, value)``); once the
    snapshot is retired, a request still running on it computes what it
    needs without filling a cache that no later request will read.
    """

    def __setitem__(self, key: Any, value: Any) -> None:
        return None

    def setdefault(self, key: Any, default: Any = None) -> Any:
        return default


def file_mapping(array: Any) -> mmap.mmap | None:
    """The ``mmap`` an array was made over (``numpy.frombuffer`` of a mapped file), if any."""
    base = array
    for _ in range(8):  # arrays of arrays of memoryviews: the chain is short
        if isinstance(base, mmap.mmap):
            return base
        base = base.obj if isinstance(base, memoryview) else getattr(base, "base", None)
        if base is None:
            return None
    return None


def release_mapping(found: mmap.mmap) -> bool:
    """Drop this process's pages of a read-only file mapping (they stay in the page cache;
    a later read faults them back unchanged, as :func:`compound.release_pages` does)."""
    if found.closed:
        return False
    found.madvise(mmap.MADV_DONTNEED)
    return True


def _slot_arrays(value: Any) -> list[np.ndarray]:
    """The numpy arrays among a slotted cache entry's fields (e.g. mapped clusters)."""
    found = (getattr(value, name, None) for name in value.__slots__)
    return [item for item in found if isinstance(item, np.ndarray)]


class SegmentCaches:
    """The postings and positions cached for the segments of one index directory.

    One pair of LRUs, keyed by segment, term and field, for every segment
    (shared by the generations that reuse them): the process holds at most
    :data:`TERM_CACHE_POSTINGS` postings and :data:`POSITION_CACHE_ENTRIES`
    positions whatever the number of segments, and what is cached goes to
    the terms asked for most recently, in whichever segment.
    """

    def __init__(self) -> None:
        self.terms = _SizedLRU(TERM_CACHE_POSTINGS)
        self.positions = _SizedLRU(POSITION_CACHE_ENTRIES)

    def drop(self, segment_id: str) -> None:
        """Forget one segment's entries (merged away, or its generation replaced)."""
        self.terms.drop(lambda key: key[0] == segment_id)
        self.positions.drop(lambda key: key[0] == segment_id)


class Vocabulary:
    """The sorted terms of one field with their document frequencies.

    Used for wildcard and fuzzy expansion and for spelling suggestions; built
    on first use per snapshot from each segment's sorted terms and document
    frequencies (read from the segment's array file, or from its term table).
    """

    def __init__(
        self,
        parts: list[tuple[list[str], np.ndarray]],
        segments: frozenset[str] = frozenset(),
        counts: dict[str, int] | None = None,
    ) -> None:
        """Count ``parts`` (each segment's sorted terms and frequencies), or take
        ``counts`` as counted already (one part then gives the sorted terms)."""
        if counts is not None:
            self.terms: list[str] = parts[0][0]
        elif len(parts) == 1:
            terms, df = parts[0]
            counts = dict(zip(terms, df.tolist(), strict=True))
            self.terms = list(terms)  # already sorted
        else:
            counts = {}
            for terms, df in parts:
                for term, freq in zip(terms, df.tolist(), strict=True):
                    counts[term] = counts.get(term, 0) + freq
            self.terms = sorted(counts)
        self._df = counts
        #: Ids of the segments counted (deletions aside, terms depend on nothing else).
        self.segments = segments
        self._common: dict[int, list[str]] = {}
        self._lengths: dict[tuple[int, int], dict[int, list[str]]] = {}

    def extended(
        self, parts: list[tuple[list[str], np.ndarray]], segments: frozenset[str]
    ) -> Vocabulary:
        """This vocabulary plus the terms of more segments (a new commit's).

        Cheaper than counting every segment again: the counts are copied
        and the new terms merged into the sorted list (two sorted runs).
        """
        counts = dict(self._df)
        added: list[str] = []
        for terms, df in parts:
            for term, freq in zip(terms, df.tolist(), strict=True):
                known = counts.get(term)
                if known is None:
                    added.append(term)
                    counts[term] = freq
                else:
                    counts[term] = known + freq
        terms = sorted(self.terms + sorted(set(added))) if added else self.terms
        return Vocabulary([(terms, np.zeros(0, np.int64))], segments, counts)

    def frequency(self, term: str) -> int:
        return self._df.get(term, 0)

    def common(self, min_df: int) -> list[str]:
        """Terms found in at least ``min_df`` documents (cached)."""
        found = self._common.get(min_df)
        if found is None:
            found = [t for t in self.terms if self._df[t] >= min_df and t.isalpha()]
            self._common[min_df] = found
        return found

    def near_length(self, length: int, distance: int, min_df: int = 0) -> list[str]:
        """Terms (in at least ``min_df`` documents) within ``distance`` of a length.

        Edit-distance searches need look only there: a term more than
        ``distance`` characters longer or shorter cannot be that close.
        """
        key = (min_df, 0)
        buckets = self._lengths.get(key)
        if buckets is None:
            buckets = {}
            for term in self.common(min_df) if min_df else self.terms:
                buckets.setdefault(len(term), []).append(term)
            self._lengths[key] = buckets
        found: list[str] = []
        for size in range(length - distance, length + distance + 1):
            found.extend(buckets.get(size, ()))
        return found

    def with_prefix(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self.terms, prefix)
        end = bisect.bisect_left(self.terms, prefix + "\U0010ffff")
        return self.terms[start:end]


class SegmentData:
    """Arrays for one immutable Whoosh segment (deletions are kept apart).

    Mapped from the segment's array file when the indexer wrote one
    (:mod:`indexer.segment_arrays`: nothing to decode, pages shared between
    processes), else decoded from the segment as an index written before
    those files existed needs.
    """

    def __init__(
        self,
        segreader: Any,
        io_lock: threading.RLock,
        pause: Callable[[], None] = never_pause,
        directory: str | None = None,
        caches: SegmentCaches | None = None,
    ) -> None:
        self.pause = pause
        self.segment_id: str = segreader.segment().segment_id()
        self.size: int = segreader.doc_count_all()
        arrays = None
        if directory is not None:
            segment = segreader.segment()
            arrays = segment_arrays.load(
                directory,
                self.segment_id,
                self.size,
                lambda: terms_checksum(directory, segment),
            )
        #: Whether the arrays came from the segment's array file.
        self.mapped = arrays is not None
        with io_lock:
            if arrays is None:
                arrays = segment_arrays.build_core(segreader, pause)
            # Stored fields open their file on first use: open it now, so a
            # generation stays readable after a rebuild deletes its directory
            # (and a missing or damaged file shows here, not in a search).
            if self.size:
                segreader.stored_fields(0)
        self.arrays = arrays
        self.date_ts = arrays.date_ts
        self.lengths = arrays.lengths
        self.facets = arrays.facets
        #: Shared with the directory's other segments (see SegmentCaches).
        self.caches = caches if caches is not None else SegmentCaches()
        self._terms = self.caches.terms
        self._positions = self.caches.positions
        #: Whether every stored document was read once (see Snapshot.verify_stored).
        self.verified = False
        #: Per-segment arrays other modules load on first use (e.g. the
        #: near-duplicate signatures of :mod:`indexer.search.clusters`).
        self.extras: dict[str, Any] = {}

    def release(self) -> None:
        """Drop the cached postings and positions and this process's pages of the
        array file: the segment was merged away or replaced by a rebuild, and only
        a retired snapshot, whose requests are finishing, still reads it."""
        self.caches.drop(self.segment_id)
        mapping = file_mapping(self.date_ts)
        if mapping is not None:
            release_mapping(mapping)

    def _check_docs(self, docs: np.ndarray, fieldname: str, term: str) -> None:
        segment_arrays.check_docs(
            docs, self.size, f"{fieldname}:{term!r} in segment {self.segment_id}"
        )

    def signatures(self, segreader: Any, io_lock: threading.RLock) -> np.ndarray:
        """(size, PERMUTATIONS) near-duplicate signatures (zeros where none)."""
        if self.arrays.signatures is None:
            with io_lock:
                self.arrays.signatures = segment_arrays.read_signatures(segreader, self.size)
        return self.arrays.signatures

    def terms(
        self, segreader: Any, io_lock: threading.RLock, fieldname: str
    ) -> tuple[list[str], np.ndarray]:
        """The segment's sorted terms of ``fieldname`` and their document frequencies."""
        found = self.arrays.terms(fieldname)
        if found is None:
            with io_lock:
                found = segment_arrays.read_terms(segreader, fieldname)
            self.arrays.vocab[fieldname] = found
        return found

    def postings(
        self, segreader: Any, io_lock: threading.RLock, fieldname: str, term: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """(local docs, term frequencies) of a term, cached."""
        key = (self.segment_id, fieldname, term)
        cached = self._terms.get(key)
        if cached is None:
            with io_lock:
                docs, weights, _ = read_postings(segreader, fieldname, term)
            self._check_docs(docs, fieldname, term)
            cached = (docs, weights)
            self._terms.put(key, cached, len(docs) + 1)
        return cached

    def positions(
        self, segreader: Any, io_lock: threading.RLock, fieldname: str, term: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(local docs, offsets, positions) of a term in CSR form, cached."""
        key = (self.segment_id, fieldname, term)
        cached = self._positions.get(key)
        if cached is None:
            with io_lock:
                docs, _, values = read_postings(segreader, fieldname, term, with_values=True)
            self._check_docs(docs, fieldname, term)
            offsets, positions = decode_positions(values)
            if len(offsets) != len(docs) + 1:
                raise ValueError(f"positions of {fieldname}:{term!r} do not match its postings")
            cached = (docs, offsets, positions)
            self._positions.put(key, cached, len(positions) + len(docs) + 1)
        return cached


def _concat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    """One array of ``parts``; a single part is used as is (a mapped file's
    pages then stay shared between processes)."""
    if len(parts) == 1:
        return parts[0].astype(dtype, copy=False)
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _value_mapping(values: dict[str, int], segment_values: tuple[str, ...]) -> np.ndarray:
    """Global ids of one segment's facet values, adding the new ones to ``values``.

    Looked up with C-level ``map`` first; only values not seen in an
    earlier segment take a Python step (a segment's values are distinct).
    """
    if not values:
        values.update(zip(segment_values, range(len(segment_values)), strict=True))
        return np.arange(len(segment_values), dtype=np.int32)
    found = list(map(values.get, segment_values))
    for i, value_id in enumerate(found):
        if value_id is None:
            found[i] = values.setdefault(segment_values[i], len(values))
    return np.asarray(found, dtype=np.int32).reshape(len(segment_values))


def merge_facet(parts: list[tuple[FacetPairs, int]], live: np.ndarray) -> FacetPairs:
    """One facet's pairs over a generation: each segment's (pairs, docnum offset),
    value ids made global (in order of first appearance), dead documents left out.

    Sorted segment by segment (:func:`segment_pairs`): with the parts in
    document order, the concatenated runs are the generation's sort, and no
    temporary array grows with the index (one int64 key of all pairs, its
    quotient and remainder held ~40 bytes a pair: ~0.7 GB at 100x Reuters
    in the indexing parent, which builds this for every commit).
    """
    offsets = [offset for _, offset in parts]
    values, mappings = facet_values(parts)
    if any(b < a for a, b in itertools.pairwise(offsets)):
        # Parts out of document order: one sort of everything.
        docs = [pairs.docs.astype(np.int64) + offset for pairs, offset in parts]
        ids = [m[p.value_ids] for (p, _), m in zip(parts, mappings, strict=True)]
        all_docs = _concat(docs, np.int64)
        all_ids = _concat(ids, np.int32)
        keep = live[all_docs] if len(all_docs) else np.zeros(0, dtype=bool)
        return sorted_pairs(values, all_docs[keep], all_ids[keep], len(live))
    check_pair_counts(len(live), len(values), sum(len(pairs.docs) for pairs, _ in parts))
    runs = [
        segment_pairs(pairs, offset, mapping, len(values), live)
        for (pairs, offset), mapping in zip(parts, mappings, strict=True)
    ]
    docs32 = _concat([d for d, _ in runs], np.int32)
    ids32 = _concat([i for _, i in runs], np.int32)
    return FacetPairs(values, docs32, ids32, pair_starts(docs32, len(live)))


def facet_values(parts: list[tuple[FacetPairs, int]]) -> tuple[tuple[str, ...], list[np.ndarray]]:
    """A facet's global values (in order of first appearance), and each part's
    local -> global value ids."""
    values: dict[str, int] = {}
    mappings = [_value_mapping(values, pairs.values) for pairs, _ in parts]
    return tuple(values), mappings


def segment_pairs(
    pairs: FacetPairs, offset: int, mapping: np.ndarray, width: int, live: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One segment's live pairs, sorted by (document, global value id), as int32.

    ``pairs`` are the segment's own (documents local, values grouped),
    ``mapping`` its value ids made global, ``width`` the facet's number of
    global values and ``offset`` the segment's first document number.
    """
    if not len(pairs.docs):
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    local = pairs.docs.astype(np.int64)
    keep = live[local + offset]
    key = local[keep]
    key *= max(width, 1)
    key += mapping[pairs.value_ids[keep]]
    key.sort()
    docs, ids = np.divmod(key, max(width, 1))
    docs += offset
    return docs.astype(np.int32), ids.astype(np.int32)


def pair_starts(docs: np.ndarray, size: int) -> np.ndarray:
    """Each document's range of sorted pairs: ``size + 1`` int32 offsets."""
    starts = np.zeros(size + 1, dtype=np.int32)
    np.cumsum(np.bincount(docs, minlength=size), out=starts[1:])
    return starts


def check_pair_counts(size: int, values: int, pairs: int) -> None:
    """Document numbers, value ids and pair counts must fit in int32."""
    if size >= 2**31 or values >= 2**31 or pairs >= 2**31:
        raise ValueError("facet pairs do not fit in 32-bit numbers")


def sorted_pairs(
    values: tuple[str, ...], docs: np.ndarray, value_ids: np.ndarray, size: int
) -> FacetPairs:
    """Pairs sorted by (document, value id), as int32, with each document's range.

    One sort of a combined key (numpy's vectorised sort of int64) instead of a
    lexicographic sort of two arrays; document numbers and value ids fit in
    int32 (a generation holds fewer than 2**31 documents and values).
    """
    check_pair_counts(size, len(values), len(docs))
    width = max(len(values), 1)
    key = docs.astype(np.int64) * width + value_ids
    key.sort()
    sorted_docs, sorted_ids = np.divmod(key, width)
    return FacetPairs(
        values,
        sorted_docs.astype(np.int32),
        sorted_ids.astype(np.int32),
        pair_starts(sorted_docs, size),
    )


def ranges_of(starts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions ``starts[r]:starts[r + 1]`` of every ``r`` of ``rows``, concatenated.

    For arrays in CSR form (each row's entries one range): a facet's pairs
    by document, a term's positions by posting.
    """
    first = starts[rows].astype(np.int64)
    lengths = starts[rows + 1] - first
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    # Each range's first position, shifted by the positions before it, plus a running count.
    shift = first - (np.cumsum(lengths) - lengths)
    return np.repeat(shift, lengths) + np.arange(total, dtype=np.int64)


def pairs_holding(pairs: FacetPairs, value_ids: np.ndarray) -> np.ndarray:
    """Mask of the pairs whose value is one of ``value_ids`` (``np.isin``, faster).

    One value (a facet filter, ``place:japan``) is one comparison per pair;
    several, a look-up in a table of every value: ``np.isin`` sorts or
    builds such a table with int64 temporaries of the index's pairs.
    """
    if len(value_ids) == 1:
        return pairs.value_ids == value_ids[0]
    wanted = np.zeros(len(pairs.values), dtype=bool)
    wanted[value_ids] = True
    return wanted[pairs.value_ids]


def index_root(directory: str) -> str:
    """The index directory a user names (``--index``) for one of its ``ix-*`` directories."""
    parent = os.path.dirname(directory)
    return parent if os.path.lexists(os.path.join(parent, CURRENT_LINK)) else directory


class Snapshot:
    """Everything a search needs about one index generation.

    Any failure to read the index, while opening or in a request, becomes an
    :class:`IndexCorruptError` saying how to rebuild (an HTTP 503, exit
    status 3), and the first one is remembered in :attr:`damage` so that
    the health check can tell.
    """

    def __init__(
        self,
        ix: Any,
        version: IndexVersion,
        reuse: dict[str, SegmentData] | None = None,
        pause: Callable[[], None] = never_pause,
        previous: Snapshot | None = None,
    ) -> None:
        self.version = version
        #: Called often by the long loops of opening and warming (see yielding).
        self.pause = pause
        self.root = index_root(version.directory)
        self.io_lock = threading.RLock()
        #: What went wrong the first time this generation could not be read.
        self.damage: str | None = None
        #: Whether warming (and the check of every stored document) has run.
        self.checked = False
        #: Set once a newer generation serves (see :meth:`retire`).
        self.retired = False
        self.leaves: list[tuple[Any, SegmentData, int]] = []
        with self.reading("opening the index"):
            self.searcher = ix.searcher()
            try:
                self._load(reuse or {})
            except BaseException:
                self.searcher.close()
                raise
        self._value_index: dict[str, dict[str, int]] = {}
        self._vocabularies: dict[str, Vocabulary] = {}
        self._vocabulary_lock = threading.Lock()
        #: Vocabularies of the previous generation, extended rather than rebuilt.
        self._inherited: dict[str, Vocabulary] = (
            previous.vocabularies() if previous is not None else {}
        )
        #: Derived lookups other modules build once per snapshot.
        self.cache: dict[Any, Any] = {}
        self._term_cache = _SizedLRU(TERM_CACHE_POSTINGS // 2)

    def _load(self, reuse: dict[str, SegmentData]) -> None:
        # The segments of one directory share one budget of cached postings.
        shared = next(iter(reuse.values()), None)
        self.segment_caches = shared.caches if shared is not None else SegmentCaches()
        reader = self.searcher.reader()
        for segreader, offset in reader.leaf_readers():
            segment = segreader.segment() if hasattr(segreader, "segment") else None
            if segment is None:
                # An index committed without any document (a folder of
                # non-articles, a first run that ran out of disk) has an
                # empty reader in place of segments.
                continue
            segment_id = segment.segment_id()
            data = reuse.get(segment_id)
            if data is None or data.size != segreader.doc_count_all():
                self.segment_caches.drop(segment_id)  # nothing cached under a reused name
                data = SegmentData(
                    segreader, self.io_lock, self.pause, self.version.directory, self.segment_caches
                )
            self.leaves.append((segreader, data, offset))
        self.size = sum(data.size for _, data, _ in self.leaves)
        self.live = self._live_mask()
        self.doc_count = int(self.live.sum())
        self.date_ts = _concat([data.date_ts for _, data, _ in self.leaves], np.int64)
        self.lengths = {
            name: _concat([data.lengths[name] for _, data, _ in self.leaves], np.float32)
            for name in F.TEXT_FIELDS
        }
        self.avg_length = {
            name: float(lengths[self.live].mean()) if self.doc_count else 1.0
            for name, lengths in self.lengths.items()
        }
        mapped = self._mapped_facets()
        self.facets = mapped or {facet.field: self._merge_facet(facet.field) for facet in F.FACETS}

    @contextlib.contextmanager
    def reading(self, what: str) -> Iterator[None]:
        """Turn any failure to read the index inside the block into an IndexCorruptError.

        Whoosh raises whatever its decoders meet in damaged bytes (struct,
        zlib, pickle, EOF, index errors...); each such read is wrapped here,
        so a damaged segment answers 503 with the recovery command instead
        of a 500, and the damage is remembered for ``/healthz``.
        """
        try:
            yield
        except NewsearchError:
            raise
        except Exception as exc:
            detail = f"{what}: {type(exc).__name__}: {exc}"[:500]
            if self.damage is None:
                self.damage = detail
                # The caller reports the error itself; the traceback is for -v.
                log.info(
                    "index generation %s in %s is damaged (%s)",
                    self.version.generation,
                    self.version.directory,
                    detail,
                    exc_info=True,
                )
            raise corrupt_index_error(self.root, detail) from exc

    # -- construction -----------------------------------------------------------

    def _live_mask(self) -> np.ndarray:
        live = np.ones(self.size, dtype=bool)
        with self.io_lock:
            for segreader, data, offset in self.leaves:
                if segreader.has_deletions():
                    deleted = np.fromiter(segreader.deleted_docs_set, dtype=np.int64)
                    if len(deleted) and (deleted.min() < 0 or deleted.max() >= data.size):
                        raise ValueError("deleted document numbers out of range")
                    live[deleted + offset] = False
        return live

    def _merge_facet(self, fieldname: str) -> FacetPairs:
        return merge_facet(
            [(data.facets[fieldname], offset) for _, data, offset in self.leaves], self.live
        )

    def _mapped_facets(self) -> dict[str, FacetPairs] | None:
        """The merged facet pairs the indexer saved for this generation, if valid."""
        from indexer import generation_arrays  # it computes with this module

        layout = generation_arrays.layout_of(self.version.generation, self.leaves)
        if layout.size != self.size:
            return None
        return generation_arrays.load_facets(self.version.directory, layout)

    def segment_data(self) -> dict[str, SegmentData]:
        """Per-segment data, for the next generation to reuse."""
        return {data.segment_id: data for _, data, _ in self.leaves}

    # -- access -----------------------------------------------------------------

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(global live docs, term frequencies) of ``term`` in ``fieldname``."""
        key = (fieldname, term)
        cached = self._term_cache.get(key)
        if cached is not None:
            return cached
        docs_parts: list[np.ndarray] = []
        tf_parts: list[np.ndarray] = []
        for segreader, data, offset in self.leaves:
            with self.reading(f"postings of {fieldname}:{term!r}"):
                docs, tfs = data.postings(segreader, self.io_lock, fieldname, term)
            if len(docs):
                docs_parts.append(docs.astype(np.int64) + offset)
                tf_parts.append(tfs)
        if not docs_parts:
            result = (np.zeros(0, np.int64), np.zeros(0, np.float32))
        else:
            docs = np.concatenate(docs_parts)
            tfs = np.concatenate(tf_parts)
            keep = self.live[docs]
            result = (docs[keep], tfs[keep])
        if not self.retired:
            self._term_cache.put(key, result, len(result[0]) + 1)
        return result

    def positions(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Flattened (global doc, position) pairs of ``term`` (live docs only).

        Sorted by document, then position (segments are in docnum order).
        """
        key = ("positions", fieldname, term)
        cached = self._term_cache.get(key)
        if cached is not None:
            return cached
        result = self._positions(fieldname, term)
        if not self.retired:
            self._term_cache.put(key, result, 2 * len(result[0]) + 1)
        return result

    def positions_in(
        self, fieldname: str, term: str, mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`positions` of the documents of ``mask`` only (a global mask).

        The positions of a common word at 100x are too many for the cache,
        and the proximity bonus wants them only in the few documents that
        hold both words: each segment's documents are filtered first, and
        only their positions gathered (by range), not every position of
        the word. The same pairs, in the same order, as filtering
        :meth:`positions`.
        """
        cached = self._term_cache.get(("positions", fieldname, term))
        if cached is not None:
            keep = mask[cached[0]]
            return cached[0][keep], cached[1][keep]
        doc_parts: list[np.ndarray] = []
        pos_parts: list[np.ndarray] = []
        # One mask of the wanted live documents, looked up once per posting
        # with the segment's own (local, int32) numbers: a common word's
        # postings are millions, its chosen documents few.
        wanted = mask & self.live
        for local, offset, offsets, positions in self._segment_positions(fieldname, term):
            chosen = np.flatnonzero(wanted[offset:][local])
            if not len(chosen):
                continue
            found = local[chosen].astype(np.int64) + offset
            doc_parts.append(np.repeat(found, offsets[chosen + 1] - offsets[chosen]))
            pos_parts.append(positions[ranges_of(offsets, chosen)])
        if not doc_parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(doc_parts), np.concatenate(pos_parts)

    def _segment_positions(
        self, fieldname: str, term: str
    ) -> Iterator[tuple[np.ndarray, int, np.ndarray, np.ndarray]]:
        """Per segment holding ``term``: its documents (the segment's numbers),
        the segment's first global number, the offsets of each document's
        positions, and the positions."""
        for segreader, data, offset in self.leaves:
            with self.reading(f"positions of {fieldname}:{term!r}"):
                docs, offsets, positions = data.positions(segreader, self.io_lock, fieldname, term)
            if len(docs):
                yield docs, offset, offsets, positions

    def _positions(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        doc_parts: list[np.ndarray] = []
        pos_parts: list[np.ndarray] = []
        for local, offset, offsets, positions in self._segment_positions(fieldname, term):
            doc_parts.append(np.repeat(local.astype(np.int64) + offset, np.diff(offsets)))
            pos_parts.append(positions)
        if not doc_parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        docs = np.concatenate(doc_parts)
        positions = np.concatenate(pos_parts)
        keep = self.live[docs]
        return docs[keep], positions[keep]

    def expand(self, fieldname: str, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` terms of ``fieldname`` starting with ``prefix``, in order."""
        found: list[str] = []
        with self.io_lock, self.reading(f"terms of {fieldname}"):
            for term in self.searcher.reader().expand_prefix(fieldname, prefix):
                found.append(term.decode("utf-8") if isinstance(term, bytes) else term)
                if len(found) >= limit:
                    break
        return found

    def vocabularies(self) -> dict[str, Vocabulary]:
        """The vocabularies built so far (or inherited), by field, for the next generation."""
        return {**self._inherited, **self._vocabularies}

    def vocabulary(self, fieldname: str) -> Vocabulary:
        """The field's terms and frequencies (built once per snapshot).

        A new commit's snapshot extends the previous generation's vocabulary
        with its new segments' terms when every segment counted there is
        still here (no merge since).
        """
        vocab = self._vocabularies.get(fieldname)
        if vocab is not None:
            return vocab
        with self._vocabulary_lock, self.reading(f"terms of {fieldname}"):
            vocab = self._vocabularies.get(fieldname)
            if vocab is None:
                segments = frozenset(data.segment_id for _, data, _ in self.leaves)
                base = self._inherited.get(fieldname)
                if base is not None and base.segments and base.segments <= segments:
                    vocab = base.extended(
                        [
                            data.terms(reader, self.io_lock, fieldname)
                            for reader, data, _ in self.leaves
                            if data.segment_id not in base.segments
                        ],
                        segments,
                    )
                else:
                    parts = [
                        data.terms(reader, self.io_lock, fieldname)
                        for reader, data, _ in self.leaves
                    ]
                    vocab = Vocabulary(parts, segments)
                self._vocabularies[fieldname] = vocab
                # The previous generation's copy is not needed any more: held
                # here, it outlived its own snapshot by a whole generation.
                self._inherited.pop(fieldname, None)
        return vocab

    def warm(self, top_terms: int = 2000, budget: int = WARM_POSTINGS) -> None:
        """Build what first searches would otherwise pay for.

        Vocabularies (wildcards, fuzzy terms, suggestions) and the postings
        of the most frequent body and title terms, most frequent first, up
        to ``budget`` postings per field; run in a background thread by the
        web app after opening a generation.
        """
        for fieldname in F.TEXT_FIELDS:
            vocab = self.vocabulary(fieldname)
            vocab.common(5)
            frequent = sorted(vocab.terms, key=vocab.frequency, reverse=True)[:top_terms]
            spent = 0
            for term in frequent:
                spent += vocab.frequency(term)
                if spent > budget:
                    break
                self.pause()
                self.postings(fieldname, term)
        self.release_pages()

    def release_pages(self) -> None:
        """Unmap the compound segments' pages this process touched (see
        :func:`~indexer.whoosh_internals.compound.release_pages`): what warming
        and the check of the stored documents read is decoded or done with."""
        with self.io_lock:
            for segreader, _, _ in self.leaves:
                compound.release_pages(segreader)

    def verify_stored(self) -> None:
        """Read every stored document once; raises (and records) the first damaged one.

        Whoosh keeps no checksums, so this is how damage to the stored fields
        shows in ``/healthz`` before a request meets it (about 50 µs a
        document, run in the background after warming; the lock is taken
        per document so requests interleave). A segment read through
        whole by an earlier generation is not read again: segment files
        never change, and a commit then costs only its new segments.
        """
        for _, data, offset in self.leaves:
            if data.verified:
                continue
            for local in range(data.size):
                self.pause()
                self.stored(offset + local)
            data.verified = True
            self.release_pages()

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """Live documents containing ``term`` (exact, unexpanded)."""
        return len(self.postings(fieldname, term)[0])

    def value_index(self, fieldname: str) -> dict[str, int]:
        """Facet value -> id, built on first use."""
        index = self._value_index.get(fieldname)
        if index is None:
            index = {value: i for i, value in enumerate(self.facets[fieldname].values)}
            self._value_index[fieldname] = index
        return index

    def stored(self, docnum: int) -> dict[str, Any]:
        with self.io_lock, self.reading(f"stored fields of document {docnum}"):
            fields = self.searcher.stored_fields(int(docnum))
            if not isinstance(fields, dict) or F.ID not in fields:
                raise ValueError(f"not a stored document: {type(fields).__name__}")
            return dict(fields)

    def docnum_for_id(self, article_id: str) -> int | None:
        with self.io_lock, self.reading(f"the id {article_id!r}"):
            docnum = self.searcher.document_number(id=article_id)
            if docnum is not None and not 0 <= docnum < self.size:
                raise ValueError(f"document number {docnum} out of range")
        if docnum is None or not self.live[docnum]:
            return None
        return int(docnum)

    def retire(self, successor: Snapshot | None = None) -> None:
        """Let go of what only this generation's requests used: ``successor`` serves now.

        A retired snapshot stays open for :data:`~indexer.search.generations.RETIRE_AFTER`
        seconds, so that requests which started on it finish; but nothing new
        comes to it. Holding its caches meanwhile held two generations' worth
        (at 100x per server process: ~0.2 GB of term cache, the derived
        lookups, and its 190 MB facet file resident beside the new
        generation's) exactly while the new one warms, which took the serving
        processes over 3 GB right after a commit. So: the term cache and the
        derived lookups are dropped (a request still running recomputes what
        it asks for, uncached), and the pages of the generation's mapped files
        and of its compound segments are released (read back from the page
        cache if touched again). The per-segment data ``successor`` reuses
        is left alone; that of segments it no longer has (merged away, or
        every segment after a rebuild) is released too.
        """
        self.retired = True
        mapped = self._generation_mappings()
        self.cache = _Discarding()
        self._term_cache.clear()
        for found in mapped:
            release_mapping(found)
        self.release_pages()
        kept = set() if successor is None else {id(data) for _, data, _ in successor.leaves}
        for _, data, _ in self.leaves:
            if id(data) not in kept:
                data.release()

    def _generation_mappings(self) -> list[mmap.mmap]:
        """The mapped per-generation files in use: facet pairs, clusters."""
        arrays: list[Any] = []
        for pairs in self.facets.values():
            arrays.extend((pairs.docs, pairs.value_ids, pairs.starts))
        for value in list(self.cache.values()):
            if hasattr(value, "__slots__"):  # e.g. the mapped clusters
                arrays.extend(_slot_arrays(value))
        found: dict[int, mmap.mmap] = {}
        for array in arrays:
            mapping = file_mapping(array)
            if mapping is not None:
                found[id(mapping)] = mapping
        return list(found.values())

    def close(self) -> None:
        with self.io_lock:
            self.searcher.close()
