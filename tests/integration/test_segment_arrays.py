"""Per-segment array files (indexer.segment_arrays) on a real index built by the pipeline.

The files are an optimisation only: mapped arrays must equal freshly built
ones, an index without them (or with damaged ones, or a half-written one
from a killed writer) must answer exactly as with them, the next
``newsearch index`` run must write the missing ones, and a new commit must
load only its new segments' files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh.reading import SegmentReader

from indexer import schema as F
from indexer import segment_arrays
from indexer.errors import IndexCorruptError
from indexer.model import Article
from indexer.pipeline import index_paths
from indexer.search.presenter import search_json
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.snapshot import Vocabulary
from indexer.store import INDEX_NAME, current_directory, open_generation
from indexer.writer import (
    SegmentBuilder,
    article_fields,
    index_lock,
    new_index_directory,
    open_writable,
    write_missing_arrays,
)

REPO = Path(__file__).resolve().parents[2]

#: Requests covering what the arrays feed: ranking (lengths), dates, facets,
#: facet filters, prefix and fuzzy expansion and spelling (term lists),
#: duplicate collapsing (signatures).
REQUESTS: tuple[dict[str, list[str]], ...] = (
    {"q": ["harvest"]},
    {"q": ["harvest prices"], "sort": ["newest"]},
    {"q": ["harv*"]},
    {"q": ["harvset~"]},
    {"q": ["hravest"]},
    {"q": ["*"], "topic": ["grain"]},
    {"q": ["farmers"], "from": ["2021-05-03"], "to": ["2021-05-20"]},
    {"q": ["valley"], "place": ["Kansas"]},
    {"q": ["wheat"], "sort": ["oldest"]},
)

TOPICS = ("grain", "wheat", "corn")
PLACES = ("Kansas", "Iowa", "Nebraska")


def article(n: int) -> dict[str, Any]:
    return {
        "id": f"story-{n}",
        "title": f"Harvest report number {n} from {PLACES[n % 3]}",
        "body": f"Farmers in the valley reported harvest figures for week {n}. "
        f"{TOPICS[n % 3].capitalize()} prices were steady at {n * 3} dollars, traders said. "
        + ("The same wire copy went out twice today. " * 3 if n % 5 == 0 else ""),
        "date": f"2021-05-{1 + n % 28:02d}",
        "topics": [TOPICS[n % 3]],
        "places": [PLACES[n % 3]],
        "people": [f"Ann Farmer {n % 4}"],
    }


def write_jsonl(path: Path, articles: list[dict[str, Any]]) -> None:
    path.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    write_jsonl(root / "a.jsonl", [article(n) for n in range(0, 30)])
    write_jsonl(root / "b.jsonl", [article(n) for n in range(30, 60)])
    return root


def answers(index_dir: str) -> list[dict[str, Any]]:
    """Every request's full JSON answer from a fresh service (as a new process would)."""
    service = SearchService(index_dir)
    try:
        return [answer(service, r) for r in REQUESTS]
    finally:
        service.close()


def answer(service: SearchService, request: dict[str, list[str]]) -> dict[str, Any]:
    """The full JSON answer, less its timing."""
    found = search_json(service.search(parse_search_params(request)))
    found.pop("took_ms")
    return found


def array_files(index_dir: str) -> list[Path]:
    directory = current_directory(index_dir)
    assert directory is not None
    return sorted(Path(directory).glob("*" + segment_arrays.SUFFIX))


@pytest.fixture
def segreaders(index: str) -> Iterator[list[Any]]:
    ix, _ = open_generation(index)
    with ix.searcher() as searcher:
        yield [leaf for leaf, _ in searcher.reader().leaf_readers()]


def assert_same_arrays(mapped: segment_arrays.SegmentArrays, built: segment_arrays.SegmentArrays):
    assert mapped.size == built.size
    np.testing.assert_array_equal(mapped.date_ts, built.date_ts)
    assert mapped.lengths.keys() == built.lengths.keys()
    for name in built.lengths:
        np.testing.assert_array_equal(mapped.lengths[name], built.lengths[name])
    assert mapped.facets.keys() == built.facets.keys()
    for name, pairs in built.facets.items():
        assert mapped.facets[name].values == pairs.values
        np.testing.assert_array_equal(mapped.facets[name].docs, pairs.docs)
        np.testing.assert_array_equal(mapped.facets[name].value_ids, pairs.value_ids)
    assert mapped.signatures is not None and built.signatures is not None
    np.testing.assert_array_equal(mapped.signatures, built.signatures)
    for name in segment_arrays.VOCAB_FIELDS:
        mapped_terms, mapped_df = mapped.terms(name) or ([], None)
        built_terms, built_df = built.terms(name) or ([], None)
        assert mapped_terms == built_terms
        np.testing.assert_array_equal(mapped_df, built_df)


def test_indexing_writes_one_array_file_per_segment(index: str, segreaders: list[Any]) -> None:
    files = array_files(index)
    assert len(segreaders) >= 2  # two workers: two segments
    assert [f.name for f in files] == sorted(
        r.segment().segment_id() + segment_arrays.SUFFIX for r in segreaders
    )


def test_mapped_arrays_equal_freshly_built_ones(index: str, segreaders: list[Any]) -> None:
    directory = current_directory(index)
    assert directory is not None
    for reader in segreaders:
        segment_id = reader.segment().segment_id()
        mapped = segment_arrays.load(directory, segment_id, reader.doc_count_all())
        assert mapped is not None
        assert not mapped.date_ts.flags.writeable  # a read-only view of the mapped file
        built = segment_arrays.build(reader)
        assert built.facets["topics"].values  # the comparison is not between empties
        assert_same_arrays(mapped, built)


def test_released_pages_read_back_the_same_arrays(index: str, segreaders: list[Any]) -> None:
    """Dropping a mapped file's pages (what the indexing parent does after reading
    them) leaves every array readable, with the same values; built arrays have none."""
    directory = current_directory(index)
    assert directory is not None
    for reader in segreaders:
        segment_id = reader.segment().segment_id()
        mapped = segment_arrays.load(directory, segment_id, reader.doc_count_all())
        assert mapped is not None and mapped.signatures is not None
        before = (mapped.signatures.copy(), mapped.facets["topics"].docs.copy())
        assert mapped.release_pages()
        np.testing.assert_array_equal(mapped.signatures, before[0])
        np.testing.assert_array_equal(mapped.facets["topics"].docs, before[1])
        assert_same_arrays(mapped, segment_arrays.build(reader))
        assert not segment_arrays.build(reader).release_pages()


def odd_article(n: int) -> Article:
    """Stories with what the kept arrays must get right: no date, no facets,
    no title, non-ASCII terms and facet values, repeated values."""
    return Article(
        id=f"odd-{n}",
        title="" if n % 4 == 0 else f"Zürich café report {n} über alles",
        body=f"Prices at the café in Zürich moved {n} points; naïve traders said week {n % 5}.",
        origin="test",
        path=f"odd/{n}.txt",
        date=None if n % 3 == 0 else f"2020-02-{1 + n % 27:02d}",
        dateline="ZÜRICH" if n % 2 else None,
        places=() if n % 5 == 0 else ("Zürich", "São Paulo")[: 1 + n % 2],
        topics=("coffee",) if n % 2 else (),
        people=(f"Jürgen Müller {n % 3}",) if n % 3 else (),
    )


@pytest.mark.parametrize("chunk", [segment_arrays.SIGNATURE_CHUNK, 3])
def test_arrays_kept_while_writing_equal_the_ones_read_from_the_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """The indexer builds each worker segment's arrays from what it kept while
    writing (no decoding); they must equal the ones decoded from the segment
    (signatures copied in one chunk, or in chunks of 3)."""

    def no_decoding(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a worker segment was decoded to write its array file")

    directory = new_index_directory(str(tmp_path / "kept"))
    monkeypatch.setattr(segment_arrays, "build", no_decoding)
    monkeypatch.setattr(segment_arrays, "SIGNATURE_CHUNK", chunk)
    # A small posting budget: the builder rotates to new segments mid-run.
    builder = SegmentBuilder(directory, max_postings=250)
    for n in range(60):
        builder.add_fields(article_fields(odd_article(n), f"odd-file-{n // 10}"))
        builder.end_of_file()
    segments = builder.finish()
    monkeypatch.undo()
    assert len(segments) >= 3
    ix = open_generation_for_segments(directory, segments)
    dates = []
    for segment in segments:
        reader = SegmentReader(ix.storage, ix.schema, segment)
        try:
            mapped = segment_arrays.load(directory, segment.segment_id(), segment.doc_count_all())
            assert mapped is not None
            built = segment_arrays.build(reader)
            assert built.facets["places"].values  # not comparing empties
            assert_same_arrays(mapped, built)
            dates.append(built.date_ts)
        finally:
            reader.close()
    every = np.concatenate(dates)
    assert len(every) == 60 and (every == F.UNDATED).sum() == 20


def open_generation_for_segments(directory: str, segments: list[Any]) -> Any:
    """The index at ``directory`` (its storage and schema, to open uncommitted segments)."""
    from indexer.whoosh_internals import FileStorage

    return FileStorage(directory).open_index(indexname=INDEX_NAME)


def test_an_index_without_array_files_answers_the_same(index: str) -> None:
    expected = answers(index)
    assert expected[0]["total"] > 0 and expected[5]["total"] > 0
    for path in array_files(index):
        path.unlink()
    service = SearchService(index)
    try:
        snap = service._current()
        assert not any(data.mapped for _, data, _ in snap.leaves)
    finally:
        service.close()
    assert answers(index) == expected


def test_next_index_run_writes_missing_arrays_without_reindexing(index: str, corpus: Path) -> None:
    expected = answers(index)
    for path in array_files(index):
        path.unlink()
    report = index_paths([str(corpus)], index)
    assert report.indexed == 0 and report.commits == 0  # nothing re-indexed
    files = array_files(index)
    assert len(files) >= 2
    service = SearchService(index)
    try:
        snap = service._current()
        assert all(data.mapped for _, data, _ in snap.leaves)
    finally:
        service.close()
    assert answers(index) == expected


@pytest.mark.parametrize(
    "damage",
    ["truncate-half", "truncate-header", "zeroes", "other-segment"],
)
def test_damaged_array_files_are_ignored(
    index: str, damage: str, corpus: Path, tmp_path: Path
) -> None:
    expected = answers(index)
    files = array_files(index)
    target = files[0]
    data = target.read_bytes()
    if damage == "truncate-half":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "truncate-header":
        target.write_bytes(data[:20])
    elif damage == "zeroes":
        target.write_bytes(bytes(len(data)))
    else:  # a complete file of another segment under this segment's name
        # The index's other segment; when one worker took both files (a
        # loaded machine), the lone segment of a one-worker build of the same
        # stories: as many documents, another segment's id.
        others = files[1:]
        if not others:
            single = str(tmp_path / "single")
            index_paths([str(corpus)], single, workers=1)
            others = array_files(single)
        target.write_bytes(others[0].read_bytes())
    service = SearchService(index)
    try:
        snap = service._current()
        mapped = {data.segment_id: data.mapped for _, data, _ in snap.leaves}
        assert mapped[target.name.removesuffix(segment_arrays.SUFFIX)] is False
    finally:
        service.close()
    assert answers(index) == expected
    # The next run replaces the damaged file.
    with index_lock(index, timeout=5):
        ix, _ = open_writable(index)
        assert write_missing_arrays(ix) == 1
    directory = current_directory(index)
    assert directory is not None
    assert segment_arrays.is_valid(
        directory, target.name.removesuffix(segment_arrays.SUFFIX), _doc_count(index, target)
    )
    assert answers(index) == expected


def _doc_count(index: str, file: Path) -> int:
    ix, _ = open_generation(index)
    with ix.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            if leaf.segment().segment_id() + segment_arrays.SUFFIX == file.name:
                return int(leaf.doc_count_all())
    raise AssertionError(file)


KILLED_WRITER = """
import os, signal, sys
from whoosh.reading import SegmentReader
from indexer import schema as F
from indexer import segment_arrays
from indexer.writer import open_writable

ix, directory = open_writable(sys.argv[1])
segment = ix.reader().leaf_readers()[0][0].segment()
reader = SegmentReader(ix.storage, ix.schema, segment)
arrays = segment_arrays.build(reader)
os.remove(segment_arrays.path_for(directory, segment.segment_id()))
segment_arrays.save(directory, arrays, before_rename=lambda: os.kill(os.getpid(), signal.SIGKILL))
"""


def test_a_writer_killed_mid_write_leaves_the_index_readable(index: str) -> None:
    expected = answers(index)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, index], cwd=REPO, capture_output=True, timeout=120
    )
    assert done.returncode == -9, done.stderr.decode()
    directory = current_directory(index)
    assert directory is not None
    leftovers = [n for n in os.listdir(directory) if segment_arrays.TMP_MARK in n]
    assert len(leftovers) == 1  # the complete but unrenamed temporary file
    assert answers(index) == expected
    with index_lock(index, timeout=5):
        ix, _ = open_writable(index)
        assert write_missing_arrays(ix) == 1
    assert not [n for n in os.listdir(directory) if segment_arrays.TMP_MARK in n]
    assert answers(index) == expected


def test_a_new_commit_loads_only_its_new_segments(
    index: str, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = SearchService(index)
    try:
        first = service._current()
        before = first.segment_data()
        first.vocabulary(F.BODY)  # built, to be extended by the next generation
        loaded: list[str] = []
        real_load = segment_arrays.load

        def counting_load(directory: str, segment_id: str, size: int, crc: Any = None) -> Any:
            loaded.append(segment_id)
            return real_load(directory, segment_id, size, crc)

        monkeypatch.setattr(segment_arrays, "load", counting_load)
        write_jsonl(corpus / "c.jsonl", [article(n) for n in range(60, 70)])
        report = index_paths([str(corpus)], index, workers=1)
        assert report.indexed == 10
        second = service._current()
        assert second is not first
        after = second.segment_data()
        new = set(after) - set(before)
        assert new and loaded == sorted(new)
        assert all(after[s] is before[s] for s in set(after) & set(before))
        assert all(after[s].mapped for s in new)
        found = service.search(parse_search_params({"q": ["week 65"]}))
        assert found.total > 0
        # The extended vocabulary equals one counted from every segment.
        extended = second.vocabulary(F.BODY)
        fresh = Vocabulary(
            [data.terms(reader, second.io_lock, F.BODY) for reader, data, _ in second.leaves]
        )
        assert extended.segments == frozenset(after)
        assert extended.terms == fresh.terms and "week" in extended.terms
        assert [extended.frequency(t) for t in fresh.terms] == [
            fresh.frequency(t) for t in fresh.terms
        ]
    finally:
        service.close()


@pytest.mark.reuters
def test_reuters_arrays_agree_and_answers_match_without_them(
    reuters_dir: Path, tmp_path: Path
) -> None:
    directory = str(tmp_path / "index")
    files = sorted(str(p) for p in reuters_dir.glob("reut2-00[01].sgm"))
    index_paths(files, directory, workers=2)
    ix, version = open_generation(directory)
    with ix.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            mapped = segment_arrays.load(
                version.directory, leaf.segment().segment_id(), leaf.doc_count_all()
            )
            assert mapped is not None
            assert_same_arrays(mapped, segment_arrays.build(leaf))
    requests = [
        {"q": ["oil prices"]},
        {"q": ["crude"], "place": ["usa"]},
        {"q": ["petrol*"]},
        {"q": ["opec~"]},
        {"q": ["cofee"]},
    ]
    service = SearchService(directory)
    expected = [answer(service, r) for r in requests]
    service.close()
    for path in array_files(directory):
        path.unlink()
    service = SearchService(directory)
    got = [answer(service, r) for r in requests]
    service.close()
    assert got == expected


def test_arrays_of_a_truncated_segment_are_not_trusted(index: str, segreaders: list[Any]) -> None:
    """A truncated postings file shows at open, as when the arrays were decoded from it."""
    directory = current_directory(index)
    assert directory is not None
    reader = segreaders[0]
    segment_id = reader.segment().segment_id()
    assert segment_arrays.load(directory, segment_id, reader.doc_count_all()) is not None
    postings = next(Path(directory).glob(segment_id + "*.pst"))
    os.truncate(postings, postings.stat().st_size // 2)
    assert segment_arrays.load(directory, segment_id, reader.doc_count_all()) is None
    with pytest.raises(IndexCorruptError):
        SearchService(index).search(parse_search_params({"q": ["harvest"]}))
