"""Compare queries over time: ``/compare``, ``/api/compare`` and ``/api/compare.csv``.

Up to six queries (``q`` repeated), each in the search box's syntax, share
the date and facet filters of the URL. The service counts each query's
stories per period and the stories of the whole filtered archive per period
(the baseline); the JSON gives both counts and shares, the page draws them
as two server-rendered SVG line charts (share first: it is what makes
"attention" comparable when the archive's volume changes), with a legend,
points that open the matching search, and the table the CSV downloads.
"""

from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from indexer.errors import SearchRequestError
from indexer.search.compare import INTERVALS, MAX_SERIES, Comparison, Interval, Period
from indexer.search.request import EXCLUDE_PARAMS, parse_search_params, request_to_params
from indexer.search.types import FACET_NAMES, SearchRequest
from webapp import params
from webapp.backend import get_service
from webapp.chart import count_tick, line_chart, share_tick
from webapp.export import safe_cell
from webapp.links import search_href, with_query

#: Parameters the comparison accepts besides one per facet (and ``not_<facet>``).
COMPARE_PARAMS = ("q", "interval", "from", "to")
#: Search parameters that change nothing in a count; links to a comparison drop them.
NOT_COUNTED = {
    name: ""
    for name in ("sort", "page", "per_page", "spell", "facet_size", "facet_offset", "collapse")
}

bp = Blueprint("compare", __name__)


@dataclass(frozen=True, slots=True)
class CompareRequest:
    """The queries to compare, the filters they share and the interval (None: automatic)."""

    queries: tuple[str, ...]
    shared: SearchRequest
    interval: Interval | None


def _check_names(raw: Mapping[str, Sequence[str]]) -> None:
    accepted = (*COMPARE_PARAMS, *FACET_NAMES, *EXCLUDE_PARAMS)
    for name in raw:
        if name not in accepted and not name.startswith(("utm_", "_")):
            raise SearchRequestError(
                f"unknown parameter {name[:40]!r}; accepted: {', '.join(accepted)}",
                code="unknown_parameter",
                param=name[:40],
            )


def parse_compare(raw: Mapping[str, Sequence[str]]) -> CompareRequest:
    """Validate the parameters; blank queries are dropped, more than six refused."""
    _check_names(raw)
    queries = tuple(q for value in raw.get("q", ()) if (q := " ".join(value.split())))
    if len(queries) > MAX_SERIES:
        raise SearchRequestError(
            f"at most {MAX_SERIES} queries can be compared (got {len(queries)})",
            code="too_many_queries",
            param="q",
        )
    for number, q in enumerate(queries, 1):
        try:
            parse_search_params({"q": [q]})
        except SearchRequestError as error:
            raise SearchRequestError(
                f"query {number}: {error}", code=error.code, param="q"
            ) from None
    intervals = raw.get("interval") or [""]
    if len(intervals) > 1:
        raise SearchRequestError("'interval' may be given only once", param="interval")
    interval = intervals[0].strip()
    if interval and interval not in INTERVALS:
        raise SearchRequestError(
            f"'interval' must be one of {', '.join(INTERVALS)} (or absent: automatic)",
            param="interval",
        )
    shared = parse_search_params({k: list(v) for k, v in raw.items() if k not in ("q", "interval")})
    chosen: Interval | None = interval or None  # type: ignore[assignment]  # checked above
    return CompareRequest(queries, shared, chosen)


def compare_request() -> CompareRequest:
    """The current URL's comparison, validated like every search parameter."""
    params.check_query_string(request.query_string)
    raw = params.raw_params()
    params.check_utf8(raw)
    return parse_compare(raw)


def _run(compare: CompareRequest) -> Comparison:
    if not compare.queries:
        raise SearchRequestError(
            "give between 1 and 6 queries to compare: q=oil&q=gas", code="no_query", param="q"
        )
    return get_service().compare(compare.queries, compare.shared, compare.interval)


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """``{"interval", "periods", "series": [{"query", "total", "points"}]}``.

    ``periods`` gives each period's days and the baseline count ``stories``
    (all stories under the shared filters), the denominator of every share.
    """
    return {
        "interval": comparison.interval,
        "periods": [
            {
                "period": period.label,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "stories": stories,
            }
            for period, stories in zip(comparison.periods, comparison.baseline, strict=True)
        ],
        "series": [
            {
                "query": series.query,
                "total": series.total,
                "undated": series.undated,
                "points": [
                    {"period": point.period, "count": point.count, "share": point.share}
                    for point in series.points
                ],
            }
            for series in comparison.series
        ],
        "took_ms": round(comparison.took_ms, 1),
    }


def period_name(period: Period, interval: str) -> str:
    """``March 1987``, ``week of 2 Mar 1987``: how a tooltip names a period."""
    start = period.start
    if interval == "year":
        return str(start.year)
    if interval == "month":
        return f"{calendar.month_name[start.month]} {start.year}"
    if interval == "week":
        return f"the week of {start.day} {calendar.month_abbr[start.month]} {start.year}"
    return f"{start.day} {calendar.month_name[start.month]} {start.year}"


def _point_href(compare: CompareRequest, q: str, period: Period) -> str:
    return search_href(
        url_for("pages.search"),
        replace(compare.shared, q=q),
        page="",
        **{"from": period.start.isoformat(), "to": period.end.isoformat()},
    )


def _charts(compare: CompareRequest, comparison: Comparison) -> list[dict[str, Any]]:
    labels = [period.label for period in comparison.periods]
    hrefs = [
        [_point_href(compare, s.query, p) for p in comparison.periods] for s in comparison.series
    ]
    charts = []
    for measure, title, tick, whole in (
        ("share", "Share of all stories", share_tick, False),
        ("count", "Stories", count_tick, True),
    ):
        values = [[getattr(point, measure) for point in s.points] for s in comparison.series]
        tips = [
            [
                f"{s.query}: {point.count:,} of {stories:,} stories in "
                f"{period_name(period, comparison.interval)} ({share_tick(point.share)})"
                for point, period, stories in zip(
                    s.points, comparison.periods, comparison.baseline, strict=True
                )
            ]
            for s in comparison.series
        ]
        chart = line_chart(labels, values, tips, hrefs, tick, whole)
        charts.append({"measure": measure, "title": title, **chart})
    return charts


def _table(comparison: Comparison) -> list[dict[str, Any]]:
    rows = []
    for i, period in enumerate(comparison.periods):
        rows.append(
            {
                "period": period.label,
                "stories": comparison.baseline[i],
                "cells": [
                    {
                        "series": index,
                        "count": s.points[i].count,
                        "share": "" if s.points[i].share is None else s.points[i].share,
                        "share_text": share_tick(s.points[i].share),
                    }
                    for index, s in enumerate(comparison.series)
                ],
            }
        )
    return rows


def _pairs(compare: CompareRequest) -> list[tuple[str, str]]:
    pairs = [("q", q) for q in compare.queries]
    if compare.interval:
        pairs.append(("interval", compare.interval))
    return pairs + search_filters(compare.shared)


def search_filters(shared: SearchRequest) -> list[tuple[str, str]]:
    """The shared dates, facet values and exclusions as URL pairs."""
    return request_to_params(shared, q="", cluster="", **NOT_COUNTED)


def compare_page_model(compare: CompareRequest, comparison: Comparison | None) -> dict[str, Any]:
    """The page: the API dict plus the form, charts, legend, table and links."""
    pairs = _pairs(compare)
    model: dict[str, Any] = {
        "queries": list(compare.queries),
        "form": {
            "slots": list(compare.queries) + [""] * (MAX_SERIES - len(compare.queries)),
            "interval": compare.interval or "",
            "intervals": ["", *INTERVALS],
            "from": compare.shared.date_from.isoformat() if compare.shared.date_from else "",
            "to": compare.shared.date_to.isoformat() if compare.shared.date_to else "",
            "hidden": [
                (n, v) for n, v in search_filters(compare.shared) if n not in ("from", "to")
            ],
        },
        "links": {
            "api": with_query(url_for("compare.api"), pairs),
            "csv": with_query(url_for("compare.csv_download"), pairs),
        },
        "comparison": None,
    }
    if comparison is None:
        return model
    api = comparison_json(comparison)
    model["comparison"] = {
        **api,
        "legend": [
            {
                "index": index,
                "query": s.query,
                "total": s.total,
                "undated": s.undated,
                "href": search_href(url_for("pages.search"), replace(compare.shared, q=s.query)),
            }
            for index, s in enumerate(comparison.series)
        ],
        "charts": _charts(compare, comparison) if comparison.periods else [],
        "table": _table(comparison),
    }
    return model


def _csv_row(cells: Sequence[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()


def csv_lines(comparison: Comparison) -> Iterator[str]:
    """``period,start,end,all_stories`` then a count and a share column per query."""
    header: list[object] = ["period", "start", "end", "all_stories"]
    for series in comparison.series:
        header += [f"{series.query} count", f"{series.query} share"]
    yield _csv_row(header)
    for i, period in enumerate(comparison.periods):
        row: list[object] = [
            period.label,
            period.start.isoformat(),
            period.end.isoformat(),
            comparison.baseline[i],
        ]
        for series in comparison.series:
            row += [series.points[i].count, series.points[i].share]
        yield _csv_row(row)


@bp.get("/compare")
def page() -> Response:
    """The comparison page; without queries, just the form.

    A comparison the service refuses (a query it cannot parse, too many
    periods) is shown above the form, which keeps the queries for a retry.
    """
    compare = compare_request()
    status, error = 200, None
    try:
        comparison = _run(compare) if compare.queries else None
    except SearchRequestError as refused:
        status, error, comparison = 400, refused, None
    model = compare_page_model(compare, comparison)
    if error is not None:
        model["error"] = {"code": error.code, "message": str(error)}
    html = render_template("compare.html", page=model, form={"q": ""})
    return Response(html, status=status, mimetype="text/html")


@bp.get("/api/compare")
def api() -> Response:
    """Counts and shares per period for each query."""
    return jsonify(comparison_json(_run(compare_request())))


@bp.get("/api/compare.csv")
def csv_download() -> Response:
    """The comparison's table as CSV."""
    comparison = _run(compare_request())
    response = Response("".join(csv_lines(comparison)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="newsearch-compare.csv"'
    return response
