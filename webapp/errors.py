"""One error shape for the whole app.

API routes (``/api/...`` and ``/healthz``) answer every error with the JSON
envelope ``{"error": {"code": ..., "message": ...}}``; HTML routes render a
friendly page with the same status and message. Expected failures arrive as
:class:`~indexer.errors.NewsearchError` subclasses and map to a status here;
anything else is a bug, logged with its traceback and answered with a generic
500 that never shows the traceback.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import (
    IndexBusyError,
    IndexCorruptError,
    IndexEmptyError,
    IndexLoadingError,
    IndexMissingError,
    NewsearchError,
    SearchBudgetError,
    SearchRequestError,
    TooManyRunningError,
)

log = logging.getLogger(__name__)

#: Status for each expected failure; unknown NewsearchErrors are 500s.
STATUS_BY_ERROR: tuple[tuple[type[NewsearchError], int], ...] = (
    (SearchRequestError, 400),
    (SearchBudgetError, 503),
    (IndexBusyError, 503),
    (IndexMissingError, 503),
    (IndexCorruptError, 503),
    (IndexEmptyError, 503),
    (IndexLoadingError, 503),
    (TooManyRunningError, 429),
)

#: Seconds a client is told to wait (``Retry-After``) after a passing 503.
RETRY_AFTER_SECONDS: dict[type[NewsearchError], int] = {
    IndexBusyError: 5,
    IndexLoadingError: 5,
    SearchBudgetError: 5,
}

#: What a user is told for each index failure; the exception's own message may
#: hold a filesystem path, which is for the operator's log, not the public.
#: It still says what the site's operator has to run.
PUBLIC_MESSAGES: dict[type[NewsearchError], str] = {
    IndexMissingError: (
        "The search index has not been built yet; try again later. (Operator: run "
        "`newsearch index PATH --index DIR` to build it.)"
    ),
    IndexCorruptError: (
        "The search index is damaged and cannot answer this request; try again later. "
        "(Operator: rebuild it with `newsearch index PATH --rebuild --index DIR`; the "
        "server picks up the new index by itself.)"
    ),
    IndexEmptyError: (
        "The search index holds no articles yet. (Operator: run "
        "`newsearch index PATH --index DIR` to add some.)"
    ),
    IndexLoadingError: "The search index is being opened; try again in a moment.",
    IndexBusyError: "The search index is busy; try again in a moment.",
}

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side; the error has been logged."

#: Shown on HTML error pages above the message.
TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    429: "Too many requests",
    500: "Server error",
}


def is_api_request() -> bool:
    """Whether the current request expects JSON (API routes, feeds and the health check)."""
    path = request.path
    return path.startswith(("/api/", "/feeds/")) or path == "/api" or path == "/healthz"


def error_response(status: int, code: str, message: str) -> tuple[Response, int]:
    """The error in the form the current route speaks: the envelope or an HTML page."""
    if is_api_request():
        return jsonify({"error": {"code": code, "message": message}}), status
    title = TITLES.get(status, "Service unavailable" if status == 503 else "Error")
    html = render_template(
        "error.html",
        status=status,
        code=code,
        title=title,
        message=message,
        form={"q": request.args.get("q", "")[:1000]},
    )
    return Response(html, mimetype="text/html"), status


def status_of(error: NewsearchError) -> int:
    """The HTTP status of an expected failure."""
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 500


def handle_newsearch_error(error: NewsearchError) -> tuple[Response, int]:
    """Expected failures: their own message for 400/503, a generic one otherwise."""
    status = status_of(error)
    if status == 500:
        log.error("unexpected %s: %s", type(error).__name__, error)
        return error_response(500, "internal_error", INTERNAL_ERROR_MESSAGE)
    message = str(error)
    for kind, public in PUBLIC_MESSAGES.items():
        if isinstance(error, kind):
            # Still opening is a passing state that health checks poll: not a warning.
            level = logging.INFO if isinstance(error, IndexLoadingError) else logging.WARNING
            log.log(level, "index unavailable: %s", error)
            message = public
            break
    response, status = error_response(status, error.code, message)
    retry_after = getattr(error, "retry_after", None)
    for kind, seconds in RETRY_AFTER_SECONDS.items():
        if retry_after is None and isinstance(error, kind):
            retry_after = seconds
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response, status


def handle_http_error(error: HTTPException) -> tuple[Response, int] | HTTPException:
    """404, 405 and friends; redirects and other non-errors pass through."""
    status = error.code or 500
    if status < 400:
        return error
    code = (error.name or "error").lower().replace(" ", "_")
    message = error.description or error.name or "error"
    response, status = error_response(status, code, message)
    allowed = getattr(error, "valid_methods", None)
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response, status


def handle_unexpected(error: Exception) -> tuple[Response, int]:
    """A bug: log it with its traceback, tell the client only that it happened."""
    if isinstance(error, HTTPException):  # raised outside the normal dispatch
        result = handle_http_error(error)
        return result if isinstance(result, tuple) else error_response(500, "error", "error")
    log.exception("unhandled error on %s", request.path)
    return error_response(500, "internal_error", INTERNAL_ERROR_MESSAGE)


def init_app(app: Flask) -> None:
    """Register the handlers; the catch-all is the only one in the app."""
    app.register_error_handler(NewsearchError, handle_newsearch_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
