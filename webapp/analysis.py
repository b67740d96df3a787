"""Significant terms and entity pages: JSON endpoints and their HTML twins.

Thin views over :meth:`SearchService.significant` and
:meth:`SearchService.entity`; the HTML pages render the same dicts the JSON
endpoints return (plus links), as everywhere else in the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from flask import Blueprint, Response, abort, jsonify, render_template, url_for
from flask import request as http_request

from indexer.search.entities_page import EntityView
from indexer.search.request import MAX_VALUE_CHARS
from indexer.search.significant import Significant, SignificantItem
from indexer.search.types import FACET_NAMES, SearchRequest
from webapp import params
from webapp.backend import get_service
from webapp.links import entity_path, new_search_href, search_href, with_query

if TYPE_CHECKING:
    from indexer.search.service import SearchService

bp = Blueprint("analysis", __name__)


def _service() -> SearchService:
    """The app's service, with the analysis methods of :class:`SearchService`."""
    return cast("SearchService", get_service())


#: Significant entity kinds: JSON key, facet (search parameter).
SIGNIFICANT_KINDS = (("people", "person"), ("organizations", "organization"), ("places", "place"))
UNKNOWN_ENTITY = "There is no such entity in the archive."


def _items(items: tuple[SignificantItem, ...], key: str) -> list[dict[str, Any]]:
    return [{key: item.value, "score": item.score, "count": item.count} for item in items]


def significant_json(found: Significant) -> dict[str, Any]:
    """``/api/significant``: terms, people, organizations, places (+ sample sizes)."""
    return {
        "terms": _items(found.terms, "term"),
        "people": _items(found.people, "value"),
        "organizations": _items(found.organizations, "value"),
        "places": _items(found.places, "value"),
        "foreground": found.foreground,
        "sampled": found.sampled,
    }


def _term_query(q: str, term: str) -> str:
    quoted = f'"{term}"' if " " in term else term
    return f"{q} {quoted}".strip()


def significant_model(found: Significant, request: SearchRequest) -> dict[str, Any]:
    """The panel: every item with the link that adds it to the query or the filters."""
    search = url_for("pages.search")
    api = significant_json(found)
    groups = [
        {
            "key": "terms",
            "label": "Words and phrases",
            "items": [
                {
                    **item,
                    "value": item["term"],
                    "href": search_href(
                        search, request, q=_term_query(request.q, item["term"]), page=""
                    ),
                }
                for item in api["terms"]
            ],
        }
    ]
    for key, facet in SIGNIFICANT_KINDS:
        groups.append(
            {
                "key": key,
                "label": key.capitalize(),
                "items": [
                    {
                        **item,
                        "href": search_href(
                            search,
                            request,
                            page="",
                            **{facet: [*request.selected(facet), item["value"]]},
                        ),
                    }
                    for item in api[key]
                ],
            }
        )
    return {
        **api,
        "groups": groups,
        "api_href": search_href(url_for("analysis.api_significant"), request),
        "back_href": search_href(search, request),
    }


@bp.get("/api/significant")
def api_significant() -> Response:
    """What is unusual in the result set of the search parameters."""
    request = params.search_request()
    return jsonify(significant_json(_service().significant(request)))


@bp.get("/significant")
def significant_page() -> str:
    """The significant-terms panel as a page (the search page loads it into its sidebar)."""
    request = params.search_request()
    model = significant_model(_service().significant(request), request)
    return render_template("significant.html", panel=model, form={"q": request.q})


def _check_entity(facet: str, value: str) -> None:
    if facet not in FACET_NAMES or not value.strip() or len(value) > MAX_VALUE_CHARS:
        abort(404, description=UNKNOWN_ENTITY)


def entity_json(view: EntityView) -> dict[str, Any]:
    """``/api/entities/<facet>/<value>``."""
    return {
        "name": view.name,
        "kind": view.kind,
        "aliases": list(view.aliases),
        "total": view.total,
        "histogram": [{"period": b.period, "count": b.count} for b in view.histogram],
        "cooccurring": {
            kind: [{"value": p.value, "count": p.count, "lift": p.lift} for p in partners]
            for kind, partners in view.cooccurring.items()
        },
        "articles": [{"id": a.id, "title": a.title, "date": a.date} for a in view.articles],
    }


KIND_FACETS = {"people": "person", "organizations": "organization", "places": "place"}


def entity_model(view: EntityView) -> dict[str, Any]:
    """The entity page: the JSON plus links and timeline bar heights."""
    api = entity_json(view)
    search = url_for("pages.search")
    peak = max((b["count"] for b in api["histogram"]), default=0)
    bars = [
        {**b, "level": max(2, round(b["count"] * 100 / peak)) if b["count"] and peak else 0}
        for b in api["histogram"]
    ]
    groups = []
    for kind, partners in api["cooccurring"].items():
        facet = KIND_FACETS[kind]
        groups.append(
            {
                "key": kind,
                "label": kind.capitalize(),
                "items": [
                    {
                        **p,
                        "href": entity_path(facet, p["value"], http_request.script_root),
                        "both_href": with_query(
                            search, [(view.kind, view.name), (facet, p["value"])]
                        ),
                    }
                    for p in partners
                ],
            }
        )
    return {
        **api,
        "bars": bars,
        "peak": peak,
        "groups": groups,
        "stories": [
            {**a, "href": url_for("pages.article", article_id=a["id"])} for a in api["articles"]
        ],
        "search_href": new_search_href(search, **{view.kind: view.name}),
        "api_href": entity_path(view.kind, view.name, http_request.script_root, api=True),
    }


def _entity(facet: str, value: str) -> EntityView:
    _check_entity(facet, value)
    view = _service().entity(facet, value)
    if view is None:
        abort(404, description=UNKNOWN_ENTITY)
    return view


@bp.get("/api/entities/<facet>/<path:value>")
def api_entity(facet: str, value: str) -> Response:
    """One entity: aliases, stories over time, partners with lift, central stories."""
    return jsonify(entity_json(_entity(facet, value)))


@bp.get("/entity/<facet>/<path:value>")
def entity_page(facet: str, value: str) -> str:
    """The HTML twin of ``/api/entities/<facet>/<value>``."""
    return render_template("entity.html", entity=entity_model(_entity(facet, value)), form=None)
