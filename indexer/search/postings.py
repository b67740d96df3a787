"""Read a term's postings from one Whoosh segment into numpy arrays.

Whoosh's matcher API yields one posting per Python call (about 2 µs each);
scoring a common term that way costs milliseconds before any ranking starts.
The search service instead loads a term's postings once per segment as
arrays and caches them: segments never change after they are written, so
the cache stays valid until the segment is merged away.

The fast path reads Whoosh 3 posting blocks whole (ids delta-encoded,
weights, and our packed positions) through
:func:`indexer.whoosh_internals.posting_blocks`. Anything else (an inline
posting, another codec) goes through the public matcher API, only slower.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from indexer.whoosh_internals import has_term, posting_blocks, term_matcher

#: dtype of document numbers inside a segment.
DOC_DTYPE = np.int32
EMPTY_DOCS = np.zeros(0, dtype=DOC_DTYPE)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


def _block_weights(raw: Any, count: int) -> np.ndarray:
    if raw is None:
        return np.ones(count, dtype=np.float32)
    if isinstance(raw, float | int):
        return np.full(count, raw, dtype=np.float32)
    return np.asarray(raw, dtype=np.float32)


def _generic(matcher: Any, with_values: bool) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if with_values:
            values.append(matcher.value())
        matcher.next()
    return np.asarray(ids, dtype=DOC_DTYPE), np.asarray(weights, dtype=np.float32), values


def read_postings(
    segreader: Any, fieldname: str, term: str, with_values: bool = False
) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    """(doc numbers, weights, raw values) of ``term`` in one segment.

    Document numbers are local to the segment and include deleted documents
    (the caller masks those). ``values`` is empty unless ``with_values``.
    """
    btext = term.encode("utf-8")
    if not has_term(segreader, fieldname, btext):
        return EMPTY_DOCS, EMPTY_WEIGHTS, []
    matcher = term_matcher(segreader, fieldname, btext)
    blocks = posting_blocks(matcher)
    if blocks is None:
        return _generic(matcher, with_values)
    id_blocks: list[np.ndarray] = []
    weight_blocks: list[np.ndarray] = []
    values: list[bytes] = []
    for ids, weights, block_values in blocks:
        block = np.cumsum(np.asarray(ids, dtype=np.int64)).astype(DOC_DTYPE)
        id_blocks.append(block)
        weight_blocks.append(_block_weights(weights, len(block)))
        if with_values:
            values.extend(block_values)
    return np.concatenate(id_blocks), np.concatenate(weight_blocks), values


def decode_positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """CSR form of packed positions: (offsets[n+1], positions) for n postings."""
    lengths = np.fromiter((len(v) >> 2 for v in values), dtype=np.int64, count=len(values))
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if not values:
        return offsets, np.zeros(0, dtype=np.int64)
    positions = np.frombuffer(b"".join(values), dtype="<u4").astype(np.int64)
    return offsets, positions
