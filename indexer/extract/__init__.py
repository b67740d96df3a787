"""Extraction: RawDocument -> Article (dates, datelines, sources, entities, titles).

The pipeline calls :func:`build_article`; the search service imports
:mod:`indexer.extract.aliases` only. ``build_article`` is loaded on first
use, so importing the aliases module does not pull in the extractors
(``dateutil``, the compiled entity regexes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexer.extract.article import build_article

__all__ = ["build_article"]


def __getattr__(name: str) -> Any:
    if name == "build_article":
        from indexer.extract.article import build_article

        return build_article
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
