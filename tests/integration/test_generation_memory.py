"""A generation replaced by a commit lets go of its memory at once (issue 16, serving memory).

A retired snapshot stays open for a minute so that requests already on it
finish, but it must not keep its term cache, its derived lookups or the
pages of its mapped facet and cluster files meanwhile: at 100x that was a
second copy of ~0.2 GB per server process plus a 190 MB facet file, held
exactly while the new generation warmed (the serving processes measured
over 3 GB right after a commit). These tests run on real indexes written by
the pipeline and read the process's own ``/proc/self/smaps`` for what is
mapped and resident.
"""

from __future__ import annotations

import gc
import json
import time
import weakref
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from indexer import generation_arrays
from indexer import schema as F
from indexer.pipeline import index_paths
from indexer.search import clusters as cl
from indexer.search import snapshot
from indexer.search.presenter import search_json
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.snapshot import Snapshot

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/smaps").exists(), reason="reads /proc/self/smaps (Linux)"
)

QUERIES = ("harvest", "farmers prices", "wheat", "corn traders")


def story(n: int) -> dict[str, Any]:
    return {
        "id": f"story-{n}",
        "title": f"Harvest report {n}",
        "body": f"Farmers reported harvest figures number {n}. "
        f"{('Wheat', 'Corn', 'Barley')[n % 3]} prices were steady, traders said. Week {n}.",
        "date": f"2021-05-{1 + n % 27:02d}",
        "topics": [("grain", "wheat", "corn")[n % 3]],
    }


def write_jsonl(path: Path, numbers: range) -> None:
    path.write_text("\n".join(json.dumps(story(n)) for n in numbers) + "\n", encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    write_jsonl(root / "a.jsonl", range(0, 40))
    write_jsonl(root / "b.jsonl", range(40, 60))
    return root


def resident_kib(name: str) -> int:
    """KiB of this process resident in mappings of files named ``name`` (deleted or not)."""
    total = 0
    inside = False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5 and ":" not in fields[0]:
                path = " ".join(fields[5:]) if len(fields) > 5 else ""
                inside = Path(path.removesuffix(" (deleted)")).name == name
            elif inside and fields[0] == "Rss:":
                total += int(fields[1])
    return total


def facet_file(snap: Snapshot) -> str:
    return Path(generation_arrays.facets_path_for(".", snap.version.generation)).name


def cluster_file(snap: Snapshot) -> str:
    return Path(generation_arrays.path_for(".", snap.version.generation)).name


def search_all(service: SearchService) -> list[dict[str, Any]]:
    found = []
    for query in QUERIES:
        page = search_json(service.search(parse_search_params({"q": [query]})))
        page.pop("took_ms")
        found.append(page)
    return found


def test_a_commit_retires_the_old_generation_s_caches_and_mapped_pages(
    index: str, corpus: Path
) -> None:
    service = SearchService(index)
    try:
        search_all(service)
        first = service._current()
        first_clusters = cl.clusters(first)
        harvest = first.postings(F.BODY, "harvest")
        assert len(first._term_cache) > 0 and first.cache
        assert resident_kib(facet_file(first)) > 0
        assert resident_kib(cluster_file(first)) > 0
        reused_before = first.segment_data()

        write_jsonl(corpus / "c.jsonl", range(60, 70))
        assert index_paths([str(corpus)], index, workers=1).indexed == 10
        search_all(service)
        second = service._current()
        assert second is not first and not second.retired

        assert first.retired
        assert len(first._term_cache) == 0 and not first.cache
        assert resident_kib(facet_file(first)) == 0
        assert resident_kib(cluster_file(first)) == 0
        # The segments the new generation reuses keep their cached postings.
        shared = [
            data for _, data, _ in second.leaves if data is reused_before.get(data.segment_id)
        ]
        assert shared and any(len(data._terms) for data in shared)
        assert resident_kib(facet_file(second)) > 0

        # A request still on the retired snapshot gets the same answers, uncached.
        docs, tfs = first.postings(F.BODY, "harvest")
        np.testing.assert_array_equal(docs, harvest[0])
        np.testing.assert_array_equal(tfs, harvest[1])
        again = cl.clusters(first)
        np.testing.assert_array_equal(again.rep, first_clusters.rep)
        assert len(first._term_cache) == 0 and not first.cache
    finally:
        service.close()


def test_a_rebuild_releases_every_segment_of_the_old_generation(index: str, corpus: Path) -> None:
    service = SearchService(index)
    try:
        search_all(service)
        first = service._current()
        assert any(len(data._terms) for _, data, _ in first.leaves)
        index_paths([str(corpus)], index, rebuild=True, workers=1)
        after = search_all(service)
        second = service._current()
        assert second.version.directory != first.version.directory
        assert first.retired
        assert all(len(data._terms) == 0 for _, data, _ in first.leaves)
        assert all(len(data._positions) == 0 for _, data, _ in first.leaves)
        assert after == search_all(service)
    finally:
        service.close()


def test_the_server_s_background_switch_retires_the_old_generation(
    index: str, corpus: Path
) -> None:
    """The web app's mode: open and warm in a thread, switch, then retire the old one."""
    service = SearchService(index, warm=True, background=True)
    try:
        service.wait_ready(30)
        before = search_all(service)
        first = service._current()
        deadline = time.monotonic() + 30
        while not first.checked and time.monotonic() < deadline:
            time.sleep(0.01)  # warming finished: its caches are full
        assert len(first._term_cache) > 0
        write_jsonl(corpus / "c.jsonl", range(60, 70))
        index_paths([str(corpus)], index, workers=1)
        second = service._current()
        while second is first and time.monotonic() < deadline:
            time.sleep(0.01)
            second = service._current()
        assert second is not first
        assert first.retired and len(first._term_cache) == 0 and not first.cache
        assert resident_kib(facet_file(first)) == 0
        after = search_all(service)
        assert [page["total"] for page in after] >= [page["total"] for page in before]
        assert any(a != b for a, b in zip(after, before, strict=True))  # the new stories count
    finally:
        service.close()


def test_a_closed_generation_and_its_vocabulary_are_freed(
    index: str, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.search import generations

    service = SearchService(index)
    try:
        first = service._current()
        search_all(service)
        old = weakref.ref(first.vocabulary(F.BODY))
        old_snapshot = weakref.ref(first)
        write_jsonl(corpus / "c.jsonl", range(60, 70))
        index_paths([str(corpus)], index, workers=1)
        second = service._current()
        assert second is not first
        extended = second.vocabulary(F.BODY)
        assert "week" in extended.terms and extended.frequency("harvest") == 70
        monkeypatch.setattr(generations, "RETIRE_AFTER", 0.0)
        service._generations._close_retired()
        del first
        gc.collect()
        # Nothing (facet caches, the next snapshot's inherited vocabulary)
        # keeps the closed generation, its vocabulary or its mapped files alive.
        assert old_snapshot() is None
        assert old() is None
    finally:
        service.close()


def test_the_segments_cached_postings_share_one_budget(
    index: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many segments, the process caches at most TERM_CACHE_POSTINGS postings
    (and POSITION_CACHE_ENTRIES positions) for them; answers stay the same."""
    unbounded = SearchService(index)
    try:
        expected = search_all(unbounded)
    finally:
        unbounded.close()
    monkeypatch.setattr(snapshot, "TERM_CACHE_POSTINGS", 100)
    monkeypatch.setattr(snapshot, "POSITION_CACHE_ENTRIES", 150)
    service = SearchService(index)
    try:
        snap = service._current()
        assert len(snap.leaves) >= 2
        vocab = snap.vocabulary(F.BODY)
        for term in vocab.terms:
            snap.postings(F.BODY, term)
            snap.positions(F.BODY, term)
        distinct = {id(data.caches): data.caches for _, data, _ in snap.leaves}.values()
        held = {key[0] for caches in distinct for key in caches.terms._cache}
        assert len(held) >= 2  # entries of several segments...
        assert 0 < sum(caches.terms.size for caches in distinct) <= 100  # ...under one budget
        assert 0 < sum(caches.positions.size for caches in distinct) <= 150
        assert search_all(service) == expected
    finally:
        service.close()
