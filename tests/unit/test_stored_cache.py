"""The per-snapshot cache of stored fields gives exactly what the segment holds."""

from __future__ import annotations

from pathlib import Path

from tiny_index import build_index, open_snapshot

from indexer.search import stored_cache


def test_cached_stored_fields_equal_the_segments(tmp_path: Path) -> None:
    snap = open_snapshot(build_index(tmp_path / "index"))
    try:
        for docnum in range(snap.size):
            if not snap.live[docnum]:
                continue
            first = stored_cache.stored(snap, docnum)
            assert first == snap.stored(docnum)
            assert stored_cache.stored(snap, docnum) is first  # the second read is remembered
    finally:
        snap.close()
