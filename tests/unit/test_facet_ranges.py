"""Facet counts by document range agree with the count over every pair.

A snapshot's facet pairs are sorted by document with each document's range
(``starts``, :func:`indexer.search.snapshot.sorted_pairs`), so that a small
result set counts only its own pairs and a large one subtracts the pairs of
the documents it leaves out (:func:`indexer.search.facets.facet_counts`).
Whatever path is chosen, the counts must be those of counting every
(document, value) pair of the result; and the per-generation file must give
back the int32 arrays it was given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import generation_arrays
from indexer import schema as F
from indexer.search import facets as fc
from indexer.search.snapshot import (
    facet_values,
    merge_facet,
    pairs_holding,
    ranges_of,
    sorted_pairs,
)
from indexer.segment_arrays import FacetPairs, SegmentArrays


@st.composite
def pairs_and_mask(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]], int, np.ndarray]:
    """A table of distinct (document, value) pairs in any order, and a result mask."""
    size = draw(st.integers(1, 60))
    values = draw(st.integers(1, 8))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, size - 1), st.integers(0, values - 1)),
            unique=True,
            max_size=200,
        )
    )
    mask = np.asarray(draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool)
    return size, pairs, values, mask


def expected_counts(pairs: list[tuple[int, int]], values: int, mask: np.ndarray) -> list[int]:
    counted = Counter(value for doc, value in pairs if mask[doc])
    return [counted[v] for v in range(values)]


def table(size: int, pairs: list[tuple[int, int]], values: int) -> FacetPairs:
    docs = np.asarray([d for d, _ in pairs], dtype=np.int64)
    ids = np.asarray([v for _, v in pairs], dtype=np.int32)
    return sorted_pairs(tuple(f"v{i}" for i in range(values)), docs, ids, size)


@settings(max_examples=200, deadline=None)
@given(case=pairs_and_mask(), share=st.sampled_from([0.0, 0.3, 0.5]))
def test_every_counting_path_gives_the_counts_of_every_pair(
    case: tuple[int, list[tuple[int, int]], int, np.ndarray], share: float
) -> None:
    # share 0.0: every pair (except an empty or full result); 0.5: always by
    # range, of the result's documents or of those it leaves out.
    size, pairs, values, mask = case
    sorted_table = table(size, pairs, values)
    expected = expected_counts(pairs, values, mask)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fc, "RANGE_COUNT_SHARE", share)
        assert fc.facet_counts(sorted_table, mask).tolist() == expected
        assert fc.facet_counts(sorted_table, mask, np.flatnonzero(mask)).tolist() == expected
        outside = np.flatnonzero(~mask)
        assert fc.facet_counts(sorted_table, mask, None, outside).tolist() == expected
        # What the service lists once for the six facets of a page.
        assert fc.facet_counts(sorted_table, mask, *fc.listed_docs(mask)).tolist() == expected
    dense = np.bincount(sorted_table.value_ids[mask[sorted_table.docs]], minlength=values).tolist()
    by_range = np.bincount(
        sorted_table.value_ids[ranges_of(sorted_table.starts, np.flatnonzero(mask))],
        minlength=values,
    ).tolist()
    assert dense == by_range == expected
    # A table without ranges (a segment's, or a test's) is counted over every pair.
    unsorted = FacetPairs(
        sorted_table.values,
        np.asarray([d for d, _ in pairs], dtype=np.int64),
        np.asarray([v for _, v in pairs], dtype=np.int32),
    )
    assert fc.facet_counts(unsorted, mask).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(case=pairs_and_mask())
def test_sorted_pairs_are_sorted_int32_with_each_documents_range(
    case: tuple[int, list[tuple[int, int]], int, np.ndarray],
) -> None:
    size, pairs, values, _ = case
    found = table(size, pairs, values)
    assert found.docs.dtype == np.int32 and found.value_ids.dtype == np.int32
    assert found.starts is not None and found.starts.dtype == np.int32
    assert list(zip(found.docs.tolist(), found.value_ids.tolist(), strict=True)) == sorted(pairs)
    for doc in range(size):
        lo, hi = int(found.starts[doc]), int(found.starts[doc + 1])
        assert sorted(v for d, v in pairs if d == doc) == found.value_ids[lo:hi].tolist()


@settings(max_examples=200, deadline=None)
@given(case=pairs_and_mask(), data=st.data())
def test_pairs_holding_values_are_those_of_isin(
    case: tuple[int, list[tuple[int, int]], int, np.ndarray], data: st.DataObject
) -> None:
    size, pairs, values, _ = case
    found = table(size, pairs, values)
    wanted = np.asarray(
        data.draw(st.lists(st.integers(0, values - 1), unique=True, max_size=values)),
        dtype=np.int32,
    )
    expected = np.isin(found.value_ids, wanted)
    assert pairs_holding(found, wanted).tolist() == expected.tolist()
    # What facet filters select: every document holding one of the values.
    docs = {d for d, v in pairs if v in set(wanted.tolist())}
    selected = fc.docs_with_values_of(found, size, wanted)
    assert np.flatnonzero(selected).tolist() == sorted(docs)


def test_merged_pairs_leave_out_dead_documents_and_sort_across_segments() -> None:
    first = FacetPairs(("b", "a"), np.array([2, 0, 1, 0]), np.array([0, 0, 1, 1], np.int32))
    second = FacetPairs(("a", "c"), np.array([1, 0]), np.array([0, 1], np.int32))
    live = np.array([True, False, True, True, True])
    merged = merge_facet([(first, 0), (second, 3)], live)
    assert merged.values == ("b", "a", "c")
    pairs = list(zip(merged.docs.tolist(), merged.value_ids.tolist(), strict=True))
    assert pairs == [(0, 0), (0, 1), (2, 0), (3, 2), (4, 1)]
    assert merged.starts is not None
    assert merged.starts.tolist() == [0, 2, 2, 3, 4, 5]


@st.composite
def segments_and_live(
    draw: st.DrawFn,
) -> tuple[list[tuple[FacetPairs, int]], np.ndarray, list[int]]:
    """Segments' own facet pairs (local documents, values grouped as a segment
    stores them, values shared between segments or not) and a live mask."""
    names = ["a", "b", "c", "d", "e", "f"]
    parts = []
    offset = 0
    for _ in range(draw(st.integers(0, 5))):
        size = draw(st.integers(1, 30))
        local = draw(st.lists(st.sampled_from(names), unique=True, max_size=4))
        pairs = draw(
            st.lists(
                st.tuples(st.integers(0, max(len(local) - 1, 0)), st.integers(0, size - 1)),
                unique=True,
                max_size=60 if local else 0,
            )
        )
        pairs.sort()  # grouped by value, documents ascending: a segment's order
        parts.append(
            (
                FacetPairs(
                    tuple(local),
                    np.asarray([d for _, d in pairs], dtype=np.int32),
                    np.asarray([v for v, _ in pairs], dtype=np.int32),
                ),
                offset,
                size,
            )
        )
        offset += size
    live = np.asarray(draw(st.lists(st.booleans(), min_size=offset, max_size=offset)), dtype=bool)
    return [(pairs, at) for pairs, at, _ in parts], live, [size for _, _, size in parts]


def merged_in_one_sort(parts: list[tuple[FacetPairs, int]], live: np.ndarray) -> FacetPairs:
    """What the merge did before it sorted segment by segment: every pair at once."""
    values, mappings = facet_values(parts)
    docs = [pairs.docs.astype(np.int64) + offset for pairs, offset in parts]
    ids = [m[p.value_ids] for (p, _), m in zip(parts, mappings, strict=True)]
    all_docs = np.concatenate(docs) if docs else np.zeros(0, np.int64)
    all_ids = np.concatenate(ids).astype(np.int32) if ids else np.zeros(0, np.int32)
    keep = live[all_docs]
    return sorted_pairs(values, all_docs[keep], all_ids[keep], len(live))


@settings(max_examples=300, deadline=None)
@given(case=segments_and_live())
def test_merging_segment_by_segment_equals_one_sort_of_every_pair(
    case: tuple[list[tuple[FacetPairs, int]], np.ndarray, list[int]],
) -> None:
    parts, live, _ = case
    expected = merged_in_one_sort(parts, live)
    found = merge_facet(parts, live)
    assert found.values == expected.values
    for got, want in (
        (found.docs, expected.docs),
        (found.value_ids, expected.value_ids),
        (found.starts, expected.starts),
    ):
        assert got is not None and want is not None
        assert got.dtype == want.dtype == np.int32
        assert got.tolist() == want.tolist()
    # Out of document order, the parts are merged in one sort: the same
    # (document, value) pairs, sorted by document.
    backwards = merge_facet(parts[::-1], live)
    assert backwards.docs.tolist() == found.docs.tolist()
    assert sorted(
        zip(
            backwards.docs.tolist(), [backwards.values[v] for v in backwards.value_ids], strict=True
        )
    ) == sorted(zip(found.docs.tolist(), [found.values[v] for v in found.value_ids], strict=True))


@settings(max_examples=100, deadline=None)
@given(case=segments_and_live())
def test_the_streamed_facet_file_is_the_file_of_the_merged_pairs(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[list[tuple[FacetPairs, int]], np.ndarray, list[int]],
) -> None:
    """write_facets (one facet at a time, segment by segment) writes the very bytes
    save_facets writes for every facet merged in one sort."""
    parts, live, sizes = case
    layout = generation_arrays.Layout(
        3, tuple((f"seg{i}", size, 0) for i, size in enumerate(sizes))
    )
    segments = [
        SegmentArrays(
            f"seg{i}",
            size,
            np.zeros(size, np.int64),
            {},
            # Every facet gets the same drawn pairs (the file holds them all).
            {facet.field: pairs for facet in F.FACETS},
        )
        for i, ((pairs, _), size) in enumerate(zip(parts, sizes, strict=True))
    ]
    one, two = tmp_path_factory.mktemp("saved"), tmp_path_factory.mktemp("streamed")
    expected = {facet.field: merged_in_one_sort(parts, live) for facet in F.FACETS}
    saved = generation_arrays.save_facets(str(one), layout, expected)
    streamed = generation_arrays.write_facets(str(two), layout, segments, live)
    assert Path(streamed).read_bytes() == Path(saved).read_bytes()
    loaded = generation_arrays.load_facets(str(two), layout)
    assert loaded is not None
    assert loaded[F.FACETS[0].field].docs.tolist() == expected[F.FACETS[0].field].docs.tolist()


def test_pairs_that_do_not_fit_in_int32_are_refused() -> None:
    empty = np.zeros(0, dtype=np.int64)
    with pytest.raises(ValueError, match="32-bit"):
        sorted_pairs(("a",), empty, empty.astype(np.int32), 2**31)


def test_the_facet_file_round_trips_int32_pairs(tmp_path: Path) -> None:
    """The file stores int32 pairs and ranges and gives back exactly what it was given."""
    size = 100_003
    layout = generation_arrays.Layout(7, (("seg-a", size, 0),))
    facets = {}
    rng = np.random.default_rng(16)
    for n, facet in enumerate(F.FACETS):
        docs = np.sort(rng.choice(np.array([0, 1, 5, size - 2, size - 1]), size=4 + n))
        ids = rng.integers(0, 3, size=len(docs)).astype(np.int32)
        values = ("x", "y", "z")
        starts = np.searchsorted(docs, np.arange(size + 1, dtype=np.int64)).astype(np.int32)
        facets[facet.field] = FacetPairs(values, docs.astype(np.int32), ids, starts)
    generation_arrays.save_facets(str(tmp_path), layout, facets)
    loaded = generation_arrays.load_facets(str(tmp_path), layout)
    assert loaded is not None
    for name, pairs in facets.items():
        got = loaded[name]
        assert got.values == pairs.values
        assert got.docs.dtype == np.int32 and got.value_ids.dtype == np.int32
        assert got.starts is not None and got.starts.dtype == np.int32
        np.testing.assert_array_equal(got.docs, pairs.docs)
        np.testing.assert_array_equal(got.value_ids, pairs.value_ids)
        np.testing.assert_array_equal(got.starts, pairs.starts)


@pytest.fixture(scope="module")
def tiny_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tiny_index import build_index, open_snapshot

    snap = open_snapshot(build_index(tmp_path_factory.mktemp("ranges") / "index", segments=3))
    yield snap
    snap.close()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_positions_in_a_mask_are_the_filtered_positions(tiny_snapshot: Any, data: Any) -> None:
    """``Snapshot.positions_in`` (ranges of the mask's postings) equals filtering every
    position, from the segments (cache cleared) and from the snapshot's cache."""
    snap = tiny_snapshot
    terms = snap.vocabulary(F.BODY).terms
    term = data.draw(st.sampled_from(terms[:200]))
    mask = np.asarray(
        data.draw(st.lists(st.booleans(), min_size=snap.size, max_size=snap.size)), dtype=bool
    )
    snap._term_cache = type(snap._term_cache)(10_000)
    for _ in range(2):  # the second time through the snapshot's cache
        docs, positions = snap.positions_in(F.BODY, term, mask)
        all_docs, all_positions = snap.positions(F.BODY, term)
        keep = mask[all_docs]
        assert docs.tolist() == all_docs[keep].tolist()
        assert positions.tolist() == all_positions[keep].tolist()
        assert docs.dtype == all_docs.dtype and positions.dtype == all_positions.dtype


@settings(max_examples=300, deadline=None)
@given(
    stamps=st.lists(st.integers(-(10**10), 10**10), min_size=1, max_size=60),
    edges=st.lists(st.integers(-(10**5), 10**5), min_size=2, max_size=12, unique=True).map(sorted),
)
def test_period_counts_are_those_of_a_binary_search_per_document(
    stamps: list[int], edges: list[int]
) -> None:
    """The timeline counts days once; it must count what searching every
    timestamp among the periods' first seconds counted (clipped to the
    first and last period)."""
    stamp_array = np.asarray(stamps, dtype=np.int64)
    boundaries = np.asarray(edges, dtype=np.int64) * 86400
    slots = np.clip(np.searchsorted(boundaries, stamp_array, side="right") - 1, 0, len(edges) - 2)
    expected = np.bincount(slots, minlength=len(edges) - 1).tolist()
    days = stamp_array // 86400
    low, high = int(days.min()), int(days.max())
    assert fc.period_counts(days, low, high, edges).tolist() == expected
    # Days spread wider than the documents: a binary search per day instead.
    assert fc.period_counts(days, low, high + 10**7, edges).tolist() == expected
