"""How many stories a result set holds, and from when to when: one batch line.

Journalists check a list of names against an archive (Datashare's batch
search): for each name, how many stories mention it and over which period.
That needs no ranking, snippets or facets, only the result mask, so a line
costs the evaluation of its query and two reductions over the date column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from indexer import schema as F
from indexer.search.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class Tally:
    """A result set in brief: its size and its first and last dated story (ISO days)."""

    total: int
    first_date: str | None
    last_date: str | None


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """One tally per batch line in the order given; ``None`` for lines left unfinished."""

    tallies: tuple[Tally | None, ...]
    generation: int
    took_ms: float = 0.0


def tally_of(snap: Snapshot, mask: np.ndarray) -> Tally:
    """The :class:`Tally` of the documents in ``mask``."""
    stamps = snap.date_ts[mask & (snap.date_ts != F.UNDATED)]
    if not len(stamps):
        return Tally(int(mask.sum()), None, None)
    return Tally(int(mask.sum()), _iso_day(int(stamps.min())), _iso_day(int(stamps.max())))


def _iso_day(stamp: int) -> str:
    return datetime.fromtimestamp(stamp, UTC).date().isoformat()
