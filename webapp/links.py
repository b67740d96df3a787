"""URLs of the app, built from a SearchRequest so that every state lives in the URL.

All search links go through :func:`indexer.search.request.request_to_params`,
the inverse of the parameter parser, so a link reproduces exactly the state
it names. :class:`Routes` holds the paths; the views build one with
``url_for`` (so a mount prefix is respected), tests use the defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from indexer.search.request import request_to_params
from indexer.search.types import SearchRequest


def _article_path(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def _api_article_path(article_id: str) -> str:
    return "/api/articles/" + quote(article_id, safe="")


def entity_path(facet: str, value: str, prefix: str = "", api: bool = False) -> str:
    """``/entity/<facet>/<value>`` (or its API twin), the value fully percent-encoded.

    ``url_for`` leaves ``=`` and friends in a path as they are; encoding
    everything keeps entity names (which come from article text) inert.
    """
    base = "/api/entities" if api else "/entity"
    return f"{prefix}{base}/{quote(facet, safe='')}/{quote(value, safe='')}"


def _entity_path(facet: str, value: str) -> str:
    return entity_path(facet, value)


@dataclass(frozen=True, slots=True)
class Routes:
    """Where each kind of link points."""

    search: str = "/"
    api_search: str = "/api/search"
    export_csv: str = "/api/export.csv"
    export_jsonl: str = "/api/export.jsonl"
    article: Callable[[str], str] = field(default=_article_path)
    api_article: Callable[[str], str] = field(default=_api_article_path)
    significant: str = "/significant"
    entity: Callable[[str, str], str] = field(default=_entity_path)
    feed: str = "/feeds/search.atom"
    compare: str = "/compare"


def with_query(path: str, pairs: Iterable[tuple[str, str]]) -> str:
    """``path`` plus the encoded query string (nothing when there are no pairs)."""
    query = urlencode(list(pairs))
    return f"{path}?{query}" if query else path


def search_href(path: str, request: SearchRequest, **changes: object) -> str:
    """A link to ``path`` with ``request``'s state and ``changes`` applied."""
    return with_query(path, request_to_params(request, **changes))


def new_search_href(path: str, **params: str) -> str:
    """A link starting a fresh search (entity links on the article page)."""
    return with_query(path, [(name, value) for name, value in params.items() if value])


def article_href(routes: Routes, article_id: str, q: str = "") -> str:
    """The article page, carrying ``q`` so its terms are highlighted there."""
    return with_query(routes.article(article_id), [("q", q)] if q else [])


def is_web_url(url: str | None) -> bool:
    """Whether ``url`` may become a link: http(s) only, never ``javascript:`` and friends."""
    if not url:
        return False
    lowered = url.strip().lower()
    return lowered.startswith(("http://", "https://"))
