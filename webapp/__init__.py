"""The newsearch web app: a faceted search page and a JSON API over one search service.

Read side only: webapp -> search service -> index. The app never imports the
parsing or writing code and never writes to the index. Use :func:`create_app`
(an application factory, so nothing is created at import time and every test
gets a fresh app).
"""

from __future__ import annotations

import atexit
import os
import weakref
from collections.abc import Mapping
from typing import Any

from flask import Flask

from webapp import backend, errors, response_cache, security, views

#: Rows an export streams at most unless ``EXPORT_MAX_ROWS`` says otherwise.
DEFAULT_EXPORT_MAX_ROWS = 10_000


def _close_at_exit(ref: weakref.ReferenceType[backend.ServiceHolder]) -> None:
    holder = ref()
    if holder is not None:
        holder.close()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build an app; ``test_config`` overrides the defaults below.

    Config keys: ``INDEX_DIR`` (default: env ``NEWSEARCH_INDEX`` or
    ``./newsearch-index``), ``EXPORT_MAX_ROWS``, ``SIMILAR_LIMIT`` and
    ``SEARCH_SERVICE_FACTORY`` (a callable ``index_dir -> service``, for tests)
    and ``RESPONSE_CACHE_SIZE`` (see :mod:`webapp.response_cache`; off by default).
    """
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("NEWSEARCH_INDEX") or "./newsearch-index",
        EXPORT_MAX_ROWS=DEFAULT_EXPORT_MAX_ROWS,
        SIMILAR_LIMIT=5,
        SEARCH_SERVICE_FACTORY=None,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    # Keep the JSON keys in the documented order rather than sorted.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    holder = backend.init_app(app)
    atexit.register(_close_at_exit, weakref.ref(holder))
    security.init_app(app)
    errors.init_app(app)
    views.init_app(app)
    response_cache.init_app(app)
    return app
