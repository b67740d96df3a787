"""Relevance benchmark: newsearch's ranking against plain Whoosh BM25F on Reuters-21578.

Judgments come from the corpus itself. For every TOPICS category with at
least ``MIN_DOCS`` labelled documents, a query is written from the
category's plain-language description in ``cat-descriptions_120396.txt``
("Money/Foreign Exchange (MONEY-FX)" -> ``money foreign exchange``); a
commodity code without a description is read as the plain word ("COCOA" ->
``cocoa``). The relevant documents are those labelled with the topic, read
from the SGML files here (by NEWID; the index id is ``reuters-<NEWID>``),
not from the index. Neither system searches the topics field: newsearch's
default fields are title and body, and the queries use no ``topic:``.

Queries are derived mechanically (see :func:`mechanical_query`): the
description (or the code) with ``/`` and ``-`` read as spaces, analyzed by
the index's own analyzer (lower case, stop words dropped), duplicates
dropped. :data:`OVERRIDES` lists the few hand-written queries and why.

Two systems are run in the same process over the same index:

* **newsearch**: :class:`SearchService` with a :class:`Ranking` (the
  defaults, or ``--set name=value``), through its public ``export`` call,
  which returns the same order as ``search`` pages;
* **baseline**: Whoosh's own searcher with ``BM25F()`` at its default
  parameters (K1=1.2, B=0.75) over the ``body`` field only, via
  ``QueryParser("body", schema, group=...)``.

Both use the same query semantics, ``--semantics``:

* ``and`` (default, newsearch's product default): all words required
  (``AndGroup``); when no document has them all, any word (``OrGroup``),
  which is exactly what the search service does with a notice;
* ``or``: any word (``OrGroup``; for newsearch the words joined by ``OR``).

Measures, with binary relevance: nDCG@10, P@10, MAP over the top
``DEPTH`` (average precision divided by *all* relevant documents, so a
document missing from the top 1000 counts as a miss) and recall@100; the
mean over queries and per query.

A second query set, ``--journalist`` (issue 11): the 121 short queries of
``evaluation/journalist_queries.py``, written the way reporters type (2-4 words,
no operators, their own words, some names, some misspellings), judged by
the corpus's hand-assigned TOPICS, PEOPLE and ORGS codes. It compares
newsearch (the query as typed, as the results page runs it) against plain
Whoosh BM25F over title and body (``MultifieldParser``) with ``AndGroup``
and with ``OrGroup``, with no fallback, and prints the gain over the better
of the two and, with ``--markdown``, the per-query table of RESULTS.md.

Usage::

    .venv/bin/python bench/relevance.py --index /tmp/relevance-index
    .venv/bin/python bench/relevance.py --index DIR --set title_weight=3 --set b=0.5
    .venv/bin/python bench/relevance.py --index DIR --semantics or
    .venv/bin/python bench/relevance.py --index DIR --semantics both   # AND against OR
    .venv/bin/python bench/relevance.py --index DIR --sweep      # the RESULTS.md experiments
    .venv/bin/python bench/relevance.py --index DIR --journalist --markdown

The index is built from the corpus when ``--index`` holds none yet. The
judgments, rankers and measures are in :mod:`evaluation.relevance`, shared
with ``tests/integration/test_ranking.py``, so the test and this report
measure the same way.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.relevance import (  # noqa: E402
    DEFAULT_CORPUS,
    DEFAULT_INDEX,
    MIN_DOCS,
    SEMANTICS,
    Scores,
    TitleBodyBaseline,
    Topic,
    build_journalist,
    build_topics,
    compare,
    ensure_index,
    indexed_ids,
    newsearch_ranker,
    parse_ranking,
    run,
)
from indexer.search.evaluate import Ranking  # noqa: E402
from indexer.search.service import SearchService  # noqa: E402


def _row(label: str, s: Scores, width: int = 40) -> str:
    return f"{label:<{width}} {s.ndcg10:7.3f} {s.p10:7.3f} {s.ap:7.3f} {s.r100:7.3f}"


def _subset(
    scores: dict[str, Scores], topics: Sequence[Topic], keep: Callable[[Topic], bool]
) -> tuple[Scores, int]:
    """Mean scores over the topics ``keep`` selects, and how many there were."""
    chosen = [scores[t.code] for t in topics if keep(t)]
    return Scores.mean(chosen), len(chosen)


#: Query-length groups of the summary (a product default must not make
#: one-word or two-word queries worse to help long ones).
GROUPS: list[tuple[str, Callable[[Topic], bool]]] = [
    ("all", lambda t: True),
    ("one word", lambda t: t.words == 1),
    ("two words", lambda t: t.words == 2),
    ("3+ words", lambda t: t.words > 2),
]


def print_summary(
    topics: Sequence[Topic],
    systems: dict[str, dict[str, Scores]],
    comparisons: Sequence[tuple[str, str]] = (),
) -> None:
    """Means per system and query-length group, then each compared pair's differences."""
    print(f"{'':<40} {'nDCG@10':>7} {'P@10':>7} {'MAP':>7} {'R@100':>7}")
    for group, keep in GROUPS:
        for name, scores in systems.items():
            mean, n = _subset(scores, topics, keep)
            print(_row(f"{name} ({group}, {n})", mean))
    for first, second in comparisons:
        a, b = (Scores.mean(list(systems[n].values())) for n in (first, second))
        diff = Scores(a.ndcg10 - b.ndcg10, a.p10 - b.p10, a.ap - b.ap, a.r100 - b.r100)
        print(f"\n{first} - {second}:")
        print(_row("  difference (all)", diff).replace(" -0.000", "  0.000"))
        if b.ndcg10:
            print(f"  nDCG@10 ratio: {a.ndcg10 / b.ndcg10:.3f}")
        pairs = [(systems[first][t.code].ndcg10, systems[second][t.code].ndcg10) for t in topics]
        wins = sum(x > y + 1e-9 for x, y in pairs)
        losses = sum(y > x + 1e-9 for x, y in pairs)
        print(
            f"  nDCG@10 per query: better on {wins}, worse on {losses}, "
            f"equal on {len(pairs) - wins - losses}"
        )


def print_per_query(topics: Sequence[Topic], systems: dict[str, dict[str, Scores]]) -> None:
    """One line per query: its size and every system's four measures."""
    names = list(systems)
    head = "  ".join(f"{n[:31]:^31}" for n in names)
    print(f"\n{'topic':<24} {'query':<32} {'rel':>5}  {head}")
    sub = "  ".join(f"{'nDCG':>7} {'P@10':>7} {'AP':>7} {'R@100':>7}" for _ in names)
    print(f"{'':<24} {'':<32} {'':>5}  {sub}")
    for t in topics:
        cells = "  ".join(
            "{:>7.3f} {:>7.3f} {:>7.3f} {:>7.3f}".format(*_values(systems[n][t.code]))
            for n in names
        )
        mark = "*" if t.override else " "
        print(f"{t.code:<24} {mark}{t.query[:31]:<31} {len(t.relevant):>5}  {cells}")
    print("\n* hand-written query (see OVERRIDES in bench/relevance.py)")


def print_markdown(topics: Sequence[Topic], systems: dict[str, dict[str, Scores]]) -> None:
    """Per-query nDCG@10 and P@10 of every system as a Markdown table (RESULTS.md)."""
    names = list(systems)
    head = " | ".join(f"{n} nDCG@10 | {n} P@10" for n in names)
    print(f"\n| query | judged by | note | rel | {head} |")
    print("|---|---|---|---:|" + "---:|" * (2 * len(names)))
    for t in topics:
        cells = " | ".join(
            f"{systems[n][t.code].ndcg10:.3f} | {systems[n][t.code].p10:.1f}" for n in names
        )
        judge = t.code.split(" ", 1)[-1]
        print(f"| {t.query} | {judge} | {t.description or ''} | {len(t.relevant)} | {cells} |")


def _values(s: Scores) -> tuple[float, float, float, float]:
    return (s.ndcg10, s.p10, s.ap, s.r100)


# -- experiments -----------------------------------------------------------------------

#: The ranking before any tuning (commit 9700144), spelled out in full so
#: that the sweep reproduces the recorded figures whatever the defaults are.
ORIGINAL: dict[str, Any] = {
    "k1": 1.2,
    "b": 0.75,
    "title_weight": 2.0,
    "variant_weight": 0.9,
    "min_variant_length": 4,
    "proximity_boost": 0.0,
    "coordination": 0.0,
}
#: What was kept: see bench/RESULTS.md.
CHOSEN: dict[str, Any] = {
    **ORIGINAL,
    "b": 0.3,
    "title_weight": 1.0,
    "variant_weight": 0.5,
    "min_variant_length": 3,
    "proximity_boost": 0.5,
    "proximity_window": 8,
    "coordination": 1.0,
}
_TUNED = {**ORIGINAL, "title_weight": 1.0, "b": 0.3}

#: The experiments recorded in bench/RESULTS.md: (label, semantics, Ranking).
EXPERIMENTS: list[tuple[str, str, dict[str, Any]]] = [
    ("original defaults", "and", ORIGINAL),
    *[(f"title_weight={w}", "and", {**ORIGINAL, "title_weight": w}) for w in (0.0, 0.5, 1.0, 3.0)],
    *[(f"title_weight=1 b={b}", "and", {**_TUNED, "b": b}) for b in (0.0, 0.3, 0.5)],
    *[(f"title_weight=1 b=0.3 k1={k}", "and", {**_TUNED, "k1": k}) for k in (0.8, 1.6, 2.0)],
    *[(f"+ variant_weight={v}", "and", {**_TUNED, "variant_weight": v}) for v in (0.2, 0.5, 1.0)],
    ("+ min_variant_length=3", "and", {**_TUNED, "min_variant_length": 3}),
    *[
        (f"+ proximity_boost={p} window={w}", "and", {**_TUNED, "proximity_boost": p, **win})
        for p, w, win in (
            (0.25, 8, {}),
            (0.5, 8, {}),
            (1.0, 8, {}),
            (0.5, 4, {"proximity_window": 4}),
            (0.5, 16, {"proximity_window": 16}),
        )
    ],
    *[
        (f"+ recency_weight={r} half-life={h}d", "and", {**_TUNED, "recency_weight": r, **hl})
        for r, h, hl in (
            (0.1, 30, {}),
            (0.3, 30, {}),
            (0.3, 90, {"recency_half_life": 90}),
        )
    ],
    ("OR", "or", _TUNED),
    *[(f"OR + coordination={c}", "or", {**_TUNED, "coordination": c}) for c in (1.0, 2.0)],
    (
        "OR + coordination=1 + proximity 0.5",
        "or",
        {**_TUNED, "coordination": 1.0, "proximity_boost": 0.5},
    ),
    ("chosen (AND with fallback)", "and", CHOSEN),
    ("chosen, OR semantics", "or", CHOSEN),
]


def sweep(index_dir: str, topics: Sequence[Topic]) -> None:
    """Run every entry of :data:`EXPERIMENTS` and print its overall figures."""
    print(f"{'experiment':<44} {'nDCG@10':>7} {'P@10':>7} {'MAP':>7} {'R@100':>7}")
    for label, semantics, settings in EXPERIMENTS:
        ranking = replace(Ranking(), **settings)
        service = SearchService(index_dir, ranking=ranking)
        try:
            scores = run(newsearch_ranker(service, semantics), topics)
        finally:
            service.close()
        print(_row(label, Scores.mean(list(scores.values())), 44), flush=True)


# -- command line ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default=DEFAULT_INDEX, help="index directory (built if empty)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="Ranking parameter"
    )
    parser.add_argument(
        "--semantics",
        choices=(*SEMANTICS, "both"),
        default="and",
        help="and: AND with OR fallback (the product default); or; both: compare them",
    )
    parser.add_argument("--sweep", action="store_true", help="run the recorded experiments")
    parser.add_argument(
        "--journalist",
        action="store_true",
        help="the journalist query set (evaluation/journalist_queries.py) against plain Whoosh "
        "BM25F over title+body with AND and with OR grouping",
    )
    parser.add_argument("--markdown", action="store_true", help="per-query table in Markdown")
    parser.add_argument("--quiet", action="store_true", help="no per-query table")
    args = parser.parse_args(argv)

    ensure_index(args.index, args.corpus)
    if args.journalist:
        return journalist(args)
    topics = build_topics(args.corpus, indexed_ids(args.index))
    print(f"Reuters-21578: {len(topics)} topics with >= {MIN_DOCS} documents")
    if args.sweep:
        sweep(args.index, topics)
        return 0
    ranking = parse_ranking(args.set)
    print(f"newsearch: {ranking}")
    print("baseline: Whoosh BM25F(B=0.75, K1=1.2) over body")
    started = time.perf_counter()
    semantics = SEMANTICS if args.semantics == "both" else (args.semantics,)
    systems = compare(args.index, ranking, topics, semantics)
    if len(semantics) == 1:
        print(f"semantics: {semantics[0]}")
        comparisons = [("newsearch", "baseline")]
    else:
        comparisons = [
            ("newsearch AND", "baseline AND"),
            ("newsearch OR", "baseline OR"),
            ("newsearch OR", "newsearch AND"),
        ]
    print_summary(topics, systems, comparisons)
    if not args.quiet:
        print_per_query(topics, systems)
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


def journalist(args: argparse.Namespace) -> int:
    """The issue-11 report: the journalist set, newsearch against plain Whoosh AND and OR."""
    queries = build_journalist(args.corpus, indexed_ids(args.index))
    print(f"journalist set: {len(queries)} queries")
    ranking = parse_ranking(args.set)
    print(f"newsearch: {ranking} (queries as typed)")
    print("baselines: Whoosh BM25F(B=0.75, K1=1.2), MultifieldParser title+body, And/OrGroup")
    started = time.perf_counter()
    service = SearchService(args.index, ranking=ranking)
    systems: dict[str, dict[str, Scores]] = {}
    try:
        systems["newsearch"] = run(newsearch_ranker(service, "and"), queries)
    finally:
        service.close()
    for name in SEMANTICS:
        baseline = TitleBodyBaseline(args.index, name)
        try:
            systems[f"whoosh {name.upper()}"] = run(baseline, queries)
        finally:
            baseline.close()
    groups = [
        ("all", lambda t: True),
        ("topics", lambda t: t.code.split()[1].startswith("topic:")),
        ("names", lambda t: "name" in (t.description or "")),
        ("typos", lambda t: "typo" in (t.description or "")),
    ]
    print(f"{'':<40} {'nDCG@10':>7} {'P@10':>7} {'MAP':>7} {'R@100':>7}")
    for group, keep in groups:
        for name, scores in systems.items():
            mean, n = _subset(scores, queries, keep)
            print(_row(f"{name} ({group}, {n})", mean))
    means = {name: Scores.mean(list(scores.values())) for name, scores in systems.items()}
    best = max(("whoosh AND", "whoosh OR"), key=lambda n: means[n].ndcg10)
    gain = means["newsearch"].ndcg10 / means[best].ndcg10 - 1 if means[best].ndcg10 else 0.0
    print(f"\nnewsearch vs the better baseline ({best}): nDCG@10 {gain:+.1%}")
    for other in ("whoosh AND", "whoosh OR"):
        pairs = [
            (systems["newsearch"][t.code].ndcg10, systems[other][t.code].ndcg10) for t in queries
        ]
        wins = sum(x > y + 1e-9 for x, y in pairs)
        losses = sum(y > x + 1e-9 for x, y in pairs)
        print(f"  per query against {other}: better on {wins}, worse on {losses}")
    if args.markdown:
        print_markdown(queries, systems)
    elif not args.quiet:
        print_per_query(queries, systems)
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
