"""The search service: one typed request in, one typed page of results out.

The HTML page, the JSON API and the CLI all call :class:`SearchService`;
none of them computes any part of a result. One instance serves a process:
it is thread-safe, opens the index read-only, and notices new commits (and
atomic rebuilds) by itself, reusing the arrays of unchanged segments.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer import schema as F
from indexer.analysis import analyze
from indexer.errors import IndexEmptyError, IndexLoadingError, SearchRequestError
from indexer.search import facets as fc
from indexer.search.evaluate import Budget, Evaluation, Evaluator, Ranking
from indexer.search.generations import Generations
from indexer.search.highlight import highlight_whole, snippet
from indexer.search.query import DEFAULT_FIELD, parse_query
from indexer.search.snapshot import Snapshot
from indexer.search.suggest import suggest
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

log = logging.getLogger(__name__)

#: Per-request evaluation budget, in seconds.
BUDGET_SECONDS = 2.0


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

    def _evaluate(self, snap: Snapshot, q: str, budget: Budget) -> Evaluation | None:
        query = parse_query(q)
        if query is None:
            return None
        evaluation = Evaluator(snap, self.ranking, budget).run(query)
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
        return base, fc.selection_masks(snap, request)

    def search(self, request: SearchRequest) -> SearchPage:
        """Run ``request``: page of hits, facet counts, timeline, suggestion."""
        started = time.perf_counter()
        snap = self._current()
        budget = Budget(self.budget_seconds)
        evaluation = self._evaluate(snap, request.q, budget)
        base, selections = self._result_mask(snap, request, evaluation)
        final = base.copy()
        for mask in selections.values():
            final &= mask
        total = int(final.sum())
        last_page = max(1, math.ceil(total / request.per_page))
        if request.page > last_page:
            raise SearchRequestError(
                f"page {request.page} is out of range: the last page is {last_page}",
                code="page_out_of_range",
                param="page",
            )
        facet_counts = {}
        for facet in F.FACETS:
            mask = base.copy()
            for name, selection in selections.items():
                if name != facet.name:
                    mask &= selection
            facet_counts[facet.name] = fc.count_facet(
                snap, facet, mask, request.selected(facet.name)
            )
        buckets, unit = fc.histogram(
            snap, final, *_timeline_bounds(request.date_from, request.date_to)
        )
        order = self._order(snap, final, evaluation, request.sort, request.page * request.per_page)
        page_docs = order[(request.page - 1) * request.per_page :]
        terms = evaluation.highlight if evaluation else {}
        hits = tuple(self._hit(snap, int(doc), evaluation, terms) for doc in page_docs)
        suggestion = None
        if evaluation is not None and evaluation.words:
            evaluator = Evaluator(snap, self.ranking, budget)
            suggestion = suggest(
                snap, request.q, evaluation.words, lambda w: _group_df(snap, evaluator, w)
            )
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
            notices=tuple(evaluation.notices) if evaluation else (),
        )

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
        dates = snap.date_ts[docs]
        if sort == "relevance" and evaluation is not None:
            primary = -evaluation.score[docs].astype(np.float64)
            secondary = -dates
        elif sort == "oldest":
            primary = np.where(dates == F.UNDATED, np.iinfo(np.int64).max, dates)
            secondary = docs
        else:  # newest, and the empty query
            primary = -dates
            secondary = docs
        if len(docs) > limit:
            # Keep every document tied with the last one kept, so that the
            # tie-breakers (not argpartition's arbitrary choice) decide who
            # makes the cut and pages never skip or repeat a result.
            kth = np.partition(primary, limit - 1)[limit - 1]
            keep = primary <= kth
            docs, primary, secondary = docs[keep], primary[keep], secondary[keep]
        order = np.lexsort((docs, secondary, primary))
        return docs[order][:limit]

    def _hit(
        self, snap: Snapshot, docnum: int, evaluation: Evaluation | None, terms: dict[str, set[str]]
    ) -> Hit:
        stored = snap.stored(docnum)
        title = stored.get(F.TITLE) or ""
        body = stored.get(F.BODY) or ""
        return Hit(
            id=stored[F.ID],
            title=title,
            date=stored.get(F.DATE),
            dateline=stored.get(F.DATELINE),
            source=stored.get(F.SOURCE),
            url=stored.get(F.URL),
            origin=stored.get(F.ORIGIN, ""),
            people=tuple(stored.get(F.PEOPLE) or ()),
            organizations=tuple(stored.get(F.ORGANIZATIONS) or ()),
            places=tuple(stored.get(F.PLACES) or ()),
            topics=tuple(stored.get(F.TOPICS) or ()),
            score=round(float(evaluation.score[docnum]), 4) if evaluation else 0.0,
            title_fragments=highlight_whole(title, terms.get(F.TITLE, set())),
            snippet=snippet(body, terms.get(F.BODY, set())),
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
        if q.strip():
            try:
                evaluation = self._evaluate(snap, q, Budget(self.budget_seconds))
                terms = evaluation.highlight if evaluation else {}
            except SearchRequestError:
                terms = {}
        body = stored.get(F.BODY) or ""
        title = stored.get(F.TITLE) or ""
        paragraphs = tuple(
            highlight_whole(p, terms.get(F.BODY, set())) for p in body.split("\n\n") if p.strip()
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
            origin=stored.get(F.ORIGIN, ""),
            people=tuple(stored.get(F.PEOPLE) or ()),
            organizations=tuple(stored.get(F.ORGANIZATIONS) or ()),
            places=tuple(stored.get(F.PLACES) or ()),
            topics=tuple(stored.get(F.TOPICS) or ()),
            paragraphs=paragraphs,
            title_fragments=highlight_whole(title, terms.get(F.TITLE, set())),
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

    # -- export and statistics ----------------------------------------------------------

    def export(self, request: SearchRequest, limit: int) -> Iterator[Hit]:
        """The whole result set of ``request`` in order (up to ``limit``), no snippets."""
        snap = self._current()
        evaluation = self._evaluate(snap, request.q, Budget(self.budget_seconds))
        base, selections = self._result_mask(snap, request, evaluation)
        for mask in selections.values():
            base &= mask
        for doc in self._order(snap, base, evaluation, request.sort, limit):
            hit = self._hit(snap, int(doc), evaluation, {})
            yield Hit(
                **{**_hit_fields(hit), "snippet": (), "title_fragments": (Fragment(hit.title),)}
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


def _group_df(snap: Snapshot, evaluator: Evaluator, word: str) -> int:
    """Documents with ``word`` or one of its stem variants (an upper bound)."""
    vocab = snap.vocabulary(F.BODY)
    return sum(vocab.frequency(v) for v in evaluator.variants(F.BODY, word))


__all__ = ["FacetValue", "SearchService"]
