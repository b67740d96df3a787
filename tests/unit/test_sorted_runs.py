"""One-pass replacements of ``np.unique`` for sorted arrays in the evaluator.

Postings and position keys are sorted, so the evaluator finds distinct
values and their runs in one pass, and merges several terms' postings with
a stable sort (timsort merges sorted runs) instead of ``np.unique``'s sort.
Both must give exactly what ``np.unique`` (and its ``bincount`` of the
frequencies) gave: documents, first indexes, counts and float32 sums.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.evaluate import _distinct, _merge_postings, _runs, bm25

SORTED = st.lists(st.integers(0, 50), max_size=80).map(lambda v: np.asarray(sorted(v), np.int64))


@settings(max_examples=200, deadline=None)
@given(values=SORTED)
def test_runs_of_a_sorted_array_are_np_unique(values: np.ndarray) -> None:
    expected, first, counts = np.unique(values, return_index=True, return_counts=True)
    found, found_first, found_counts = _runs(values)
    assert found.tolist() == expected.tolist()
    assert found_first.tolist() == first.tolist()
    assert found_counts.tolist() == counts.tolist()
    assert _distinct(values).tolist() == expected.tolist()


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(
        st.lists(st.integers(0, 40), unique=True, max_size=30).map(sorted), min_size=2, max_size=4
    ),
    data=st.data(),
)
def test_merging_sorted_postings_sums_frequencies_as_np_unique_did(
    parts: list[list[int]], data: st.DataObject
) -> None:
    docs = np.asarray([d for part in parts for d in part], dtype=np.int64)
    tf = np.asarray(
        data.draw(
            st.lists(st.floats(0.015625, 50, width=32), min_size=len(docs), max_size=len(docs))
        ),
        dtype=np.float32,
    )
    expected_docs, inverse = np.unique(docs, return_inverse=True)
    expected_tf = np.bincount(inverse, weights=tf).astype(np.float32)
    found_docs, found_tf = _merge_postings(docs, tf)
    assert found_docs.tolist() == expected_docs.tolist()
    assert found_tf.tobytes() == expected_tf.tobytes()  # bit for bit
    # Counted over the index (many postings for its size): the same, bit for bit.
    counted_docs, counted_tf = _merge_postings(docs, tf, 41)
    assert counted_docs.dtype == found_docs.dtype
    assert counted_docs.tolist() == expected_docs.tolist()
    assert counted_tf.tobytes() == expected_tf.tobytes()


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    df=st.integers(1, 10**7),
    n=st.integers(1, 10**7),
    k1=st.floats(0.0, 3.0),
    b=st.floats(0.0, 1.0),
    average=st.floats(1.0, 5000.0),
)
def test_bm25_in_place_is_the_expression_bit_for_bit(
    data: st.DataObject, df: int, n: int, k1: float, b: float, average: float
) -> None:
    size = data.draw(st.integers(0, 40))
    tf = np.asarray(
        data.draw(st.lists(st.floats(0.5, 500, width=32), min_size=size, max_size=size)),
        dtype=np.float32,
    )
    lengths = np.asarray(
        data.draw(st.lists(st.floats(0, 10**5, width=32), min_size=size, max_size=size)),
        dtype=np.float32,
    )
    idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
    # What the evaluator computed before (each operation a new array).
    norm = k1 * (1.0 - b + b * lengths / average)
    expected = (idf * tf * (k1 + 1.0) / (tf + norm)).astype(np.float32)
    found = bm25(idf, tf, lengths.copy(), k1, b, average)
    assert found.dtype == np.float32
    assert found.tobytes() == expected.tobytes()
