"""Compound segments read in place (indexer.whoosh_internals.compound).

Whoosh's ``BufferFile`` copied every file opened inside a mapped compound
segment (``io.BytesIO`` of a memoryview); ours reads the mapping in place.
Both must read the same bytes, with the same file semantics.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.filedb.compound import CompoundStorage
from whoosh.writing import SegmentWriter

from indexer import schema as F
from indexer.store import INDEX_NAME
from indexer.whoosh_internals import compound
from indexer.writer import article_fields

from tiny_index import ARTICLES  # isort: skip

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 40)),
        st.tuples(st.just("seek"), st.integers(0, 60), st.sampled_from([0, 1, 2])),
        st.tuples(st.just("readline"), st.integers(-1, 40)),
        st.tuples(st.just("tell")),
    ),
    max_size=30,
)


@given(data=st.binary(max_size=50), ops=OPS)
def test_a_view_file_reads_as_bytesio_does(data: bytes, ops: list[tuple]) -> None:
    view = compound.ViewFile(memoryview(data))
    expected = io.BytesIO(data)
    for op in ops:
        if op[0] == "seek":
            offset = op[1] if op[2] == 0 else op[1] - 30
            if op[2] != 0 and expected.tell() + offset < 0 and op[2] == 1:
                continue
            if op[2] == 2 and len(data) + offset < 0:
                continue
            assert view.seek(offset, op[2]) == expected.seek(offset, op[2])
        elif op[0] == "tell":
            assert view.tell() == expected.tell()
        else:
            assert getattr(view, op[0])(op[1]) == getattr(expected, op[0])(op[1])


def test_compound_files_are_views_with_the_same_bytes(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), F.build_schema(), indexname=INDEX_NAME)
    writer = SegmentWriter(ix)  # stock: one compound segment
    for article in ARTICLES:
        writer.add_document(**article_fields(article, "key"))
    writer.commit()
    (seg_file,) = [n for n in os.listdir(tmp_path) if n.endswith(".seg")]
    with open(tmp_path / seg_file, "rb") as raw:
        from whoosh.filedb.structfile import StructFile

        storage = CompoundStorage(StructFile(raw))
        names = storage.list()
        assert names
        for name in names:
            ours = storage.open_file(name)
            theirs = compound._whoosh_open_file(storage, name)
            assert isinstance(ours.file, compound.ViewFile)
            assert ours.read() == theirs.read()
            ours.seek(0)
            theirs.seek(0)
            assert ours.get(0, 16) == theirs.get(0, 16)
            ours.close()
            theirs.close()
        storage.close()
    # Whoosh's public API searches the compound segment read this way.
    with ix.searcher() as searcher:
        assert searcher.doc_count() == len(ARTICLES)
        stored = [searcher.stored_fields(n)[F.ID] for n in range(searcher.doc_count())]
        assert sorted(stored) == sorted(a.id for a in ARTICLES)


def _resident_kib(path_part: str) -> int:
    """Resident KiB of this process's mappings of files whose path contains ``path_part``."""
    total, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8") as smaps:
        for line in smaps:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5 and ":" in fields[3]:
                inside = len(fields) >= 6 and path_part in fields[5]
            elif inside and fields[0] == "Rss:":
                total += int(fields[1])
    return total


def test_released_pages_leave_the_process_and_read_back_the_same(tmp_path: Path) -> None:
    """After the stored documents are read, ``release_pages`` unmaps what they touched."""
    ix = whoosh_index.create_in(str(tmp_path), F.build_schema(), indexname=INDEX_NAME)
    writer = SegmentWriter(ix)  # stock: one compound segment
    for article in ARTICLES:
        writer.add_document(**article_fields(article, "key"))
    writer.commit()
    with ix.searcher() as searcher:
        first = [searcher.stored_fields(n) for n in range(searcher.doc_count())]
        assert _resident_kib(str(tmp_path)) > 0
        leaves = [leaf for leaf, _ in searcher.reader().leaf_readers()]
        assert [compound.release_pages(leaf) for leaf in leaves] == [True]
        assert _resident_kib(str(tmp_path)) == 0
        again = [searcher.stored_fields(n) for n in range(searcher.doc_count())]
        assert again == first
        assert _resident_kib(str(tmp_path)) > 0


def test_a_segment_that_is_not_compound_has_no_pages_to_release() -> None:
    from types import SimpleNamespace

    assert compound.release_pages(SimpleNamespace(_storage=SimpleNamespace())) is False
