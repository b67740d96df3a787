"""Which segments a commit merges: tiers by size, with a ceiling on any one merge.

Whoosh's default policy (``MERGE_SMALL``) sorts the segments by size and
merges every segment up to the first point where their running total falls
below a Fibonacci number of the segment's rank. With a few dozen segments the
threshold passes two million documents, so on a large index an ordinary
commit (a 1,000-story incremental run) can decide to rewrite the whole index:
a stall of minutes while the writer lock is held.

This policy is the usual log-structured one (as in Lucene's tiered merging):

* a segment's *tier* is the order of magnitude of its live documents in base
  ``factor`` (1-9 docs, 10-99, 100-999 ... with the default factor 10);
* a commit merges at most one group: the ``factor`` smallest segments of the
  lowest tier that has ``factor`` of them, so segments are merged with
  segments of their own size and every document is rewritten about once per
  tier (``log(N)`` times in all, not ``N / batch`` times);
* no merge reads more than ``max_merge_docs`` documents, and a segment that
  already has that many is never merged again: the cost of one commit is
  bounded however large the index grows, and big segments stay as they are
  (their files, and any per-segment arrays written beside them, stay valid).

The segment count stays bounded too: fewer than ``factor`` per tier below
the ceiling, plus about ``N / (max_merge_docs / 2)`` segments at it.

A commit's merge is also held to a **budget proportional to what it adds**:
at most ``budget_ratio`` times the stories of the commit (never less than
``min_budget``). Without it, the one 1,000-story run in several hundred that
completed a tier of ~25k segments merged 250,000 stories (~5 CPU-minutes
holding the writer lock at 100x) for 1,000 stories of its own; with it, a
run's commit costs at most ~``budget_ratio`` times its own indexing, and a
big merge waits for a big run (a batch of the first build, a re-index, a
large import: their 64 MB commits of ~50k stories have a budget above the
ceiling). A tier that a small run cannot merge within its budget merges its
smallest members that fit, so small segments keep being folded together;
what waits is only the merge into the next tier, and only while fewer than
``MAX_WAITING_SEGMENTS`` segments are below the ceiling: past that, the
budget is lifted (the ceiling remains), so an index that only ever gets
small runs keeps a bounded segment count and pays the big merge anyway.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

#: Segments of one tier merged together (and the base of the tiers).
MERGE_FACTOR = 10
#: Most documents one merge may read. A Whoosh merge rewrites every
#: posting in Python and costs nearly what indexing the stories did: the
#: 232k-story merges of the 100x build took 4.5-6.5 minutes each on two
#: cores shared with a loaded machine (load 30-50). This bounds the worst
#: commit. With 1,000-story runs, one run in ten merges ~10k stories, one
#: in a hundred ~100k, one in a thousand reaches the ceiling; the others
#: merge nothing.
MAX_MERGE_DOCS = 250_000
MAX_MERGE_DOCS_ENV = "NEWSEARCH_MAX_MERGE_DOCS"
#: A commit merges at most this many times the stories it adds...
MERGE_BUDGET_RATIO = 25
#: ... and may always merge this many (small runs still fold their segments).
MIN_MERGE_BUDGET = 10_000
#: Segments below the ceiling beyond which a commit's budget is lifted (the
#: ceiling still holds): what waits for a big run must not grow without end.
MAX_WAITING_SEGMENTS = 60


def tier(docs: int, factor: int = MERGE_FACTOR) -> int:
    """Order of magnitude of ``docs`` in base ``factor`` (0 for 0-``factor - 1``)."""
    level = 0
    docs = max(docs, 1)
    while docs >= factor:
        docs //= factor
        level += 1
    return level


@dataclass(frozen=True, slots=True)
class TieredMerge:
    """A Whoosh merge policy: ``policy(writer, segments)`` merges and returns the rest."""

    factor: int = MERGE_FACTOR
    max_merge_docs: int = MAX_MERGE_DOCS
    #: Most documents this commit's merge may read (see :func:`budget_for`);
    #: None: only the ceiling.
    budget: int | None = None
    #: Writes the merged segment of the chosen ones and returns it
    #: (``merger(writer, segments)``, see :func:`indexer.writer.concat_merge`);
    #: None: Whoosh's own merge (``add_reader``, which re-sorts every posting).
    merger: Callable[[Any, list[Any]], Any] | None = None

    def choose(self, sizes: Sequence[tuple[int, int]]) -> list[int]:
        """Indexes of the segments to merge, given ``(live, all)`` documents of each.

        Pure (no index needed), so the policy itself is testable on numbers.
        Returns an empty list when nothing should be merged.
        """
        cap = self.max_merge_docs
        waiting = sum(1 for _, total in sizes if total < self.max_merge_docs)
        if self.budget is not None and waiting <= MAX_WAITING_SEGMENTS:
            cap = min(self.budget, self.max_merge_docs)
        tiers: dict[int, list[int]] = {}
        for i, (live, total) in enumerate(sizes):
            if total >= self.max_merge_docs:
                continue  # at the ceiling: never rewritten again
            tiers.setdefault(tier(live, self.factor), []).append(i)
        for level in sorted(tiers):
            members = sorted(tiers[level], key=lambda i: sizes[i][1])
            if len(members) < self.factor:
                continue
            chosen: list[int] = []
            reads = 0
            for i in members[: self.factor]:
                if reads + sizes[i][1] > cap:
                    break
                chosen.append(i)
                reads += sizes[i][1]
            if len(chosen) >= 2:
                return chosen
        return []

    def __call__(self, writer: Any, segments: list[Any]) -> list[Any]:
        # A segment whose documents are all deleted is simply left out of
        # the new table of contents (its files are cleaned with the others).
        kept = [segment for segment in segments if segment.doc_count() > 0]
        chosen = set(self.choose([(s.doc_count(), s.doc_count_all()) for s in kept]))
        rest = [segment for i, segment in enumerate(kept) if i not in chosen]
        if chosen and self.merger is not None:
            return [*rest, self.merger(writer, [kept[i] for i in sorted(chosen)])]
        whoosh_merge(writer, [kept[i] for i in sorted(chosen)])
        return rest


def whoosh_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge ``segments`` with Whoosh's own merge (``add_reader``); none is left apart.

    A merge policy of its own (every segment merged) and the reference the
    merge by concatenation is compared with (``bench/merge_speed.py``, its tests).
    """
    from whoosh.reading import SegmentReader

    for segment in segments:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return []


def budget_for(added: int) -> int:
    """Most documents a commit adding ``added`` stories may merge."""
    return max(MIN_MERGE_BUDGET, MERGE_BUDGET_RATIO * added)


def default_policy(
    added: int | None = None, merger: Callable[[Any, list[Any]], Any] | None = None
) -> TieredMerge:
    """The policy a commit adding ``added`` stories uses (None: no budget, the ceiling only).

    ``NEWSEARCH_MAX_MERGE_DOCS`` overrides the ceiling; ``merger`` writes
    the merged segment (None: Whoosh's merge).
    """
    ceiling = os.environ.get(MAX_MERGE_DOCS_ENV)
    budget = None if added is None else budget_for(added)
    if ceiling:
        return TieredMerge(max_merge_docs=int(ceiling), budget=budget, merger=merger)
    return TieredMerge(budget=budget, merger=merger)
