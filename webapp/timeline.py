"""The timeline above the results: one bar per histogram bucket, as plain HTML.

Bars are links that set ``from``/``to`` to the bucket's days, so the chart
works without JavaScript. Their heights cannot be inline styles (the CSP
forbids them), so each bar gets a height class ``h-0`` .. ``h-100`` that the
static stylesheet defines.
"""

from __future__ import annotations

import calendar
from typing import Any

from indexer.search.types import HistogramBucket, HistogramUnit, SearchPage
from webapp.links import Routes, search_href


def period_label(bucket: HistogramBucket, unit: HistogramUnit) -> str:
    """``1987``, ``March 1987`` or ``2 March 1987``, for the bar's accessible name."""
    start = bucket.start
    if unit == "year":
        return str(start.year)
    if unit == "month":
        return f"{calendar.month_name[start.month]} {start.year}"
    return f"{start.day} {calendar.month_name[start.month]} {start.year}"


def short_label(bucket: HistogramBucket, unit: HistogramUnit) -> str:
    """The tick under a bar: ``1987``, ``Mar 87``, ``2 Mar``."""
    start = bucket.start
    if unit == "year":
        return str(start.year)
    if unit == "month":
        return f"{calendar.month_abbr[start.month]} {start.year % 100:02d}"
    return f"{start.day} {calendar.month_abbr[start.month]}"


def bar_level(count: int, peak: int) -> int:
    """Height in percent of the tallest bar; a non-empty bucket is never invisible."""
    if count <= 0 or peak <= 0:
        return 0
    return max(2, min(100, round(count * 100 / peak)))


def timeline_bars(routes: Routes, page: SearchPage) -> dict[str, Any]:
    """The chart's data: bars with labels, height classes and filter links."""
    request = page.request
    unit = page.histogram_unit
    peak = max((bucket.count for bucket in page.histogram), default=0)
    bars = []
    for bucket in page.histogram:
        articles = f"{bucket.count:,} article{'' if bucket.count == 1 else 's'}"
        bars.append(
            {
                "period": bucket.period,
                "count": bucket.count,
                "start": bucket.start.isoformat(),
                "end": bucket.end.isoformat(),
                "label": f"{period_label(bucket, unit)}: {articles}",
                "tick": short_label(bucket, unit),
                "level": bar_level(bucket.count, peak),
                "current": request.date_from == bucket.start and request.date_to == bucket.end,
                "href": search_href(
                    routes.search,
                    request,
                    page="",
                    **{"from": bucket.start.isoformat(), "to": bucket.end.isoformat()},
                ),
            }
        )
    return {
        "unit": unit,
        "bars": bars,
        "peak": peak,
        "first": bars[0]["tick"] if bars else "",
        "last": bars[-1]["tick"] if bars else "",
    }
