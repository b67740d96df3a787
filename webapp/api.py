"""The JSON API, the exports and the health check.

Each endpoint returns a presenter dict as is, so the API and the page show the
same data by construction. Errors are raised and answered in the one envelope
by :mod:`webapp.errors`.
"""

from __future__ import annotations

import itertools
import logging
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify

from indexer.search import presenter
from indexer.search.types import Hit
from webapp import citable, export, params, response_cache
from webapp.backend import get_service
from webapp.openapi import openapi_document

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search() -> Response:
    """``/api/search``: the page of results as :func:`presenter.search_json` shapes it.

    Served from the response cache when one is configured (see
    :mod:`webapp.response_cache`; off by default).
    """

    def compute() -> Response:
        request = params.search_request()
        return jsonify(presenter.search_json(get_service().search(request)))

    return response_cache.cached_json(lambda: get_service().generation, compute)


@bp.get("/api/articles/<article_id>")
def article(article_id: str) -> Response:
    """One whole article, every field and the body."""
    params.check_article_id(article_id)
    view = get_service().article(article_id)
    if view is None:
        abort(404, description="There is no article with this id.")
    return jsonify(presenter.article_json(view))


@bp.get("/api/stats")
def stats() -> Response:
    """The corpus overview: counts, date coverage, top values."""
    return jsonify(presenter.stats_json(get_service().stats()))


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of every endpoint."""
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz() -> Response:
    """Up and able to serve the index; a 503 in the error envelope when it cannot.

    ``index_missing``, ``index_loading``, ``index_corrupt`` (also when damage was
    met while answering a request) and ``index_empty`` (nothing indexed: a
    site that can only answer "0 results" should not take traffic).
    """
    service = get_service()
    health = getattr(service, "health", None)
    if health is not None:
        return jsonify({"status": "ok", **health()})
    # A stand-in service (tests).
    documents = service.stats().documents
    return jsonify(
        {"status": "ok", "generation": service.generation, "documents": documents, "index": ""}
    )


def _primed(hits: Iterator[Hit]) -> Iterator[Hit]:
    """Start the export before answering, so a bad request is still a clean 400.

    Once streaming has begun the status line is gone; running the search up to
    its first hit here surfaces request and budget errors while we can answer.
    """
    first = next(hits, None)
    return hits if first is None else itertools.chain((first,), hits)


#: An export serialiser: hits, the chosen fields, the provenance record or None.
ExportLines = Callable[[Iterable[Hit], Sequence[str], Mapping[str, Any] | None], Iterator[str]]


def _export(lines: ExportLines, mimetype: str, filename: str, provenance: bool) -> Response:
    """Stream the result set; ``provenance`` is whether the record comes by default."""
    request, options = citable.export_request(provenance)
    limit = int(current_app.config["EXPORT_MAX_ROWS"])
    release = export.export_slots(current_app).claim()
    try:
        service = get_service()
        wanted = set(options.fields)
        hits = _primed(
            iter(
                service.export(
                    request, limit, snippets="snippet" in wanted, bodies="body" in wanted
                )
            )
        )
        record = None
        if options.provenance:
            total = service.tally(request).total
            record = citable.provenance_record(request, options, total, service.generation, limit)
        response = Response(lines(hits, options.fields, record), mimetype=mimetype)
    except BaseException:
        release()
        raise
    # The slot is held until the server has taken the last line (or the client
    # left); a response dropped unread (the test client) gives it back too.
    response.call_on_close(release)
    weakref.finalize(response, release)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Export-Limit"] = str(limit)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/export.csv")
def export_csv() -> Response:
    """The whole result set (up to ``EXPORT_MAX_ROWS``) as CSV, streamed."""
    return _export(export.csv_lines, "text/csv", "newsearch-export.csv", provenance=False)


@bp.get("/api/export.jsonl")
def export_jsonl() -> Response:
    """The whole result set (up to ``EXPORT_MAX_ROWS``) as JSON Lines, streamed."""
    return _export(
        export.jsonl_lines, "application/x-ndjson", "newsearch-export.jsonl", provenance=True
    )
