"""Comparisons of two indexes' term statistics, shared by the writer tests.

Our fast segment writer and the concatenating merge must each leave the
same per-term statistics as stock Whoosh: the engine's scoring reads them.
"""

from __future__ import annotations

from typing import Any


def assert_same_term_info(a: Any, b: Any, fieldname: str, term: Any) -> None:
    """Postings and term statistics of ``term`` are the same in readers ``a`` and ``b``."""
    ma, mb = a.postings(fieldname, term), b.postings(fieldname, term)
    assert list(ma.items_as("weight")) == list(mb.items_as("weight")), (fieldname, term)
    ta, tb = a.term_info(fieldname, term), b.term_info(fieldname, term)
    assert (ta.doc_frequency(), ta.weight(), ta.max_weight()) == (
        tb.doc_frequency(),
        tb.weight(),
        tb.max_weight(),
    )
    assert (ta.min_length(), ta.max_length()) == (tb.min_length(), tb.max_length())
    assert (ta.min_id(), ta.max_id()) == (tb.min_id(), tb.max_id())
