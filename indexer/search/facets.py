"""Facet filters and counts, date filters and the timeline, over numpy masks.

Facet semantics (what users of modern faceted search expect):

* several values of one facet are ORed, different facets are ANDed;
* the counts of a facet are computed with every *other* facet's selection
  applied but not its own (multi-select counts), so a facet with a selection
  keeps showing its other values with the totals they would give;
* a value can be selected by its display name (case-insensitive) or a known
  alias such as the Reuters codes ``usa`` or ``money-fx``.
"""

from __future__ import annotations

import weakref
from datetime import UTC, date, datetime, timedelta

import numpy as np

from indexer import schema as F
from indexer.extract.aliases import facet_aliases
from indexer.search.snapshot import FacetPairs, Snapshot, pairs_holding, ranges_of
from indexer.search.types import FacetValue, HistogramBucket, HistogramUnit, SearchRequest

#: Values listed per facet (selected values are always listed as well).
FACET_LIMIT = 10
#: Most bars the timeline shows; wider spans use a coarser unit.
MAX_BUCKETS = 120


def resolve_values(snap: Snapshot, facet: F.FacetField, wanted: tuple[str, ...]) -> np.ndarray:
    """Value ids of ``facet`` matching the user's values (names or aliases)."""
    lowered = _lowered_index(snap, facet)
    aliases = facet_aliases(facet.name)
    ids: list[int] = []
    for raw in wanted:
        key = raw.casefold()
        ids.extend(lowered.get(key, ()))
        display = aliases.get(key) or aliases.get(raw.lower())
        if display:
            ids.extend(lowered.get(display.casefold(), ()))
        for merged in _spelling_index(snap, facet.name).get(key, ()):
            ids.extend(lowered.get(merged.casefold(), ()))
    return np.unique(np.asarray(ids, dtype=np.int32))


def _lowered_index(snap: Snapshot, facet: F.FacetField) -> dict[str, list[int]]:
    """Case-folded value -> value ids; a dateline also answers to its city alone.

    "Moscow, Russia" and "Stamford, Conn." are selected by ``moscow`` and
    ``stamford`` too, as a reader would expect of a dateline filter.
    """
    key = ("lowered", facet.field)
    cached: dict[str, list[int]] | None = snap.cache.get(key)
    if cached is not None:
        return cached
    built: dict[str, list[int]] = {}
    for value, value_id in snap.value_index(facet.field).items():
        built.setdefault(value.casefold(), []).append(value_id)
        if facet.name == "dateline" and "," in value:
            built.setdefault(value.split(",", 1)[0].strip().casefold(), []).append(value_id)
    snap.cache[key] = built
    return built


def name_variants(snap: Snapshot) -> dict[str, dict[str, tuple[str, ...]]]:
    """facet -> value -> the other spellings it stands for (built once per snapshot).

    Read from the terms of the ``name_variants`` field (a few per story at
    most), not from stored documents; an index built before that field
    existed has none.
    """
    key = ("name_variants",)
    cached: dict[str, dict[str, tuple[str, ...]]] | None = snap.cache.get(key)
    if cached is not None:
        return cached
    found: dict[str, dict[str, list[str]]] = {}
    if F.NAME_VARIANTS in snap.searcher.schema:
        for term in snap.vocabulary(F.NAME_VARIANTS).terms:
            parts = term.split(F.VARIANT_SEPARATOR)
            if len(parts) == 3:
                found.setdefault(parts[0], {}).setdefault(parts[1], []).append(parts[2])
    built = {
        facet: {value: tuple(sorted(set(names))) for value, names in values.items()}
        for facet, values in found.items()
    }
    snap.cache[key] = built
    return built


def _spelling_index(snap: Snapshot, facet: str) -> dict[str, tuple[str, ...]]:
    """Case-folded merged spelling -> the values it stands for: ``person=Ivan F. Boesky``
    filters too, and ``organization=Army`` selects every army a story called "the Army"."""
    key = ("spellings", facet)
    cached: dict[str, tuple[str, ...]] | None = snap.cache.get(key)
    if cached is None:
        found: dict[str, list[str]] = {}
        for value, spellings in name_variants(snap).get(facet, {}).items():
            for spelling in spellings:
                found.setdefault(spelling.casefold(), []).append(value)
        cached = {spelling: tuple(values) for spelling, values in found.items()}
        snap.cache[key] = cached
    return cached


def docs_with_values(snap: Snapshot, fieldname: str, value_ids: np.ndarray) -> np.ndarray:
    """Mask of documents having any of ``value_ids`` in facet ``fieldname``."""
    return docs_with_values_of(snap.facets[fieldname], snap.size, value_ids)


def docs_with_values_of(pairs: FacetPairs, size: int, value_ids: np.ndarray) -> np.ndarray:
    """Mask (over ``size`` documents) of those having any of ``value_ids`` in ``pairs``."""
    mask = np.zeros(size, dtype=bool)
    if len(value_ids):
        mask[pairs.docs[pairs_holding(pairs, value_ids)]] = True
    return mask


def selection_masks(snap: Snapshot, request: SearchRequest) -> dict[str, np.ndarray]:
    """One mask per facet that has a selection."""
    masks = {}
    for name, values in request.filters:
        facet = F.FACETS_BY_NAME[name]
        masks[name] = docs_with_values(snap, facet.field, resolve_values(snap, facet, values))
    return masks


def date_mask(snap: Snapshot, start: date | None, end: date | None) -> np.ndarray | None:
    """Documents dated within [start, end] (whole days, UTC); None when unbounded."""
    if start is None and end is None:
        return None
    low = _day_start(start) if start else F.UNDATED + 1
    high = _day_start(end + timedelta(days=1)) - 1 if end else np.iinfo(np.int64).max
    return (snap.date_ts >= low) & (snap.date_ts <= high)


def _day_start(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


#: Below this share of the index's documents (or above one minus it), a
#: result set counts its facets from its own documents' pairs (``starts``
#: ranges; above: the pairs of the documents it leaves out, subtracted from
#: the totals) rather than over every pair of the index. Measured crossover
#: at 100x Reuters, see ``bench/RESULTS.md`` (issue 16, stop 21).
RANGE_COUNT_SHARE = 0.3


def facet_counts(
    pairs: FacetPairs,
    mask: np.ndarray,
    docs: np.ndarray | None = None,
    outside: np.ndarray | None = None,
) -> np.ndarray:
    """How many documents of ``mask`` hold each value of ``pairs`` (one count per value id).

    ``docs`` (optional) is ``np.flatnonzero(mask)`` and ``outside``
    ``np.flatnonzero(~mask)``, when the caller has listed them (once for
    the six facets of a page: listing costs the index's size each time).
    Three ways, the same counts: over every pair (``mask[pairs.docs]``, which
    costs the index's pairs, 17 M at 100x Reuters); when the pairs are
    sorted by document, over the ranges of the result's own documents (a
    small result: it costs the result's pairs), or of the documents it
    leaves out, subtracted from each value's total (a large one).
    """
    if not len(pairs.values):
        return np.zeros(0, dtype=np.int64)
    starts = pairs.starts
    if starts is None or len(starts) != len(mask) + 1:
        return np.bincount(pairs.value_ids[mask[pairs.docs]], minlength=len(pairs.values))
    if docs is not None:
        share = len(docs) / max(len(mask), 1)
    elif outside is not None:
        share = 1 - len(outside) / max(len(mask), 1)
    else:
        share = np.count_nonzero(mask) / max(len(mask), 1)
    if share <= RANGE_COUNT_SHARE:
        if docs is None:
            docs = np.flatnonzero(mask)
        return _range_counts(pairs, starts, docs)
    if share >= 1 - RANGE_COUNT_SHARE:
        if outside is None:
            outside = np.flatnonzero(~mask)
        return _totals(pairs) - _range_counts(pairs, starts, outside)
    return np.bincount(pairs.value_ids[mask[pairs.docs]], minlength=len(pairs.values))


def listed_docs(mask: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(documents of ``mask``, documents outside it), each listed only when
    :func:`facet_counts` counts by their ranges (else None)."""
    found = np.count_nonzero(mask)
    if found <= RANGE_COUNT_SHARE * len(mask):
        return np.flatnonzero(mask), None
    if found >= (1 - RANGE_COUNT_SHARE) * len(mask):
        return None, np.flatnonzero(~mask)
    return None, None


def _range_counts(pairs: FacetPairs, starts: np.ndarray, docs: np.ndarray) -> np.ndarray:
    return np.bincount(pairs.value_ids[ranges_of(starts, docs)], minlength=len(pairs.values))


#: Each value's count over all of a table's pairs (weak keys: see :data:`_NAME_RANKS`).
_TOTALS: weakref.WeakKeyDictionary[FacetPairs, np.ndarray] = weakref.WeakKeyDictionary()


def _totals(pairs: FacetPairs) -> np.ndarray:
    """Documents per value over the whole table (its pairs name live documents only)."""
    totals = _TOTALS.get(pairs)
    if totals is None:
        totals = _TOTALS[pairs] = np.bincount(pairs.value_ids, minlength=len(pairs.values))
    return totals


def count_facet(
    snap: Snapshot,
    facet: F.FacetField,
    mask: np.ndarray,
    selected: tuple[str, ...],
    limit: int = FACET_LIMIT,
) -> tuple[FacetValue, ...]:
    """Top values of ``facet`` among documents in ``mask``, plus the selected ones."""
    pairs = snap.facets[facet.field]
    if not len(pairs.values):
        return tuple(FacetValue(value, 0, True) for value in selected)
    counts = facet_counts(pairs, mask)
    selected_ids = set(resolve_values(snap, facet, selected).tolist()) if selected else set()
    nonzero = np.flatnonzero(counts)
    if len(nonzero) > limit:
        top = nonzero[np.argpartition(-counts[nonzero], limit - 1)[:limit]]
    else:
        top = nonzero
    chosen = set(top.tolist()) | selected_ids
    ordered = sorted(chosen, key=lambda i: (-counts[i], pairs.values[i].casefold()))
    spellings = name_variants(snap).get(facet.name, {})
    listed = [
        FacetValue(
            pairs.values[i],
            int(counts[i]),
            i in selected_ids,
            aliases=spellings.get(pairs.values[i], ()),
        )
        for i in ordered
    ]
    # A selected value the index does not know still shows (with count 0) so
    # that it can be removed.
    for raw in selected:
        if not len(resolve_values(snap, facet, (raw,))):
            listed.append(FacetValue(raw, 0, True))
    return tuple(listed)


def clip_periods(edges: list[date]) -> list[date]:
    """At most :data:`MAX_BUCKETS` periods (shared by the timeline and the comparison).

    Centuries of years (stray dates): the first period gathers everything
    before the last MAX_BUCKETS ones, and starts at the earliest date.
    """
    if len(edges) - 1 <= MAX_BUCKETS:
        return edges
    clipped = edges[-(MAX_BUCKETS + 1) :]
    clipped[0] = edges[0]
    return clipped


def histogram(
    snap: Snapshot, mask: np.ndarray, start: date | None = None, end: date | None = None
) -> tuple[tuple[HistogramBucket, ...], HistogramUnit]:
    """Matches per period over the dated documents in ``mask``.

    The unit is a day for spans up to two months, a month up to ten years,
    and a year beyond; empty periods between the first and last match are
    included so the bars form a true timeline. ``start``/``end`` (the date
    filter) widen the span to the filtered period.
    """
    days = _days(snap.date_ts[mask & _dated(snap)])
    if not len(days):
        return (), "month"
    low, high = int(days.min()), int(days.max())
    first, last = _EPOCH + timedelta(days=low), _EPOCH + timedelta(days=high)
    if start and end and (end - start).days <= 366 * 10:
        first, last = min(first, start), max(last, end)
    # The period after the last one must still be a valid date.
    last = min(last, _LAST_DAY)
    span = (last - first).days
    unit: HistogramUnit = "day" if span <= 62 else "month" if span <= 3660 else "year"
    edges = _edges(first, last, unit)
    if len(edges) - 1 > MAX_BUCKETS and unit == "month":
        unit = "year"
        edges = _edges(first, last, unit)
    edges = clip_periods(edges)
    counts = period_counts(days, low, high, [(day - _EPOCH).days for day in edges])
    buckets = tuple(
        HistogramBucket(
            _label(edges[i], unit), edges[i], edges[i + 1] - timedelta(days=1), int(counts[i])
        )
        for i in range(len(edges) - 1)
    )
    return buckets, unit


#: The last day a timeline period may start on (its successor must exist).
_LAST_DAY = date(9998, 12, 31)
_EPOCH = date(1970, 1, 1)
_DAY = 86400


def _dated(snap: Snapshot) -> np.ndarray:
    """Mask of the snapshot's dated documents (built once per snapshot)."""
    found: np.ndarray | None = snap.cache.get(("dated",))
    if found is None:
        found = snap.date_ts != F.UNDATED
        snap.cache[("dated",)] = found
    return found


def _days(stamps: np.ndarray) -> np.ndarray:
    """UTC day numbers (days since 1970-01-01, floored) of timestamps."""
    return stamps // _DAY


def period_counts(days: np.ndarray, low: int, high: int, edges: list[int]) -> np.ndarray:
    """Documents per period: ``days`` (between ``low`` and ``high``) counted between
    the period start days ``edges`` (ascending; the first period also takes
    every earlier day, the last every later one).

    A period starts at midnight UTC, so a timestamp's period depends on its
    day alone: the days are counted once (``bincount``) and each period is
    a difference of the running total, linear in the documents, instead of
    a binary search per document. Stray dates spread over centuries (more
    days than documents) fall back to that search.
    """
    periods = len(edges) - 1
    inner = np.asarray(edges[1:-1], dtype=np.int64)
    if high - low > 4 * len(days) + 4096:
        slots = np.searchsorted(inner, days, side="right")
        return np.bincount(slots, minlength=periods)
    running = np.zeros(high - low + 2, dtype=np.int64)
    np.cumsum(np.bincount(days - low, minlength=high - low + 1), out=running[1:])
    # Documents before each inner boundary, then all of them.
    before = running[np.clip(inner - low, 0, high - low + 1)]
    return np.diff(before, prepend=0, append=len(days))


def _edges(first: date, last: date, unit: HistogramUnit) -> list[date]:
    """Period start days from the period holding ``first`` past the one holding ``last``."""
    if unit == "day":
        return [first + timedelta(days=i) for i in range((last - first).days + 2)]
    if unit == "month":
        edges = []
        year, month = first.year, first.month
        while True:
            edges.append(date(year, month, 1))
            if (year, month) > (last.year, last.month):
                return edges
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [date(year, 1, 1) for year in range(first.year, last.year + 2)]


def _label(day: date, unit: HistogramUnit) -> str:
    if unit == "day":
        return day.isoformat()
    if unit == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}"


def exclusion_mask(snap: Snapshot, request: SearchRequest) -> np.ndarray | None:
    """Documents to keep after the ``not_<facet>`` exclusions; None when there are none.

    Excluding works like Kibana's negative filter pills and Aleph's
    exclusions: a story with any excluded value is left out of the result
    set, and therefore of every facet count and the timeline (an excluded
    value itself counts 0).
    """
    keep: np.ndarray | None = None
    for name, values in request.exclusions:
        facet = F.FACETS_BY_NAME[name]
        hit = docs_with_values(snap, facet.field, resolve_values(snap, facet, values))
        keep = ~hit if keep is None else keep & ~hit
    return keep


def unknown_exclusions(snap: Snapshot, request: SearchRequest) -> list[tuple[str, str]]:
    """(facet, value) pairs of exclusions the index does not know (they exclude nothing)."""
    unknown: list[tuple[str, str]] = []
    for name, values in request.exclusions:
        facet = F.FACETS_BY_NAME[name]
        unknown.extend((name, v) for v in values if not len(resolve_values(snap, facet, (v,))))
    return unknown


#: Name ranks (case-folded order) of the facet value tables in use; weak
#: keys, so that a table (and the mapped file of a generation no longer
#: searched) is released with its snapshot.
_NAME_RANKS: weakref.WeakKeyDictionary[FacetPairs, np.ndarray] = weakref.WeakKeyDictionary()


def _name_ranks(pairs: FacetPairs) -> np.ndarray:
    """Each value's position in case-folded name order (computed once per table)."""
    found = _NAME_RANKS.get(pairs)
    if found is not None:
        return found
    order = sorted(range(len(pairs.values)), key=lambda i: pairs.values[i].casefold())
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order), dtype=np.int64)
    _NAME_RANKS[pairs] = ranks
    return ranks


def _top_values(
    pairs: FacetPairs, counts: np.ndarray, nonzero: np.ndarray, limit: int
) -> list[int]:
    """The first ``limit`` value ids of ``nonzero`` by count (descending), then name.

    One integer key per value (count and name rank combined) lets numpy pick
    the top with ``argpartition`` instead of sorting every value in Python:
    a people facet over a large result set has thousands of values.
    """
    if not len(nonzero) or limit <= 0:
        return []
    ranks = _name_ranks(pairs)
    key = -counts[nonzero].astype(np.int64) * (len(ranks) + 1) + ranks[nonzero]
    if limit < len(key):
        top = np.argpartition(key, limit - 1)[:limit]
        top = top[np.argsort(key[top], kind="stable")]
    else:
        top = np.argsort(key, kind="stable")
    return nonzero[top].tolist()  # type: ignore[no-any-return]


def page_facet(
    snap: Snapshot,
    facet: F.FacetField,
    mask: np.ndarray,
    request: SearchRequest,
    docs: np.ndarray | None = None,
    outside: np.ndarray | None = None,
) -> tuple[tuple[FacetValue, ...], int]:
    """One page of a facet's values, and how many distinct values it has in ``mask``.

    Values are ordered by count, then name; ``facet_offset``/``facet_size``
    choose the page. The first page also lists every selected and excluded
    value (so each can be undone), wherever it ranks. ``docs``/``outside``:
    the documents of ``mask`` / of its complement, when the caller has
    listed them already (:func:`listed_docs`).
    """
    selected = request.selected(facet.name)
    excluded = request.excluded(facet.name)
    offset, size = request.facet_offset, request.facet_size
    pairs = snap.facets[facet.field]
    counts = facet_counts(pairs, mask, docs, outside)
    nonzero = np.flatnonzero(counts)
    names = pairs.values
    page = _top_values(pairs, counts, nonzero, offset + size)[offset:]
    selected_ids = set(resolve_values(snap, facet, selected).tolist()) if selected else set()
    excluded_ids = set(resolve_values(snap, facet, excluded).tolist()) if excluded else set()
    if offset == 0:
        page_set = set(page)
        extra = [i for i in sorted(selected_ids | excluded_ids) if i not in page_set]
        page = sorted([*page, *extra], key=lambda i: (-counts[i], names[i].casefold()))
    spellings = name_variants(snap).get(facet.name, {})
    listed = [
        FacetValue(
            names[i],
            int(counts[i]),
            i in selected_ids,
            i in excluded_ids,
            aliases=spellings.get(names[i], ()),
        )
        for i in page
    ]
    if offset == 0:
        # Values the index does not know still show (count 0) so they can be removed.
        for raw in (*selected, *excluded):
            if not len(resolve_values(snap, facet, (raw,))):
                listed.append(FacetValue(raw, 0, raw in selected, raw in excluded))
    return tuple(listed), len(nonzero)
