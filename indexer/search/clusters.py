"""Near-duplicate clusters (wire copies) of one index generation, and collapsing.

Every story carries a MinHash signature written at index time
(:mod:`indexer.dedup`). Per committed generation, the live stories are
grouped from those signatures:

1. LSH banding: the signature is cut into :data:`BANDS` bands of
   :data:`ROWS` values; stories with an identical band become candidates
   (with 16 bands of 4, a pair at Jaccard 0.7 is a candidate with
   probability 0.98, at 0.3 with 0.12);
2. each candidate pair is checked: the share of equal signature positions
   (the estimated Jaccard similarity of their 5-word shingles) must reach
   :data:`THRESHOLD`;
3. checked pairs are joined into connected components (union-find as
   numpy label propagation).

A cluster's id is the article id of its representative: its earliest
member (by date, then content, then position). Grouping is recomputed from
the stored signatures for each generation (a few tens of milliseconds for
Reuters-21578, cached), so clusters follow the index exactly: a copy that
arrives in a later run joins its original's cluster, and deleting the
representative promotes the next earliest member. Segments never change,
so their signatures are read once and reused by later generations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from indexer import schema as F
from indexer.dedup import PERMUTATIONS
from indexer.search.snapshot import Snapshot

#: LSH bands and rows per band (BANDS * ROWS <= PERMUTATIONS).
BANDS = 16
ROWS = 4
#: Least estimated Jaccard similarity of two members' shingle sets.
THRESHOLD = 0.5
#: Most days between two dated members: re-sends, corrections, updates and
#: reprints follow the original within days, while a recurring template
#: ("Fed adds reserves via customer repurchases", filed every few days with
#: other figures) is a new story each time.
WINDOW_DAYS = 3
#: Stricter similarity for pairs filed more than a day apart (a recurring
#: template with new figures scores 0.5-0.8; a re-send stays above 0.85)...
LATER_THRESHOLD = 0.85
#: ...and for short stories (body under :data:`SHORT_WORDS` words), where
#: one shared template sentence is most of the text ("None posted, Total
#: todate 146" of cocoa and coffee gradings).
SHORT_THRESHOLD = 0.8
SHORT_WORDS = 30
#: ...which also cluster only within half a day (seconds).
SHORT_WINDOW = 12 * 3600

_CACHE_KEY = "near-duplicate-clusters"
#: Candidate pairs whose signatures are compared at a time (bounds memory).
PAIR_CHUNK = 262_144


@dataclass(frozen=True, slots=True)
class Clusters:
    """Cluster of every document of a snapshot (dead documents are singletons)."""

    #: Docnum of each document's representative (itself for a singleton).
    rep: np.ndarray
    #: Live members of each document's cluster (1 for a singleton).
    size: np.ndarray

    @property
    def any(self) -> bool:
        """Whether any cluster has two members or more."""
        return bool(len(self.size)) and int(self.size.max()) > 1


def signatures(snap: Snapshot) -> np.ndarray:
    """(snap.size, PERMUTATIONS) signatures of every document of the snapshot."""
    parts = [data.signatures(reader, snap.io_lock) for reader, data, _ in snap.leaves]
    if not parts:
        return np.zeros((0, PERMUTATIONS), dtype=np.uint32)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def clusters(snap: Snapshot) -> Clusters:
    """The snapshot's clusters (computed once per snapshot)."""
    cached = snap.cache.get(_CACHE_KEY)
    if cached is None:
        # The mapped file is cached too: reading it checks its checksums over
        # every document (1 CPU-s per 150 searches at 100x when it was not).
        cached = mapped(snap)
        if cached is None:
            cached = compute(snap.live, signatures(snap), snap.date_ts, snap.lengths[F.BODY])
        snap.cache[_CACHE_KEY] = cached
    return cached  # type: ignore[no-any-return]


def mapped(snap: Snapshot) -> Clusters | None:
    """The clusters the indexer saved for this generation, if its file is valid."""
    from indexer import generation_arrays  # it computes with this module

    layout = generation_arrays.layout_of(snap.version.generation, snap.leaves)
    if layout.size != snap.size:
        return None
    return generation_arrays.load(snap.version.directory, layout)


def band_key(sigs: np.ndarray, band: int) -> np.ndarray:
    """(n,) uint64 keys of one band: its ROWS values folded into one number
    (column ``band`` of :func:`band_keys`)."""
    key = np.zeros(len(sigs), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            key *= np.uint64(0x100000001B3)
            key += sigs[:, band * ROWS + r]
    return key


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """(n, BANDS) uint64 keys: each band's ROWS values folded into one number."""
    # Band b holds columns b*ROWS .. b*ROWS+ROWS-1; one row of every band at
    # a time (widening all 64 columns at once cost 8 bytes each: 1.1 GB at 100x).
    keys = np.zeros((len(sigs), BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            keys *= np.uint64(0x100000001B3)
            keys += sigs[:, r : BANDS * ROWS : ROWS]
    return keys


def candidate_pairs(
    sigs: np.ndarray, dates: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs sharing a band: each group's members chained in sorted order.

    With ``dates`` (of the rows), a group's members are chained in date
    order and links longer than :data:`WINDOW_DAYS` are dropped before the
    pairs are deduplicated: no such pair can be a copy, and an archive
    holding many copies of a story across years (a re-run feature, the
    synthetic 10x/100x corpora: every story ten or a hundred times, a year
    apart) would otherwise make a million pairs at 10x and tens of millions
    at 100x, each checked on 64 signature values, per generation. Date
    order also keeps the chain from hopping across the years between two
    copies filed a day apart.
    """
    # One band at a time (its keys, its order: ~17 MB each at 100x, where
    # all 16 at once held ~1.5 GB); any order among equal keys will do:
    # each group's members are chained whatever their order.
    return candidate_pairs_of(lambda band: band_key(sigs, band), len(sigs), dates)


def candidate_pairs_of(
    key_of: Callable[[int], np.ndarray], count: int, dates: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`candidate_pairs` of ``count`` rows whose band keys ``key_of(band)`` gives
    (the indexer passes keys it computed a chunk of signatures at a time)."""
    by_date = None if dates is None else np.argsort(dates, kind="stable")
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    for band in range(BANDS):
        key = key_of(band)
        if by_date is None:
            order = np.argsort(key)
        else:
            # Date order within equal keys: a stable (radix) sort by key of
            # the rows already in date order (lexsorts cost three times as much).
            order = by_date[np.argsort(key[by_date], kind="stable")]
        ordered = key[order]
        same = np.flatnonzero(ordered[1:] == ordered[:-1])
        a, b = order[same], order[same + 1]
        if dates is not None:
            when_a, when_b = dates[a], dates[b]
            near = (np.abs(when_a - when_b) <= WINDOW_DAYS * 86400) | (
                (when_a == F.UNDATED) | (when_b == F.UNDATED)
            )
            a, b = a[near], b[near]
        left.append(a)
        right.append(b)
    if not left:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a, b = np.concatenate(left), np.concatenate(right)
    width = np.int64(count)
    codes = np.unique(np.minimum(a, b).astype(np.int64) * width + np.maximum(a, b))
    return codes // width, codes % width


def components(count: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the pairs: the smallest row of each, per row."""
    labels = np.arange(count, dtype=np.int64)
    while True:
        low = np.minimum(labels[a], labels[b])
        before = labels.copy()
        np.minimum.at(labels, a, low)
        np.minimum.at(labels, b, low)
        labels = labels[labels]
        if np.array_equal(labels, before):
            return labels


def compute(
    live: np.ndarray, sigs: np.ndarray, dates: np.ndarray, lengths: np.ndarray | None = None
) -> Clusters:
    """Group the live documents with signatures into clusters (see the module doc)."""
    size = len(live)
    rows = np.flatnonzero(live & (sigs[:, 0] != 0)) if size else np.zeros(0, np.int64)
    if len(rows) < 2:
        return singletons(size)
    local = sigs[rows]
    a, b = edges(local, dates[rows], None if lengths is None else lengths[rows])
    if not len(a):
        return singletons(size)
    labels = components(len(rows), a, b)
    return from_labels(size, rows, labels, dates[rows], local[:, 0])


def singletons(size: int) -> Clusters:
    """Every document alone."""
    return Clusters(np.arange(size, dtype=np.int64), np.ones(size, dtype=np.int32))


def edges(
    local: np.ndarray, dates: np.ndarray, lengths: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows (of ``local`` signatures, with their dates and body lengths)
    that are near-duplicates: candidates (:func:`candidate_pairs`) that pass the check."""
    a, b = candidate_pairs(local, dates)
    return checked_pairs(a, b, local.__getitem__, dates, lengths)


def checked_pairs(
    a: np.ndarray,
    b: np.ndarray,
    gather: Callable[[np.ndarray], np.ndarray],
    dates: np.ndarray,
    lengths: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs ``a``, ``b`` that pass the check of :func:`edges`;
    ``gather(rows)`` gives those rows' signatures."""
    if not len(a):
        return a, b
    # Compared in chunks of pairs: two (pairs, 64) gathers at once cost ~1 GB
    # for the ~2 M candidate pairs of the 100x corpus.
    agree = np.empty(len(a), dtype=np.float64)
    for start in range(0, len(a), PAIR_CHUNK):
        part = slice(start, start + PAIR_CHUNK)
        agree[part] = (gather(a[part]) == gather(b[part])).mean(axis=1)
    when_a, when_b = dates[a], dates[b]
    undated = (when_a == F.UNDATED) | (when_b == F.UNDATED)
    gap = np.where(undated, 0, np.abs(when_a - when_b))
    needed = np.where(gap > 86400, LATER_THRESHOLD, THRESHOLD)
    window = np.full(len(a), WINDOW_DAYS * 86400, dtype=np.int64)
    if lengths is not None:
        shortest = np.minimum(lengths[a], lengths[b])
        needed = np.where(shortest < SHORT_WORDS, np.maximum(needed, SHORT_THRESHOLD), needed)
        # A flash or table of a few words filed again half a day later
        # is the next edition of a recurring item ("Fed sets 1.5 billion
        # dlr customer repurchase"), not a copy.
        window = np.where(shortest < SHORT_WORDS, SHORT_WINDOW, window)
    keep = (agree >= needed) & (gap <= window)
    return a[keep], b[keep]


def from_labels(
    size: int, docs: np.ndarray, labels: np.ndarray, dates: np.ndarray, first_values: np.ndarray
) -> Clusters:
    """Clusters of ``size`` documents from the component ``labels`` (0..len(docs)-1) of
    ``docs``, with their dates and first signature values (the representative's tie-break)."""
    rep = np.arange(size, dtype=np.int64)
    members = np.ones(size, dtype=np.int32)
    if not len(docs):
        return Clusters(rep, members)
    # Representative: earliest dated member, then content, then position.
    when = np.where(dates == F.UNDATED, np.iinfo(np.int64).max, dates)
    order = np.lexsort((docs, first_values, when, labels))
    first = np.ones(len(order), dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    leader_of_label = np.empty(len(docs), dtype=np.int64)
    leader_of_label[labels[order][first]] = docs[order][first]
    rep[docs] = leader_of_label[labels]
    counts = np.bincount(labels, minlength=len(docs))
    members[docs] = counts[labels]
    return Clusters(rep, members)


def rank_keys(
    dates: np.ndarray, docs: np.ndarray, scores: np.ndarray | None, sort: str
) -> tuple[np.ndarray, np.ndarray]:
    """(primary, secondary) sort keys of ``docs``, smallest first, as the search orders hits."""
    when = dates[docs]
    if sort == "relevance" and scores is not None:
        return -scores[docs].astype(np.float64), -when
    if sort == "oldest":
        return np.where(when == F.UNDATED, np.iinfo(np.int64).max, when), docs
    return -when, docs


def clustered_docs(groups: Clusters, mask: np.ndarray) -> np.ndarray:
    """The documents of ``mask`` that have copies (the only ones collapsing can drop)."""
    return np.flatnonzero(mask & (groups.size > 1))


def collapse(
    groups: Clusters,
    mask: np.ndarray,
    docs: np.ndarray,
    primary: np.ndarray,
    secondary: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Keep the best-ranked member of each cluster in ``mask``.

    ``docs`` are :func:`clustered_docs` of ``mask`` and ``primary``/
    ``secondary`` their rank keys (singletons always stay, so they need no
    keys). Returns the collapsed mask and, per document, how many other
    members of its cluster ``mask`` holds (set on the kept member only).
    """
    duplicates = np.zeros(len(mask), dtype=np.int32)
    if not len(docs):
        return mask, duplicates
    reps = groups.rep[docs]
    # ``docs`` are ascending and lexsort is stable: the document number
    # breaks the remaining ties without a key of its own.
    order = np.lexsort((secondary, primary, reps))
    sorted_reps = reps[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_reps[1:] != sorted_reps[:-1]
    starts = np.flatnonzero(first)
    keep = docs[order[starts]]
    collapsed = mask.copy()
    collapsed[docs] = False
    collapsed[keep] = True
    # Each cluster's members in ``mask`` are one run of the sorted order.
    duplicates[keep] = np.diff(starts, append=len(order)) - 1
    return collapsed, duplicates


#: Above this many clustered documents (times it, the index's size),
#: :func:`cluster_count` marks their representatives in a bitmap of the
#: index rather than sorting them (``np.unique``): linear, not n log n.
BITMAP_SHARE = 1 / 64


def cluster_count(groups: Clusters, mask: np.ndarray) -> int:
    """Distinct clusters among the documents of ``mask``."""
    multi = mask & (groups.size > 1)
    singles = int(np.count_nonzero(mask)) - int(np.count_nonzero(multi))
    docs = np.flatnonzero(multi)
    if not len(docs):
        return singles
    reps = groups.rep[docs]
    if len(docs) <= BITMAP_SHARE * len(mask):
        return singles + len(np.unique(reps))
    seen = np.zeros(len(mask), dtype=bool)
    seen[reps] = True
    return singles + int(np.count_nonzero(seen))


def members_mask(snap: Snapshot, groups: Clusters, docnum: int) -> np.ndarray:
    """The live members of ``docnum``'s cluster."""
    return snap.live & (groups.rep == groups.rep[docnum])
