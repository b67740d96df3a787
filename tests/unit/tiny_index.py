"""A real index of a handful of articles, built in the test, for the numpy engine's unit tests.

The index is written the way ``newsearch index`` writes it (worker segments
from :class:`~indexer.writer.SegmentBuilder`, committed by the lock-holding
:class:`~indexer.writer.ParentWriter`), so the engine reads the same files as
in production; with ``segments=2`` the articles are split over two segments,
which exercises the per-segment offsets.

Every figure a test checks by hand comes from :data:`ARTICLES`: the analyzed
words of each body are listed in :data:`BODY_WORDS` (stop words dropped).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from indexer.model import Article
from indexer.search.snapshot import Snapshot
from indexer.store import open_generation
from indexer.writer import SegmentBuilder, index_lock, open_writable, parent_writer


def article(n: int, title: str, body: str, date: str | None, **facets: object) -> Article:
    return Article(
        id=f"doc-{n}",
        title=title,
        body=body,
        origin=f"/tiny/{n}.txt",
        path=f"/tiny/{n}.txt",
        date=date,
        **facets,  # type: ignore[arg-type]
    )


ARTICLES: tuple[Article, ...] = (
    article(
        0,
        "Oil prices climb",
        "Crude oil prices climbed in Vienna as oil ministers met",
        "1987-03-02T10:00:00",
        dateline="Vienna",
        people=("Rilwanu Lukman",),
        places=("Austria",),
        topics=("crude",),
        source="Reuters",
    ),
    article(
        1,
        "Coffee talks",
        "Coffee quota talks in London failed, traders said; oil was quiet",
        "1987-03-15T10:00:00",
        dateline="London",
        places=("United Kingdom",),
        topics=("coffee",),
        source="Reuters",
    ),
    article(
        2,
        "Bank of England",
        "The Bank of England cut interest rates again",
        "1987-04-01T10:00:00",
        dateline="London",
        organizations=("Bank of England",),
        places=("United Kingdom",),
        topics=("money-fx", "interest"),
        source="Reuters",
    ),
    article(
        3,
        "Rates steady",
        "Interest rose and rates were steady, the bank said",
        None,
        topics=("interest",),
        source="Wire",
    ),
    article(
        4,
        "Exporters",
        "Exporters said exports of cocoa and petroleum rose",
        "1988-01-10T10:00:00",
        dateline="Accra",
        places=("Ghana",),
        topics=("cocoa",),
        source="Wire",
    ),
)

#: Each body's terms as the text analyzer makes them (no stop words).
BODY_WORDS: tuple[tuple[str, ...], ...] = (
    ("crude", "oil", "prices", "climbed", "vienna", "oil", "ministers", "met"),
    ("coffee", "quota", "talks", "london", "failed", "traders", "said", "oil", "quiet"),
    ("bank", "england", "cut", "interest", "rates", "again"),
    ("interest", "rose", "rates", "steady", "bank", "said"),
    ("exporters", "said", "exports", "cocoa", "petroleum", "rose"),
)


def build_index(root: Path, articles: Sequence[Article] = ARTICLES, segments: int = 1) -> str:
    """Index ``articles`` into ``root`` in ``segments`` commits (not merged); return ``root``."""
    directory = str(root)
    per_segment = -(-len(articles) // segments)
    with index_lock(directory, timeout=5):
        ix, ix_dir = open_writable(directory)
        for first in range(0, len(articles), per_segment):
            builder = SegmentBuilder(ix_dir)
            for item in articles[first : first + per_segment]:
                builder.add(item, f"key-{item.id}")
            built = builder.finish()
            parent_writer(ix).commit_with(built, merge=False)
    return directory


def open_snapshot(root: str) -> Snapshot:
    """A :class:`Snapshot` of the current generation (close it after use)."""
    ix, version = open_generation(root)
    return Snapshot(ix, version)
