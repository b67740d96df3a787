"""The facet page order: count descending, then name case-folded, picked with numpy.

``_top_values`` must give exactly what sorting every value in Python gives,
for any counts (ties included) and any page limit.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.facets import _top_values
from indexer.search.snapshot import FacetPairs

NAMES = st.lists(st.text(alphabet="abcABC xyz", min_size=1, max_size=4), unique=True, max_size=40)


@settings(max_examples=200, deadline=None)
@given(names=NAMES, data=st.data())
def test_top_values_agree_with_a_python_sort(names: list[str], data: st.DataObject) -> None:
    counts = np.asarray(
        data.draw(st.lists(st.integers(0, 5), min_size=len(names), max_size=len(names))),
        dtype=np.int64,
    )
    limit = data.draw(st.integers(0, len(names) + 2))
    empty = np.zeros(0, dtype=np.int32)
    pairs = FacetPairs(tuple(names), empty, empty)
    nonzero = np.flatnonzero(counts)
    expected = sorted(nonzero.tolist(), key=lambda i: (-counts[i], names[i].casefold(), i))
    assert _top_values(pairs, counts, nonzero, limit) == expected[:limit]
