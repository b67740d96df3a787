"""The OpenAPI 3.1 description served at ``/api/openapi.json``.

Bounds, enums and names come from the constants that the validator
(:mod:`indexer.search.request`) and the presenter use, so the document cannot
drift from what the server accepts and returns. It drives schemathesis
fuzzing, so every response a route can give is listed, errors included.
"""

from __future__ import annotations

from typing import Any

import webapp.openapi_analysis as analysis
from indexer.search.request import (
    MAX_DEPTH,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_VALUE_CHARS,
    MAX_VALUES_PER_FACET,
    SPELL_VALUES,
)
from indexer.search.types import FACET_NAMES, SORT_ORDERS
from webapp import openapi_features
from webapp.openapi_parts import closed as _closed
from webapp.openapi_parts import error as _error
from webapp.openapi_parts import html as _html
from webapp.openapi_parts import query as _query
from webapp.openapi_parts import ref as _ref
from webapp.params import ARTICLE_ID_RE

DATE_PATTERN = r"^\s*\d{4}(-\d{1,2}(-\d{1,2})?)?\s*$"
NULLABLE_STRING = {"type": ["string", "null"]}
STRING_LIST = {"type": "array", "items": {"type": "string"}}


def search_parameters() -> list[dict[str, Any]]:
    """The parameters of the search page, ``/api/search`` and the exports."""
    scalars = [
        _query(
            "q",
            'Query: words, "phrases", AND/OR/NOT, field:value, prefix*, fuzzy~, "proximity"~N; '
            "a hyphenated word's parts are adjacent words, with a wildcard part (Coca-Co*, "
            "co*-cola) or a fuzzy last part (iran-contr~) too.",
            {"type": "string", "maxLength": MAX_QUERY_CHARS},
        ),
        _query(
            "from",
            "First day included (YYYY, YYYY-MM or YYYY-MM-DD).",
            {"type": "string", "pattern": DATE_PATTERN},
        ),
        _query(
            "to",
            "Last day included (a partial date means its last day); not before from.",
            {"type": "string", "pattern": DATE_PATTERN},
        ),
        _query(
            "sort",
            "Result order.",
            {"type": "string", "enum": list(SORT_ORDERS), "default": "relevance"},
        ),
        _query(
            "page",
            f"1-based page; page * per_page may not exceed {MAX_DEPTH}.",
            {"type": "integer", "minimum": 1, "maximum": MAX_DEPTH, "default": 1},
        ),
        _query(
            "per_page",
            "Results per page.",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
        ),
        _query(
            "spell",
            "1: a misspelled query whose correction matches far better is replaced by it "
            "(query_run says which query ran); 0: search the query exactly as typed.",
            {"type": "string", "enum": list(SPELL_VALUES), "default": "1"},
        ),
    ]
    facets = [
        {
            **_query(
                name,
                f"Selected {name} values (repeatable; OR within, AND across facets; "
                "case-insensitive, known aliases accepted).",
                {
                    "type": "array",
                    "maxItems": MAX_VALUES_PER_FACET,
                    "items": {"type": "string", "maxLength": MAX_VALUE_CHARS},
                },
            ),
            "style": "form",
            "explode": True,
        }
        for name in FACET_NAMES
    ]
    return scalars + facets + analysis.search_parameters()


ARTICLE_ID_PARAMETER = {
    "name": "article_id",
    "in": "path",
    "required": True,
    "description": "Article id as listed in search results.",
    "schema": {"type": "string", "pattern": f"^{ARTICLE_ID_RE.pattern}$"},
}


def schemas() -> dict[str, Any]:
    """Component schemas of every JSON body, the error envelope included."""
    hit_properties = {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "date": NULLABLE_STRING,
        "dateline": NULLABLE_STRING,
        "source": NULLABLE_STRING,
        "url": NULLABLE_STRING,
        "origin": {"type": "string"},
        "people": STRING_LIST,
        "organizations": STRING_LIST,
        "places": STRING_LIST,
        "topics": STRING_LIST,
        "score": {"type": ["number", "null"]},
        "cluster": {
            "type": "string",
            "description": "Near-duplicate cluster id (its representative's article id); "
            "list the members with cluster=ID.",
        },
        "duplicates": {
            "type": "integer",
            "minimum": 0,
            "description": "Other members of the cluster that match too (hidden by collapsing).",
        },
        "snippet": {
            "type": "array",
            "items": {"type": "string", "description": "HTML: only <mark> tags are live."},
        },
    }
    article_properties = {
        **{
            k: v
            for k, v in hit_properties.items()
            if k not in ("score", "snippet", "cluster", "duplicates")
        },
        "body": {"type": "string"},
        "author": NULLABLE_STRING,
        "published_at": {
            **NULLABLE_STRING,
            "description": "Exact instant of publication (ISO 8601 with its UTC offset) when"
            " the source gave a time zone; `date` holds the publisher's local day.",
        },
        "date_source": {
            "type": ["string", "null"],
            "enum": ["metadata", "url", "page", "text", None],
            "description": "Where the day in `date` came from: the declared metadata, the"
            " URL, the date the page prints, or a date in the lead.",
        },
    }
    return {
        "Error": _closed(
            {"error": _closed({"code": {"type": "string"}, "message": {"type": "string"}})}
        ),
        "Hit": _closed(hit_properties),
        "FacetValue": _closed(
            {
                "value": {"type": "string"},
                "count": {"type": "integer", "minimum": 0},
                "selected": {"type": "boolean"},
                "excluded": {"type": "boolean"},
                "aliases": {
                    **STRING_LIST,
                    "description": "Other spellings found in the text that this value stands"
                    " for (variants merged into one value: middle initials, Corp/Corporation);"
                    " a filter on the value matches them all.",
                },
            }
        ),
        "Bucket": _closed(
            {
                "period": {"type": "string"},
                "count": {"type": "integer", "minimum": 0},
                "start": {"type": "string", "format": "date"},
                "end": {"type": "string", "format": "date"},
            }
        ),
        "SearchResponse": _closed(
            {
                "query": {"type": "string"},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                "took_ms": {"type": "number", "minimum": 0},
                "hits": {"type": "array", "items": _ref("Hit")},
                "facets": {
                    "type": "object",
                    "properties": {
                        name: {"type": "array", "items": _ref("FacetValue")} for name in FACET_NAMES
                    },
                    "additionalProperties": False,
                },
                "histogram": {"type": "array", "items": _ref("Bucket")},
                "suggestion": NULLABLE_STRING,
                "last_page": {"type": "integer", "minimum": 1},
                "histogram_unit": {"type": "string", "enum": ["day", "month", "year"]},
                "notices": {"type": "array", "items": {"type": "string"}},
                "query_run": {
                    "type": "string",
                    "description": "The query whose results are shown: the query as typed, or "
                    "the suggestion when the typed words matched poorly and the corrected ones "
                    "well (send spell=0 to search as typed).",
                },
                "total_all_words": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Results holding every word of the query. Words typed "
                    "side by side are a soft AND: these come first, then results with most "
                    "of the words (counted in total).",
                },
                "also_searched": {
                    "type": "array",
                    "description": "Newswire spellings searched along with a typed word "
                    "(percent: pct), never inside quotes.",
                    "items": _closed(
                        {
                            "word": {"type": "string"},
                            "forms": {"type": "array", "items": {"type": "string"}},
                        }
                    ),
                },
                **analysis.search_response_properties(),
            }
        ),
        **analysis.schemas(),
        "Article": _closed(article_properties),
        "CountedValue": _closed(
            {"value": {"type": "string"}, "count": {"type": "integer", "minimum": 0}}
        ),
        "Stats": _closed(
            {
                "documents": {"type": "integer", "minimum": 0},
                "date_min": NULLABLE_STRING,
                "date_max": NULLABLE_STRING,
                "undated": {"type": "integer", "minimum": 0},
                "generation": {"type": "integer"},
                "top": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": _ref("CountedValue")},
                },
            }
        ),
        "Health": _closed(
            {
                "status": {"type": "string", "enum": ["ok"]},
                "generation": {"type": "integer"},
                "documents": {"type": "integer", "minimum": 0},
                "index": {
                    "type": "string",
                    "description": "Name of the index build served (changes with each --rebuild).",
                },
            }
        ),
    }


def _json(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


BAD_REQUEST = "Invalid parameter or query (unbalanced quotes, bad date, page out of range...)."
UNAVAILABLE = "The query is too expensive, or the index is missing, busy or unreadable."
INTERNAL = "Unexpected server error (no details are disclosed)."
TOO_MANY_EXPORTS = (
    "Too many exports are running (`too_many_exports`); retry after `Retry-After` seconds."
)
HEALTH_UNAVAILABLE = (
    "The index cannot be served: `index_missing`, `index_loading` (opening or warming "
    "up), `index_corrupt` (damage was found) or `index_empty` (no documents)."
)


def _get(
    summary: str,
    ok: dict[str, Any],
    parameters: list[dict[str, Any]],
    operation_id: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    responses = {"200": ok, **(extra or {}), "500": _error(INTERNAL)}
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": parameters,
            "responses": responses,
        }
    }


def _export(media_type: str, fmt: str) -> dict[str, Any]:
    ok = {
        "description": f"The whole result set as {fmt}, streamed, at most X-Export-Limit rows.",
        "headers": {"X-Export-Limit": {"schema": {"type": "integer"}}},
        "content": {media_type: {"schema": {"type": "string"}}},
    }
    return ok


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    search_errors = {"400": _error(BAD_REQUEST), "503": _error(UNAVAILABLE)}
    article_errors = {"404": _error("No article has this id."), "503": _error(UNAVAILABLE)}
    html_search_errors = {"400": _html(BAD_REQUEST), "503": _html(UNAVAILABLE)}
    params = search_parameters()
    paths = {
        "/": _get(
            "The search page (HTML).",
            _html("Results page."),
            params,
            "searchPage",
            html_search_errors,
        ),
        "/articles/{article_id}": _get(
            "An article page (HTML); q highlights its terms.",
            _html("Article page."),
            [ARTICLE_ID_PARAMETER, _query("q", "Terms to highlight.", {"type": "string"})],
            "articlePage",
            {"404": _html("No article has this id."), "503": _html(UNAVAILABLE)},
        ),
        "/api/search": _get(
            "Search: a page of hits, facets and timeline.",
            _json("A page of results.", "SearchResponse"),
            params,
            "search",
            search_errors,
        ),
        "/api/articles/{article_id}": _get(
            "One article with its body and every field.",
            _json("The article.", "Article"),
            [ARTICLE_ID_PARAMETER],
            "getArticle",
            article_errors,
        ),
        "/api/stats": _get(
            "Corpus overview.",
            _json("Counts and top values.", "Stats"),
            [],
            "stats",
            {"503": _error(UNAVAILABLE)},
        ),
        "/api/export.csv": _get(
            "Export the result set as CSV.",
            _export("text/csv", "CSV"),
            params,
            "exportCsv",
            {**search_errors, "429": _error(TOO_MANY_EXPORTS)},
        ),
        "/api/export.jsonl": _get(
            "Export the result set as JSON Lines.",
            _export("application/x-ndjson", "JSON Lines"),
            params,
            "exportJsonl",
            {**search_errors, "429": _error(TOO_MANY_EXPORTS)},
        ),
        **analysis.paths(params, _get, _json, _html, _error, search_errors, html_search_errors),
        "/api/openapi.json": _get(
            "This document.",
            {
                "description": "OpenAPI 3.1 document.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            [],
            "openapi",
        ),
        "/healthz": _get(
            "Health: the index can be served.",
            _json("Healthy.", "Health"),
            [],
            "health",
            {"503": _error(HEALTH_UNAVAILABLE)},
        ),
    }
    paths.update(openapi_features.paths(params))
    openapi_features.add_export_options(paths)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "newsearch",
            "version": "1",
            "description": "Full-text search over a news archive. Every error is "
            '{"error": {"code", "message"}}.',
        },
        "paths": paths,
        "components": {"schemas": {**schemas(), **openapi_features.schemas()}},
    }
