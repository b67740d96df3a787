"""The one search service of an app: created lazily, shared by all threads, closed at exit.

The views never construct a service themselves; they call :func:`get_service`.
Creating it lazily means the app can start (and ``/healthz`` can answer 503)
before an index exists, and a failed open is retried on the next request
instead of being cached, so building the index makes the site come alive
without a restart. The real service opens in the background mode: it never
fails to construct, opens and warms each new generation in a thread, and
reports index problems (missing, damaged, still opening) as errors of the
calls, which the error handlers turn into 503s.

Tests and tools may inject another implementation through the
``SEARCH_SERVICE_FACTORY`` config key (a callable taking the index directory).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from flask import Flask, current_app

from indexer.search.compare import Comparison, Interval
from indexer.search.tally import BatchOutcome, Tally
from indexer.search.types import (
    ArticleView,
    CorpusStats,
    Hit,
    SearchPage,
    SearchRequest,
    SimilarArticle,
)

#: Key of the app's entry in ``app.extensions``.
EXTENSION = "newsearch"


class Service(Protocol):
    """What the web app needs from ``indexer.search.service.SearchService``."""

    def search(self, request: SearchRequest) -> SearchPage: ...

    def article(self, article_id: str, q: str = "") -> ArticleView | None: ...

    def similar(self, article_id: str, limit: int = 5) -> tuple[SimilarArticle, ...]: ...

    def stats(self) -> CorpusStats: ...

    def export(
        self, request: SearchRequest, limit: int, snippets: bool = False, bodies: bool = False
    ) -> Iterator[Hit]: ...

    def tally(self, request: SearchRequest) -> Tally: ...

    def compare(
        self, queries: Sequence[str], shared: SearchRequest, interval: Interval | None = None
    ) -> Comparison: ...

    def batch(
        self, queries: Sequence[str], shared: SearchRequest, budget_seconds: float
    ) -> BatchOutcome: ...

    @property
    def generation(self) -> int: ...

    def close(self) -> None: ...


ServiceFactory = Callable[[str], Service]


def default_factory(index_dir: str) -> Service:
    """Open the real service; imported here so the web app loads without an index."""
    from indexer.search.service import SearchService

    return SearchService(index_dir, warm=True, background=True)


class ServiceHolder:
    """Owns the app's service: one instance, opened once under a lock."""

    def __init__(self, index_dir: str, factory: ServiceFactory) -> None:
        self.index_dir = index_dir
        self._factory = factory
        self._lock = threading.Lock()
        self._service: Service | None = None

    def get(self) -> Service:
        """The open service; raises the index errors when it cannot be opened."""
        service = self._service
        if service is not None:
            return service
        with self._lock:
            if self._service is None:
                self._service = self._factory(self.index_dir)
            return self._service

    def close(self) -> None:
        """Close the service if it was ever opened; safe to call twice."""
        with self._lock:
            service, self._service = self._service, None
        if service is not None:
            service.close()


def init_app(app: Flask) -> ServiceHolder:
    """Attach a holder to ``app``; the service itself opens on first use."""
    factory: ServiceFactory = app.config.get("SEARCH_SERVICE_FACTORY") or default_factory
    holder = ServiceHolder(str(app.config["INDEX_DIR"]), factory)
    app.extensions[EXTENSION] = holder
    return holder


def get_service() -> Service:
    """The current app's service (for use inside a request)."""
    holder: ServiceHolder = current_app.extensions[EXTENSION]
    return holder.get()


def close_service(app: Flask) -> None:
    """Close ``app``'s service; registered at exit and used by test fixtures."""
    holder: ServiceHolder | None = app.extensions.get(EXTENSION)
    if holder is not None:
        holder.close()
