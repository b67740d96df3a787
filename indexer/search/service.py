"""The search service: one typed request in, one typed page of results out.

The HTML page, the JSON API and the CLI all call :class:`SearchService`;
none of them computes any part of a result. One instance serves a process:
it is thread-safe, opens the index read-only, and notices new commits (and
atomic rebuilds) by itself, reusing the arrays of unchanged segments.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as wq

from indexer import schema as F
from indexer.analysis import analyze
from indexer.errors import (
    IndexEmptyError,
    IndexLoadingError,
    SearchBudgetError,
    SearchRequestError,
)
from indexer.search import clusters as cl
from indexer.search import facets as fc
from indexer.search import pool
from indexer.search.evaluate import Budget, Evaluation, Evaluator, Ranking
from indexer.search.generations import Generations
from indexer.search.highlight import highlight_whole, snippet
from indexer.search.origins import indexed_root, relative_origin
from indexer.search.query import DEFAULT_FIELD, parse_query
from indexer.search.snapshot import Snapshot
from indexer.search.stored_cache import stored as stored_fields
from indexer.search.suggest import should_run_suggestion, suggest
from indexer.search.tally import BatchOutcome, Tally, tally_of
from indexer.search.types import (
    ArticleView,
    CorpusStats,
    CountedValue,
    FacetValue,
    Fragment,
    Hit,
    SearchPage,
    SearchRequest,
    SimilarArticle,
)
from indexer.store import corrupt_index_error

if TYPE_CHECKING:
    # Imported where used: a search (and so every CLI call) needs none of them.
    from indexer.search import compare as cmp
    from indexer.search import significant as sig
    from indexer.search.entities_page import EntityView

log = logging.getLogger(__name__)

#: Per-request evaluation budget, in seconds.
BUDGET_SECONDS = 2.0
#: Said when a soft AND found no story with every word.
SOFT_AND_NOTICE = "No article contains all of these words; showing articles with most of them."
_EXPLICIT_AND = re.compile(r"(?<![\w:])AND(?!\w)")
_QUOTED = re.compile(r'"[^"]*"')


class SearchService:
    """Search, articles, similar articles, exports and statistics for one index."""

    def __init__(
        self,
        index_dir: str,
        ranking: Ranking | None = None,
        budget_seconds: float = BUDGET_SECONDS,
        warm: bool = False,
        background: bool = False,
    ) -> None:
        """Open ``index_dir`` read-only.

        Every call checks for a new commit (a readlink and a listdir, about
        80 µs) and moves to it (see :mod:`indexer.search.generations`).
        With ``warm``, each generation's caches are filled right after it is
        opened, so a long-running server answers its first searches as fast
        as later ones. With ``background`` (the web app), the constructor
        does not raise: generations open in a thread, requests keep the old
        one until the new one is ready, and index problems surface as errors
        of the calls; one-shot callers (the CLI) open now and raise now.
        """
        self.root = index_dir
        self.ranking = ranking or Ranking()
        self.budget_seconds = budget_seconds
        self._generations = Generations(index_dir, warm=warm, background=background)

    # -- snapshot management ------------------------------------------------------

    @property
    def generation(self) -> int:
        return self._current().version.generation

    def _current(self) -> Snapshot:
        return self._generations.current()

    def wait_ready(self, timeout: float, warmed: bool = True) -> None:
        """Open (``warmed``: and warm) the index before serving, for at most ``timeout`` s."""
        self._generations.wait_ready(timeout, warmed)

    def health(self) -> dict[str, Any]:
        """Generation, documents and build name, or the error that keeps the index from serving.

        A generation where damage was met answers ``index_corrupt`` (requests
        that do not touch the damage still work); an empty one ``index_empty``;
        one still being warmed and checked ``index_loading``.
        """
        snap = self._current()
        if snap.damage is None and not snap.checked:
            raise IndexLoadingError(f"the index at {self.root!r} is being checked")
        if snap.damage is not None:
            raise corrupt_index_error(self.root, snap.damage)
        if snap.doc_count == 0:
            raise IndexEmptyError(
                f"the index at {self.root!r} holds no documents: run "
                f"`newsearch index PATH --index {self.root}`"
            )
        return {
            "generation": snap.version.generation,
            "documents": snap.doc_count,
            "index": os.path.basename(snap.version.directory),
        }

    def close(self) -> None:
        self._generations.close()

    # -- search -------------------------------------------------------------------

    def _evaluate(
        self, snap: Snapshot, q: str, budget: Budget, strict: bool = False
    ) -> Evaluation | None:
        """``q`` evaluated; ``strict`` requires every word (no soft AND, no fallback)."""
        query = parse_query(q)
        if query is None:
            return None
        # Words typed side by side are a soft AND (all words first, then
        # most of them); an explicit AND keeps every word required.
        soft = not strict and not _EXPLICIT_AND.search(_QUOTED.sub(" ", q))
        quoted = frozenset(word for m in _QUOTED.finditer(q) for word in analyze(m.group()))
        evaluation = Evaluator(snap, self.ranking, budget).run(
            query, soft=soft, quoted=quoted, typed=q
        )
        if strict:
            return evaluation
        if evaluation.all_words is not None:
            if evaluation.mask.any() and not evaluation.all_words.any():
                evaluation.notices.insert(0, SOFT_AND_NOTICE)
            return evaluation
        if not evaluation.mask.any() and _is_plain_conjunction(query):
            relaxed = wq.Or(list(query.children()))
            fallback = Evaluator(snap, self.ranking, budget).run(relaxed)
            if fallback.mask.any():
                fallback.notices.insert(
                    0, "No article contains all of these words; showing articles with any of them."
                )
                return fallback
        return evaluation

    def _result_mask(
        self, snap: Snapshot, request: SearchRequest, evaluation: Evaluation | None
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        base = snap.live.copy() if evaluation is None else evaluation.mask.copy()
        dates = fc.date_mask(snap, *_mask_bounds(request.date_from, request.date_to))
        if dates is not None:
            base &= dates
        keep = fc.exclusion_mask(snap, request)
        if keep is not None:
            base &= keep
        if request.cluster is not None:
            base &= self._cluster_members(snap, request.cluster)
        return base, fc.selection_masks(snap, request)

    def _cluster_members(self, snap: Snapshot, cluster_id: str) -> np.ndarray:
        """The members of a cluster named by its id (or any member's id)."""
        docnum = snap.docnum_for_id(cluster_id)
        if docnum is None:
            raise SearchRequestError(
                f"there is no cluster with id {cluster_id[:60]!r} "
                "(cluster ids are listed with each search result)",
                code="unknown_cluster",
                param="cluster",
            )
        return cl.members_mask(snap, cl.clusters(snap), docnum)

    def search(self, request: SearchRequest) -> SearchPage:
        """Run ``request``: page of hits, facet counts, timeline, suggestion."""
        started = time.perf_counter()
        snap = self._current()
        budget = Budget(self.budget_seconds)
        evaluation = self._evaluate(snap, request.q, budget)
        suggestion, corrected = self._spelling(snap, request, evaluation, budget)
        query_run = request.q
        if corrected is not None and suggestion is not None:
            evaluation, query_run = corrected, suggestion
        base, selections = self._result_mask(snap, request, evaluation)
        final = base.copy()
        for mask in selections.values():
            final &= mask
        total = int(final.sum())
        total_all_words = (
            int((final & evaluation.all_words).sum())
            if evaluation is not None and evaluation.all_words is not None
            else total
        )
        groups = cl.clusters(snap)
        cluster_total = cl.cluster_count(groups, final)
        collapsing = request.collapsing and groups.any
        listed = cluster_total if request.collapsing else total
        last_page = max(1, math.ceil(listed / request.per_page))
        if request.page > last_page:
            raise SearchRequestError(
                f"page {request.page} is out of range: the last page is {last_page}",
                code="page_out_of_range",
                param="page",
            )
        # Most facets see the same mask (every selection but their own):
        # it is built, and its documents listed, once for all of them.
        masks: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray | None, np.ndarray | None]] = {}
        jobs = []
        for facet in F.FACETS:
            others = tuple(name for name in selections if name != facet.name)
            if others not in masks:
                mask = base.copy() if others else base
                for name in others:
                    mask &= selections[name]
                masks[others] = (mask, *fc.listed_docs(mask))
            mask, docs, outside = masks[others]
            jobs.append(partial(fc.page_facet, snap, facet, mask, request, docs, outside))
        # In the pool (a large index), the facets are counted while this
        # thread builds the timeline and the page of hits.
        facet_pages = pool.start(jobs, parallel=snap.size >= pool.PARALLEL_MIN_DOCS)
        buckets, unit = fc.histogram(
            snap, final, *_timeline_bounds(request.date_from, request.date_to)
        )
        limit = request.page * request.per_page
        duplicates = None
        if collapsing:
            order, duplicates = self._collapsed_order(
                snap, groups, final, evaluation, request.sort, limit
            )
        else:
            order = self._order(snap, final, evaluation, request.sort, limit)
        page_docs = order[(request.page - 1) * request.per_page :]
        terms = evaluation.highlight if evaluation else {}
        hits = tuple(
            self._hit(snap, doc, evaluation, terms, *_cluster_of(snap, groups, duplicates, doc))
            for doc in page_docs.tolist()
        )
        pages = facet_pages()
        facet_counts = {facet.name: found[0] for facet, found in zip(F.FACETS, pages, strict=True)}
        facet_totals = {facet.name: found[1] for facet, found in zip(F.FACETS, pages, strict=True)}
        return SearchPage(
            request=request,
            total=total,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=hits,
            facets=facet_counts,
            histogram=buckets,
            histogram_unit=unit,
            suggestion=suggestion,
            last_page=last_page,
            notices=(
                *(evaluation.notices if evaluation else ()),
                *_exclusion_notices(snap, request),
            ),
            query_run=query_run,
            total_all_words=total_all_words,
            also_searched=_also_searched(evaluation),
            clusters=cluster_total,
            facet_totals=facet_totals,
        )

    def _spelling(
        self,
        snap: Snapshot,
        request: SearchRequest,
        evaluation: Evaluation | None,
        budget: Budget,
    ) -> tuple[str | None, Evaluation | None]:
        """The "did you mean" suggestion, and its evaluation when it should run instead.

        The suggestion runs in place of the typed query when
        :func:`~indexer.search.suggest.should_run_suggestion` says the typed
        words match poorly and the corrected ones well (counted within the
        request's date and facet filters), unless ``request.spell`` is off.
        """
        if evaluation is None or not evaluation.words:
            return None, None
        evaluator = Evaluator(snap, self.ranking, budget)
        suggestion = suggest(snap, request.q, evaluation.words)
        if suggestion is None or not request.spell:
            return suggestion, None
        try:
            # A second query, with a budget of its own: the first search of a
            # fresh index spends the request's on loading the vocabulary.
            corrected = self._evaluate(snap, suggestion, Budget(self.budget_seconds))
        except (SearchRequestError, SearchBudgetError):
            return suggestion, None
        if corrected is None or not corrected.words:
            return suggestion, None
        scope, selections = self._result_mask(snap, request, None)
        for mask in selections.values():
            scope &= mask
        typed_all = _all_words_count(evaluator, evaluation.words, scope)
        suggested_all = _all_words_count(evaluator, corrected.words, scope)
        if should_run_suggestion(typed_all, suggested_all):
            return suggestion, corrected
        return suggestion, None

    def _order(
        self,
        snap: Snapshot,
        mask: np.ndarray,
        evaluation: Evaluation | None,
        sort: str,
        limit: int,
    ) -> np.ndarray:
        """The first ``limit`` matching documents in the requested order."""
        docs = np.flatnonzero(mask)
        if not len(docs) or limit <= 0:
            return docs[:0]
        by_relevance = sort == "relevance" and evaluation is not None
        if by_relevance:
            assert evaluation is not None
            scores = evaluation.score[docs]
            step = float(scores.max()) + 1.0
            if len(docs) > limit:
                docs, scores = _relevance_candidates(docs, scores, evaluation.tier, limit)
            primary = scores.astype(np.float64)
            np.negative(primary, out=primary)
            if evaluation.tier is not None:
                # Soft AND: stories with more of the words first, whatever their scores.
                tiers = evaluation.tier[docs].astype(np.float64)
                tiers *= step
                primary -= tiers
        else:
            dates = snap.date_ts[docs]
            if sort == "oldest":
                primary = np.where(dates == F.UNDATED, np.iinfo(np.int64).max, dates)
            else:  # newest, and the empty query
                primary = -dates
        if len(docs) > limit:
            # Keep every document tied with the last one kept, so that the
            # tie-breakers (not argpartition's arbitrary choice) decide who
            # makes the cut and pages never skip or repeat a result.
            kth = np.partition(primary, limit - 1)[limit - 1]
            keep = primary <= kth
            docs, primary = docs[keep], primary[keep]
        # Relevance ties: newest first (dates read for the kept documents only).
        secondary = -snap.date_ts[docs] if by_relevance else docs
        order = np.lexsort((docs, secondary, primary))
        return docs[order][:limit]

    def _collapsed_order(
        self,
        snap: Snapshot,
        groups: cl.Clusters,
        mask: np.ndarray,
        evaluation: Evaluation | None,
        sort: str,
        limit: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The first ``limit`` documents of ``mask`` with each cluster collapsed to its
        best-ranked member, in order; and per document how many other members of its
        cluster ``mask`` holds (set on the kept documents).

        What :func:`~indexer.search.clusters.collapse` over the whole result
        then :meth:`_order` give (both rank by the same keys), but only the
        top of the ranking is walked: the first member of a cluster met in
        rank order is its best, so the first ``limit`` distinct clusters of
        a long enough prefix are the page. The prefix grows until it holds
        them; a result whose stories are mostly copies sorts more of it.
        """
        total = int(np.count_nonzero(mask))
        size = min(total, max(4 * limit, 64))
        while True:
            ranked = self._order(snap, mask, evaluation, sort, size)
            # A singleton is its own cluster.
            keys = np.where(groups.size[ranked] > 1, groups.rep[ranked], -1 - ranked)
            _, first = np.unique(keys, return_index=True)
            kept = ranked[np.sort(first)]
            if len(kept) >= limit or size >= total:
                break
            size = min(total, size * 4)
        kept = kept[:limit]
        duplicates = np.zeros(snap.size, dtype=np.int32)
        clustered = kept[groups.size[kept] > 1]
        if len(clustered):
            reps = groups.rep[clustered]
            members = groups.rep[cl.clustered_docs(groups, mask)]
            found, counts = np.unique(members[np.isin(members, reps)], return_counts=True)
            duplicates[clustered] = counts[np.searchsorted(found, reps)] - 1
        return kept, duplicates

    def _hit(
        self,
        snap: Snapshot,
        docnum: int,
        evaluation: Evaluation | None,
        terms: dict[str, set[str]],
        cluster: str = "",
        duplicates: int = 0,
    ) -> Hit:
        """The hit of ``docnum``; ``cluster`` (its own id when empty) and ``duplicates``
        as :func:`_cluster_of` gives them."""
        stored = stored_fields(snap, docnum)
        title = stored.get(F.TITLE) or ""
        body = stored.get(F.BODY) or ""
        phrases = _phrases(evaluation if terms else None)
        return Hit(
            id=stored[F.ID],
            title=title,
            date=stored.get(F.DATE),
            dateline=stored.get(F.DATELINE),
            source=stored.get(F.SOURCE),
            url=stored.get(F.URL),
            origin=relative_origin(stored.get(F.ORIGIN, ""), indexed_root(snap)),
            people=tuple(stored.get(F.PEOPLE) or ()),
            organizations=tuple(stored.get(F.ORGANIZATIONS) or ()),
            places=tuple(stored.get(F.PLACES) or ()),
            topics=tuple(stored.get(F.TOPICS) or ()),
            score=round(float(evaluation.score[docnum]), 4) if evaluation else 0.0,
            title_fragments=highlight_whole(title, terms.get(F.TITLE, set()), phrases[F.TITLE]),
            snippet=snippet(body, terms.get(F.BODY, set()), phrases[F.BODY]),
            cluster=cluster or stored[F.ID],
            duplicates=duplicates,
        )

    # -- articles -----------------------------------------------------------------

    def article(self, article_id: str, q: str = "") -> ArticleView | None:
        """The whole article, with ``q``'s terms marked; None if unknown."""
        snap = self._current()
        docnum = snap.docnum_for_id(article_id)
        if docnum is None:
            return None
        stored = snap.stored(docnum)
        terms: dict[str, set[str]] = {}
        evaluation = None
        if q.strip():
            try:
                evaluation = self._evaluate(snap, q, Budget(self.budget_seconds))
                terms = evaluation.highlight if evaluation else {}
            except SearchRequestError:
                terms = {}
        phrases = _phrases(evaluation)
        body = stored.get(F.BODY) or ""
        title = stored.get(F.TITLE) or ""
        paragraphs = tuple(
            highlight_whole(p, terms.get(F.BODY, set()), phrases[F.BODY])
            for p in body.split("\n\n")
            if p.strip()
        )
        return ArticleView(
            id=stored[F.ID],
            title=title,
            body=body,
            date=stored.get(F.DATE),
            dateline=stored.get(F.DATELINE),
            source=stored.get(F.SOURCE),
            url=stored.get(F.URL),
            author=stored.get(F.AUTHOR),
            origin=relative_origin(stored.get(F.ORIGIN, ""), indexed_root(snap)),
            people=tuple(stored.get(F.PEOPLE) or ()),
            organizations=tuple(stored.get(F.ORGANIZATIONS) or ()),
            places=tuple(stored.get(F.PLACES) or ()),
            topics=tuple(stored.get(F.TOPICS) or ()),
            paragraphs=paragraphs,
            title_fragments=highlight_whole(title, terms.get(F.TITLE, set()), phrases[F.TITLE]),
            published_at=stored.get(F.PUBLISHED_AT),
            date_source=stored.get(F.DATE_SOURCE),
        )

    def similar(self, article_id: str, limit: int = 5) -> tuple[SimilarArticle, ...]:
        """Articles sharing the most distinctive words of ``article_id``'s text."""
        snap = self._current()
        docnum = snap.docnum_for_id(article_id)
        if docnum is None:
            return ()
        stored = snap.stored(docnum)
        text = f"{stored.get(F.TITLE) or ''}\n{stored.get(F.BODY) or ''}"
        vocab = snap.vocabulary(F.BODY)
        counts: dict[str, int] = {}
        for term in analyze(text):
            if term.isalpha() and len(term) > 2:
                counts[term] = counts.get(term, 0) + 1
        n = max(snap.doc_count, 1)
        weighted = sorted(
            (
                (tf * math.log(n / vocab.frequency(t)), t)
                for t, tf in counts.items()
                if 1 < vocab.frequency(t) <= max(2, n // 5)
            ),
            reverse=True,
        )[:15]
        if not weighted:
            return ()
        query = wq.Or([wq.Term(F.BODY, t, boost=w) for w, t in weighted])
        evaluation = Evaluator(snap, self.ranking, Budget(self.budget_seconds)).run(query)
        evaluation.mask[docnum] = False
        # Never a copy of the story itself, and one story per cluster.
        groups = cl.clusters(snap)
        evaluation.mask &= groups.rep != groups.rep[docnum]
        if groups.any:
            docs = cl.clustered_docs(groups, evaluation.mask)
            primary, secondary = cl.rank_keys(
                snap.date_ts, docs, _ranking_score(evaluation), "relevance"
            )
            evaluation.mask, _ = cl.collapse(groups, evaluation.mask, docs, primary, secondary)
        order = self._order(snap, evaluation.mask, evaluation, "relevance", limit)
        result = []
        for doc in order:
            fields = snap.stored(int(doc))
            result.append(
                SimilarArticle(
                    id=fields[F.ID],
                    title=fields.get(F.TITLE) or "",
                    date=fields.get(F.DATE),
                    score=round(float(evaluation.score[doc]), 4),
                )
            )
        return tuple(result)

    # -- analyses over a whole result set ---------------------------------------------

    def significant(self, request: SearchRequest) -> sig.Significant:
        """Words, phrases and entities unusually frequent in ``request``'s results."""
        from indexer.search import significant as sig

        snap = self._current()
        evaluation = self._evaluate(snap, request.q, Budget(self.budget_seconds))
        base, selections = self._result_mask(snap, request, evaluation)
        for mask in selections.values():
            base &= mask
        ranked = self._order(snap, base, evaluation, request.sort, int(base.sum()))
        skip_terms = set(evaluation.words) if evaluation else set()
        if evaluation:
            for found in evaluation.highlight.values():
                skip_terms |= found
        skip_values = {
            F.FACETS_BY_NAME[name].field: {v.casefold() for v in values}
            for name, values in request.filters
        }
        return sig.significant(snap, base, ranked, skip_terms, skip_values)

    def entity(self, facet_name: str, value: str) -> EntityView | None:
        """The entity page of ``value`` in facet ``facet_name``; None when unknown."""
        from indexer.search.entities_page import entity_view

        facet = F.FACETS_BY_NAME.get(facet_name)
        if facet is None:
            return None
        snap = self._current()
        evaluator = Evaluator(snap, self.ranking, Budget(self.budget_seconds))
        return entity_view(
            snap,
            facet,
            value,
            lambda ids, mask: evaluator.entity_centrality(facet.field, ids, mask),
        )

    # -- export and statistics ----------------------------------------------------------

    def _export_set(
        self, snap: Snapshot, request: SearchRequest
    ) -> tuple[Evaluation | None, np.ndarray]:
        """The page's result set: a misspelled query the page replaced is replaced here too."""
        budget = Budget(self.budget_seconds)
        evaluation = self._evaluate(snap, request.q, budget)
        _, corrected = self._spelling(snap, request, evaluation, budget)
        evaluation = corrected or evaluation
        base, selections = self._result_mask(snap, request, evaluation)
        for mask in selections.values():
            base &= mask
        return evaluation, base

    def export(
        self, request: SearchRequest, limit: int, snippets: bool = False, bodies: bool = False
    ) -> Iterator[Hit]:
        """The whole result set of ``request`` in order (up to ``limit``).

        The same result set as the page's (see :meth:`_export_set`). Snippets
        (around the query's matches) and whole bodies are costly and only
        sent when the exporter asks for them (``fields=snippet,body``).
        """
        snap = self._current()
        evaluation, base = self._export_set(snap, request)
        # Exports list every story (as facets and the timeline count them),
        # each with its cluster id so copies can be grouped afterwards.
        groups = cl.clusters(snap)
        terms = evaluation.highlight if evaluation and snippets else {}
        for doc in self._order(snap, base, evaluation, request.sort, limit):
            hit = _clustered(
                snap, groups, None, int(doc), self._hit(snap, int(doc), evaluation, terms)
            )
            body = (snap.stored(int(doc)).get(F.BODY) or "") if bodies else None
            yield Hit(
                **{
                    **_hit_fields(hit),
                    "snippet": hit.snippet if snippets else (),
                    "title_fragments": (Fragment(hit.title),),
                    "body": body,
                }
            )

    # -- counts: comparisons over time, batches, export provenance ---------------------

    def _matches(self, snap: Snapshot, request: SearchRequest, budget: Budget) -> np.ndarray:
        """The stories with *every* word of ``request``'s query, as a mask.

        Counting is strict where the page is lenient: no soft AND ("most of
        the words"), no any-word fallback, no spelling replacement. A
        comparison or a batch line (a name on a list) that no story matches
        in full counts 0, which is what the page reports as the stories
        "with all the words".
        """
        evaluation = self._evaluate(snap, request.q, budget, strict=True)
        base, selections = self._result_mask(snap, request, evaluation)
        for mask in selections.values():
            base &= mask
        return base

    def tally(self, request: SearchRequest) -> Tally:
        """How many stories the page and the export of ``request`` hold, and from when to when."""
        snap = self._current()
        _, mask = self._export_set(snap, request)
        return tally_of(snap, mask)

    def compare(
        self,
        queries: Sequence[str],
        shared: SearchRequest,
        interval: cmp.Interval | None = None,
    ) -> cmp.Comparison:
        """Each query's stories per period under ``shared``'s filters and dates.

        Shares are of the stories matching ``shared`` alone (no query) in
        the same period. One snapshot serves every series; each query has
        the budget of one search, as it costs one.
        """
        from indexer.search import compare as cmp

        started = time.perf_counter()
        snap = self._current()
        masks = []
        for number, q in enumerate(queries, 1):
            with _numbered(number, "query"):
                masks.append(self._strict(snap, shared, q, Budget(self.budget_seconds)))
        baseline = self._matches(snap, replace(shared, q=""), Budget(self.budget_seconds))
        result = cmp.compare(
            snap, queries, masks, baseline, interval, shared.date_from, shared.date_to
        )
        return replace(result, took_ms=round((time.perf_counter() - started) * 1000, 2))

    def _strict(self, snap: Snapshot, shared: SearchRequest, q: str, budget: Budget) -> np.ndarray:
        return self._matches(snap, replace(shared, q=q), budget)

    def batch(
        self, queries: Sequence[str], shared: SearchRequest, budget_seconds: float
    ) -> BatchOutcome:
        """Count every query under ``shared``'s filters, within one CPU budget.

        Each line gets what is left of the batch's budget (at most the
        per-search budget); a line that runs out, and every line after the
        budget is spent, is left unfinished (``None``) rather than failing
        the whole batch. Repeated lines are counted once.
        """
        started = time.perf_counter()
        snap = self._current()
        deadline = time.thread_time() + budget_seconds
        done: dict[str, Tally | None] = {}
        tallies: list[Tally | None] = []
        for number, q in enumerate(queries, 1):
            if q not in done:
                remaining = deadline - time.thread_time()
                done[q] = None
                if remaining > 0:
                    budget = Budget(min(self.budget_seconds, remaining))
                    try:
                        with _numbered(number, "line"):
                            done[q] = tally_of(snap, self._strict(snap, shared, q, budget))
                    except SearchBudgetError:
                        log.info("batch line %d over budget", number)
            tallies.append(done[q])
        return BatchOutcome(
            tallies=tuple(tallies),
            generation=snap.version.generation,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def stats(self, top: int = 10) -> CorpusStats:
        """Corpus overview: size, date coverage and the most frequent values."""
        snap = self._current()
        dated = snap.live & (snap.date_ts != F.UNDATED)
        stamps = snap.date_ts[dated]
        tops = {}
        for facet in F.FACETS:
            values = fc.count_facet(snap, facet, snap.live, (), limit=top)
            tops[facet.name] = tuple(CountedValue(v.value, v.count) for v in values if v.count)
        return CorpusStats(
            documents=snap.doc_count,
            date_min=_iso_day(int(stamps.min())) if len(stamps) else None,
            date_max=_iso_day(int(stamps.max())) if len(stamps) else None,
            undated=int(snap.doc_count - dated.sum()),
            generation=snap.version.generation,
            top=tops,
        )


@contextmanager
def _numbered(number: int, what: str) -> Iterator[None]:
    """Name a rejected query's place in its message (``line 3: unbalanced quotes``)."""
    try:
        yield
    except SearchRequestError as error:
        raise SearchRequestError(
            f"{what} {number}: {error}", code=error.code, param=error.param
        ) from None


def _ranking_score(evaluation: Evaluation | None) -> np.ndarray | None:
    """Scores that order documents as :meth:`SearchService._order` does by relevance.

    With soft AND, stories with more of the words come first whatever their
    scores: the tier is folded in above every score, so the best-ranked
    member of a cluster is the one the result list would show first.
    """
    if evaluation is None:
        return None
    score = evaluation.score.astype(np.float64)
    tier = getattr(evaluation, "tier", None)
    if tier is None or not len(score):
        return score
    return score + tier.astype(np.float64) * (float(score.max()) + 1.0)


def _cluster_of(
    snap: Snapshot, groups: cl.Clusters, duplicates: np.ndarray | None, docnum: int
) -> tuple[str, int]:
    """A hit's cluster id ("" for its own) and how many of its copies the collapse hid."""
    rep = int(groups.rep[docnum])
    cluster_id = "" if rep == docnum else str(stored_fields(snap, rep)[F.ID])
    return cluster_id, int(duplicates[docnum]) if duplicates is not None else 0


def _clustered(
    snap: Snapshot, groups: cl.Clusters, duplicates: np.ndarray | None, docnum: int, hit: Hit
) -> Hit:
    """``hit`` with its cluster id and how many of its copies the collapse hid."""
    cluster_id, hidden = _cluster_of(snap, groups, duplicates, docnum)
    return dataclasses.replace(hit, cluster=cluster_id or hit.id, duplicates=hidden)


def _exclusion_notices(snap: Snapshot, request: SearchRequest) -> list[str]:
    """Say so when an exclusion names a value the index does not know."""
    return [
        f"No {facet} is called {value!r}: excluding it leaves every article in."
        for facet, value in fc.unknown_exclusions(snap, request)
    ]


def _hit_fields(hit: Hit) -> dict[str, Any]:
    return {name: getattr(hit, name) for name in Hit.__slots__}


def _iso_day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


def _mask_bounds(start: date | None, end: date | None) -> tuple[date | None, date | None]:
    """The date filter for the mask: ``to=9999-12-31`` is no upper bound at all.

    The mask ends a day after its last day, which ``datetime`` cannot
    represent for the last day of the calendar (that request was a 500);
    no stored date lies beyond it, so dropping the bound changes nothing.
    """
    return start, None if end == date.max else end


def _timeline_bounds(start: date | None, end: date | None) -> tuple[date | None, date | None]:
    """The date filter the timeline widens to, unless it reaches year 9999.

    Timeline periods run one period past the last day, which overflows in
    year 9999; the timeline then spans the matching documents only.
    """
    if any(day is not None and day.year == date.max.year for day in (start, end)):
        return None, None
    return start, end


def _is_plain_conjunction(query: wq.Query) -> bool:
    """True for the implicit AND of several plain words (``oil price opec``)."""
    return (
        isinstance(query, wq.And)
        and len(query.subqueries) > 1
        and all(isinstance(q, wq.Term) and q.fieldname == DEFAULT_FIELD for q in query.subqueries)
    )


def _relevance_candidates(
    docs: np.ndarray, scores: np.ndarray, tier: np.ndarray | None, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """The documents (and scores) among which the first ``limit`` by relevance
    are, with every document tied with the last of them: all of them, or fewer.

    By relevance is by soft AND tier (more words first), then by score; on
    a large result a float64 partition of every match is the costliest step
    of the ranking. With tiers, the top tier alone holds the first
    ``limit`` when it has that many (a lower tier's stories all rank after
    it: a tier is worth more than any score, scores being non-negative).
    Without tiers, the partition runs on the float32 scores themselves
    (their float64 copies order and tie alike).
    """
    if tier is not None:
        tiers = tier[docs]
        top = tiers == tiers.max()
        if scores.min() < 0 or np.count_nonzero(top) < limit:
            return docs, scores
        # (The caller's float64 keys then rank the top tier's stories alone.)
        return docs[top], scores[top]
    kth = np.partition(scores, len(scores) - limit)[len(scores) - limit]
    keep = scores >= kth
    return docs[keep], scores[keep]


def _all_words_count(evaluator: Evaluator, words: list[str], scope: np.ndarray) -> int:
    """Documents of ``scope`` holding every one of ``words`` (in any of its forms)."""
    mask = scope.copy()
    for word in dict.fromkeys(words):
        mask &= evaluator.term(wq.Term(DEFAULT_FIELD, word), True).mask
    return int(mask.sum())


def _phrases(evaluation: Evaluation | None) -> dict[str, frozenset[tuple[str, ...]]]:
    """Entity names to mark as runs, per text field."""
    found = evaluation.phrases if evaluation is not None else {}
    return {name: frozenset(found.get(name, ())) for name in F.TEXT_FIELDS}


def _also_searched(evaluation: Evaluation | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(typed word, newswire spellings also searched), in query order."""
    if evaluation is None:
        return ()
    return tuple((word, tuple(forms)) for word, forms in evaluation.expanded.items())


__all__ = ["FacetValue", "SearchService"]
