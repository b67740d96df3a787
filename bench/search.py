"""Full search response latency: newsearch against a naive plain-Whoosh baseline.

Usage::

    .venv/bin/python bench/search.py               # Reuters-21578
    .venv/bin/python bench/search.py --tenfold     # the 10x corpus (215,780 stories)
    .venv/bin/python bench/search.py --index /work/bench-data/reuters-100x-index \
        --name reuters-100x --no-baseline            # an index built elsewhere (100x)
    .venv/bin/python bench/search.py --no-baseline --evaluation both   # dense vs sparse

Each request is what ``/api/search`` returns, serialized to JSON: the top 10
with highlighted snippets, every facet's counts, the timeline histogram and
the spelling suggestion. The query set (``QUERIES``) mixes single terms,
several terms, phrases, boolean queries, field queries, prefixes and fuzzy
terms, with and without date ranges and facet selections.

The naive baseline is Whoosh used as its documentation shows: a
``MultifieldParser``, ``filter=DateRange(...)``, ``groupedby=`` facets with
``allow_overlap``, a ``DateRangeFacet`` histogram, default highlighting and
``correct_query``, on a plain-Whoosh index of the same articles.

``--evaluation`` forces newsearch's evaluation path (``dense``, ``sparse``;
default ``auto``, the service's own choice). ``both`` measures the two paths
in the same run, each request on one path then the other, so that both see
the same machine load, then the query evaluation alone on each path, by the
share of the corpus the query's leaves touch (what the automatic choice
looks at).

Both run the whole set once to warm up (caches, OS page cache), then
``--passes`` measured passes; percentiles are over all measured requests.
Figures are printed and written to ``bench/out/search-<corpus>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from calibrate import describe
from corpora import OUT, baseline_index, newsearch_index, reuters_files, tenfold_files

WORDS = (
    "oil coffee cocoa gold wheat sugar dollar yen bank rates trade tariffs opec strike "
    "merger earnings dividend shares profit inflation unemployment exports copper "
    "shipping bonds"
).split()
MULTI = [
    "oil prices",
    "interest rates",
    "trade deficit",
    "coffee quotas",
    "bank of japan",
    "crude oil output",
    "stock market",
    "money supply",
    "grain exports",
    "federal reserve",
    "net profit rose",
    "tax reform",
    "debt crisis",
    "gold prices fell",
    "takeover bid",
    "sugar tender",
    "wheat harvest",
    "currency markets",
    "oil minister said",
    "first quarter earnings",
]
PHRASES = [
    '"interest rates"',
    '"trade deficit"',
    '"bank of england"',
    '"crude oil"',
    '"money supply"',
    '"federal reserve"',
    '"stock exchange"',
    '"net profit"',
    '"world bank"',
    '"european community"',
    '"oil prices"',
    '"trade surplus"',
    '"west germany"',
    '"share offering"',
    '"interest rates"~3',
]
BOOLEAN = [
    "oil AND opec",
    "coffee OR cocoa",
    "oil NOT opec",
    "(wheat OR corn) AND exports",
    "gold AND silver",
    "yen OR dollar",
    "bank AND NOT japan",
    "merger OR acquisition",
    "(sugar OR cocoa) AND prices",
    "strike AND union",
]
FIELDS = [
    "title:oil",
    "title:coffee",
    "title:merger",
    "place:japan",
    "place:canada",
    "person:reagan",
    "person:volcker",
    "organization:opec",
    "dateline:london",
    "title:bank rates",
]
PREFIX = ["oil*", "coff*", "export*", "bank*", "infla*", "merg*", "divid*", "tarif*"]
FUZZY = ["cofee~", "inflaton~", "petrolium~2", "exprts~", "shippng~", "tarrifs~", "dolar~"]
MONTHS = [("1987-03-01", "1987-03-31"), ("1987-04-01", "1987-04-30"), ("1987-06-01", "1987-08-31")]
FACET_SELECTIONS = [
    {"place": ["United States"]},
    {"topic": ["Grain"]},
    {"place": ["Japan"], "topic": ["Money/Foreign Exchange"]},
    {"organization": ["OPEC"]},
    {"dateline": ["London"]},
]


def query_set() -> list[tuple[str, dict[str, list[str]]]]:
    """(class, parameters) for every request of the benchmark, in a fixed order."""
    base: list[tuple[str, str]] = (
        [("single", w) for w in WORDS]
        + [("multi", q) for q in MULTI]
        + [("phrase", q) for q in PHRASES]
        + [("boolean", q) for q in BOOLEAN]
        + [("field", q) for q in FIELDS]
        + [("prefix", q) for q in PREFIX]
        + [("fuzzy", q) for q in FUZZY]
    )
    requests = [(cls, {"q": [q]}) for cls, q in base]
    for i, (cls, q) in enumerate(base[::3]):
        start, end = MONTHS[i % len(MONTHS)]
        requests.append((f"{cls}+date", {"q": [q], "from": [start], "to": [end]}))
    for i, (cls, q) in enumerate(base[1::4]):
        requests.append((f"{cls}+facet", {"q": [q], **FACET_SELECTIONS[i % len(FACET_SELECTIONS)]}))
    return requests


# -- newsearch ------------------------------------------------------------------------


def newsearch_runner(index_dir: str) -> Callable[[dict[str, list[str]]], str]:
    from indexer.errors import SearchBudgetError
    from indexer.search.presenter import search_json
    from indexer.search.request import parse_search_params
    from indexer.search.service import SearchService

    service = SearchService(index_dir)

    def run(params: dict[str, list[str]]) -> str:
        try:
            return json.dumps(search_json(service.search(parse_search_params(params))))
        except SearchBudgetError:
            # What a user gets then is a 503 after the budget: counted and
            # timed as such, never dropped from the sample.
            REFUSED.append(" ".join(params.get("q", [])))
            return ""

    return run


#: Queries the service refused as over its CPU budget (warm-up included).
REFUSED: list[str] = []


# -- the naive baseline -----------------------------------------------------------------

BASELINE_FACETS = {
    "dateline": "dateline",
    "person": "people",
    "organization": "organizations",
    "place": "places",
    "topic": "topics",
    "source": "source",
}


def baseline_runner(index_dir: str) -> Callable[[dict[str, list[str]]], str]:
    from whoosh import index, qparser, sorting
    from whoosh import query as wq
    from whoosh.support.relativedelta import relativedelta

    ix = index.open_dir(index_dir)
    searcher = ix.searcher()
    fieldnames = {"title": "title", **BASELINE_FACETS}
    parser = qparser.MultifieldParser(["title", "body"], ix.schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    # The histogram spans the corpus's own months, as an application would
    # set it up once at start-up.
    dates = [f["date"] for f in searcher.all_stored_fields() if f.get("date")]
    first = min(dates).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last = max(dates).replace(day=28) + relativedelta(days=4)

    def run(params: dict[str, list[str]]) -> str:
        text = params["q"][0]
        for alias, field in fieldnames.items():
            text = text.replace(f"{alias}:", f"{field}:")
        q = parser.parse(text)
        filters = []
        if "from" in params:
            start = datetime.fromisoformat(params["from"][0])
            end = datetime.fromisoformat(params["to"][0]).replace(hour=23, minute=59)
            filters.append(wq.DateRange("date", start, end))
        for name, field in BASELINE_FACETS.items():
            if name in params:
                filters.append(wq.Or([wq.Term(field, v) for v in params[name]]))
        facets = {
            name: sorting.FieldFacet(field, allow_overlap=True, maptype=sorting.Count)
            for name, field in BASELINE_FACETS.items()
        }
        facets["histogram"] = sorting.DateRangeFacet(
            "date", first, last, relativedelta(months=1), maptype=sorting.Count
        )
        results = searcher.search(
            q,
            limit=10,
            filter=wq.And(filters) if filters else None,
            groupedby=facets,
            terms=True,
        )
        hits = []
        for hit in results[:10]:
            hits.append(
                {
                    "id": hit["id"],
                    "title": hit.highlights("title") or hit["title"],
                    "snippet": hit.highlights("body", top=3),
                    "score": hit.score,
                }
            )
        groups = {name: results.groups(name) for name in facets}
        corrected = searcher.correct_query(q, text)
        body = {
            "query": params["q"][0],
            "total": len(results),
            "hits": hits,
            "facets": {
                name: sorted(((str(k), v) for k, v in g.items()), key=lambda kv: -kv[1])[:10]
                for name, g in groups.items()
                if name != "histogram"
            },
            "histogram": sorted((str(k), v) for k, v in groups["histogram"].items()),
            "suggestion": corrected.string if corrected.query != q else None,
        }
        return json.dumps(body, default=str)

    return run


# -- measuring ------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure(
    run: Callable[[dict[str, list[str]]], str],
    requests: list[tuple[str, dict[str, list[str]]]],
    passes: int,
) -> tuple[dict[str, list[float]], float]:
    """Warm-up pass, then ``passes`` timed passes: ms per request by class.

    The class ``cpu`` (left out of ``overall``) holds the CPU milliseconds of
    each request (``time.process_time``): on a shared, loaded machine the
    wall figures grow with the load, the CPU cost much less.
    """
    started = time.perf_counter()
    for _, params in requests:
        run(params)
    warmup = time.perf_counter() - started
    samples: dict[str, list[float]] = {}
    for _ in range(passes):
        for cls, params in requests:
            c0 = time.process_time()
            t0 = time.perf_counter()
            run(params)
            samples.setdefault("cpu", []).append((time.process_time() - c0) * 1000)
            samples.setdefault(cls.split("+")[0], []).append((time.perf_counter() - t0) * 1000)
            if "+" in cls:
                samples.setdefault("+" + cls.split("+")[1], []).append(
                    (time.perf_counter() - t0) * 1000
                )
    return samples, warmup


def measure_paths(
    run: Callable[[dict[str, list[str]]], str],
    requests: list[tuple[str, dict[str, list[str]]]],
    passes: int,
    paths: tuple[str, ...],
) -> dict[str, tuple[dict[str, list[float]], float]]:
    """:func:`measure` for each evaluation path, interleaved request by request
    (each path's warm-up first), so that every path sees the same load."""
    runs = {path: _forced(run, path) for path in paths}
    warmups = {path: measure(runs[path], requests, 0)[1] for path in paths}
    samples: dict[str, dict[str, list[float]]] = {path: {} for path in paths}
    for _ in range(passes):
        for cls, params in requests:
            for path in paths:
                single, _ = measure(runs[path], [(cls, params)], 1)
                for key, values in single.items():
                    samples[path].setdefault(key, []).extend(values)
    return {path: (samples[path], warmups[path]) for path in paths}


#: Upper bounds of the "share of the corpus the leaves touch" buckets.
SHARE_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0)


def evaluation_profile(
    index_dir: str, requests: list[tuple[str, dict[str, list[str]]]], passes: int
) -> dict[str, Any]:
    """Query evaluation alone (``Evaluator.run``), dense against sparse, per query.

    Grouped by the share of the corpus the sparse space covers; the ratio
    per bucket is the median of the per-query ratios.
    """
    from indexer.search.evaluate import Budget, Evaluator
    from indexer.search.query import parse_query
    from indexer.search.service import SearchService

    service = SearchService(index_dir)
    snap = service._current()
    queries = list(dict.fromkeys(params["q"][0] for _, params in requests))
    rows = []
    for q in queries:
        node = parse_query(q)
        if node is None:
            continue
        best: dict[str, float] = {}
        covered = 0
        for _ in range(passes + 1):  # the first round warms the caches
            for path in ("dense", "sparse"):
                evaluator = Evaluator(snap, service.ranking, Budget(30.0), path=path)
                t0 = time.perf_counter()
                evaluation = evaluator.run(node, soft=True, typed=q)
                ms = (time.perf_counter() - t0) * 1000
                best[path] = min(best.get(path, ms), ms)
                if path == "sparse":
                    covered = evaluation.covered
        rows.append((q, covered / max(snap.size, 1), best["dense"], best["sparse"]))
    service.close()
    buckets: dict[str, Any] = {}
    low = 0.0
    for high in SHARE_BUCKETS:
        inside = [r for r in rows if low < r[1] <= high or (low == 0 and r[1] == 0)]
        low = high
        if not inside:
            continue
        buckets[f"<= {high:.0%}"] = {
            "queries": len(inside),
            "dense_ms_median": round(statistics.median(r[2] for r in inside), 3),
            "sparse_ms_median": round(statistics.median(r[3] for r in inside), 3),
            "sparse_over_dense": round(statistics.median(r[3] / r[2] for r in inside), 2),
        }
    print(f"\nquery evaluation alone ({snap.size:,} documents; best of {passes} per query)")
    print(f"{'leaves touch':<14}{'queries':>8}{'dense ms':>10}{'sparse ms':>11}{'ratio':>8}")
    for label, row in buckets.items():
        print(
            f"{label:<14}{row['queries']:>8}{row['dense_ms_median']:>10.3f}"
            f"{row['sparse_ms_median']:>11.3f}{row['sparse_over_dense']:>8.2f}"
        )
    return {
        "documents": snap.size,
        "buckets": buckets,
        "queries": [
            {"q": q, "share": round(share, 4), "dense_ms": round(d, 3), "sparse_ms": round(sp, 3)}
            for q, share, d, sp in rows
        ],
    }


def summary(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    table = {}
    everything = [
        v
        for cls, values in samples.items()
        if not cls.startswith("+") and cls != "cpu"
        for v in values
    ]
    for cls, values in [*samples.items(), ("overall", everything)]:
        table[cls] = {
            "n": len(values),
            "p50": round(statistics.median(values), 2),
            "p95": round(percentile(values, 95), 2),
            "p99": round(percentile(values, 99), 2),
            "max": round(max(values), 2),
        }
    return table


def report(
    results: dict[str, Any], system: str, samples: dict[str, list[float]], warmup: float
) -> None:
    results[system] = {"warmup_s": round(warmup, 2), "classes": summary(samples)}
    print(f"\n{system}: warm-up pass {warmup:.1f} s")
    print(f"{'class':<10}{'n':>6}{'p50':>10}{'p95':>10}{'p99':>10}{'max':>10}   (ms)")
    for cls, row in results[system]["classes"].items():
        print(
            f"{cls:<10}{row['n']:>6}{row['p50']:>10.2f}{row['p95']:>10.2f}"
            f"{row['p99']:>10.2f}{row['max']:>10.2f}"
        )


def _forced(
    run: Callable[[dict[str, list[str]]], str], path: str
) -> Callable[[dict[str, list[str]]], str]:
    """``run`` with newsearch's evaluation path forced to ``path``."""
    from indexer.search.evaluate import PATH_VARIABLE

    def forced(params: dict[str, list[str]]) -> str:
        os.environ[PATH_VARIABLE] = path
        try:
            return run(params)
        finally:
            del os.environ[PATH_VARIABLE]

    return forced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenfold", action="store_true", help="use the 10x corpus")
    parser.add_argument(
        "--index",
        default=None,
        help="measure this existing index (e.g. the 100x one outside the repository)",
    )
    parser.add_argument("--name", default=None, help="corpus name for the output (with --index)")
    parser.add_argument("--passes", type=int, default=3, help="measured passes (default 3)")
    parser.add_argument("--no-baseline", action="store_true", help="measure newsearch only")
    parser.add_argument(
        "--evaluation",
        choices=("auto", "dense", "sparse", "both"),
        default="auto",
        help="newsearch's evaluation path; both: dense and sparse, interleaved, "
        "without the baseline (default auto)",
    )
    parser.add_argument(
        "--baseline-every",
        type=int,
        default=1,
        help="run the (slow) baseline on every Nth request only; same N for both "
        "systems' comparison line (default 1: all)",
    )
    parser.add_argument(
        "--baseline-passes", type=int, default=None, help="measured baseline passes"
    )
    args = parser.parse_args()

    if args.index:
        index_dir = args.index
        name = args.name or Path(args.index).name
    else:
        name = "reuters-10x" if args.tenfold else "reuters"
        files = tenfold_files() if args.tenfold else reuters_files()
        index_dir = newsearch_index(name, files)
    requests = query_set()
    print(f"{len(requests)} requests per pass, {args.passes} passes, corpus {name}")
    print(describe(), flush=True)

    results: dict[str, Any] = {"corpus": name, "requests": len(requests), "date": str(date.today())}
    results["load_before"] = os.getloadavg()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.evaluation != "auto":
        results["evaluation"] = args.evaluation
    newsearch = newsearch_runner(index_dir)
    if args.evaluation == "both":
        measured = measure_paths(newsearch, requests, args.passes, ("dense", "sparse"))
        for evaluation, (samples, warmup) in measured.items():
            report(results, f"newsearch-{evaluation}", samples, warmup)
        dense, sparse = (results[f"newsearch-{p}"]["classes"]["overall"] for p in measured)
        ratios = {k: round(sparse[k] / dense[k], 2) for k in ("p50", "p95", "p99")}
        results["sparse_over_dense"] = ratios
        print(f"\nsparse / dense: p50 {ratios['p50']}x, p95 {ratios['p95']}x, p99 {ratios['p99']}x")
        results["evaluation_only"] = evaluation_profile(index_dir, requests, args.passes)
    elif args.evaluation != "auto":
        newsearch = _forced(newsearch, args.evaluation)
    systems = []
    if args.evaluation != "both":
        systems.append(("newsearch", newsearch, requests, args.passes))
    if not args.no_baseline and args.evaluation != "both":
        sampled = requests[:: args.baseline_every]
        runner = baseline_runner(baseline_index(name, index_dir))
        systems.append(("baseline", runner, sampled, args.baseline_passes or args.passes))
        if args.baseline_every > 1:
            # The same sample for newsearch, so the ratio compares like with like.
            systems.append(("newsearch-sample", systems[0][1], sampled, args.passes))
    for system, run, chosen, passes in systems:
        REFUSED.clear()
        samples, warmup = measure(run, chosen, passes)
        report(results, system, samples, warmup)
        if REFUSED:
            results.setdefault("refused_over_budget", {})[system] = list(REFUSED)
            print(f"{system}: {len(REFUSED)} requests refused over budget (503): {REFUSED[:5]}")
    results["load_after"] = os.getloadavg()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if "baseline" in results:
        mine = "newsearch-sample" if "newsearch-sample" in results else "newsearch"
        ours = results[mine]["classes"]["overall"]
        theirs = results["baseline"]["classes"]["overall"]
        ratios = {k: round(theirs[k] / ours[k], 1) for k in ("p50", "p95", "p99")}
        results["speedup"] = ratios
        print(
            f"\nbaseline / newsearch: p50 {ratios['p50']}x, p95 {ratios['p95']}x, "
            f"p99 {ratios['p99']}x"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.evaluation == "auto" else f"-{args.evaluation}"
    path = OUT / f"search-{name}{suffix}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
