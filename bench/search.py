"""Full search response latency: newsearch against a naive plain-Whoosh baseline.

Usage::

    .venv/bin/python bench/search.py               # Reuters-21578
    .venv/bin/python bench/search.py --tenfold     # the 10x corpus (215,780 stories)
    .venv/bin/python bench/search.py --index /work/bench-data/reuters-100x-index \
        --name reuters-100x --no-baseline            # an index built elsewhere (100x)

Each request is what ``/api/search`` returns, serialized to JSON: the top 10
with highlighted snippets, every facet's counts, the timeline histogram and
the spelling suggestion. The query set (``QUERIES``) mixes single terms,
several terms, phrases, boolean queries, field queries, prefixes and fuzzy
terms, with and without date ranges and facet selections.

The naive baseline is Whoosh used as its documentation shows: a
``MultifieldParser``, ``filter=DateRange(...)``, ``groupedby=`` facets with
``allow_overlap``, a ``DateRangeFacet`` histogram, default highlighting and
``correct_query``, on a plain-Whoosh index of the same articles.

Both run the whole set once to warm up (caches, OS page cache), then
``--passes`` measured passes; percentiles are over all measured requests.
Figures are printed and written to ``bench/out/search-<corpus>.json``.
"""

from __future__ import annotations

import argparse
import json
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
    from indexer.search.presenter import search_json
    from indexer.search.request import parse_search_params
    from indexer.search.service import SearchService

    service = SearchService(index_dir)

    def run(params: dict[str, list[str]]) -> str:
        return json.dumps(search_json(service.search(parse_search_params(params))))

    return run


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
    systems = [("newsearch", newsearch_runner(index_dir), requests, args.passes)]
    if not args.no_baseline:
        sampled = requests[:: args.baseline_every]
        runner = baseline_runner(baseline_index(name, index_dir))
        systems.append(("baseline", runner, sampled, args.baseline_passes or args.passes))
        if args.baseline_every > 1:
            # The same sample for newsearch, so the ratio compares like with like.
            systems.append(("newsearch-sample", systems[0][1], sampled, args.passes))
    for system, run, chosen, passes in systems:
        samples, warmup = measure(run, chosen, passes)
        results[system] = {"warmup_s": round(warmup, 2), "classes": summary(samples)}
        print(f"\n{system}: warm-up pass {warmup:.1f} s")
        print(f"{'class':<10}{'n':>6}{'p50':>10}{'p95':>10}{'p99':>10}{'max':>10}   (ms)")
        for cls, row in results[system]["classes"].items():
            print(
                f"{cls:<10}{row['n']:>6}{row['p50']:>10.2f}{row['p95']:>10.2f}"
                f"{row['p99']:>10.2f}{row['max']:>10.2f}"
            )
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
    path = OUT / f"search-{name}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
