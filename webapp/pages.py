"""View models of the HTML pages: the API dict plus what a page needs to render it.

Every page context starts from the same dict the JSON endpoint returns
(:func:`indexer.search.presenter.search_json`) and only adds to it: links, highlighted
titles, pagination, chips, timeline bars. Templates therefore loop over data
and never compute anything, and the page cannot disagree with the API.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from indexer.search import presenter
from indexer.search.request import MAX_FACET_SIZE, MAX_PER_PAGE
from indexer.search.types import (
    FACET_NAMES,
    FACETS,
    SORT_ORDERS,
    ArticleView,
    CorpusStats,
    Hit,
    SearchPage,
    SearchRequest,
    SimilarArticle,
)
from webapp import compare as compare_view
from webapp.links import Routes, article_href, is_web_url, new_search_href, search_href
from webapp.timeline import timeline_bars

FACET_LABELS = {facet.name: facet.label for facet in FACETS}

#: Hit/article entity fields and the facet parameter that filters on them.
ENTITY_FIELDS = tuple((facet.field, facet.name) for facet in FACETS if facet.multi)

#: Singular labels, for the removable chips of selected values.
CHIP_LABELS = {facet.name: facet.singular for facet in FACETS}

SORT_LABELS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}
PER_PAGE_CHOICES = tuple(n for n in (10, 20, 50, 100) if n <= MAX_PER_PAGE)
#: Entity chips shown per result row; the article page shows them all.
CHIPS_PER_HIT = 8
#: Page numbers shown on each side of the current one.
PAGINATION_WINDOW = 2


def plural(count: int, word: str) -> str:
    """``1 article``, ``1,234 articles``."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def display_date(value: str | None) -> str:
    """``1987-03-02T10:15:00`` -> ``2 Mar 1987``; anything unparsable is shown as is."""
    if not value:
        return ""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {day:%b %Y}"


def is_default_view(request: SearchRequest) -> bool:
    """An empty search (no query, filter or dates): shows the newest articles and an overview."""
    return not (
        request.q
        or request.filters
        or request.exclusions
        or request.cluster
        or request.date_from
        or request.date_to
    )


def form_state(request: SearchRequest) -> dict[str, Any]:
    """What the search form shows, and the filters it carries along as hidden inputs."""
    return {
        "q": request.q,
        "from": request.date_from.isoformat() if request.date_from else "",
        "to": request.date_to.isoformat() if request.date_to else "",
        "sort": request.sort,
        "per_page": request.per_page,
        "sort_options": [
            {"value": value, "label": SORT_LABELS[value], "selected": value == request.sort}
            for value in SORT_ORDERS
        ],
        "per_page_options": [
            {"value": n, "selected": n == request.per_page}
            for n in sorted({*PER_PAGE_CHOICES, request.per_page})
        ],
        "hidden": [
            *((name, value) for name, values in request.filters for value in values),
            *((f"not_{name}", value) for name, values in request.exclusions for value in values),
        ],
    }


def _toggled(request: SearchRequest, facet: str, value: str) -> list[str]:
    selected = list(request.selected(facet))
    lowered = value.casefold()
    kept = [v for v in selected if v.casefold() != lowered]
    return kept if len(kept) != len(selected) else [*selected, value]


def toggle_href(routes: Routes, request: SearchRequest, facet: str, value: str) -> str:
    """The current search with ``value`` added to or removed from ``facet``, page 1."""
    return search_href(routes.search, request, **{facet: _toggled(request, facet, value)}, page="")


def entity_groups(
    routes: Routes, request: SearchRequest, record: Hit | ArticleView, limit: int | None
) -> list[dict[str, Any]]:
    """Entity chips of a hit, each a link adding that entity to the current search."""
    groups = []
    for field, facet in ENTITY_FIELDS:
        values = getattr(record, field)[:limit]
        if not values:
            continue
        selected = {v.casefold() for v in request.selected(facet)}
        groups.append(
            {
                "field": field,
                "facet": facet,
                "label": FACET_LABELS[facet],
                "values": [
                    {
                        "value": value,
                        "selected": value.casefold() in selected,
                        "href": toggle_href(routes, request, facet, value),
                        "entity_href": routes.entity(facet, value),
                    }
                    for value in values
                ],
            }
        )
    return groups


def _toggled_exclusion(request: SearchRequest, facet: str, value: str) -> list[str]:
    excluded = list(request.excluded(facet))
    kept = [v for v in excluded if v.casefold() != value.casefold()]
    return kept if len(kept) != len(excluded) else [*excluded, value]


def exclude_href(routes: Routes, request: SearchRequest, facet: str, value: str) -> str:
    """The current search with ``value`` added to or removed from ``not_<facet>``, page 1."""
    changes = {f"not_{facet}": _toggled_exclusion(request, facet, value)}
    if not any(v.casefold() == value.casefold() for v in request.excluded(facet)):
        # Excluding a selected value unselects it.
        changes[facet] = [v for v in request.selected(facet) if v.casefold() != value.casefold()]
    return search_href(routes.search, request, page="", **changes)


def hit_model(
    routes: Routes, request: SearchRequest, hit: Hit, query_run: str = ""
) -> dict[str, Any]:
    """The API hit plus links, the highlighted title and Markup snippets.

    The article link carries the query that was run (a corrected query when
    the page shows its results), so the article page marks the same words.
    """
    model = presenter.hit_json(hit)
    model.update(
        href=article_href(routes, hit.id, query_run or request.q),
        title_html=presenter.title_html(hit.title, hit.title_fragments),
        snippet=[presenter.fragments_html(passage) for passage in hit.snippet],
        display_date=display_date(hit.date),
        entities=entity_groups(routes, request, hit, CHIPS_PER_HIT),
        dateline_href=new_or_none(routes, "dateline", hit.dateline),
        source_href=new_or_none(routes, "source", hit.source),
        similar_href=(
            search_href(routes.search, request, cluster=hit.cluster, page="")
            if hit.duplicates
            else None
        ),
        similar_text=plural(hit.duplicates, "similar story").replace("storys", "stories"),
    )
    return model


def new_or_none(routes: Routes, facet: str, value: str | None) -> str | None:
    """A fresh search for one facet value, or None when there is no value."""
    return new_search_href(routes.search, **{facet: value}) if value else None


def facet_groups(routes: Routes, page: SearchPage, api: dict[str, Any]) -> list[dict[str, Any]]:
    """The sidebar: each facet's values (from the API dict) with toggle links."""
    groups = []
    for name in FACET_NAMES:
        values = api["facets"].get(name) or []
        if not values:
            continue
        groups.append(
            {
                "name": name,
                "label": FACET_LABELS[name],
                "values": [
                    {
                        **value,
                        "href": (
                            exclude_href(routes, page.request, name, value["value"])
                            if value["excluded"]
                            else toggle_href(routes, page.request, name, value["value"])
                        ),
                        "exclude_href": exclude_href(routes, page.request, name, value["value"]),
                    }
                    for value in values
                ],
                "selected_count": sum(1 for value in values if value["selected"]),
                **facet_more(routes, page, name, len(values)),
            }
        )
    return groups


#: Values a "more" link adds to each facet.
FACET_MORE_STEP = 50


def facet_more(routes: Routes, page: SearchPage, name: str, shown: int) -> dict[str, Any]:
    """The "more" link of a facet (more values per facet), and its value total."""
    request = page.request
    total = page.facet_totals.get(name, 0)
    remaining = total - request.facet_offset - shown
    more = None
    if remaining > 0 and request.facet_size < MAX_FACET_SIZE:
        size = min(MAX_FACET_SIZE, request.facet_size + FACET_MORE_STEP)
        more = search_href(routes.search, request, facet_size=size) + f"#facet-{name}"
    return {"total_values": total, "more_href": more, "filterable": total > 10}


def chips(routes: Routes, request: SearchRequest) -> list[dict[str, str]]:
    """Selected filters and dates, each with the link that removes it."""
    items = []
    for name, values in request.filters:
        for value in values:
            items.append(
                {
                    "kind": name,
                    "label": CHIP_LABELS[name],
                    "value": value,
                    "remove_href": toggle_href(routes, request, name, value),
                }
            )
    for name, values in request.exclusions:
        for value in values:
            items.append(
                {
                    "kind": f"not_{name}",
                    "label": f"Not {CHIP_LABELS[name].lower()}",
                    "value": value,
                    "remove_href": exclude_href(routes, request, name, value),
                }
            )
    if request.cluster:
        items.append(
            {
                "kind": "cluster",
                "label": "Copies of",
                "value": request.cluster,
                "remove_href": search_href(routes.search, request, cluster="", page=""),
            }
        )
    if request.date_from:
        items.append(
            {
                "kind": "from",
                "label": "From",
                "value": request.date_from.isoformat(),
                "remove_href": search_href(routes.search, request, page="", **{"from": ""}),
            }
        )
    if request.date_to:
        items.append(
            {
                "kind": "to",
                "label": "To",
                "value": request.date_to.isoformat(),
                "remove_href": search_href(routes.search, request, page="", to=""),
            }
        )
    return items


def pagination(routes: Routes, request: SearchRequest, last_page: int) -> dict[str, Any]:
    """Prev/next and a window of page numbers; never a link past ``last_page``."""
    current = request.page
    numbers = {1, last_page}
    numbers.update(range(current - PAGINATION_WINDOW, current + PAGINATION_WINDOW + 1))
    shown = sorted(n for n in numbers if 1 <= n <= last_page)
    items: list[dict[str, Any] | None] = []
    for index, number in enumerate(shown):
        if index and number != shown[index - 1] + 1:
            items.append(None)  # a gap, rendered as an ellipsis
        items.append(
            {
                "number": number,
                "href": search_href(routes.search, request, page=number),
                "current": number == current,
            }
        )

    def href_of(number: int) -> str | None:
        return (
            search_href(routes.search, request, page=number) if 1 <= number <= last_page else None
        )

    return {
        "prev": href_of(min(current - 1, last_page)),
        "next": href_of(current + 1),
        "pages": items if last_page > 1 else [],
        "last_page": last_page,
        "beyond_last": current > last_page,
        "last_href": href_of(last_page),
    }


def search_page_model(page: SearchPage, routes: Routes) -> dict[str, Any]:
    """Everything the search page renders; a superset of the API response."""
    request = page.request
    api = presenter.search_json(page)
    first = (request.page - 1) * request.per_page + 1
    return {
        **api,
        "hits": [hit_model(routes, request, hit, page.query_run) for hit in page.hits],
        "facet_groups": facet_groups(routes, page, api),
        "histogram_unit": page.histogram_unit,
        "timeline": timeline_bars(routes, page),
        "last_page": page.last_page,
        "notices": list(page.notices),
        "suggestion_href": (
            search_href(routes.search, request, q=page.suggestion, page="", spell="")
            if page.suggestion
            else None
        ),
        "corrected": page.corrected,
        "literal_href": (
            search_href(routes.search, request, page="", spell="0") if page.corrected else None
        ),
        "chips": chips(routes, request),
        "clear_href": routes.search,
        "pagination": pagination(routes, request, page.last_page),
        "form": form_state(request),
        "range": {"first": first, "last": first + len(page.hits) - 1},
        "total_text": plural(page.total, "article"),
        "clusters_text": plural(page.clusters, "distinct story").replace("storys", "stories"),
        "listing_cluster": request.cluster is not None,
        "collapse_href": search_href(
            routes.search, request, collapse="0" if request.collapsing else "", page=""
        ),
        "significant_href": search_href(routes.significant, request, page="", per_page=""),
        "default_view": is_default_view(request),
        "links": {
            "api": search_href(routes.api_search, request),
            "csv": search_href(routes.export_csv, request, page="", per_page=""),
            "jsonl": search_href(routes.export_jsonl, request, page="", per_page=""),
            "feed": search_href(routes.feed, request, page="", per_page="", sort=""),
            "compare": search_href(routes.compare, request, cluster="", **compare_view.NOT_COUNTED),
        },
    }


#: ``CorpusStats.top`` keys that name a facet, singular or plural.
_TOP_KEY_FACETS = {
    **{name: name for name in FACET_NAMES},
    **{name + "s": name for name in FACET_NAMES},
    "people": "person",
}


def overview_model(stats: CorpusStats, routes: Routes) -> dict[str, Any]:
    """The corpus overview of the empty search, with a search link per top value."""
    api = presenter.stats_json(stats)
    top = []
    for key, items in api["top"].items():
        facet = _TOP_KEY_FACETS.get(key)
        label = FACET_LABELS[facet] if facet else key.replace("_", " ").capitalize()
        top.append(
            {
                "key": key,
                "label": label,
                "values": [
                    {**item, "href": new_or_none(routes, facet, item["value"]) if facet else None}
                    for item in items
                ],
            }
        )
    return {
        **api,
        "documents_text": plural(stats.documents, "article"),
        "date_min_text": display_date(stats.date_min),
        "date_max_text": display_date(stats.date_max),
        "top_groups": top,
    }


def paragraphs_html(article: ArticleView) -> list[Any]:
    """The body as Markup paragraphs: the service's marked runs, or the plain body split."""
    if article.paragraphs:
        return [presenter.fragments_html(passage) for passage in article.paragraphs]
    blocks = [" ".join(block.split()) for block in article.body.split("\n\n")]
    return [presenter.text_html(block) for block in blocks if block]


def article_page_model(
    article: ArticleView, similar: tuple[SimilarArticle, ...], q: str, routes: Routes
) -> dict[str, Any]:
    """The article page: every field, highlighted body, entity links and similar articles."""
    fresh = SearchRequest()
    return {
        **presenter.article_json(article),
        "q": q,
        "title_html": presenter.title_html(article.title, article.title_fragments),
        "paragraphs": paragraphs_html(article),
        "display_date": display_date(article.date),
        "url_is_link": is_web_url(article.url),
        "dateline_href": new_or_none(routes, "dateline", article.dateline),
        "source_href": new_or_none(routes, "source", article.source),
        "entities": entity_groups(routes, fresh, article, None),
        "similar": [
            {
                "id": item.id,
                "title": item.title,
                "date": item.date,
                "display_date": display_date(item.date),
                "href": article_href(routes, item.id),
            }
            for item in similar
        ],
        "back_href": new_search_href(routes.search, q=q) if q else None,
        "api_href": routes.api_article(article.id),
    }
