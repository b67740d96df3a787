"""Collapsing near-duplicates keeps the best-ranked member of each cluster.

``clusters.collapse`` sorts only the clustered documents of the result and
reads each cluster's matched count off the sorted runs; it must give what
sorting by (cluster, primary, secondary, document) and counting every
document of the index gives, ties included.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search import clusters as cl


def reference(
    groups: cl.Clusters,
    mask: np.ndarray,
    docs: np.ndarray,
    primary: np.ndarray,
    secondary: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    duplicates = np.zeros(len(mask), dtype=np.int32)
    if not len(docs):
        return mask, duplicates
    reps = groups.rep[docs]
    order = np.lexsort((docs, secondary, primary, reps))
    first = np.ones(len(order), dtype=bool)
    first[1:] = reps[order][1:] != reps[order][:-1]
    keep = docs[order][first]
    collapsed = mask.copy()
    collapsed[docs] = False
    collapsed[keep] = True
    matched = np.bincount(reps, minlength=len(mask))
    duplicates[keep] = matched[groups.rep[keep]] - 1
    return collapsed, duplicates


def draw_clusters(data: st.DataObject, size: int) -> tuple[cl.Clusters, np.ndarray]:
    """Random clusters of ``size`` documents and a random result mask over them."""
    # Each document's representative is itself or an earlier document's.
    rep = np.arange(size, dtype=np.int64)
    for doc in range(size):
        if doc and data.draw(st.booleans()):
            rep[doc] = rep[data.draw(st.integers(0, doc - 1))]
    members = np.bincount(rep, minlength=size)[rep].astype(np.int32)
    mask = np.asarray(data.draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    return cl.Clusters(rep, members), mask


@settings(max_examples=200, deadline=None)
@given(data=st.data(), size=st.integers(1, 40))
def test_collapse_keeps_what_a_full_sort_keeps(data: st.DataObject, size: int) -> None:
    groups, mask = draw_clusters(data, size)
    docs = cl.clustered_docs(groups, mask)
    keys = st.lists(st.integers(0, 3), min_size=len(docs), max_size=len(docs))
    primary = np.asarray(data.draw(keys), dtype=np.float64)
    secondary = np.asarray(data.draw(keys), dtype=np.int64)
    found = cl.collapse(groups, mask, docs, primary, secondary)
    expected = reference(groups, mask, docs, primary, secondary)
    assert found[0].tolist() == expected[0].tolist()
    assert found[1].tolist() == expected[1].tolist()


@settings(max_examples=200, deadline=None)
@given(data=st.data(), size=st.integers(1, 40), bitmap=st.sampled_from([0.0, 1.0]))
def test_cluster_count_is_the_number_of_distinct_clusters(
    data: st.DataObject, size: int, bitmap: float
) -> None:
    # bitmap 0.0: always the bitmap of representatives; 1.0: always np.unique.
    groups, mask = draw_clusters(data, size)
    rep = groups.rep
    expected = len({int(rep[d]) for d in np.flatnonzero(mask)})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cl, "BITMAP_SHARE", bitmap)
        assert cl.cluster_count(groups, mask) == expected
