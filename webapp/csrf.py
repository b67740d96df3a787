"""Cross-site request forgery protection for form posts, with no server-side state.

The signed double-submit pattern: the form page sets a cookie holding a
token and puts the same token in a hidden field; a post is accepted only
when both arrive, agree, and carry a valid signature of ours that is less
than :data:`MAX_AGE` seconds old. Another site can make a browser post to
us but can neither read nor set our cookie, so it cannot send the pair
(the cookie is ``SameSite=Strict`` as well, and a post whose ``Origin``
names another site is refused before anything else).

The signing key is ``SECRET_KEY`` in the app's config, else the
``NEWSEARCH_SECRET_KEY`` environment variable. :func:`ensure_secret` puts
a random one in the environment when neither is set; ``newsearch serve``
calls it before starting its worker processes, so they all share it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from indexer.errors import SearchRequestError

COOKIE = "newsearch_csrf"
FIELD = "csrf_token"
ENV_KEY = "NEWSEARCH_SECRET_KEY"
#: Seconds a form stays valid: a long working day.
MAX_AGE = 12 * 3600
FAILED_MESSAGE = (
    "This form has expired or was not sent from this site's page; "
    "reload the page and submit it again."
)


def ensure_secret() -> str:
    """The process's signing key, created (and exported to child processes) if missing."""
    key = os.environ.get(ENV_KEY)
    if not key:
        key = secrets.token_hex(32)
        os.environ[ENV_KEY] = key
    return key


def _key(app: Flask) -> bytes:
    configured = app.config.get("SECRET_KEY")
    return str(configured or ensure_secret()).encode("utf-8")


def _signature(key: bytes, nonce: str, issued: str) -> str:
    message = f"newsearch-csrf:{nonce}:{issued}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def new_token(now: float | None = None) -> str:
    """``nonce.issued.signature``: random, dated and signed with the app's key."""
    nonce = secrets.token_hex(16)
    issued = str(int(now if now is not None else time.time()))
    return f"{nonce}.{issued}.{_signature(_key(current_app), nonce, issued)}"


def is_valid(token: str, now: float | None = None) -> bool:
    """Whether ``token`` carries our signature and is neither expired nor from the future."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    nonce, issued, signature = parts
    expected = _signature(_key(current_app), nonce, issued)
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return False
    age = (now if now is not None else time.time()) - int(issued)
    return -60 <= age <= MAX_AGE


def current_token() -> str:
    """The token of the visitor's cookie when still valid, else a fresh one."""
    token = request.cookies.get(COOKIE, "")
    return token if is_valid(token) else new_token()


def set_cookie(response: Response, token: str) -> Response:
    """Send the token's cookie: scripts cannot read it, other sites never get it."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=MAX_AGE,
        path="/batch",
        secure=request.is_secure,
        httponly=True,
        samesite="Strict",
    )
    return response


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    parts = urlsplit(origin)
    return parts.netloc == request.host and parts.scheme == request.scheme


def check(form_token: str | None) -> None:
    """Refuse the post (a 400) unless it comes from our own form, cookie and field agreeing."""
    cookie = request.cookies.get(COOKIE, "")
    token = form_token or ""
    agreed = bool(cookie) and hmac.compare_digest(cookie.encode(), token.encode())
    if not (_same_origin() and agreed and is_valid(token)):
        raise SearchRequestError(FAILED_MESSAGE, code="csrf_failed", param=FIELD)
