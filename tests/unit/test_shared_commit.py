"""A commit made while workers write the next batch must leave their files alone.

The indexing parent commits batch N while the workers build batch N+1 in the
same directory. Whoosh's clean-up after a commit deletes every segment file
the new table of contents does not name, and the temporary folder all
writers share; a *shared* commit deletes only what it replaced.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

from indexer import schema as F
from indexer.fastwrite import FastSegmentWriter
from indexer.merge_policy import TieredMerge
from indexer.writer import ParentWriter, article_fields, concat_merge
from tests.unit.test_fastwrite import make_articles


def segment_files(directory: Path, segment: Any) -> list[str]:
    prefix = segment.segment_id() + "."
    return [name for name in os.listdir(directory) if name.startswith(prefix)]


def worker_segment(ix: Any, articles: list[Any], key: str) -> Any:
    """A segment written as a worker writes it: not committed, not yet in any TOC."""
    writer = FastSegmentWriter(ix)
    for article in articles:
        writer.add_document(**article_fields(article, key))
    return writer.finish_unlocked(keep=True)


def test_a_shared_commit_keeps_unknown_segments_and_cleans_what_it_replaced(
    tmp_path: Path,
) -> None:
    ix = FileStorage(str(tmp_path)).create_index(F.build_schema(), indexname="MAIN")
    articles = make_articles(400)
    first = [worker_segment(ix, articles[n : n + 100], f"k{n}") for n in (0, 100, 200)]
    ParentWriter(ix).commit_segments(first, merge=False)
    in_flight = worker_segment(ix, articles[300:], "k300")  # the next batch, being written
    assert segment_files(tmp_path, in_flight)
    # The shared commit merges the three committed segments into one.
    ParentWriter(ix).commit_segments(
        [], policy=TieredMerge(factor=3, merger=concat_merge), shared=True
    )
    assert segment_files(tmp_path, in_flight), "a worker's unfinished batch was deleted"
    assert os.path.isdir(tmp_path / "MAIN.tmp"), "the workers' temporary folder was deleted"
    for replaced in first:
        assert segment_files(tmp_path, replaced) == [], "a merged-away segment was left"
    ix = FileStorage(str(tmp_path)).open_index("MAIN")
    assert ix.doc_count() == 300
    # The run's last commit adds the batch and cleans as Whoosh does.
    ParentWriter(ix).commit_segments([in_flight], merge=False)
    ix = FileStorage(str(tmp_path)).open_index("MAIN")
    assert ix.doc_count() == 400
    assert not os.path.exists(tmp_path / "MAIN.tmp")
    with ix.searcher() as searcher:
        assert searcher.document(id="doc-350")["path"] == "/x/file.jsonl"
