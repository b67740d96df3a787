"""Merges that do not stall: small runs never rewrite big segments, segment count stays bounded.

The policy (:mod:`indexer.merge_policy`) on numbers first, then on a real
index grown by many small incremental runs of the real pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage

from indexer import merge_policy
from indexer.merge_policy import MAX_MERGE_DOCS_ENV, TieredMerge, budget_for, tier
from indexer.pipeline import index_paths
from indexer.store import current_directory


def test_tiers_are_orders_of_magnitude() -> None:
    assert [tier(n) for n in (0, 1, 9, 10, 99, 100, 999, 1000, 250_000)] == [
        0,
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        5,
    ]
    assert tier(8, factor=2) == 3


def test_nothing_merges_until_a_tier_is_full() -> None:
    policy = TieredMerge(factor=4, max_merge_docs=1_000)
    assert policy.choose([(5, 5)] * 3) == []
    assert sorted(policy.choose([(5, 5)] * 4)) == [0, 1, 2, 3]


def test_the_lowest_full_tier_is_merged_first_and_alone() -> None:
    policy = TieredMerge(factor=3, max_merge_docs=10_000)
    sizes = [(50, 50), (1, 1), (60, 60), (2, 2), (55, 55), (1, 1), (2, 2)]
    # Base 3: tier 0 is 1-2 documents and has four members, tier 3 (27-80)
    # three; the lowest full tier goes first, its three smallest only.
    assert sorted(policy.choose(sizes)) == [1, 3, 5]


def test_segments_at_the_ceiling_are_never_merged() -> None:
    policy = TieredMerge(factor=3, max_merge_docs=1_000)
    big = (2_000_000, 2_000_000)
    assert policy.choose([big, big, big, big]) == []
    # Merging must not read more than the ceiling either: 3 x 400 > 1,000.
    assert sorted(policy.choose([(400, 400)] * 3)) == [0, 1]


def test_the_ceiling_counts_deleted_documents_a_merge_must_read() -> None:
    policy = TieredMerge(factor=2, max_merge_docs=100)
    # Few live documents but many to read: not worth a merge past the ceiling.
    assert policy.choose([(5, 90), (5, 90)]) == []


def test_a_commit_merges_within_a_budget_proportional_to_what_it_adds() -> None:
    assert budget_for(1_000) == 25 * 1_000
    assert budget_for(10) == merge_policy.MIN_MERGE_BUDGET
    sizes = [(10, 10)] * 4
    # A full tier of 40 documents: a commit with a budget of 20 merges the
    # smallest that fit (two), one with 100 merges the whole tier.
    assert len(TieredMerge(factor=4, max_merge_docs=1_000, budget=20).choose(sizes)) == 2
    assert len(TieredMerge(factor=4, max_merge_docs=1_000, budget=100).choose(sizes)) == 4
    # Nothing fits twice: nothing is merged (no single-segment rewrite).
    assert TieredMerge(factor=4, max_merge_docs=1_000, budget=15).choose(sizes) == []
    # The ceiling still holds above a big budget.
    assert TieredMerge(factor=4, max_merge_docs=25, budget=100).choose(sizes) == [0, 1]


def test_the_budget_is_lifted_when_too_many_segments_wait() -> None:
    many = [(10, 10)] * (merge_policy.MAX_WAITING_SEGMENTS + 1)
    policy = TieredMerge(factor=10, max_merge_docs=1_000, budget=20)
    assert len(policy.choose(many)) == 10
    assert len(policy.choose(many[: merge_policy.MAX_WAITING_SEGMENTS])) == 2


def _segments(index_dir: Path) -> dict[str, int]:
    """Segment id -> documents (all, deleted included) of the current commit."""
    directory = current_directory(str(index_dir))
    assert directory is not None
    ix = FileStorage(directory).open_index("MAIN")
    return {segment.segment_id(): segment.doc_count_all() for segment in ix._segments()}


def _story(n: int) -> dict[str, str]:
    return {
        "id": f"story-{n}",
        "title": f"Harvest report number {n}",
        "body": f"Farmers in valley {n} reported harvest figures. Prices were steady.",
        "date": f"2021-05-{n % 28 + 1:02d}",
    }


def test_small_runs_leave_the_big_segment_alone_and_bound_the_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 one-story runs on an index with one big segment.

    With the ceiling at 30 documents the 40-story segment is "big": it must
    keep its id (never rewritten) through every run, while the small
    segments the runs add are merged in tiers, so the count stays below
    ``factor`` per tier plus the big one. (Whoosh's default policy rewrites
    the big segment on the fifth run: 4 + 40 documents are below its
    Fibonacci threshold of 55 at the fifth segment; at 100x Reuters the
    same rule merges ~0.5M documents in an ordinary commit.)
    """
    monkeypatch.setenv(MAX_MERGE_DOCS_ENV, "30")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    index_dir = tmp_path / "index"
    (corpus / "big.jsonl").write_text(
        "\n".join(json.dumps(_story(n)) for n in range(40)) + "\n", encoding="utf-8"
    )
    index_paths([str(corpus)], str(index_dir), workers=1)
    (big,) = _segments(index_dir)
    counts = []
    merged_something = False
    for run in range(30):
        (corpus / f"run-{run}.jsonl").write_text(json.dumps(_story(1000 + run)) + "\n")
        report = index_paths([str(corpus)], str(index_dir), workers=1)
        assert report.indexed == 1
        segments = _segments(index_dir)
        assert segments.get(big) == 40, f"run {run} rewrote the big segment"
        merged_something |= any(docs > 1 for sid, docs in segments.items() if sid != big)
        counts.append(len(segments))
    assert merged_something, "the small segments were never merged"
    # Tiers 0 and 1 (factor 10) hold at most 9 segments each before a
    # merge; the new run's own segment and the big one come on top.
    assert max(counts) <= 9 + 9 + 2, counts
    assert sum(_segments(index_dir).values()) == 70


def test_small_runs_merge_within_their_budget_and_a_big_run_does_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real runs of the pipeline, with the budget scaled down (2 stories, or
    twice what a commit adds): one-story runs never merge more than two
    documents in their commit, however full a tier gets; a 30-story run then
    merges the waiting tier in one go."""
    monkeypatch.setattr(merge_policy, "MIN_MERGE_BUDGET", 2)
    monkeypatch.setattr(merge_policy, "MERGE_BUDGET_RATIO", 2)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    index_dir = tmp_path / "index"
    before: dict[str, int] = {}
    largest_merge = 0
    for run in range(14):
        (corpus / f"run-{run}.jsonl").write_text(json.dumps(_story(run)) + "\n")
        index_paths([str(corpus)], str(index_dir), workers=1)
        after = _segments(index_dir)
        new = [docs for sid, docs in after.items() if sid not in before]
        # The run's own one-story segment, plus at most one merged segment.
        assert len(new) <= 2 and 1 in new, new
        largest_merge = max([largest_merge, *new])
        before = after
    assert largest_merge == 2, "one-story runs merged more than their budget (or nothing)"
    waiting = len(before)
    assert waiting > 9  # without the budget, tier 0 (1-9 documents) would hold at most 9
    (corpus / "big.jsonl").write_text(
        "\n".join(json.dumps(_story(100 + n)) for n in range(30)) + "\n", encoding="utf-8"
    )
    index_paths([str(corpus)], str(index_dir), workers=1)
    after = _segments(index_dir)
    merged = [docs for sid, docs in after.items() if sid not in before and docs != 30]
    assert merged and max(merged) > 2, "the big run did not merge the waiting segments"
    assert len(after) < waiting
    assert sum(after.values()) == 44
