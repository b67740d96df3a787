"""Issue 14 through the search service: comparisons, tallies, batches, exports, origins.

On a real index of ``tests/fixtures/features/`` (hand-written stories with
known counts per month: see its README) and on Reuters-21578. Expected
numbers are either written out from the fixture or checked against the
service's own search, the one path the page already trusts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from indexer.errors import SearchRequestError
from indexer.pipeline import index_paths
from indexer.search.compare import period_edges, period_label
from indexer.search.origins import relative_origin
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.types import SearchRequest

REPO = Path(__file__).resolve().parents[2]
FEATURES = REPO / "tests" / "fixtures" / "features"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    directory = tmp_path_factory.mktemp("features") / "index"
    report = index_paths([str(FEATURES)], str(directory))
    assert report.documents_total == 25, report
    service = SearchService(str(directory))
    yield service
    service.close()


def total(service: SearchService, **params: str) -> int:
    request = parse_search_params({name: [value] for name, value in params.items()})
    return service.search(request).total


# -- compare -------------------------------------------------------------------------


def test_monthly_counts_and_shares_of_the_fixture(service: SearchService) -> None:
    result = service.compare(["lumber", "tariff"], SearchRequest())
    assert result.interval == "month"
    assert [p.label for p in result.periods] == ["1990-01", "1990-02", "1990-03", "1990-04"]
    assert result.baseline == (9, 6, 0, 9)
    lumber, tariff = result.series
    assert [p.count for p in lumber.points] == [4, 1, 0, 4]
    assert [p.count for p in tariff.points] == [1, 2, 0, 1]
    assert (lumber.total, lumber.undated) == (10, 1)
    assert (tariff.total, tariff.undated) == (4, 0)
    assert lumber.points[0].share == round(4 / 9, 6)
    assert tariff.points[1].share == round(2 / 6, 6)
    # March has no story at all: its share is unknown, not zero.
    assert lumber.points[2].share is None and tariff.points[2].share is None


def test_every_point_is_the_search_total_of_its_period(service: SearchService) -> None:
    for interval in ("day", "week", "month", "year"):
        result = service.compare(["lumber", "tariff OR timber"], SearchRequest(), interval)
        assert result.interval == interval
        for series in result.series:
            for period, point in zip(result.periods, series.points, strict=True):
                days = {"from": period.start.isoformat(), "to": period.end.isoformat()}
                assert point.count == total(service, q=series.query, **days), (interval, period)
            assert sum(p.count for p in series.points) + series.undated == series.total
        for period, stories in zip(result.periods, result.baseline, strict=True):
            days = {"from": period.start.isoformat(), "to": period.end.isoformat()}
            assert stories == total(service, **days)


def test_shared_filters_apply_to_every_series_and_to_the_baseline(
    service: SearchService,
) -> None:
    days = {"from": "1990-02", "to": "1990-04"}
    shared = parse_search_params({"topic": ["lumber"], **{k: [v] for k, v in days.items()}})
    result = service.compare(["tariff", "mills"], shared, "month")
    assert result.series[0].total == total(service, q="tariff", topic="lumber", **days) == 1
    # The baseline is the filtered archive: stories on lumber from February to April,
    # over the whole filtered period (the date filter widens the span).
    assert [p.label for p in result.periods] == ["1990-02", "1990-03", "1990-04"]
    assert sum(result.baseline) == total(service, topic="lumber", **days) == 5


def test_weeks_are_iso_weeks_starting_on_monday(service: SearchService) -> None:
    result = service.compare(["lumber"], SearchRequest(), "week")
    first = result.periods[0]
    assert first.start == date(1990, 1, 1) and first.start.weekday() == 0
    assert first.label == "1990-W01" and first.end == date(1990, 1, 7)
    assert all((p.end - p.start).days == 6 for p in result.periods)
    assert period_label(date(1987, 3, 2), "week") == "1987-W10"
    assert period_edges(date(1990, 1, 3), date(1990, 1, 3), "week") == [
        date(1990, 1, 1),
        date(1990, 1, 8),
    ]


def test_a_query_matching_nothing_is_a_flat_line(service: SearchService) -> None:
    result = service.compare(["lumber", "zebra"], SearchRequest())
    assert [p.count for p in result.series[1].points] == [0, 0, 0, 0]
    # The conjunction is counted strictly: no any-word fallback as on the search page.
    strict = service.compare(["lumber zebra"], SearchRequest())
    assert strict.series[0].total == 0 and strict.periods == ()


def test_bad_queries_and_intervals_are_request_errors(service: SearchService) -> None:
    with pytest.raises(SearchRequestError, match="query 2"):
        service.compare(["lumber", '"unbalanced'], SearchRequest())
    # A date filter of three years widens the span to 1,096 days: too many to draw.
    wide = parse_search_params({"from": ["1988-01-01"], "to": ["1990-12-31"]})
    with pytest.raises(SearchRequestError, match="coarser interval") as caught:
        service.compare(["lumber"], wide, "day")
    assert caught.value.code == "too_many_periods"
    assert len(service.compare(["lumber"], wide, "week").periods) == 158


# -- tally and batch -----------------------------------------------------------------


def test_tally_is_the_search_total_with_first_and_last_dates(service: SearchService) -> None:
    tally = service.tally(SearchRequest(q="lumber"))
    assert (tally.total, tally.first_date, tally.last_date) == (10, "1990-01-02", "1990-04-24")
    nothing = service.tally(SearchRequest(q="zebra"))
    assert (nothing.total, nothing.first_date, nothing.last_date) == (0, None, None)


def test_batch_counts_each_line_in_order(service: SearchService) -> None:
    lines = ["lumber", '"maria lopez"', "maria lopez", "zebra", "lumber", "tariff"]
    outcome = service.batch(lines, SearchRequest(), budget_seconds=10)
    totals = [t.total if t else None for t in outcome.tallies]
    assert totals == [10, 1, 2, 0, 10, 4]
    assert outcome.tallies[1] is not None and outcome.tallies[1].first_date == "1990-02-08"
    # Every word counts (the page's "with all the words", no spelling change).
    for line, tally in zip(lines, outcome.tallies, strict=True):
        page = service.search(SearchRequest(q=line, spell=False))
        assert tally is not None and tally.total == page.total_all_words, line


def test_batch_lines_share_the_filters(service: SearchService) -> None:
    shared = parse_search_params({"to": ["1990-01"]})
    outcome = service.batch(["lumber", "tariff"], shared, budget_seconds=10)
    assert [t.total for t in outcome.tallies if t] == [4, 1]


def test_a_spent_budget_leaves_lines_unfinished_not_failed(service: SearchService) -> None:
    outcome = service.batch(["lumber", "tariff"], SearchRequest(), budget_seconds=0.0)
    assert outcome.tallies == (None, None)


def test_a_bad_batch_line_names_its_number(service: SearchService) -> None:
    with pytest.raises(SearchRequestError, match="line 3"):
        service.batch(["lumber", "tariff", "(unclosed"], SearchRequest(), budget_seconds=10)


# -- exports and origins -------------------------------------------------------------


def test_exports_carry_snippets_and_bodies_only_when_asked(service: SearchService) -> None:
    request = SearchRequest(q="tariff", sort="oldest")
    plain = list(service.export(request, 100))
    rich = list(service.export(request, 100, snippets=True, bodies=True))
    assert [h.id for h in plain] == [h.id for h in rich]
    assert all(h.snippet == () and h.body is None for h in plain)
    assert all(h.body and "tariff" in h.body.lower() for h in rich)
    assert all(any(f.matched for passage in h.snippet for f in passage) for h in rich)


def test_origins_are_relative_to_the_indexed_folder(service: SearchService) -> None:
    hits = list(service.export(SearchRequest(), 100))
    origins = {hit.origin for hit in hits}
    assert "wire/more.jsonl#1" in origins
    assert all(not os.path.isabs(origin) and str(REPO) not in origin for origin in origins)
    assert all(o.startswith(("stories.jsonl#", "wire/more.jsonl#")) for o in origins)
    article = service.article("feat-wire-1")
    assert article is not None and article.origin == "wire/more.jsonl#1"


def test_relative_origin_rules() -> None:
    assert relative_origin("/srv/a/b/c.sgm#3", "/srv/a") == "b/c.sgm#3"
    assert relative_origin("/srv/a/c.txt", "/srv/a") == "c.txt"
    # Outside the root (or no root at all): the file name, never a directory.
    assert relative_origin("/etc/secret/x.txt", "/srv/a") == "x.txt"
    assert relative_origin("/srv/ab/x.txt", "/srv/a") == "x.txt"
    assert relative_origin("/srv/a/x.txt#2", "") == "x.txt#2"
    assert relative_origin("already/relative.txt", "/srv") == "already/relative.txt"


def test_a_single_indexed_file_shows_its_own_name(tmp_path: Path) -> None:
    directory = tmp_path / "index"
    index_paths([str(FEATURES / "wire" / "more.jsonl")], str(directory))
    single = SearchService(str(directory))
    try:
        assert single.article("feat-wire-1").origin == "more.jsonl#1"  # type: ignore[union-attr]
    finally:
        single.close()


# -- Reuters -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reuters(reuters_index: str) -> Iterator[SearchService]:
    service = SearchService(reuters_index)
    yield service
    service.close()


@pytest.mark.reuters
def test_reuters_comparison_agrees_with_search(reuters: SearchService) -> None:
    queries = ["oil", "opec", "gas"]
    result = reuters.compare(queries, SearchRequest())
    assert result.interval == "month"
    assert result.periods[0].label == "1987-02"
    assert sum(result.baseline) == reuters.stats().documents - reuters.stats().undated
    for q, series in zip(queries, result.series, strict=True):
        assert series.total == reuters.search(SearchRequest(q=q)).total > 100
        march = series.points[1]
        days = SearchRequest(q=q, date_from=date(1987, 3, 1), date_to=date(1987, 3, 31))
        assert march.count == reuters.search(days).total
        assert march.share == round(march.count / result.baseline[1], 6)
    oil, opec, _ = result.series
    assert all(o.count >= p.count for o, p in zip(oil.points, opec.points, strict=True))


@pytest.mark.reuters
def test_reuters_batch_of_names(reuters: SearchService) -> None:
    names = ["Paul Volcker", "James Baker", "Yasuhiro Nakasone", "Juan Guaido"]
    outcome = reuters.batch([f'"{n}"' for n in names], SearchRequest(), budget_seconds=20)
    totals = {n: t.total for n, t in zip(names, outcome.tallies, strict=True) if t}
    assert totals["Juan Guaido"] == 0  # 2019 news is not in a 1987 archive
    assert totals["Paul Volcker"] > 50 and totals["James Baker"] > 50
    volcker = outcome.tallies[0]
    assert volcker is not None and "1987-02" <= (volcker.first_date or "") <= "1987-10"
    assert reuters.article("reuters-5").origin == "reut2-000.sgm#5"  # type: ignore[union-attr]
