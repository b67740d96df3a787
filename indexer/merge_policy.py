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
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Segments of one tier merged together (and the base of the tiers).
MERGE_FACTOR = 10
#: Most documents one merge may read. Whoosh merges at roughly 10-20k
#: Reuters stories per second on this class of machine, so this bounds
#: the merge part of a commit to tens of seconds at worst.
MAX_MERGE_DOCS = 250_000
MAX_MERGE_DOCS_ENV = "NEWSEARCH_MAX_MERGE_DOCS"


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

    def choose(self, sizes: Sequence[tuple[int, int]]) -> list[int]:
        """Indexes of the segments to merge, given ``(live, all)`` documents of each.

        Pure (no index needed), so the policy itself is testable on numbers.
        Returns an empty list when nothing should be merged.
        """
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
                if reads + sizes[i][1] > self.max_merge_docs:
                    break
                chosen.append(i)
                reads += sizes[i][1]
            if len(chosen) >= 2:
                return chosen
        return []

    def __call__(self, writer: Any, segments: list[Any]) -> list[Any]:
        from whoosh.reading import SegmentReader

        # A segment whose documents are all deleted is simply left out of
        # the new table of contents (its files are cleaned with the others).
        kept = [segment for segment in segments if segment.doc_count() > 0]
        chosen = set(self.choose([(s.doc_count(), s.doc_count_all()) for s in kept]))
        for i in sorted(chosen):
            reader = SegmentReader(writer.storage, writer.schema, kept[i])
            writer.add_reader(reader)
            reader.close()
        return [segment for i, segment in enumerate(kept) if i not in chosen]


def default_policy() -> TieredMerge:
    """The policy commits use; ``NEWSEARCH_MAX_MERGE_DOCS`` overrides the ceiling."""
    ceiling = os.environ.get(MAX_MERGE_DOCS_ENV)
    return TieredMerge(max_merge_docs=int(ceiling)) if ceiling else TieredMerge()
