"""OpenAPI pieces of the analysis features: collapsing, facet paging, exclusions,
significant terms and entity pages (merged into :mod:`webapp.openapi`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from indexer.search.request import (
    DEFAULT_FACET_SIZE,
    EXCLUDE_PARAMS,
    MAX_CLUSTER_CHARS,
    MAX_FACET_OFFSET,
    MAX_FACET_SIZE,
    MAX_VALUE_CHARS,
    MAX_VALUES_PER_FACET,
)
from indexer.search.types import FACET_NAMES
from webapp.openapi_parts import closed as _closed
from webapp.openapi_parts import query as _query
from webapp.openapi_parts import ref as _ref


def search_parameters() -> list[dict[str, Any]]:
    """Parameters added to every search endpoint."""
    scalars = [
        _query(
            "facet_size",
            "Values listed per facet (the 'more' link pages with facet_offset).",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_FACET_SIZE,
                "default": DEFAULT_FACET_SIZE,
            },
        ),
        _query(
            "facet_offset",
            "Facet values to skip (by count, then name); selected and excluded values "
            "are always listed on the first page.",
            {"type": "integer", "minimum": 0, "maximum": MAX_FACET_OFFSET, "default": 0},
        ),
        _query(
            "collapse",
            "1 (default): one hit per near-duplicate cluster (wire copies), with "
            "'duplicates'; 0: every story. Facet counts, the timeline, 'total' and the "
            "exports always count stories; 'clusters' counts clusters.",
            {"type": "string", "enum": ["1", "0", "true", "false"], "default": "1"},
        ),
        _query(
            "cluster",
            "Only the members of this near-duplicate cluster (its id as listed in hits, "
            "or any member's id); an unknown id is a 400.",
            {"type": "string", "maxLength": MAX_CLUSTER_CHARS, "pattern": r"^\S+$"},
        ),
    ]
    exclusions = [
        {
            **_query(
                param,
                f"Excluded {name} values (repeatable): a story with any of them is left "
                "out of the results, the facet counts and the timeline. An unknown value "
                "excludes nothing (a notice says so).",
                {
                    "type": "array",
                    "maxItems": MAX_VALUES_PER_FACET,
                    "items": {"type": "string", "maxLength": MAX_VALUE_CHARS},
                },
            ),
            "style": "form",
            "explode": True,
        }
        for param, name in EXCLUDE_PARAMS.items()
    ]
    return scalars + exclusions


def search_response_properties() -> dict[str, Any]:
    """Keys added to ``SearchResponse``."""
    return {
        "clusters": {
            "type": "integer",
            "minimum": 0,
            "description": "Distinct near-duplicate clusters among 'total' stories.",
        },
        "collapsed": {"type": "boolean"},
        "facet_totals": {
            "type": "object",
            "description": "Distinct values of each facet in the result set.",
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
        "facet_offset": {"type": "integer", "minimum": 0},
        "facet_size": {"type": "integer", "minimum": 1},
    }


def schemas() -> dict[str, Any]:
    """Component schemas of the new endpoints."""
    item = _closed(
        {
            "value": {"type": "string"},
            "score": {"type": "number"},
            "count": {"type": "integer", "minimum": 0},
        }
    )
    term = _closed(
        {
            "term": {"type": "string"},
            "score": {"type": "number"},
            "count": {"type": "integer", "minimum": 0},
        }
    )
    partner = _closed(
        {
            "value": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
            "lift": {"type": "number"},
        }
    )
    story = _closed(
        {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "date": {"type": ["string", "null"]},
        }
    )
    return {
        "SignificantTerm": term,
        "SignificantValue": item,
        "Significant": _closed(
            {
                "terms": {"type": "array", "items": _ref("SignificantTerm"), "maxItems": 20},
                "people": {"type": "array", "items": _ref("SignificantValue"), "maxItems": 20},
                "organizations": {
                    "type": "array",
                    "items": _ref("SignificantValue"),
                    "maxItems": 20,
                },
                "places": {"type": "array", "items": _ref("SignificantValue"), "maxItems": 20},
                "foreground": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Stories compared (one per cluster).",
                },
                "sampled": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Best-ranked stories whose text was read.",
                },
            }
        ),
        "Partner": partner,
        "EntityStory": story,
        "Entity": _closed(
            {
                "name": {"type": "string"},
                "kind": {"type": "string", "enum": list(FACET_NAMES)},
                "aliases": {"type": "array", "items": {"type": "string"}},
                "total": {"type": "integer", "minimum": 1},
                "histogram": {
                    "type": "array",
                    "items": _closed(
                        {"period": {"type": "string"}, "count": {"type": "integer", "minimum": 0}}
                    ),
                },
                "cooccurring": _closed(
                    {
                        kind: {"type": "array", "items": _ref("Partner")}
                        for kind in ("people", "organizations", "places")
                    }
                ),
                "articles": {"type": "array", "items": _ref("EntityStory")},
            }
        ),
    }


ENTITY_PARAMETERS = [
    {
        "name": "facet",
        "in": "path",
        "required": True,
        "description": "Entity kind.",
        "schema": {"type": "string", "enum": list(FACET_NAMES)},
    },
    {
        "name": "value",
        "in": "path",
        "required": True,
        "description": "The entity as listed (case-insensitive; aliases accepted).",
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_VALUE_CHARS},
    },
]


def paths(
    params: list[dict[str, Any]],
    get: Callable[..., dict[str, Any]],
    json: Callable[[str, str], dict[str, Any]],
    html: Callable[[str], dict[str, Any]],
    error: Callable[[str], dict[str, Any]],
    search_errors: dict[str, Any],
    html_search_errors: dict[str, Any],
) -> dict[str, Any]:
    """The new paths, built with :mod:`webapp.openapi`'s helpers."""
    unknown = "No such entity (unknown kind or value)."
    return {
        "/api/significant": get(
            "What is unusual in the result set: words, phrases and entities far more "
            "frequent in it than in the whole archive (JLH score; words and phrases from "
            "a sample of the best-ranked stories; one story per near-duplicate cluster). "
            "An empty result set gives empty lists.",
            json("Significant terms and entities.", "Significant"),
            params,
            "significant",
            search_errors,
        ),
        "/significant": get(
            "The significant-terms panel (HTML twin of /api/significant).",
            html("Panel page."),
            params,
            "significantPage",
            html_search_errors,
        ),
        "/api/entities/{facet}/{value}": get(
            "An entity: aliases, stories over time, co-occurring entities (count and "
            "lift), its most central stories.",
            json("The entity.", "Entity"),
            ENTITY_PARAMETERS,
            "getEntity",
            {"404": error(unknown), "503": search_errors["503"]},
        ),
        "/entity/{facet}/{value}": get(
            "An entity page (HTML).",
            html("Entity page."),
            ENTITY_PARAMETERS,
            "entityPage",
            {"404": html(unknown), "503": html_search_errors["503"]},
        ),
    }
