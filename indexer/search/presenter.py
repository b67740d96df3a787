"""Typed service results -> plain dicts: the JSON of the API, and the core of every page.

The search service's own serialisation: the JSON API, the CLI's ``--json``
and the exports all come from here, so they cannot drift apart; the web app
adds links to it, the CLI prints it.

Datasette's lesson: build one plain data dict per page; the JSON endpoint
returns it as is and the HTML page renders it (plus links, see
:mod:`webapp.pages`). Functions here are pure, so they are unit-tested on
hand-built :class:`SearchPage` objects.

Highlighting is done once, here, from the service's :class:`Fragment` runs:
every piece of article text is escaped with :func:`markupsafe.escape` and only
the ``<mark>`` tags we add are live. This is the only place that produces
:class:`~markupsafe.Markup` (Flask's escaping library); templates never use ``|safe``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

from indexer.search.types import (
    ArticleView,
    CorpusStats,
    FacetValue,
    Fragment,
    HistogramBucket,
    Hit,
    SearchPage,
)

#: Keys of one hit in ``/api/search``, in order (the documented shape).
HIT_KEYS = (
    "id",
    "title",
    "date",
    "dateline",
    "source",
    "url",
    "origin",
    "people",
    "organizations",
    "places",
    "topics",
    "score",
    "cluster",
    "duplicates",
    "snippet",
)

#: Top-level keys of ``/api/search``, in order.
SEARCH_KEYS = (
    "query",
    "total",
    "page",
    "per_page",
    "took_ms",
    "hits",
    "facets",
    "histogram",
    "suggestion",
    "last_page",
    "histogram_unit",
    "notices",
    "query_run",
    "total_all_words",
    "also_searched",
    "clusters",
    "collapsed",
    "facet_totals",
    "facet_offset",
    "facet_size",
)

#: Keys of ``/api/articles/<id>``.
ARTICLE_KEYS = (
    "id",
    "title",
    "body",
    "date",
    "dateline",
    "source",
    "url",
    "author",
    "origin",
    "people",
    "organizations",
    "places",
    "topics",
    "published_at",
    "date_source",
)

#: Columns of the exports (a hit without its snippet).
EXPORT_COLUMNS = HIT_KEYS[:-1]

MARK_OPEN = Markup("<mark>")
MARK_CLOSE = Markup("</mark>")


def fragments_html(fragments: Iterable[Fragment]) -> Markup:
    """Escaped text with matched runs in ``<mark>``: the snippet builder.

    >>> str(fragments_html([Fragment("a <b> "), Fragment("cocoa", matched=True)]))
    'a &lt;b&gt; <mark>cocoa</mark>'
    """
    # Every text is escaped here; the pieces are then joined as plain strings
    # (Markup's own ``+`` and ``join`` re-check each piece in Python, which was
    # most of the cost of a page's snippets).
    parts: list[str] = []
    for fragment in fragments:
        text = escape(fragment.text)
        if fragment.matched and fragment.text:
            parts.extend((MARK_OPEN, text, MARK_CLOSE))
        else:
            parts.append(text)
    return Markup("".join(parts))


def text_html(text: str) -> Markup:
    """Plain (unhighlighted) text as Markup, escaped like everything else."""
    return escape(text)


def title_html(title: str, fragments: Iterable[Fragment]) -> Markup:
    """The title with its matches marked; the plain title when the service gave no runs."""
    fragments = tuple(fragments)
    return fragments_html(fragments) if fragments else text_html(title)


def json_score(score: float) -> float | None:
    """A score JSON can carry: rounded, and ``None`` for NaN/inf (sorted searches)."""
    return round(score, 4) if math.isfinite(score) else None


def hit_json(hit: Hit) -> dict[str, Any]:
    """One hit, exactly :data:`HIT_KEYS`; ``snippet`` is a list of HTML strings."""
    return {
        "id": hit.id,
        "title": hit.title,
        "date": hit.date,
        "dateline": hit.dateline,
        "source": hit.source,
        "url": hit.url,
        "origin": hit.origin,
        "people": list(hit.people),
        "organizations": list(hit.organizations),
        "places": list(hit.places),
        "topics": list(hit.topics),
        "score": json_score(hit.score),
        "cluster": hit.cluster,
        "duplicates": hit.duplicates,
        "snippet": [str(fragments_html(passage)) for passage in hit.snippet],
    }


def export_record(hit: Hit) -> dict[str, Any]:
    """One exported row: the hit without a snippet (exports carry none)."""
    record = hit_json(hit)
    del record["snippet"]
    return record


def facet_value_json(value: FacetValue) -> dict[str, Any]:
    """``{value, count, selected, excluded, aliases}``."""
    return {
        "value": value.value,
        "count": value.count,
        "selected": value.selected,
        "excluded": value.excluded,
        "aliases": list(value.aliases),
    }


def bucket_json(bucket: HistogramBucket) -> dict[str, Any]:
    """``{period, count, start, end}``; start/end are the inclusive days of the bar."""
    return {
        "period": bucket.period,
        "count": bucket.count,
        "start": bucket.start.isoformat(),
        "end": bucket.end.isoformat(),
    }


def search_json(page: SearchPage) -> dict[str, Any]:
    """The ``/api/search`` response, exactly :data:`SEARCH_KEYS`."""
    return {
        "query": page.request.q,
        "total": page.total,
        "page": page.request.page,
        "per_page": page.request.per_page,
        "took_ms": round(page.took_ms, 1),
        "hits": [hit_json(hit) for hit in page.hits],
        "facets": {
            name: [facet_value_json(value) for value in values]
            for name, values in page.facets.items()
        },
        "histogram": [bucket_json(bucket) for bucket in page.histogram],
        "suggestion": page.suggestion,
        "last_page": page.last_page,
        "histogram_unit": page.histogram_unit,
        "notices": list(page.notices),
        # The query whose results these are: ``suggestion`` when the typed
        # query was misspelled and its correction was run instead.
        "query_run": page.query_run or page.request.q,
        "total_all_words": (page.total if page.total_all_words is None else page.total_all_words),
        "also_searched": [
            {"word": word, "forms": list(forms)} for word, forms in page.also_searched
        ],
        "clusters": page.clusters,
        "collapsed": page.request.collapsing,
        "facet_totals": dict(page.facet_totals),
        "facet_offset": page.request.facet_offset,
        "facet_size": page.request.facet_size,
    }


def article_json(article: ArticleView) -> dict[str, Any]:
    """The ``/api/articles/<id>`` response: every stored field, body included."""
    return {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "date": article.date,
        "dateline": article.dateline,
        "source": article.source,
        "url": article.url,
        "author": article.author,
        "origin": article.origin,
        "people": list(article.people),
        "organizations": list(article.organizations),
        "places": list(article.places),
        "topics": list(article.topics),
        "published_at": article.published_at,
        "date_source": article.date_source,
    }


def stats_json(stats: CorpusStats) -> dict[str, Any]:
    """The ``/api/stats`` response: counts, date coverage and the top values."""
    return {
        "documents": stats.documents,
        "date_min": stats.date_min,
        "date_max": stats.date_max,
        "undated": stats.undated,
        "generation": stats.generation,
        "top": {
            name: [{"value": item.value, "count": item.count} for item in items]
            for name, items in stats.top.items()
        },
    }
