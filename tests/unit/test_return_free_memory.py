"""The indexing parent gives freed memory back after each commit (glibc's malloc_trim)."""

from __future__ import annotations

import os

import pytest

from indexer import pipeline


def _resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(pipeline._malloc_trim is None, reason="the C library has no malloc_trim")
def test_freed_heap_blocks_leave_the_resident_set() -> None:
    # Blocks of 4 KB come from glibc's heap (over Python's small-object
    # allocator, under the mmap threshold); the last one, still alive, keeps
    # the heap's top in place, so freeing the others leaves their pages
    # resident until they are trimmed.
    blocks = [bytes(4096) + bytes([i % 251]) for i in range(40_000)]
    keeper = bytes(4096) + b"!"
    del blocks
    before = _resident_bytes()
    assert pipeline.return_free_memory()
    after = _resident_bytes()
    assert before - after > 100 * 2**20, (before, after)
    assert keeper.endswith(b"!")
