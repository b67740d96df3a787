"""Reuters-21578 SGML: the scanner over the whole real corpus (marked reuters).

Snippet-sized cases of the same scanner are in tests/unit/test_sources_reuters.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indexer.model import RawDocument, SkippedDocument
from indexer.sources import read_documents

pytestmark = pytest.mark.reuters


@pytest.fixture(scope="module")
def corpus(reuters_dir: Path) -> dict[str, list[RawDocument | SkippedDocument]]:
    return {
        path.name: list(read_documents(str(path), path.read_bytes()))
        for path in sorted(reuters_dir.glob("reut2-*.sgm"))
    }


def test_every_story_comes_out(corpus: dict[str, list[RawDocument | SkippedDocument]]) -> None:
    assert len(corpus) == 22
    items = [item for items in corpus.values() for item in items]
    assert len(items) == 21_578
    docs = [item for item in items if isinstance(item, RawDocument)]
    skipped = [item for item in items if isinstance(item, SkippedDocument)]
    # Every story comes out, NEWID 12793 too (an empty UNPROC story).
    assert skipped == []
    assert len({doc.native_id for doc in docs}) == 21_578
    assert all(doc.format == "reuters" and doc.source == "Reuters" for doc in docs)
    assert sum(1 for doc in docs if not doc.body) == 1_799  # TYPE="BRIEF" stories and 12793


def test_datelines_are_never_empty(
    reuters_dir: Path, corpus: dict[str, list[RawDocument | SkippedDocument]]
) -> None:
    for name, items in corpus.items():
        raw = (reuters_dir / name).read_bytes()
        expected = raw.count(b"<DATELINE>")
        datelines = [d.dateline for d in items if isinstance(d, RawDocument) and d.dateline]
        assert len(datelines) == expected, name
        assert all(line.strip() for line in datelines)


def test_first_story(corpus: dict[str, list[RawDocument | SkippedDocument]]) -> None:
    first = corpus["reut2-000.sgm"][0]
    assert isinstance(first, RawDocument)
    assert (first.position, first.native_id) == (1, "1")
    assert first.title == "BAHIA COCOA REVIEW"
    assert first.body.startswith("Showers continued throughout the week")
    assert first.date == "26-FEB-1987 15:01:01.79"
    assert first.dateline == "    SALVADOR, Feb 26 - "
    assert first.tags["places"] == ("el-salvador", "usa", "uruguay")
    assert first.tags["topics"] == ("cocoa",)


def test_file_with_a_raw_latin1_byte(
    corpus: dict[str, list[RawDocument | SkippedDocument]],
) -> None:
    docs = corpus["reut2-017.sgm"]
    assert len(docs) == 1000
    assert any("\u00fc" in d.body for d in docs if isinstance(d, RawDocument))


def test_no_markup_or_entities_leak(corpus: dict[str, list[RawDocument | SkippedDocument]]) -> None:
    for items in corpus.values():
        for doc in items:
            if isinstance(doc, RawDocument):
                assert "&#" not in doc.body and "&lt;" not in doc.body
                assert "<BODY" not in doc.body and "</TEXT" not in doc.body
                assert not any(ord(ch) < 32 and ch != "\n" for ch in doc.body)


@pytest.mark.timeout(60)
def test_reading_the_corpus_is_fast(reuters_dir: Path) -> None:
    files = [(str(p), p.read_bytes()) for p in sorted(reuters_dir.glob("reut2-*.sgm"))]
    start = time.process_time()
    count = sum(1 for path, data in files for _ in read_documents(path, data))
    assert count == 21_578
    # 2 s on one idle core is the target; the bound leaves room for a shared CI machine.
    assert time.process_time() - start < 6
