"""Typed request and response of the search service.

The HTML page, the JSON API and the CLI all build a :class:`SearchRequest`
(through :func:`indexer.search.request.parse_search_params`), hand it to
:meth:`indexer.search.service.SearchService.search`, and render the
:class:`SearchPage` they get back. None of them computes any part of a result
itself, which is what keeps the page and the API in agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from indexer.schema import FACETS

SortOrder = Literal["relevance", "newest", "oldest"]
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "newest", "oldest")

#: Facet names, in display order (defined in :data:`indexer.schema.FACETS`).
#: Each is also the name of the repeatable URL/API parameter that selects its
#: values, and the key in ``SearchPage.facets``.
FACET_NAMES: tuple[str, ...] = tuple(facet.name for facet in FACETS)

#: Histogram bucket widths, chosen by the span of the matched dates.
HistogramUnit = Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """Everything that determines a page of results; it is the URL's state.

    ``filters`` maps a facet name to the selected values (OR within a facet,
    AND across facets). ``date_from``/``date_to`` are inclusive days.
    """

    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: SortOrder = "relevance"
    page: int = 1
    per_page: int = 10
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Whether a misspelled query may be replaced by its correction (see
    #: :meth:`SearchService.search`); False searches the query as typed.
    spell: bool = True
    #: Excluded values (``not_place=iran``), by facet: a story with any of
    #: them is left out, whatever else it matches.
    exclusions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Facet values listed per facet, and how many of the top ones to skip
    #: ("more" pages through a long facet).
    facet_size: int = 10
    facet_offset: int = 0
    #: One hit per near-duplicate cluster (wire copies), the best-ranked member.
    collapse: bool = True
    #: Only the members of this near-duplicate cluster (its id, or any member's id).
    cluster: str | None = None

    def excluded(self, facet: str) -> tuple[str, ...]:
        """The values excluded from ``facet`` (empty when none)."""
        for name, values in self.exclusions:
            if name == facet:
                return values
        return ()

    @property
    def collapsing(self) -> bool:
        """Whether hits are collapsed: on by default, never when listing one cluster."""
        return self.collapse and self.cluster is None

    def selected(self, facet: str) -> tuple[str, ...]:
        """The values selected for ``facet`` (empty when none)."""
        for name, values in self.filters:
            if name == facet:
                return values
        return ()


@dataclass(frozen=True, slots=True)
class Fragment:
    """A run of text that either matched the query or did not.

    Snippets travel as fragments so that no renderer ever has to trust
    article text: it escapes ``text`` and wraps matched runs in ``<mark>``.
    """

    text: str
    matched: bool = False


#: One snippet passage: consecutive fragments, rendered as one run of text.
Passage = tuple[Fragment, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One result on a page, with everything a result row shows."""

    id: str
    title: str
    date: str | None
    dateline: str | None
    source: str | None
    url: str | None
    origin: str
    people: tuple[str, ...]
    organizations: tuple[str, ...]
    places: tuple[str, ...]
    topics: tuple[str, ...]
    score: float
    #: The title split into matched and unmatched fragments.
    title_fragments: Passage
    #: 1-3 passages of the body around the matches (the lead when none).
    snippet: tuple[Passage, ...]
    #: Near-duplicate cluster id (the id of its representative story).
    cluster: str = ""
    #: Other members of the cluster that also match (hidden by collapsing).
    duplicates: int = 0
    #: The whole body: only in exports that ask for it (``fields=body``).
    body: str | None = None


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet with its count over the whole result set.

    For a facet with a selection, ``count`` is what the total would become
    with this value added to the selection (multi-select counts), so the
    other values stay visible and comparable.
    """

    value: str
    count: int
    selected: bool = False
    #: The value is excluded (``not_<facet>``): its stories are left out, so
    #: its count is 0; it stays listed so the exclusion can be undone.
    excluded: bool = False
    #: Other spellings this value stands for in the indexed text ("Ivan F.
    #: Boesky" for "Ivan Boesky"): the merging made visible.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HistogramBucket:
    """Matches in one period of the timeline.

    ``period`` is ``1987``, ``1987-03`` or ``1987-03-02`` depending on the
    unit; ``start``/``end`` are the inclusive days a click on the bar filters to.
    """

    period: str
    start: date
    end: date
    count: int


@dataclass(frozen=True, slots=True)
class SearchPage:
    """A page of results plus the whole-result-set facets and timeline."""

    request: SearchRequest
    total: int
    took_ms: float
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetValue, ...]]
    histogram: tuple[HistogramBucket, ...]
    histogram_unit: HistogramUnit
    #: A corrected query ("did you mean"), or None.
    suggestion: str | None
    #: Last page number that can be requested for this result set.
    last_page: int
    #: Human-readable notes about how the query was interpreted, e.g. that a
    #: prefix expanded to only its most frequent terms.
    notices: tuple[str, ...] = ()
    #: The query whose results these are: the query as typed, or the
    #: suggestion when the typed query matched poorly and it matched well.
    query_run: str = ""

    @property
    def corrected(self) -> bool:
        """Whether these are the results of the suggestion, not of the query as typed."""
        return bool(self.suggestion) and self.query_run == self.suggestion

    #: Results holding every word of the query (soft AND ranks them first;
    #: ``total`` also counts stories with most of the words). None: the
    #: same as ``total`` (nothing was relaxed).
    total_all_words: int | None = None
    #: (typed word, newswire spellings also searched for it), e.g.
    #: ``(("percent", ("pct",)),)``.
    also_searched: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Distinct near-duplicate clusters among the ``total`` stories.
    clusters: int = 0
    #: Distinct values each facet has in the result set (for "more" links).
    facet_totals: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One whole article, for the article page and ``/api/articles/<id>``."""

    id: str
    title: str
    body: str
    date: str | None
    dateline: str | None
    source: str | None
    url: str | None
    author: str | None
    origin: str
    people: tuple[str, ...]
    organizations: tuple[str, ...]
    places: tuple[str, ...]
    topics: tuple[str, ...]
    #: The body split into paragraphs of fragments, query terms marked.
    paragraphs: tuple[Passage, ...] = ()
    title_fragments: Passage = ()
    #: The exact instant of publication, when the source gave a zone.
    published_at: str | None = None
    #: Where the day in ``date`` came from: metadata, url, page or text.
    date_source: str | None = None


@dataclass(frozen=True, slots=True)
class SimilarArticle:
    """A "more like this" entry."""

    id: str
    title: str
    date: str | None
    score: float


@dataclass(frozen=True, slots=True)
class CountedValue:
    """A value with a document count (corpus overview lists)."""

    value: str
    count: int


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """The corpus overview: shown for an empty query and by ``stats``."""

    documents: int
    date_min: str | None
    date_max: str | None
    undated: int
    generation: int
    top: dict[str, tuple[CountedValue, ...]] = field(default_factory=dict)
