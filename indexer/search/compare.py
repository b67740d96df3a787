"""Attention over time: story counts per period for several result sets, side by side.

What Media Cloud users do first: put "oil", "opec" and "gas" on one chart
and see which story rose when. Each series is a result set (a mask from the
search service); each point counts its dated stories in one period, and its
*share* divides that by the stories of the same period in the baseline (the
archive under the shared filters, with no query), which keeps periods
comparable when the archive holds more stories in some months than others.

Counting is a ``searchsorted`` and a ``bincount`` per series over the
snapshot's date column, so the cost is the evaluation of the queries, not
the counting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import numpy as np

from indexer import schema as F
from indexer.errors import SearchRequestError
from indexer.search.facets import MAX_BUCKETS, _day_start, _edges, _label, clip_periods
from indexer.search.snapshot import Snapshot

Interval = Literal["day", "week", "month", "year"]
INTERVALS: tuple[Interval, ...] = ("day", "week", "month", "year")
#: Most queries one comparison draws (one colour each).
MAX_SERIES = 6
#: Most periods an explicitly chosen interval may produce.
MAX_PERIODS = 1000
#: Decimal places of a share (a fraction of 1).
SHARE_DIGITS = 6
#: The last day a period may start on (its successor must be a valid date).
_LAST_DAY = date(9998, 12, 24)


@dataclass(frozen=True, slots=True)
class Period:
    """One period of the chart: its label and inclusive first and last days."""

    label: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Point:
    """One series in one period: its story count and share of the baseline's.

    ``share`` is None for a period in which the archive (under the shared
    filters) has no story at all: a share of nothing is unknown, not zero.
    """

    period: str
    count: int
    share: float | None


@dataclass(frozen=True, slots=True)
class Series:
    """One query over time; ``total`` counts every match, dated or not."""

    query: str
    total: int
    undated: int
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Several series over the same periods, with the baseline they are shares of."""

    interval: Interval
    periods: tuple[Period, ...]
    #: Stories per period under the shared filters (the share's denominator).
    baseline: tuple[int, ...]
    series: tuple[Series, ...]
    generation: int
    took_ms: float = 0.0


def choose_interval(first: date, last: date) -> Interval:
    """The timeline's rule: days up to two months, months up to ten years, then years."""
    span = (last - first).days
    return "day" if span <= 62 else "month" if span <= 3660 else "year"


def period_edges(first: date, last: date, interval: Interval) -> list[date]:
    """Start days from the period holding ``first`` to the one after ``last``."""
    if interval == "week":
        monday = first - timedelta(days=first.weekday())
        weeks = (last - monday).days // 7 + 2
        return [monday + timedelta(weeks=i) for i in range(weeks)]
    return _edges(first, last, interval)


def period_label(start: date, interval: Interval) -> str:
    """``1987``, ``1987-03``, ``1987-W09`` (ISO week) or ``1987-03-02``."""
    if interval == "week":
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return _label(start, interval)


def _span(snap: Snapshot, masks: Sequence[np.ndarray]) -> tuple[date, date] | None:
    """First and last day any series has a dated story on."""
    dated = snap.date_ts != F.UNDATED
    lows, highs = [], []
    for mask in masks:
        stamps = snap.date_ts[mask & dated]
        if len(stamps):
            lows.append(int(stamps.min()))
            highs.append(int(stamps.max()))
    if not lows:
        return None
    return _day(min(lows)), _day(max(highs))


def _day(stamp: int) -> date:
    return datetime.fromtimestamp(stamp, UTC).date()


def _auto_edges(first: date, last: date) -> tuple[list[date], Interval]:
    """The timeline's choice, coarsened and clipped like the timeline's when too long."""
    interval = choose_interval(first, last)
    edges = period_edges(first, last, interval)
    if len(edges) - 1 > MAX_BUCKETS and interval == "month":
        interval = "year"
        edges = period_edges(first, last, interval)
    return clip_periods(edges), interval


def _chosen_edges(first: date, last: date, interval: Interval) -> list[date]:
    estimate = {"day": 1, "week": 7, "month": 28, "year": 365}[interval]
    if (last - first).days // estimate > MAX_PERIODS + 2:
        raise SearchRequestError(
            f"interval={interval} gives more than {MAX_PERIODS:,} periods from "
            f"{first.isoformat()} to {last.isoformat()}; choose a coarser interval "
            "or narrow 'from' and 'to'",
            code="too_many_periods",
            param="interval",
        )
    edges = period_edges(first, last, interval)
    if len(edges) - 1 > MAX_PERIODS:
        raise SearchRequestError(
            f"interval={interval} gives {len(edges) - 1:,} periods (at most {MAX_PERIODS:,}); "
            "choose a coarser interval or narrow 'from' and 'to'",
            code="too_many_periods",
            param="interval",
        )
    return edges


def counts_per_period(snap: Snapshot, mask: np.ndarray, boundaries: np.ndarray) -> np.ndarray:
    """Dated stories of ``mask`` in each period ``[boundaries[i], boundaries[i+1])``."""
    stamps = snap.date_ts[mask & (snap.date_ts != F.UNDATED)]
    slots = np.searchsorted(boundaries, stamps, side="right") - 1
    inside = (slots >= 0) & (slots < len(boundaries) - 1)
    return np.bincount(slots[inside], minlength=len(boundaries) - 1)


def compare(
    snap: Snapshot,
    queries: Sequence[str],
    masks: Sequence[np.ndarray],
    baseline: np.ndarray,
    interval: Interval | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Comparison:
    """Count each mask per period; ``start``/``end`` (the date filter) widen the span."""
    span = _span(snap, masks)
    if span is not None and start and end and (end - start).days <= 366 * 10:
        span = min(span[0], start), max(span[1], end)
    periods: list[Period] = []
    counts: list[np.ndarray] = [np.zeros(0, dtype=np.int64) for _ in masks]
    base = np.zeros(0, dtype=np.int64)
    chosen: Interval = interval or "month"
    if span is not None:
        first, last = span[0], min(span[1], _LAST_DAY)
        if interval is None:
            edges, chosen = _auto_edges(first, last)
        else:
            edges = _chosen_edges(first, last, interval)
        boundaries = np.asarray([_day_start(day) for day in edges], dtype=np.int64)
        periods = [
            Period(period_label(edges[i], chosen), edges[i], edges[i + 1] - timedelta(days=1))
            for i in range(len(edges) - 1)
        ]
        counts = [counts_per_period(snap, mask, boundaries) for mask in masks]
        base = counts_per_period(snap, baseline, boundaries)
    dated = snap.date_ts != F.UNDATED
    series = []
    for query, mask, per_period in zip(queries, masks, counts, strict=True):
        points = tuple(
            Point(
                periods[i].label,
                int(per_period[i]),
                round(int(per_period[i]) / int(base[i]), SHARE_DIGITS) if base[i] else None,
            )
            for i in range(len(periods))
        )
        total = int(mask.sum())
        series.append(Series(query, total, total - int((mask & dated).sum()), points))
    return Comparison(
        interval=chosen,
        periods=tuple(periods),
        baseline=tuple(int(n) for n in base),
        series=tuple(series),
        generation=snap.version.generation,
    )
