"""Near-duplicate signatures (indexer.dedup) and clustering/collapsing (indexer.search.clusters)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from indexer import dedup
from indexer.search import clusters as cl

STORY = (
    "Coffee exporters meeting in London failed to agree on new export quotas on Tuesday, "
    "delegates said, after Brazil refused to accept a smaller share of the world market. "
    "The organization will meet again in September to resume the talks."
)
DAY = 86400


def sig(text: str) -> np.ndarray:
    return dedup.decode(dedup.signature("", text), 1)[0]


def test_word_hashes_ignore_case_and_punctuation() -> None:
    a = dedup.word_hashes("Oil prices, OIL PRICES; oil-prices")
    assert len(a) == 6 and len(set(a.tolist())) == 2
    assert len(dedup.word_hashes("Guaidó visitó São Paulo")) == 4
    assert len(dedup.word_hashes("")) == 0 and len(dedup.word_hashes("... --- !!!")) == 0


def test_signatures_are_the_same_in_another_process() -> None:
    code = "from indexer import dedup; print(dedup.signature('t', 'oil prices rose').hex())"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == dedup.signature("t", "oil prices rose").hex()


def test_similarity_tells_copies_from_other_stories() -> None:
    copy = dedup.signature("", STORY.replace("on Tuesday", "on Monday"))
    original = dedup.signature("", STORY)
    assert dedup.similarity(original, original) == 1.0
    assert dedup.similarity(original, copy) >= 0.6
    other = dedup.signature(
        "", "Cocoa stocks held in Ivory Coast warehouses rose for a third week."
    )
    assert dedup.similarity(original, other) < 0.1
    assert dedup.signature("", "") == dedup.EMPTY_SIGNATURE
    assert dedup.similarity(dedup.EMPTY_SIGNATURE, dedup.EMPTY_SIGNATURE) == 0.0


def test_clusters_join_copies_within_the_window_and_name_the_earliest() -> None:
    texts = [STORY, STORY + " Prices fell.", "Cocoa stocks rose in Ivory Coast this week.", STORY]
    sigs = np.stack([sig(t) for t in texts])
    dates = np.array([5 * DAY, 4 * DAY, 4 * DAY, 30 * DAY], dtype=np.int64)
    live = np.ones(4, dtype=bool)
    groups = cl.compute(live, sigs, dates, np.full(4, 100.0, dtype=np.float32))
    assert groups.rep.tolist() == [1, 1, 2, 3]  # the copy 25 days later is a new story
    assert groups.size.tolist() == [2, 2, 1, 1]
    live[1] = False  # the representative is deleted: the other member stands alone
    assert cl.compute(live, sigs, dates).rep.tolist() == [0, 1, 2, 3]


def test_collapse_keeps_the_best_ranked_member_and_counts_the_rest() -> None:
    groups = cl.Clusters(
        rep=np.array([0, 0, 0, 3], dtype=np.int64), size=np.array([3, 3, 3, 1], dtype=np.int32)
    )
    mask = np.array([True, True, False, True])
    scores = np.array([1.0, 5.0, 9.0, 2.0])
    dates = np.zeros(4, dtype=np.int64)
    docs = cl.clustered_docs(groups, mask)
    assert docs.tolist() == [0, 1]
    primary, secondary = cl.rank_keys(dates, docs, scores, "relevance")
    collapsed, duplicates = cl.collapse(groups, mask, docs, primary, secondary)
    assert collapsed.tolist() == [False, True, False, True]
    assert duplicates.tolist() == [0, 1, 0, 0]
    assert cl.cluster_count(groups, mask) == 2


def test_batch_signatures_equal_one_at_a_time() -> None:
    stories = [
        ("Coffee talks", STORY),
        ("", ""),
        ("a", ""),
        ("x y", "z"),
        ("", "... --- !!!"),
        ("Guaidó", "visitó São Paulo hoy con sus asesores y periodistas"),
        ("broken \ud800 text", "a lone surrogate in the body \udfff survives"),
        ("Cocoa", "Cocoa stocks held in Ivory Coast warehouses rose for a third week. " * 80),
    ]
    assert dedup.signatures(stories) == [dedup.signature(t, b) for t, b in stories]
    assert dedup.signatures([]) == []


def test_copies_years_apart_are_no_candidates_and_do_not_split_a_cluster() -> None:
    """Date-ordered chains: an archive with a story re-run every year (the 10x and
    100x corpora) makes no candidate pairs across the years, and the copies a day
    apart still join, whatever order the rows come in."""
    year = 365 * DAY
    sigs = np.stack([sig(STORY)] * 6)
    # Rows 0 and 4 a day apart; the others a year or more from everything.
    dates = np.array([0, year, 2 * year, 3 * year, DAY, 4 * year], dtype=np.int64)
    a, b = cl.candidate_pairs(sigs, dates)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 4)]
    assert len(cl.candidate_pairs(sigs)[0]) == 5  # without dates: the whole chain
    groups = cl.compute(np.ones(6, dtype=bool), sigs, dates, np.full(6, 100.0, np.float32))
    assert groups.rep.tolist() == [0, 1, 2, 3, 0, 5]
    assert groups.size.tolist() == [2, 1, 1, 1, 2, 1]
