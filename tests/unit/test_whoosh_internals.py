"""Contract tests of ``indexer.whoosh_internals`` against the installed Whoosh.

Each function is checked against what Whoosh's public API says about the same
files, both ways round:

* stock Whoosh writes an index (its own writer, compressed compound
  segments), and our readers read it: the same postings, columns, lengths
  and generation as Whoosh's public readers report;
* our writer writes an index (worker segments, committed by the lock-holding
  writer), and stock Whoosh opens it, searches it with its own parser and
  matchers, and merges it.

When Whoosh is upgraded, these are the tests to run first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import whoosh
from tiny_index import ARTICLES, build_index
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser
from whoosh.writing import SegmentWriter

from indexer import schema as F
from indexer import whoosh_internals as wi
from indexer.search.postings import decode_positions, read_postings
from indexer.store import INDEX_NAME, current_directory
from indexer.writer import article_fields

# -- the version check -----------------------------------------------------------------------


def test_the_installed_whoosh_is_the_one_written_for() -> None:
    assert tuple(whoosh.__version__[:3]) == wi.WRITTEN_FOR
    wi.check_version(tuple(whoosh.__version__))


def test_another_version_fails_naming_both() -> None:
    with pytest.raises(wi.WhooshVersionError) as failure:
        wi.check_version((3, 55, 1), expected=(3, 54, 0))
    message = str(failure.value)
    assert "3.54.0" in message and "3.55.1" in message and "whoosh3==3.54.0" in message
    assert isinstance(failure.value, ImportError)


def test_the_pin_matches() -> None:
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert f'"whoosh3=={".".join(map(str, wi.WRITTEN_FOR))}"' in pyproject


# -- stock Whoosh writes, our readers read ---------------------------------------------------


@pytest.fixture(scope="module")
def stock_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The five articles and 300 more (several posting blocks), written by Whoosh alone."""
    directory = tmp_path_factory.mktemp("stock")
    ix = whoosh_index.create_in(str(directory), F.build_schema(), indexname=INDEX_NAME)
    writer = SegmentWriter(ix)  # stock codec: compressed blocks, a compound segment
    for article in ARTICLES:
        writer.add_document(**article_fields(article, "key"))
    for n in range(300):
        body = "filler oil " * (1 + n % 4) + f"word{n % 7}"
        extra = ARTICLES[0].__class__(
            id=f"more-{n}", title=f"More {n}", body=body, origin="x", path="x"
        )
        writer.add_document(**article_fields(extra, "key"))
    writer.commit()
    with ix.reader() as reader:
        yield ix, reader


def leaf(reader: Any) -> Any:
    ((segreader, _offset),) = reader.leaf_readers()
    return segreader


def public_postings(segreader: Any, fieldname: str, term: str) -> tuple[list[int], list[float]]:
    matcher = segreader.postings(fieldname, term)
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


@pytest.mark.parametrize("term", ["oil", "filler", "vienna", "word3", "missing"])
def test_posting_blocks_read_what_the_matcher_yields(stock_index: Any, term: str) -> None:
    _, reader = stock_index
    segreader = leaf(reader)
    btext = term.encode()
    assert wi.has_term(segreader, F.BODY, btext) == (term != "missing")
    docs, weights, values = read_postings(segreader, F.BODY, term, with_values=True)
    ids, expected = public_postings(segreader, F.BODY, term) if term != "missing" else ([], [])
    assert docs.tolist() == ids and weights.tolist() == expected
    if term == "oil":
        assert len(ids) > 128  # more than one block
        blocks = wi.posting_blocks(wi.term_matcher(segreader, F.BODY, btext))
        assert blocks is not None and len(list(blocks)) > 1
        # Positions, packed by our format, are the public matcher's too.
        offsets, positions = decode_positions(values)
        matcher = segreader.postings(F.BODY, term)
        first = matcher.value_as("positions")
        assert positions[offsets[0] : offsets[1]].tolist() == list(first)


def test_a_matcher_of_another_shape_has_no_blocks() -> None:
    from whoosh.matching import ListMatcher

    assert wi.posting_blocks(ListMatcher([1, 2, 3])) is None


def test_numeric_column_reads_every_value(stock_index: Any) -> None:
    _, reader = stock_index
    segreader = leaf(reader)
    size = segreader.doc_count_all()
    column = segreader.column_reader(F.DATE_TS)
    values = wi.numeric_column(column, size, np.int64)
    assert values.tolist() == [column[n] for n in range(size)]
    assert values[3] == F.UNDATED  # doc-3 has no date


def test_fixed_column_bytes_are_the_values_one_by_one(stock_index: Any) -> None:
    _, reader = stock_index
    segreader = leaf(reader)
    size = segreader.doc_count_all()
    assert segreader.has_column(F.SIGNATURE)
    column = segreader.column_reader(F.SIGNATURE, translate=False)
    raw = wi.fixed_column_bytes(column, size)
    assert raw == b"".join(column[n] for n in range(size)) and len(raw) > 0
    assert wi.fixed_column_bytes(column, 2) == column[0] + column[1]


def test_field_lengths_are_the_public_lengths(stock_index: Any) -> None:
    _, reader = stock_index
    segreader = leaf(reader)
    size = segreader.doc_count_all()
    for fieldname in F.TEXT_FIELDS:
        lengths = wi.field_lengths(segreader, fieldname, size)
        assert lengths.tolist() == [segreader.doc_field_length(n, fieldname) for n in range(size)]


def test_length_codes_and_table_agree(stock_index: Any) -> None:
    table = wi.length_table()
    assert table.shape == (256,) and table[0] == 0
    for length in (1, 7, 10, 11, 100, 5000):
        assert table[wi.length_code(length)] == pytest.approx(length, rel=0.1)


def test_latest_generation_is_the_committed_one(stock_index: Any) -> None:
    ix, _ = stock_index
    assert wi.latest_generation(ix.storage.folder, INDEX_NAME) == ix.latest_generation() >= 0


def test_latest_generation_of_an_empty_directory(tmp_path: Path) -> None:
    assert wi.latest_generation(str(tmp_path), INDEX_NAME) == -1


# -- our writer writes, stock Whoosh reads, searches and merges ------------------------------


@pytest.fixture()
def our_index(tmp_path: Path) -> Any:
    """The five articles written by our worker segments, in two commits."""
    root = build_index(tmp_path / "index", segments=2)
    directory = current_directory(root)
    assert directory is not None
    return whoosh_index.open_dir(directory, indexname=INDEX_NAME)


def stock_search(ix: Any, fieldname: str, text: str) -> set[str]:
    with ix.searcher() as searcher:
        query = QueryParser(fieldname, ix.schema).parse(text)
        return {hit["id"] for hit in searcher.search(query, limit=None)}


def test_stock_whoosh_searches_what_we_wrote(our_index: Any) -> None:
    assert our_index.doc_count() == 5 and len(our_index._segments()) == 2
    assert stock_search(our_index, F.BODY, "oil") == {"doc-0", "doc-1"}
    assert stock_search(our_index, F.BODY, '"interest rates"') == {"doc-2"}
    assert stock_search(our_index, F.TITLE, "coffee") == {"doc-1"}
    assert stock_search(our_index, F.TOPICS, "interest") == {"doc-2", "doc-3"}
    with our_index.searcher() as searcher:
        stored = searcher.document(id="doc-2")
    assert stored is not None and stored["title"] == "Bank of England"
    assert stored[F.TOPICS] == ("money-fx", "interest")


def test_stock_whoosh_reads_our_statistics(our_index: Any) -> None:
    with our_index.reader() as reader:
        # doc-0 and doc-1 say "oil" three times in their bodies.
        assert reader.doc_frequency(F.BODY, "oil") == 2
        assert reader.frequency(F.BODY, "oil") == 3
        lengths = [reader.doc_field_length(n, F.BODY) for n in range(5)]
        assert lengths == [8, 9, 6, 6, 6]
        with our_index.searcher() as searcher:
            assert searcher.document_number(id="doc-4") == 4
        assert reader.max_field_length(F.BODY) == 9 and reader.min_field_length(F.BODY) == 6


def test_stock_whoosh_merges_what_we_wrote(our_index: Any) -> None:
    before = stock_search(our_index, F.BODY, "said")
    writer = our_index.writer()
    writer.commit(optimize=True)  # Whoosh's own merge rewrites both segments
    merged = whoosh_index.open_dir(our_index.storage.folder, indexname=INDEX_NAME)
    assert len(merged._segments()) == 1
    assert stock_search(merged, F.BODY, "said") == before == {"doc-1", "doc-3", "doc-4"}
    assert stock_search(merged, F.BODY, '"crude oil"') == {"doc-0"}
