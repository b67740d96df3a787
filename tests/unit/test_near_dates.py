"""The clustering window test of an incremental commit, chunked, equals testing every
date at once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import generation_arrays
from indexer.search import clusters as cl

DAY = 86400


@settings(max_examples=200, deadline=None)
@given(
    dates=st.lists(st.integers(0, 40), min_size=1, max_size=80),
    marks=st.lists(st.integers(0, 40), min_size=1, max_size=10),
    chunk=st.integers(1, 9),
)
def test_near_dates_in_chunks_are_the_dates_within_the_window_of_a_mark(
    dates: list[int], marks: list[int], chunk: int
) -> None:
    days = np.asarray(dates, dtype=np.int64) * DAY
    sorted_marks = np.unique(np.asarray(marks, dtype=np.int64) * DAY)
    expected = [
        any(abs(d - m) <= cl.WINDOW_DAYS * DAY for m in sorted_marks.tolist())
        for d in days.tolist()
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generation_arrays, "CHUNK", chunk)
        assert generation_arrays._near_dates(days, sorted_marks).tolist() == expected
