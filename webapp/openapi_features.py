"""OpenAPI entries of issue 14's endpoints: comparisons, feeds, batches, export options.

Kept apart from :mod:`webapp.openapi` (which merges them in) so that the
core document stays readable; bounds come from the same constants the
validators use, so the description cannot drift from what is accepted.
"""

from __future__ import annotations

from typing import Any

from indexer.search.compare import INTERVALS, MAX_PERIODS, MAX_SERIES
from indexer.search.request import EXCLUDE_PARAMS, MAX_QUERY_CHARS
from indexer.search.types import FACET_NAMES
from webapp.batch import MAX_BODY_BYTES, MAX_LINES, SORTS
from webapp.citable import EXPORT_FIELDS
from webapp.openapi_parts import closed as _closed
from webapp.openapi_parts import error as _error
from webapp.openapi_parts import html as _html
from webapp.openapi_parts import query as _query
from webapp.openapi_parts import ref as _ref

NULLABLE_STRING = {"type": ["string", "null"]}


INTERNAL = _error("Unexpected server error (no details are disclosed).")
UNAVAILABLE = "The queries are too expensive, or the index is missing, busy or unreadable."
TOO_MANY_BATCHES = (
    "Too many batches are running in this server process (`too_many_batches`); "
    "retry after `Retry-After` seconds."
)


def compare_parameters(search_parameters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``q`` (repeatable, up to six), ``interval``, and the search's dates and facets."""
    shared = [
        p for p in search_parameters if p["name"] in ("from", "to", *FACET_NAMES, *EXCLUDE_PARAMS)
    ]
    return [
        {
            **_query(
                "q",
                f"A query to compare (repeatable, 1 to {MAX_SERIES}; search-box syntax, "
                "field:value filters included). Blank ones are ignored.",
                {
                    "type": "array",
                    "maxItems": MAX_SERIES,
                    "items": {"type": "string", "maxLength": MAX_QUERY_CHARS},
                },
            ),
            "style": "form",
            "explode": True,
        },
        _query(
            "interval",
            "Period of each point; absent: chosen like the timeline (day up to two months, "
            f"month up to ten years, then year). At most {MAX_PERIODS} periods when chosen.",
            {"type": "string", "enum": list(INTERVALS)},
        ),
        *shared,
    ]


def export_parameters() -> list[dict[str, Any]]:
    """``fields`` and ``provenance``, the citable-export options."""
    return [
        {
            **_query(
                "fields",
                "Columns, in order (comma-separated or repeated); default: every field but "
                "snippet and body. snippet is plain text around the matches; body the whole text.",
                {"type": "array", "items": {"type": "string", "enum": list(EXPORT_FIELDS)}},
            ),
            "style": "form",
            "explode": False,
        },
        _query(
            "provenance",
            "1: start with the provenance record (query, filters as given, index generation, "
            "time, total, version); a JSON line in JSON Lines (default 1), '# ' comment lines "
            "in CSV (default 0).",
            {"type": "string", "enum": ["0", "1"]},
        ),
    ]


def schemas() -> dict[str, Any]:
    """Bodies of the comparison, the batch, and the export's provenance record."""
    return {
        "ComparePeriod": _closed(
            {
                "period": {"type": "string", "description": "1987, 1987-03, 1987-W09, 1987-03-02"},
                "start": {"type": "string", "format": "date"},
                "end": {"type": "string", "format": "date"},
                "stories": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "All stories under the shared filters: the share's denominator.",
                },
            }
        ),
        "ComparePoint": _closed(
            {
                "period": {"type": "string"},
                "count": {"type": "integer", "minimum": 0},
                "share": {
                    "type": ["number", "null"],
                    "minimum": 0,
                    "maximum": 1,
                    "description": "count / stories; null when the period has no story at all.",
                },
            }
        ),
        "CompareSeries": _closed(
            {
                "query": {"type": "string"},
                "total": {"type": "integer", "minimum": 0},
                "undated": {"type": "integer", "minimum": 0},
                "points": {"type": "array", "items": _ref("ComparePoint")},
            }
        ),
        "Comparison": _closed(
            {
                "interval": {"type": "string", "enum": list(INTERVALS)},
                "periods": {"type": "array", "items": _ref("ComparePeriod")},
                "series": {"type": "array", "maxItems": MAX_SERIES, "items": _ref("CompareSeries")},
                "took_ms": {"type": "number", "minimum": 0},
            }
        ),
        "BatchRequest": {
            "type": "object",
            "required": ["queries"],
            "additionalProperties": False,
            "properties": {
                "queries": {
                    "type": "array",
                    "items": {"type": "string", "maxLength": MAX_QUERY_CHARS},
                    "description": f"One query or name each; blank ones are dropped, "
                    f"1 to {MAX_LINES} must remain.",
                },
                "phrase": {"type": "boolean", "description": "Run each line as an exact phrase."},
                "from": {"type": "string"},
                "to": {"type": "string"},
                **{
                    name: {
                        "oneOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "string"}},
                        ]
                    }
                    for name in (*FACET_NAMES, *EXCLUDE_PARAMS)
                },
            },
        },
        "BatchResult": _closed(
            {
                "line": {"type": "integer", "minimum": 1},
                "query": {"type": "string"},
                "total": {"type": "integer", "minimum": 0},
                "first_date": NULLABLE_STRING,
                "last_date": NULLABLE_STRING,
                "url": {"type": "string"},
            }
        ),
        "BatchUnfinished": _closed(
            {"line": {"type": "integer", "minimum": 1}, "query": {"type": "string"}}
        ),
        "BatchResponse": _closed(
            {
                "results": {"type": "array", "items": _ref("BatchResult")},
                "unfinished": {"type": "array", "items": _ref("BatchUnfinished")},
                "generation": {"type": "integer"},
                "took_ms": {"type": "number", "minimum": 0},
            }
        ),
        "ExportProvenance": _closed(
            {
                "query": {"type": "string"},
                "filters": {"type": "object"},
                "sort": {"type": "string"},
                "fields": {"type": "array", "items": {"type": "string"}},
                "total": {"type": "integer", "minimum": 0},
                "rows": {"type": "integer", "minimum": 0},
                "limit": {"type": "integer", "minimum": 0},
                "index_generation": {"type": "integer"},
                "exported_at": {"type": "string", "format": "date-time"},
                "newsearch_version": {"type": "string"},
                "url": {"type": "string"},
            }
        ),
    }


def paths(search_parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """The new endpoints, each with every response it can give."""
    compare = compare_parameters(search_parameters)
    bad = _error("Invalid parameter: more than six queries, a bad interval or query, a bad date.")
    feed_ok = {
        "description": "An Atom feed (RFC 4287) of the newest matching stories.",
        "content": {"application/atom+xml": {"schema": {"type": "string"}}},
    }
    batch_form = {
        "type": "object",
        "properties": {
            "csrf_token": {"type": "string"},
            "lines": {"type": "string", "description": "One query or name per line."},
            "phrase": {"type": "string", "enum": ["1"]},
            "from": {"type": "string"},
            "to": {"type": "string"},
            "sort": {"type": "string", "enum": list(SORTS)},
            "sort_by": {"type": "string", "enum": list(SORTS)},
            "format": {"type": "string", "enum": ["html", "csv"]},
        },
        "required": ["csrf_token", "lines"],
    }
    too_large = f"The body is over {MAX_BODY_BYTES // 1024} kB."
    return {
        "/compare": {
            "get": {
                "operationId": "comparePage",
                "summary": "Queries compared over time (HTML, SVG charts); the form alone.",
                "parameters": compare,
                "responses": {
                    "200": _html("The comparison page."),
                    "400": _html("Invalid parameter."),
                    "503": _html(UNAVAILABLE),
                    "500": _html("Unexpected server error."),
                },
            }
        },
        "/api/compare": {
            "get": {
                "operationId": "compare",
                "summary": "Stories per period for each query, as counts and shares.",
                "parameters": compare,
                "responses": {
                    "200": {
                        "description": "One series per query, in the order given.",
                        "content": {"application/json": {"schema": _ref("Comparison")}},
                    },
                    "400": bad,
                    "503": _error(UNAVAILABLE),
                    "500": INTERNAL,
                },
            }
        },
        "/api/compare.csv": {
            "get": {
                "operationId": "compareCsv",
                "summary": "The comparison as CSV: period, start, end, all_stories, then a "
                "count and a share column per query.",
                "parameters": compare,
                "responses": {
                    "200": {
                        "description": "CSV.",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    "400": bad,
                    "503": _error(UNAVAILABLE),
                    "500": INTERNAL,
                },
            }
        },
        "/feeds/search.atom": {
            "get": {
                "operationId": "searchFeed",
                "summary": "Any search as an Atom feed, newest first (sort and page are ignored; "
                "per_page entries, 20 by default).",
                "parameters": search_parameters,
                "responses": {
                    "200": feed_ok,
                    "400": _error("Invalid parameter or query."),
                    "503": _error(UNAVAILABLE),
                    "500": INTERNAL,
                },
            }
        },
        "/batch": {
            "get": {
                "operationId": "batchPage",
                "summary": "The batch search form (sets the anti-forgery cookie).",
                "parameters": [],
                "responses": {"200": _html("The form."), "500": _html("Unexpected error.")},
            },
            "post": {
                "operationId": "batchPost",
                "summary": "Run the form's lines: the table, or its CSV with format=csv.",
                "parameters": [],
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": batch_form}},
                },
                "responses": {
                    "200": {
                        "description": "The table (HTML) or its CSV.",
                        "content": {
                            "text/html": {"schema": {"type": "string"}},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    "400": _html("Invalid lines or filters, or a missing/foreign form token."),
                    "413": _html(too_large),
                    "415": _html("Not a form post."),
                    "429": _html(TOO_MANY_BATCHES),
                    "503": _html(UNAVAILABLE),
                    "500": _html("Unexpected error."),
                },
            },
        },
        "/api/batch": {
            "post": {
                "operationId": "batch",
                "summary": f"Count up to {MAX_LINES} queries or names at once, within one "
                "CPU budget; lines it could not reach are listed as unfinished.",
                "parameters": [],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("BatchRequest")}},
                },
                "responses": {
                    "200": {
                        "description": "Finished lines and unfinished ones, in the order given.",
                        "content": {"application/json": {"schema": _ref("BatchResponse")}},
                    },
                    "400": _error(
                        "Not valid JSON, unknown key, empty or over-long batch, bad line."
                    ),
                    "413": _error(too_large),
                    "415": _error("The body is not sent as application/json."),
                    "429": _error(TOO_MANY_BATCHES),
                    "503": _error(UNAVAILABLE),
                    "500": INTERNAL,
                },
            }
        },
    }


def add_export_options(document_paths: dict[str, Any]) -> None:
    """Give both export endpoints the ``fields`` and ``provenance`` parameters."""
    for path in ("/api/export.csv", "/api/export.jsonl"):
        operation = document_paths[path]["get"]
        operation["parameters"] = [*operation["parameters"], *export_parameters()]
