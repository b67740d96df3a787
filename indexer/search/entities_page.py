"""An entity's page: its stories over time, who and what co-occur with it, its central stories.

Co-occurring values are counted over the entity's stories with the facet
arrays (one ``bincount`` per kind) and ranked by a lift-weighted count::

    lift  = P(A and B) / (P(A) P(B)) = n(A,B) * N / (n(A) * n(B))
    score = n(A,B) * log2(lift)      (partners with lift > 1 and n(A,B) >= 2)

Raw counts put "United States" at the top of every list; lift alone puts
one-off mentions there; the product keeps partners that are both frequent
with the entity and unusually so (a local form of pointwise mutual
information).

The central stories are the ones most about the entity, measured as an
entity search ranks (named in the title, in the lead, often, early: see
``Evaluator.entity_centrality``); among stories that name it alike, those
mentioning most of its top partners come first, then the newest; one per
near-duplicate cluster.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from indexer import schema as F
from indexer.extract.aliases import facet_aliases
from indexer.search import clusters as cl
from indexer.search import facets as fc
from indexer.search.snapshot import Snapshot
from indexer.search.types import HistogramBucket, SimilarArticle

#: Partners listed per kind, and central stories listed.
PARTNERS = 15
ARTICLES = 10
#: Least shared stories for a partner.
MIN_SHARED = 2
#: Co-occurrence kinds: JSON key, facet field.
KINDS = (("people", F.PEOPLE), ("organizations", F.ORGANIZATIONS), ("places", F.PLACES))


@dataclass(frozen=True, slots=True)
class Partner:
    """A co-occurring value: shared stories and lift."""

    value: str
    count: int
    lift: float


@dataclass(frozen=True, slots=True)
class EntityView:
    """Everything the entity page and ``/api/entities/<facet>/<value>`` show."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    total: int
    histogram: tuple[HistogramBucket, ...]
    histogram_unit: str
    cooccurring: dict[str, tuple[Partner, ...]]
    articles: tuple[SimilarArticle, ...]


def _aliases(facet: str, name: str) -> tuple[str, ...]:
    """Known aliases of ``name`` (codes and variants that select it)."""
    found = {
        alias
        for alias, display in facet_aliases(facet).items()
        if display.casefold() == name.casefold()
    }
    found.discard(name.casefold())
    return tuple(sorted(found))


def partners(
    snap: Snapshot, mask: np.ndarray, field: str, own: set[int] | None = None
) -> tuple[Partner, ...]:
    """Values of ``field`` co-occurring with the stories of ``mask``, by lift-weighted count."""
    pairs = snap.facets[field]
    if not len(pairs.values):
        return ()
    shared = fc.facet_counts(pairs, mask)
    key = ("entity-bg", field)
    overall = snap.cache.get(key)
    if overall is None:
        overall = np.bincount(pairs.value_ids, minlength=len(pairs.values))
        snap.cache[key] = overall
    n_all, n_self = max(snap.doc_count, 1), max(int(mask.sum()), 1)
    candidates = np.flatnonzero(shared >= MIN_SHARED)
    scored = []
    for i in candidates.tolist():
        if own and i in own:
            continue
        lift = shared[i] * n_all / (n_self * max(int(overall[i]), 1))
        if lift > 1:
            scored.append((shared[i] * math.log2(lift), pairs.values[i], int(shared[i]), lift))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return tuple(
        Partner(value, count, round(lift, 2)) for _, value, count, lift in scored[:PARTNERS]
    )


def central(
    snap: Snapshot,
    mask: np.ndarray,
    partner_lists: dict[str, tuple[Partner, ...]],
    naming: np.ndarray | None = None,
) -> np.ndarray:
    """The entity's most central stories, one per near-duplicate cluster.

    ``naming`` (per document: how prominently the story names the entity)
    ranks first; the stories mentioning most of its top partners next,
    then the newest.
    """
    docs = np.flatnonzero(mask)
    if not len(docs):
        return docs
    centrality = np.zeros(snap.size, dtype=np.float64)
    mentions = np.ones(snap.size, dtype=np.float64)
    for kind, field in KINDS:
        mentions += np.bincount(snap.facets[field].docs, minlength=snap.size)
        top = {p.value for p in partner_lists.get(kind, ())[:5]}
        if not top:
            continue
        pairs = snap.facets[field]
        ids = [i for i, value in enumerate(pairs.values) if value in top]
        np.add.at(centrality, pairs.docs[np.isin(pairs.value_ids, ids)], 1)
    # A story listing everything (an index, a digest) is not central: the
    # partners it mentions count relative to all the entities it mentions.
    centrality /= np.sqrt(mentions)
    groups = cl.clusters(snap)
    prominence = (
        np.round(naming[docs].astype(np.float64), 3) if naming is not None else np.zeros(len(docs))
    )
    order = np.lexsort((docs, -snap.date_ts[docs], -centrality[docs], -prominence))
    ranked = docs[order]
    _, first = np.unique(groups.rep[ranked], return_index=True)
    return ranked[np.sort(first)][:ARTICLES]


def entity_view(
    snap: Snapshot,
    facet: F.FacetField,
    value: str,
    naming: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> EntityView | None:
    """The page of ``value`` in ``facet``; None when the index does not know it.

    ``naming(ids, mask)`` scores how prominently each story names the
    entity (the search service passes the evaluator's centrality).
    """
    ids = fc.resolve_values(snap, facet, (value,))
    if not len(ids):
        return None
    pairs = snap.facets[facet.field]
    mask = fc.docs_with_values(snap, facet.field, ids)
    total = int(mask.sum())
    if not total:
        return None
    counts = fc.facet_counts(pairs, mask)
    name = pairs.values[int(ids[np.argmax(counts[ids])])]
    buckets, unit = fc.histogram(snap, mask)
    own = set(ids.tolist())
    found = {
        kind: partners(snap, mask, field, own if field == facet.field else None)
        for kind, field in KINDS
    }
    articles = []
    prominence = naming(ids, mask) if naming is not None else None
    for doc in central(snap, mask, found, prominence):
        stored = snap.stored(int(doc))
        articles.append(
            SimilarArticle(stored[F.ID], stored.get(F.TITLE) or "", stored.get(F.DATE), 0.0)
        )
    return EntityView(
        name=name,
        kind=facet.name,
        aliases=tuple(
            dict.fromkeys(
                (
                    *fc.name_variants(snap).get(facet.name, {}).get(name, ()),
                    *_aliases(facet.name, name),
                )
            )
        ),
        total=total,
        histogram=buckets,
        histogram_unit=unit,
        cooccurring=found,
        articles=tuple(articles),
    )
