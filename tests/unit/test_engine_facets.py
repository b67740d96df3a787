"""Facet counts, the timeline histogram and the snapshot's caches.

Facet counts and the histogram only read a snapshot's arrays (facet
``(document, value)`` pairs, the date column), so most tests here give them
plain numpy arrays through :class:`Arrays`; one test checks the counts on a
real index built in the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from tiny_index import ARTICLES, build_index, open_snapshot

from indexer import schema as F
from indexer.search import facets, snapshot
from indexer.search.snapshot import FacetPairs, Snapshot
from indexer.search.snapshot import _SizedLRU as SizedLRU
from indexer.search.types import FacetValue
from indexer.store import open_generation

TOPIC = F.FACETS_BY_NAME["topic"]


class Arrays:
    """The part of a :class:`Snapshot` facet counting and the histogram read."""

    def __init__(self, date_ts: list[int], topics: dict[str, list[int]] | None = None) -> None:
        self.date_ts = np.asarray(date_ts, dtype=np.int64)
        self.size = len(date_ts)
        values = tuple(topics or {})
        docs = [doc for docs in (topics or {}).values() for doc in docs]
        ids = [i for i, docs in enumerate((topics or {}).values()) for _ in docs]
        self.facets = {
            TOPIC.field: FacetPairs(
                values, np.asarray(docs, dtype=np.int64), np.asarray(ids, dtype=np.int32)
            )
        }
        self.cache: dict[Any, Any] = {}
        #: An index without the name-variants field: no merged spellings.
        self.searcher = SimpleNamespace(schema={})

    def value_index(self, fieldname: str) -> dict[str, int]:
        return {value: i for i, value in enumerate(self.facets[fieldname].values)}


def ts(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


# -- facet counts ----------------------------------------------------------------------------

#: Six documents: topic -> documents holding it.
TOPICS = {"crude": [0, 1, 2], "coffee": [1, 3], "Cocoa": [4], "gold": [5]}


def counts(mask: list[bool], selected: tuple[str, ...] = (), limit: int = 10) -> list[Any]:
    arrays = Arrays([0] * 6, TOPICS)
    found = facets.count_facet(arrays, TOPIC, np.asarray(mask), selected, limit)  # type: ignore[arg-type]
    return [(v.value, v.count, v.selected) for v in found]


def test_counts_over_the_matching_documents_most_frequent_first() -> None:
    assert counts([True] * 6) == [
        ("crude", 3, False),
        ("coffee", 2, False),
        ("Cocoa", 1, False),  # ties in case-insensitive order of the value
        ("gold", 1, False),
    ]
    assert counts([False, True, False, True, False, False]) == [
        ("coffee", 2, False),
        ("crude", 1, False),
    ]
    assert counts([False] * 6) == []


def test_the_limit_keeps_the_top_values_and_the_selected_ones() -> None:
    assert counts([True] * 6, limit=2) == [("crude", 3, False), ("coffee", 2, False)]
    # A selected value is listed even with a zero count; selection is case-insensitive.
    assert counts([True, True, False, False, False, False], ("COCOA",), limit=1) == [
        ("crude", 2, False),
        ("Cocoa", 0, True),
    ]


def test_an_unknown_selected_value_is_listed_so_it_can_be_removed() -> None:
    assert counts([True] * 6, ("tin",), limit=1) == [("crude", 3, False), ("tin", 0, True)]


def test_a_facet_without_values() -> None:
    arrays = Arrays([0, 0])
    mask = np.ones(2, dtype=bool)
    assert facets.count_facet(arrays, TOPIC, mask, ()) == ()  # type: ignore[arg-type]
    assert facets.count_facet(arrays, TOPIC, mask, ("gold",)) == (  # type: ignore[arg-type]
        FacetValue("gold", 0, True),
    )


def test_docs_with_values_is_an_or_of_the_values() -> None:
    arrays = Arrays([0] * 6, TOPICS)
    ids = np.asarray([1, 3], dtype=np.int32)  # coffee, gold
    mask = facets.docs_with_values(arrays, TOPIC.field, ids)  # type: ignore[arg-type]
    assert np.flatnonzero(mask).tolist() == [1, 3, 5]


# -- the histogram ---------------------------------------------------------------------------


def histogram(days: list[str | None], **bounds: date) -> tuple[list[tuple[str, int]], str]:
    stamps = [ts(day) if day else F.UNDATED for day in days]
    arrays = Arrays(stamps)
    mask = np.ones(len(stamps), dtype=bool)
    buckets, unit = facets.histogram(arrays, mask, bounds.get("start"), bounds.get("end"))  # type: ignore[arg-type]
    return [(b.period, b.count) for b in buckets], unit


def test_a_short_span_has_a_bar_per_day_including_empty_days() -> None:
    bars, unit = histogram(["1987-03-02", "1987-03-02T23:59:59", "1987-03-04", None])
    assert unit == "day"
    assert bars == [("1987-03-02", 2), ("1987-03-03", 0), ("1987-03-04", 1)]


def test_up_to_ten_years_has_a_bar_per_month() -> None:
    bars, unit = histogram(["1987-01-31", "1987-02-01", "1987-05-20"])
    assert unit == "month"
    assert bars == [("1987-01", 1), ("1987-02", 1), ("1987-03", 0), ("1987-04", 0), ("1987-05", 1)]


def test_longer_spans_have_a_bar_per_year() -> None:
    bars, unit = histogram(["1980-06-01", "1995-01-01", "1995-12-31"])
    assert unit == "year"
    assert len(bars) == 16 and bars[0] == ("1980", 1) and bars[-1] == ("1995", 2)
    assert sum(count for _, count in bars) == 3


def test_bucket_days_cover_their_period() -> None:
    stamps = [ts("1987-01-10"), ts("1987-04-01")]
    buckets, _ = facets.histogram(Arrays(stamps), np.ones(2, dtype=bool))  # type: ignore[arg-type]
    assert [(b.start, b.end) for b in buckets] == [
        (date(1987, 1, 1), date(1987, 1, 31)),
        (date(1987, 2, 1), date(1987, 2, 28)),
        (date(1987, 3, 1), date(1987, 3, 31)),
        (date(1987, 4, 1), date(1987, 4, 30)),
    ]


def test_the_date_filter_widens_the_span() -> None:
    bars, unit = histogram(["1987-03-10"], start=date(1987, 3, 8), end=date(1987, 3, 11))
    assert unit == "day" and bars[0] == ("1987-03-08", 0)
    assert bars[-1] == ("1987-03-11", 0) and sum(c for _, c in bars) == 1


def test_centuries_of_stray_dates_are_capped() -> None:
    bars, unit = histogram(["1066-10-14", "1987-03-02"])
    assert unit == "year" and len(bars) == facets.MAX_BUCKETS
    assert bars[0][1] == 1 and bars[-1] == ("1987", 1)


def test_no_dated_match_is_an_empty_timeline() -> None:
    assert histogram([None, None]) == ([], "month")


# -- facet counts on a real index ------------------------------------------------------------


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshot]:
    snapshot = open_snapshot(build_index(tmp_path_factory.mktemp("tiny") / "index", segments=2))
    yield snapshot
    snapshot.close()


def test_counts_on_a_real_index(snap: Snapshot) -> None:
    everything = facets.count_facet(snap, TOPIC, snap.live, ())
    assert [(v.value, v.count) for v in everything] == [
        ("interest", 2),
        ("cocoa", 1),
        ("coffee", 1),
        ("crude", 1),
        ("money-fx", 1),
    ]
    place = F.FACETS_BY_NAME["place"]
    london = facets.date_mask(snap, date(1987, 3, 1), date(1987, 4, 30))
    assert london is not None
    found = facets.count_facet(snap, place, london, ("ghana",))
    assert [(v.value, v.count, v.selected) for v in found] == [
        ("United Kingdom", 2, False),
        ("Austria", 1, False),
        ("Ghana", 0, True),
    ]


# -- caches ----------------------------------------------------------------------------------


def test_sized_lru_evicts_the_least_recently_used_beyond_its_capacity() -> None:
    cache = SizedLRU(10)
    cache.put("a", "A", 4)
    cache.put("b", "B", 4)
    assert cache.get("a") == "A"  # "a" is now the most recently used
    cache.put("c", "C", 4)
    assert cache.get("b") is None and cache.get("a") == "A" and cache.get("c") == "C"
    assert cache.size == 8 <= cache.capacity
    cache.put("a", "other", 1)  # a key is cached once: the first value stays
    assert cache.get("a") == "A"


def test_sized_lru_does_not_keep_a_value_bigger_than_itself() -> None:
    cache = SizedLRU(10)
    cache.put("a", "A", 4)
    cache.put("huge", "H", 11)
    assert cache.get("huge") is None and cache.get("a") == "A"


def test_the_snapshot_term_cache_stays_within_its_bound(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "TERM_CACHE_POSTINGS", 8)
    root = build_index(tmp_path_factory.mktemp("tiny-cache") / "index")
    snap = open_snapshot(root)
    try:
        words = ["oil", "said", "bank", "rates", "interest", "rose", "cocoa", "vienna"]
        first = {word: snap.postings(F.BODY, word) for word in words}
        cache = snap._term_cache
        assert cache.capacity == 4 and 0 < cache.size <= 4
        assert ("body", words[0]) not in cache  # evicted: least recently used
        assert ("body", words[-1]) in cache
        # Evicted entries are read again, with the same result.
        for word in words:
            docs, tfs = snap.postings(F.BODY, word)
            assert docs.tolist() == first[word][0].tolist()
            assert tfs.tolist() == first[word][1].tolist()
        ((_, segment, _),) = snap.leaves
        assert segment._terms.size <= segment._terms.capacity == 8
    finally:
        snap.close()


def test_a_new_generation_reuses_unchanged_segments(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    root = tmp_path_factory.mktemp("tiny-reuse") / "index"
    build_index(root, ARTICLES[:3])
    first = open_snapshot(str(root))
    build_index(root, ARTICLES[3:])  # a second commit: one more segment
    ix, version = open_generation(str(root))
    second = Snapshot(ix, version, reuse=first.segment_data())
    try:
        assert version.generation > first.version.generation
        assert second.size == 5 and len(second.leaves) == 2
        assert second.leaves[0][1] is first.leaves[0][1]  # the same arrays, not read again
        assert second.leaves[1][1] is not first.leaves[0][1]
    finally:
        first.close()
        second.close()
