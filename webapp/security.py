"""Security headers on every response, errors and static files included.

The Content-Security-Policy allows no inline script and no inline style at
all: the templates carry neither, so even an escaping bug could not run an
injected ``<script>`` or ``onerror=`` handler. Everything is served by the app
itself (no CDN), hence ``'self'`` everywhere.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import RequestURITooLarge

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def add_security_headers(response: Response) -> Response:
    """Set every header of :data:`SECURITY_HEADERS`, overriding what a view set."""
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    return response


#: Longest query string accepted. The longest valid request (a 1,000
#: character query of 3-byte characters, percent-encoded, plus every filter)
#: stays well under it; anything longer is refused before any parsing.
MAX_QUERY_STRING_BYTES = 32 * 1024


def refuse_huge_urls() -> None:
    """414 for an oversized query string (the server itself allows any length)."""
    if len(request.query_string) > MAX_QUERY_STRING_BYTES:
        raise RequestURITooLarge(
            f"the URL's query string is over {MAX_QUERY_STRING_BYTES // 1024} kB"
        )


def init_app(app: Flask) -> None:
    """Register the header hook (it runs for error responses too) and the URL limit."""
    app.before_request(refuse_huge_urls)
    app.after_request(add_security_headers)
