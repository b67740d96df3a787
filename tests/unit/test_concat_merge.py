"""A merge by concatenation must give the index Whoosh's own merge gives.

The same multi-segment index (segments written by the fast writer and by
stock Whoosh, which inlines single postings and compresses blocks; with
deleted documents) is merged into one segment both ways; every term's
postings, positions and statistics, every document's stored fields, lengths
and columns, the array file and search results must be the same, and stock
Whoosh must read the concatenated segment.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from index_compare import assert_same_term_info
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import QueryParser
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from indexer import schema as F
from indexer import segment_arrays
from indexer.fastwrite import FastSegmentWriter
from indexer.merge_policy import TieredMerge, whoosh_merge
from indexer.writer import ParentWriter, article_fields, concat_merge
from tests.unit.test_fastwrite import make_articles

FIELDS = ("title", "body", "places", "topics", "people", "id", "path", "filekey", "dateline")


def build_segments(directory: Path, deletions: bool) -> None:
    """Five segments: three from the fast writer, two from stock Whoosh."""
    directory.mkdir()
    ix = FileStorage(str(directory)).create_index(F.build_schema(), indexname="MAIN")
    articles = make_articles(900)
    for part in range(5):
        share = articles[part * 180 : (part + 1) * 180]
        writer: Any = FastSegmentWriter(ix) if part % 2 == 0 else SegmentWriter(ix)
        for article in share:
            writer.add_document(**article_fields(article, f"key{part}"))
        writer.commit(merge=False)
    if deletions:
        writer = SegmentWriter(ix)
        for n in range(0, 900, 7):
            writer.delete_by_term("id", f"doc-{n}")
        writer.commit(merge=False)
    assert len(ix._segments()) == 5


def concat_all(writer: Any, segments: list[Any]) -> list[Any]:
    return [concat_merge(writer, segments)]


def merged(directory: Path, how: Any) -> Any:
    ix = FileStorage(str(directory)).open_index("MAIN")
    ParentWriter(ix).commit_segments([], policy=how)
    ix = FileStorage(str(directory)).open_index("MAIN")
    assert len(ix._segments()) == 1
    return ix


@pytest.fixture(scope="module", params=[False, True], ids=["no-deletions", "deletions"])
def pair(request: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    root = tmp_path_factory.mktemp("concat")
    build_segments(root / "a", deletions=request.param)
    shutil.copytree(root / "a", root / "b")
    return merged(root / "a", whoosh_merge), merged(root / "b", concat_all)


def test_every_term_has_the_same_postings(pair: tuple[Any, Any]) -> None:
    stock, concat = pair
    with stock.reader() as a, concat.reader() as b:
        for fieldname in FIELDS:
            terms = list(a.lexicon(fieldname))
            assert terms == list(b.lexicon(fieldname)), fieldname
            assert terms, fieldname
            for term in terms:
                assert_same_term_info(a, b, fieldname, term)
            if fieldname in ("title", "body"):
                for term in terms:
                    pa = list(a.postings(fieldname, term).items_as("positions"))
                    assert pa == list(b.postings(fieldname, term).items_as("positions"))


def test_every_document_is_the_same(pair: tuple[Any, Any]) -> None:
    stock, concat = pair
    with stock.reader() as a, concat.reader() as b:
        assert a.doc_count_all() == b.doc_count_all() == a.doc_count()
        assert not b.has_deletions()
        for docnum in range(a.doc_count_all()):
            assert a.stored_fields(docnum) == b.stored_fields(docnum)
            for fieldname in ("title", "body"):
                assert a.doc_field_length(docnum, fieldname) == b.doc_field_length(
                    docnum, fieldname
                )
        for fieldname in ("title", "body"):
            assert a.field_length(fieldname) == b.field_length(fieldname)
            assert a.max_field_length(fieldname) == b.max_field_length(fieldname)
        for fieldname in (F.DATE_TS, F.SIGNATURE):
            assert list(a.column_reader(fieldname)) == list(b.column_reader(fieldname))


def test_same_search_results(pair: tuple[Any, Any]) -> None:
    stock, concat = pair
    with stock.searcher() as a, concat.searcher() as b:
        parser = QueryParser("body", stock.schema)
        for text in ["oil", "oil prices", '"coffee cocoa"', "yen OR vienna", "unique5", "zoë"]:
            query = parser.parse(text)
            hits_a = [(h["id"], round(h.score, 5)) for h in a.search(query, limit=100)]
            hits_b = [(h["id"], round(h.score, 5)) for h in b.search(query, limit=100)]
            assert hits_a == hits_b, text
            assert hits_a, text


def test_array_file_matches_one_decoded_from_the_segment(pair: tuple[Any, Any]) -> None:
    _, concat = pair
    folder = concat.storage.folder
    (segment,) = concat._segments()
    assert segment_arrays.is_valid(folder, segment.segment_id(), segment.doc_count_all())
    written = segment_arrays.load(folder, segment.segment_id(), segment.doc_count_all())
    assert written is not None
    reader = SegmentReader(concat.storage, concat.schema, segment)
    try:
        decoded = segment_arrays.build(reader)
    finally:
        reader.close()
    assert np.array_equal(written.date_ts, decoded.date_ts)
    assert np.array_equal(written.signatures, decoded.signatures)
    for name in decoded.lengths:
        assert np.array_equal(written.lengths[name], decoded.lengths[name]), name
    for name, pairs in decoded.facets.items():
        assert tuple(written.facets[name].values) == tuple(pairs.values), name
        assert np.array_equal(written.facets[name].docs, pairs.docs), name
        assert np.array_equal(written.facets[name].value_ids, pairs.value_ids), name
    for name in decoded.vocab:
        terms_w, terms_d = written.terms(name), decoded.terms(name)
        assert terms_w is not None and terms_d is not None, name
        assert list(terms_w[0]) == list(terms_d[0]), name
        assert np.array_equal(terms_w[1], terms_d[1]), name


def test_the_tiered_policy_merges_by_concatenation(tmp_path: Path) -> None:
    """The policy hands its chosen segments to the merger; the rest stay as they are."""
    build_segments(tmp_path / "ix", deletions=True)
    ix = FileStorage(str(tmp_path / "ix")).open_index("MAIN")
    before = {s.segment_id() for s in ix._segments()}
    policy = TieredMerge(factor=3, merger=concat_merge)
    ParentWriter(ix).commit_segments([], policy=policy)
    ix = FileStorage(str(tmp_path / "ix")).open_index("MAIN")
    after = [s.segment_id() for s in ix._segments()]
    assert len(after) == 3  # three merged into one, two kept
    assert len(before & set(after)) == 2
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 900 - len(range(0, 900, 7))
        assert len(searcher.search(QueryParser("body", ix.schema).parse("oil"), limit=None)) > 0
