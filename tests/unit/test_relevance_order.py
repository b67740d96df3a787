"""The ranking's shortcuts on large results pick exactly what sorting every match picks.

``SearchService._order`` partitions the float32 scores (no soft AND) or only
the top soft-AND tier (when it holds a page) before its float64 keys; the
page, ties and tie-breakers included, must be the one the full float64
partition of every match gave.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import schema as F
from indexer.search.evaluate import Evaluation
from indexer.search.service import SearchService


def reference(dates: np.ndarray, mask: np.ndarray, evaluation: Evaluation, limit: int) -> list[int]:
    """The ranking by relevance as it was: every match's float64 keys partitioned."""
    docs = np.flatnonzero(mask)
    if not len(docs) or limit <= 0:
        return []
    primary = -evaluation.score[docs].astype(np.float64)
    if evaluation.tier is not None:
        step = float(evaluation.score[docs].max()) + 1.0
        primary -= evaluation.tier[docs].astype(np.float64) * step
    secondary = -dates[docs]
    if len(docs) > limit:
        kth = np.partition(primary, limit - 1)[limit - 1]
        keep = primary <= kth
        docs, primary, secondary = docs[keep], primary[keep], secondary[keep]
    order = np.lexsort((docs, secondary, primary))
    return docs[order][:limit].tolist()  # type: ignore[no-any-return]


@settings(max_examples=400, deadline=None)
@given(
    data=st.data(),
    size=st.integers(1, 60),
    tiers=st.booleans(),
    limit=st.integers(1, 12),
    negative=st.booleans(),
)
def test_the_relevance_page_is_that_of_sorting_every_match(
    data: st.DataObject, size: int, tiers: bool, limit: int, negative: bool
) -> None:
    # Few distinct scores, tiers and dates: ties everywhere.
    low = -2 if negative else 0
    scores = np.asarray(
        data.draw(
            st.lists(st.sampled_from([low, 0, 0.5, 1, 1.5, 3]), min_size=size, max_size=size)
        ),
        dtype=np.float32,
    )
    mask = np.asarray(data.draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    dates = np.asarray(
        data.draw(st.lists(st.sampled_from([F.UNDATED, 0, 86400]), min_size=size, max_size=size)),
        dtype=np.int64,
    )
    tier = (
        np.asarray(data.draw(st.lists(st.integers(0, 3), min_size=size, max_size=size)), np.int16)
        if tiers
        else None
    )
    evaluation = Evaluation(mask, scores, tier=tier)
    snap = SimpleNamespace(date_ts=dates)
    found = SearchService._order(None, snap, mask, evaluation, "relevance", limit)  # type: ignore[arg-type]
    assert found.tolist() == reference(dates, mask, evaluation, limit)
