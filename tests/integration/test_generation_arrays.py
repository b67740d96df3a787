"""Per-generation cluster files (indexer.generation_arrays) on real indexes built by the pipeline.

The files are an optimisation only: the mapped clusters must equal those
computed from the signatures, an index without the file (or with a
damaged, stale or half-written one) must answer exactly as with it, the
next ``newsearch index`` run must write a missing one, and an incremental
commit must update the clusters so that new copies join existing clusters.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import generation_arrays
from indexer import schema as F
from indexer.errors import SearchRequestError
from indexer.pipeline import index_paths
from indexer.search import clusters as cl
from indexer.search.evaluate import Budget
from indexer.search.presenter import search_json
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService, _ranking_score
from indexer.store import current_directory
from indexer.writer import index_lock, open_writable, write_missing_arrays

REPO = Path(__file__).resolve().parents[2]

REQUESTS: tuple[dict[str, list[str]], ...] = (
    {"q": ["harvest"]},
    {"q": ["harvest prices"], "sort": ["newest"]},
    {"q": ["farmers"], "collapse": ["0"]},
    {"q": ["*"], "topic": ["grain"]},
    {"q": ["wheat"], "sort": ["oldest"]},
)

TOPICS = ("grain", "wheat", "corn")
WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu"
).split()


def story(n: int, copy: int = 0, day_shift: int = 0) -> dict[str, Any]:
    """Story ``n`` (distinct words per story); ``copy`` > 0 is a wire copy of it."""
    words = " ".join(
        WORDS[(n * 7 + i * 3) % len(WORDS)] + str((n * 13 + i) % 97) for i in range(60)
    )
    return {
        "id": f"story-{n}" + (f"-copy{copy}" if copy else ""),
        "title": f"Harvest report {n}" + (" (repeat)" if copy else ""),
        "body": f"Farmers reported harvest figures number {n}. {words}. "
        f"{TOPICS[n % 3].capitalize()} prices were steady, traders said.",
        "date": f"2021-05-{1 + (3 * n) % 27 + day_shift:02d}",
        "topics": [TOPICS[n % 3]],
    }


def write_jsonl(path: Path, articles: list[dict[str, Any]]) -> None:
    path.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    write_jsonl(root / "a.jsonl", [story(n) for n in range(0, 20)])
    # Copies of every fourth story, a day later, in another file (another segment).
    write_jsonl(root / "b.jsonl", [story(n, 1, 1) for n in range(0, 20, 4)])
    return root


def answers(index_dir: str) -> list[dict[str, Any]]:
    service = SearchService(index_dir)
    try:
        found = []
        for request in REQUESTS:
            page = search_json(service.search(parse_search_params(request)))
            page.pop("took_ms")
            found.append(page)
        return found
    finally:
        service.close()


def computed_and_mapped(index_dir: str) -> tuple[cl.Clusters, cl.Clusters | None]:
    """The current generation's clusters computed from the signatures, and as mapped."""
    service = SearchService(index_dir)
    try:
        snap = service._current()
        fresh = cl.compute(snap.live, cl.signatures(snap), snap.date_ts, snap.lengths[F.BODY])
        return fresh, cl.mapped(snap)
    finally:
        service.close()


def cluster_files(index_dir: str) -> list[Path]:
    directory = current_directory(index_dir)
    assert directory is not None
    return sorted(Path(directory).glob("generation_*" + generation_arrays.SUFFIX))


def assert_same(a: cl.Clusters, b: cl.Clusters | None) -> None:
    assert b is not None
    np.testing.assert_array_equal(a.rep, b.rep)
    np.testing.assert_array_equal(a.size, b.size)


def test_the_indexer_writes_clusters_equal_to_computed_ones(index: str) -> None:
    fresh, mapped = computed_and_mapped(index)
    assert_same(fresh, mapped)
    assert int(fresh.size.max()) == 2  # the copies were found
    assert int((fresh.size == 2).sum()) == 10
    # Only the current generation and the one before keep a file.
    assert 1 <= len(cluster_files(index)) <= 2


def test_the_mapped_facet_pairs_equal_merged_ones(index: str) -> None:
    service = SearchService(index)
    try:
        snap = service._current()
        directory = snap.version.directory
        layout = generation_arrays.layout_of(snap.version.generation, snap.leaves)
        mapped = generation_arrays.load_facets(directory, layout)
        assert mapped is not None
        for name, pairs in mapped.items():
            merged = snap._merge_facet(name)
            assert pairs.values == merged.values
            np.testing.assert_array_equal(pairs.docs, merged.docs)
            np.testing.assert_array_equal(pairs.value_ids, merged.value_ids)
        # The snapshot uses the mapped arrays (read-only views of the file).
        assert not snap.facets[F.TOPICS].docs.flags.writeable
    finally:
        service.close()


@pytest.mark.parametrize("damage", ["flipped-byte", "truncate", "removed"])
def test_a_damaged_facet_file_is_ignored_and_rewritten(index: str, damage: str) -> None:
    expected = answers(index)
    directory = current_directory(index)
    assert directory is not None
    ix, _ = open_writable(index)
    target = Path(generation_arrays.facets_path_for(directory, ix.latest_generation()))
    data = target.read_bytes()
    if damage == "flipped-byte":
        damaged = bytearray(data)
        damaged[-5] ^= 0xFF
        target.write_bytes(bytes(damaged))
    elif damage == "truncate":
        target.write_bytes(data[: len(data) // 2])
    else:
        target.unlink()
    service = SearchService(index)
    try:
        snap = service._current()
        assert snap.facets[F.TOPICS].docs.flags.writeable  # merged, not mapped
    finally:
        service.close()
    assert answers(index) == expected
    with index_lock(index, timeout=5):
        ix, _ = open_writable(index)
        write_missing_arrays(ix)
    assert target.read_bytes() == data
    assert answers(index) == expected


def write_version_1_facets(
    directory: str, layout: generation_arrays.Layout, facets: dict[str, Any]
) -> Path:
    """The facet file as written before stop 21: int64 documents grouped by value
    (not by document), no document ranges, format version 1 (same magic and checksum)."""
    from indexer import segment_arrays

    sections: list[tuple[str, Any]] = []
    for facet in F.FACETS:
        pairs = facets[facet.field]
        by_value = np.argsort(pairs.value_ids, kind="stable")
        docs = np.asarray(pairs.docs[by_value], dtype="<i8")
        sections.append((f"{facet.field}:docs", docs))
        sections.append((f"{facet.field}:ids", np.asarray(pairs.value_ids[by_value], "<i4")))
        sections.append((f"{facet.field}:values", json.dumps(list(pairs.values)).encode()))
    header: dict[str, Any] = {
        "version": 1,
        "generation": layout.generation,
        "segments": [list(s) for s in layout.segments],
        "documents": layout.size,
        "crc": "0" * 8,
        "sections": {
            name: [0, len(d) if isinstance(d, bytes) else d.nbytes] for name, d in sections
        },
        "total": 0,
    }
    for _ in range(3):
        encoded = json.dumps(header, sort_keys=True).encode()
        offset = segment_arrays.align(segment_arrays.PREAMBLE.size + len(encoded))
        end = offset
        for name, _data in sections:
            header["sections"][name][0] = offset
            end = offset + header["sections"][name][1]
            offset = segment_arrays.align(end)
        header["total"] = end
    body = bytearray(header["total"])
    for name, data in sections:
        at, length = header["sections"][name]
        body[at : at + length] = data if isinstance(data, bytes) else data.tobytes()
    first = min(at for at, _ in header["sections"].values())
    header["crc"] = f"{zlib.crc32(bytes(body[first:])):08x}"
    encoded = json.dumps(header, sort_keys=True).encode()
    placed = [(header["sections"][name][0], data) for name, data in sections]
    final = generation_arrays.facets_path_for(directory, layout.generation)
    segment_arrays.write_file(
        final, generation_arrays.FACETS_MAGIC, encoded, placed, header["total"]
    )
    return Path(final)


def test_a_facet_file_of_the_old_layout_is_ignored_and_rewritten(index: str) -> None:
    """Version 1 (int64, unsorted) files of an older index: merged on open, then rewritten."""
    expected = answers(index)
    service = SearchService(index)
    try:
        snap = service._current()
        directory = snap.version.directory
        layout = generation_arrays.layout_of(snap.version.generation, snap.leaves)
        old = {
            name: generation_arrays.FacetPairs(p.values, p.docs, p.value_ids)
            for name, p in snap.facets.items()
        }
    finally:
        service.close()
    target = write_version_1_facets(directory, layout, old)
    assert b'"version": 1' in target.read_bytes()[:4096]
    assert generation_arrays.load_facets(directory, layout) is None
    service = SearchService(index)
    try:
        snap = service._current()
        pairs = snap.facets[F.TOPICS]
        assert pairs.docs.flags.writeable  # merged on open, not the old file
        assert pairs.starts is not None and pairs.docs.dtype == np.int32
    finally:
        service.close()
    assert answers(index) == expected
    with index_lock(index, timeout=5):
        ix, _ = open_writable(index)
        write_missing_arrays(ix)
    mapped = generation_arrays.load_facets(directory, layout)
    assert mapped is not None
    assert mapped[F.TOPICS].starts is not None
    assert answers(index) == expected


def test_the_mapped_facet_pairs_are_int32_sorted_by_document(index: str) -> None:
    service = SearchService(index)
    try:
        snap = service._current()
        for pairs in snap.facets.values():
            assert not pairs.docs.flags.writeable  # mapped
            assert pairs.docs.dtype == np.int32 and pairs.value_ids.dtype == np.int32
            assert pairs.starts is not None and len(pairs.starts) == snap.size + 1
            key = pairs.docs.astype(np.int64) * (len(pairs.values) + 1) + pairs.value_ids
            assert (np.diff(key) > 0).all()  # sorted by (document, value), no duplicates
            np.testing.assert_array_equal(
                np.diff(pairs.starts), np.bincount(pairs.docs, minlength=snap.size)
            )
        assert len(snap.facets[F.TOPICS].docs) > 0
    finally:
        service.close()


def test_a_service_uses_the_mapped_clusters(index: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_compute(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("clusters computed although the generation's file is valid")

    monkeypatch.setattr(cl, "compute", no_compute)
    found = answers(index)
    assert found[0]["clusters"] < found[0]["total"]


def test_the_mapped_clusters_are_read_once_per_generation(
    index: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the file checks checksums over every document: once, not per search."""
    reads: list[str] = []
    real_read = generation_arrays.read

    def counted(path: str, expected: Any = None) -> Any:
        reads.append(path)
        return real_read(path, expected)

    monkeypatch.setattr(generation_arrays, "read", counted)
    answers(index)
    assert len(REQUESTS) > 1
    assert len(reads) == 1


def test_an_index_without_the_file_answers_the_same_and_the_next_run_writes_it(
    index: str,
) -> None:
    expected = answers(index)
    for path in cluster_files(index):
        path.unlink()
    assert computed_and_mapped(index)[1] is None
    assert answers(index) == expected
    with index_lock(index, timeout=5):
        ix, _ = open_writable(index)
        write_missing_arrays(ix)
    fresh, mapped = computed_and_mapped(index)
    assert_same(fresh, mapped)
    assert answers(index) == expected


@pytest.mark.parametrize("damage", ["truncate", "zeroes", "flipped-byte", "stale"])
def test_a_damaged_or_stale_file_is_ignored_and_rewritten(index: str, damage: str) -> None:
    expected = answers(index)
    directory = current_directory(index)
    assert directory is not None
    ix, _ = open_writable(index)
    generation = ix.latest_generation()
    target = Path(generation_arrays.path_for(directory, generation))
    data = target.read_bytes()
    if damage == "truncate":
        target.write_bytes(data[: len(data) - 8])
    elif damage == "zeroes":
        target.write_bytes(bytes(len(data)))
    elif damage == "flipped-byte":  # in the arrays, past the header
        damaged = bytearray(data)
        damaged[-3] ^= 0xFF
        target.write_bytes(bytes(damaged))
    else:  # an intact file written before a deletion (another deleted count)
        found = generation_arrays.read(str(target))
        assert found is not None
        layout, groups = found
        (first, size, deleted), *rest = layout.segments
        stale = generation_arrays.Layout(generation, ((first, size, deleted + 1), *rest))
        generation_arrays.save(directory, stale, cl.Clusters(groups.rep.copy(), groups.size.copy()))
    assert computed_and_mapped(index)[1] is None
    assert answers(index) == expected
    with index_lock(index, timeout=5):
        ix, _ = open_writable(index)
        write_missing_arrays(ix)
    fresh, mapped = computed_and_mapped(index)
    assert_same(fresh, mapped)


KILLED_WRITER = """
import os, signal, sys
from indexer import generation_arrays
from indexer.search import clusters as cl
from indexer.writer import open_writable

ix, directory = open_writable(sys.argv[1])
generation = ix.latest_generation()
found = generation_arrays.read(generation_arrays.path_for(directory, generation))
layout, groups = found
os.remove(generation_arrays.path_for(directory, generation))
generation_arrays.save(
    directory, layout, cl.Clusters(groups.rep.copy(), groups.size.copy()),
    before_rename=lambda: os.kill(os.getpid(), signal.SIGKILL),
)
"""


def test_a_writer_killed_mid_write_leaves_the_index_readable(index: str) -> None:
    expected = answers(index)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, index], cwd=REPO, capture_output=True, timeout=120
    )
    assert done.returncode == -9, done.stderr.decode()
    directory = current_directory(index)
    assert directory is not None
    leftovers = [n for n in os.listdir(directory) if generation_arrays.TMP_MARK in n]
    assert [n for n in leftovers if generation_arrays.SUFFIX in n]
    assert computed_and_mapped(index)[1] is None
    assert answers(index) == expected
    with index_lock(index, timeout=5):
        ix, _ = open_writable(index)
        write_missing_arrays(ix)
    assert not [
        n
        for n in os.listdir(directory)
        if generation_arrays.SUFFIX + generation_arrays.TMP_MARK in n
    ]
    fresh, mapped = computed_and_mapped(index)
    assert_same(fresh, mapped)
    assert answers(index) == expected


KILLED_FACET_WRITER = """
import os, signal, sys
import numpy as np
from indexer import generation_arrays
from indexer.segment_arrays import load
from indexer.writer import open_writable

ix, directory = open_writable(sys.argv[1])
with ix.reader() as reader:
    segments = [leaf.segment() for leaf, _ in reader.leaf_readers()]
layout = generation_arrays.Layout(
    ix.latest_generation(),
    tuple((s.segment_id(), int(s.doc_count_all()), int(s.deleted_count())) for s in segments),
)
parts = [load(directory, s.segment_id(), int(s.doc_count_all())) for s in segments]
os.remove(generation_arrays.facets_path_for(directory, layout.generation))
generation_arrays.write_facets(
    directory, layout, parts, np.ones(layout.size, dtype=bool),
    before_rename=lambda: os.kill(os.getpid(), signal.SIGKILL),
)
"""


def test_a_writer_killed_while_streaming_the_facet_file_leaves_the_index_readable(
    index: str,
) -> None:
    """Killed once the streamed facet file is complete but not renamed: searches
    answer the same (facets merged on open), and the next run writes the file."""
    expected = answers(index)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_FACET_WRITER, index],
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr.decode()
    directory = current_directory(index)
    assert directory is not None
    assert [n for n in os.listdir(directory) if generation_arrays.FACETS_SUFFIX + "." in n]
    assert answers(index) == expected
    with index_lock(index, timeout=5):
        ix, _ = open_writable(index)
        write_missing_arrays(ix)
    names = os.listdir(directory)
    assert not [n for n in names if generation_arrays.TMP_MARK in n]
    generation = ix.latest_generation()
    assert f"generation_{generation}{generation_arrays.FACETS_SUFFIX}" in names
    assert answers(index) == expected


def test_an_incremental_commit_joins_new_copies_to_existing_clusters(
    index: str, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_full(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a small commit clustered the whole generation")

    monkeypatch.setattr(generation_arrays, "compute_full", no_full)
    # Second copies of clustered stories (two days after the original), a
    # copy of a story that had none, and new stories.
    write_jsonl(
        corpus / "c.jsonl",
        [story(n, 2, 2) for n in (0, 4)] + [story(5, 1, 1)] + [story(n) for n in (40, 41)],
    )
    report = index_paths([str(corpus)], index, workers=1)
    assert report.indexed == 5
    fresh, mapped = computed_and_mapped(index)
    assert_same(fresh, mapped)
    assert mapped is not None
    service = SearchService(index)
    try:
        snap = service._current()
        for n, members in ((0, 3), (4, 3), (5, 2), (8, 2), (40, 1)):
            original = snap.docnum_for_id(f"story-{n}")
            assert original is not None
            assert int(mapped.size[original]) == members
            assert int(mapped.rep[original]) == original  # the earliest member names it
        copy = snap.docnum_for_id("story-0-copy2")
        assert copy is not None and int(mapped.rep[copy]) == snap.docnum_for_id("story-0")
    finally:
        service.close()


def test_deleting_a_representative_updates_the_clusters(index: str, corpus: Path) -> None:
    # Rewrite a.jsonl without story 0 (its copy stays): the changed file's
    # documents are replaced, and story-0-copy1 is now alone.
    write_jsonl(corpus / "a.jsonl", [story(n) for n in range(1, 20)])
    index_paths([str(corpus)], index, workers=1)
    fresh, mapped = computed_and_mapped(index)
    assert_same(fresh, mapped)
    assert mapped is not None
    service = SearchService(index)
    try:
        snap = service._current()
        copy = snap.docnum_for_id("story-0-copy1")
        assert copy is not None and int(mapped.size[copy]) == 1
        four = snap.docnum_for_id("story-4")
        assert four is not None and int(mapped.size[four]) == 2
    finally:
        service.close()


def test_a_dated_copy_of_an_undated_story_joins_it(
    index: str, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    undated = story(50)
    del undated["date"]
    write_jsonl(corpus / "d.jsonl", [undated])
    index_paths([str(corpus)], index, workers=1)  # an undated story: clustered in full
    fresh, mapped = computed_and_mapped(index)
    assert_same(fresh, mapped)
    write_jsonl(corpus / "e.jsonl", [story(50, 1, 1)])

    def no_full(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a small commit clustered the whole generation")

    monkeypatch.setattr(generation_arrays, "compute_full", no_full)
    index_paths([str(corpus)], index, workers=1)  # incremental: the undated one is a partner
    fresh, mapped = computed_and_mapped(index)
    assert_same(fresh, mapped)
    assert mapped is not None
    service = SearchService(index)
    try:
        snap = service._current()
        original = snap.docnum_for_id("story-50")
        copy = snap.docnum_for_id("story-50-copy1")
        assert original is not None and copy is not None
        assert int(mapped.size[copy]) == 2 and mapped.rep[copy] == mapped.rep[original]
    finally:
        service.close()
    # An undated copy of an undated story, then the original deleted: the
    # copies' cluster is paired again (undated: against every band), still
    # without clustering everything.
    second = story(50, 2)
    del second["date"]
    write_jsonl(corpus / "f.jsonl", [second])
    index_paths([str(corpus)], index, workers=1)
    assert_same(*computed_and_mapped(index))
    (corpus / "d.jsonl").unlink()
    index_paths([str(corpus)], index, workers=1, prune=True)
    fresh, mapped = computed_and_mapped(index)
    assert_same(fresh, mapped)
    assert mapped is not None
    service = SearchService(index)
    try:
        snap = service._current()
        assert snap.docnum_for_id("story-50") is None
        copy = snap.docnum_for_id("story-50-copy1")
        assert copy is not None and int(mapped.size[copy]) == 2
    finally:
        service.close()


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_the_collapsed_page_is_that_of_collapsing_the_whole_result(index: str, sort: str) -> None:
    """The service walks only the top of the ranking; every page must be what
    collapsing every match (``clusters.collapse``) and then ordering gives."""
    service = SearchService(index)
    try:
        snap = service._current()
        groups = cl.clusters(snap)
        assert groups.any
        for q in ("harvest", "farmers prices", "*"):
            for page in (1, 2, 3, 4):
                params = {"q": [q], "sort": [sort], "per_page": ["2"], "page": [str(page)]}
                request = parse_search_params(params)
                try:
                    found = service.search(request)
                except SearchRequestError as exc:  # past the last page
                    assert exc.code == "page_out_of_range"
                    continue
                evaluation = None if q == "*" else service._evaluate(snap, q, Budget(30.0))
                final, _ = service._result_mask(snap, request, evaluation)
                docs = cl.clustered_docs(groups, final)
                score = None if evaluation is None else _ranking_score(evaluation)
                primary, secondary = cl.rank_keys(snap.date_ts, docs, score, sort)
                shown, duplicates = cl.collapse(groups, final, docs, primary, secondary)
                order = service._order(snap, shown, evaluation, sort, page * 2)[(page - 1) * 2 :]
                expected = [(snap.stored(int(d))[F.ID], int(duplicates[d])) for d in order]
                assert [(h.id, h.duplicates) for h in found.hits] == expected, (q, page)
                assert any(d for _, d in expected) or page > 1 or q == "*"
    finally:
        service.close()


def _window_links(
    inputs: Any, fresh: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # the links of pairing every story of the window (stop 21)
    fresh_rows = np.flatnonzero(fresh)
    undated = inputs.dates == F.UNDATED
    if undated[fresh_rows].any():
        rows = np.flatnonzero(inputs.live)
    else:
        window = cl.WINDOW_DAYS * 86400
        marks = np.unique(inputs.dates[fresh_rows])
        gaps = np.abs(inputs.dates[:, None] - marks[None, :]).min(axis=1)
        rows = np.flatnonzero(((gaps <= window) & ~undated | undated) & inputs.live)
    sigs = inputs.signatures(rows)
    signed = sigs[:, 0] != 0
    rows, sigs = rows[signed], sigs[signed]
    if len(rows) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a, b = cl.edges(sigs, inputs.dates[rows], inputs.lengths[rows])
    a, b = rows[a], rows[b]
    touches = fresh[a] | fresh[b]
    return a[touches], b[touches]


def _links(a: np.ndarray, b: np.ndarray) -> list[tuple[int, int]]:
    return sorted({(min(x, y), max(x, y)) for x, y in zip(a.tolist(), b.tolist(), strict=True)})


@pytest.fixture(scope="module")
def copies_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Stories over two months, each with copies: within the window, beyond it, undated."""
    root = tmp_path_factory.mktemp("copies")
    corpus = root / "corpus"
    corpus.mkdir()
    originals = [story(n) for n in range(40)]
    near = [story(n, 1, 1) for n in range(0, 40, 3)]
    later = [dict(story(n, 2), date=f"2021-07-{1 + n % 27:02d}") for n in range(0, 40, 5)]
    undated = [{k: v for k, v in story(n, 3).items() if k != "date"} for n in range(0, 40, 7)]
    write_jsonl(corpus / "a.jsonl", originals)
    write_jsonl(corpus / "b.jsonl", near + later)
    write_jsonl(corpus / "c.jsonl", undated)
    directory = str(root / "index")
    index_paths([str(corpus)], directory, workers=1)
    return directory


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_fresh_links_pair_only_band_partners_and_find_the_windows_links(
    copies_index: str, data: Any
) -> None:
    """The links of an incremental commit's fresh stories, found among the stories
    sharing a band with one of them, are those of pairing every story of the window."""
    directory = current_directory(copies_index)
    assert directory is not None
    ix, _ = open_writable(copies_index)
    with ix.reader() as reader:
        segments = [leaf.segment() for leaf, _ in reader.leaf_readers()]
        deleted = [np.zeros(0, np.int64) for _ in segments]
        layout = generation_arrays.Layout(
            ix.latest_generation(),
            tuple((s.segment_id(), int(s.doc_count_all()), 0) for s in segments),
        )
        inputs = generation_arrays._inputs(directory, layout, deleted)
    assert inputs is not None
    size = layout.size
    picked = data.draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=12, unique=True))
    fresh = np.zeros(size, dtype=bool)
    fresh[picked] = True
    expected = _links(*_window_links(inputs, fresh))
    assert _links(*generation_arrays._fresh_links(inputs, fresh)) == expected
    # Band keys from a few signatures at a time (several chunks per segment).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generation_arrays, "CHUNK", data.draw(st.integers(1, 9)))
        assert _links(*generation_arrays._fresh_links(inputs, fresh)) == expected
