"""An optional per-worker cache of whole ``/api/search`` responses.

Off unless ``RESPONSE_CACHE_SIZE`` (or the environment variable
``NEWSEARCH_RESPONSE_CACHE``) is a positive number of entries. A news site
sees the same searches again and again (the day's names, the front page's
links); a cached answer skips parsing, searching and encoding, about 7 ms of
CPU, and costs well under one.

The key is the index generation the service served when the request came in
and the raw query string, so a new commit never serves an old answer (the
old generation's entries just age out of the LRU), and two spellings of one
request are two entries: no normalisation that could go wrong. Only 200
answers are kept; errors are computed every time. A cached answer is the
same body byte for byte, ``took_ms`` included (the time it took when it was
computed). Responses say ``X-Cache: hit`` or ``miss`` so a benchmark can
report the hit rate.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from cachetools import LRUCache
from flask import Flask, Response, current_app, request

from indexer.errors import NewsearchError

#: Key of the app's cache in ``app.extensions``.
EXTENSION = "newsearch-response-cache"
#: Largest body kept (bytes): huge pages are rare and would crowd out the rest.
MAX_BODY_BYTES = 256 * 1024


class ResponseCache:
    """A thread-safe LRU of (generation, query string) -> JSON body, with counters."""

    def __init__(self, size: int) -> None:
        self._entries: LRUCache[tuple[int, bytes], bytes] = LRUCache(maxsize=size)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[int, bytes]) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is None:
                self.misses += 1
            else:
                self.hits += 1
            return body

    def put(self, key: tuple[int, bytes], body: bytes) -> None:
        if len(body) <= MAX_BODY_BYTES:
            with self._lock:
                self._entries[key] = body


def configured_size(app: Flask) -> int:
    """Entries per worker: ``RESPONSE_CACHE_SIZE``, else the environment, else 0 (off)."""
    value = app.config.get("RESPONSE_CACHE_SIZE")
    if value is None:
        value = os.environ.get("NEWSEARCH_RESPONSE_CACHE") or 0
    return max(0, int(value))


def init_app(app: Flask) -> None:
    """Attach a cache to ``app`` when one is configured."""
    size = configured_size(app)
    if size:
        app.extensions[EXTENSION] = ResponseCache(size)


def cached_json(generation: Callable[[], int], compute: Callable[[], Response]) -> Response:
    """The current request's answer from the cache, or ``compute()``'s (kept if a 200).

    ``generation`` is read before computing, so an entry is never older than
    its key says.
    """
    cache: ResponseCache | None = current_app.extensions.get(EXTENSION)
    if cache is None:
        return compute()
    try:
        key = (generation(), request.query_string)
    except NewsearchError:  # no index to serve: the request's own error, as without a cache
        return compute()
    body = cache.get(key)
    if body is not None:
        response = current_app.response_class(body, mimetype="application/json")
        response.headers["X-Cache"] = "hit"
        return response
    response = compute()
    if response.status_code == 200:
        cache.put(key, response.get_data())
    response.headers["X-Cache"] = "miss"
    return response
