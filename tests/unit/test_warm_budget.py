"""Warming stops at its postings budget (a 100x index's top terms would fill gigabytes)."""

from __future__ import annotations

from pathlib import Path

from tiny_index import build_index, open_snapshot

from indexer import schema as F


def test_warming_loads_the_most_frequent_terms_within_the_budget(tmp_path: Path) -> None:
    snap = open_snapshot(build_index(tmp_path / "ix"))
    try:
        vocab = snap.vocabulary(F.BODY)
        frequent = sorted(vocab.terms, key=vocab.frequency, reverse=True)
        budget = vocab.frequency(frequent[0]) + vocab.frequency(frequent[1])
        snap.warm(budget=budget)
        cached = [t for t in frequent if (F.BODY, t) in snap._term_cache]
        assert cached[:2] == frequent[:2]
        assert sum(vocab.frequency(t) for t in cached) <= budget
        assert len(cached) < len(frequent)
        full = open_snapshot(build_index(tmp_path / "ix2"))
        try:
            full.warm()
            assert all((F.BODY, t) in full._term_cache for t in frequent)
        finally:
            full.close()
    finally:
        snap.close()
