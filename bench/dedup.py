"""Issue 13 figures on Reuters-21578: wire-copy collapsing, its costs, significant terms.

Usage::

    .venv/bin/python bench/dedup.py [--index DIR] [--sample-seed 2026]

Prints, and writes to ``bench/out/dedup-reuters.json``:

* near-duplicates on first pages: over the ordinary queries of
  ``bench/search.py`` (single words, several words, phrases, boolean), how
  many of the first ten hits are a near-copy of a hit above them, with
  collapsing off (before) and on (after). "Near-copy" is judged on the
  stored text, independently of the signatures: exact Jaccard similarity of
  the two stories' 5-word shingle sets >= 0.5; the figure is also given for
  copies filed within three days (what clustering aims at; a template filed
  again a week later with new figures is a new story);
* a sample of clusters for a person to check (``bench/out/dedup-sample.txt``),
  drawn with ``--sample-seed`` (the thresholds were tuned on another seed);
* index-time cost: the signature per story (CPU µs) against the measured
  indexing rate; the per-generation clustering time;
* search p95 over the whole ``bench/search.py`` mix, collapsed (default) and
  not; ``/api/significant`` p95 over the ordinary queries, on a fresh
  service (first pass, cold caches) and after a warm-up pass.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import numpy as np
from calibrate import describe
from corpora import OUT, newsearch_index, reuters_files
from search import BOOLEAN, MULTI, PHRASES, WORDS, query_set

from indexer import dedup
from indexer import schema as F
from indexer.search import clusters as cl
from indexer.search.presenter import search_json
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService

NEAR = 0.5
WINDOW = 3 * 86400


def shingles(stored: dict[str, Any]) -> set[int]:
    text = f"{stored.get(F.TITLE) or ''}\n{stored.get(F.BODY) or ''}"
    return set(dedup.shingle_hashes(dedup.word_hashes(text)).tolist())


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def first_page_copies(service: SearchService, queries: list[str], collapse: str) -> dict[str, Any]:
    """First-page hits that are near-copies of a hit above them."""
    snap = service._current()
    hits_total = copies = copies_window = queries_with = 0
    for q in queries:
        page = service.search(parse_search_params({"q": [q], "collapse": [collapse]}))
        seen: list[tuple[set[int], int]] = []
        found = False
        for hit in page.hits:
            docnum = snap.docnum_for_id(hit.id)
            assert docnum is not None
            stored = snap.stored(docnum)
            mine = shingles(stored)
            when = int(snap.date_ts[docnum])
            near = [j for j in seen if jaccard(mine, j[0]) >= NEAR]
            if near:
                copies += 1
                found = True
                if any(abs(when - other) <= WINDOW for _, other in near):
                    copies_window += 1
            seen.append((mine, when))
            hits_total += 1
        queries_with += found
    return {
        "queries": len(queries),
        "queries_with_a_copy": queries_with,
        "hits": hits_total,
        "copies": copies,
        "copies_share": round(copies / max(hits_total, 1), 4),
        "copies_within_3_days": copies_window,
        "copies_within_3_days_share": round(copies_window / max(hits_total, 1), 4),
    }


def sample_clusters(service: SearchService, seed: int, count: int) -> list[str]:
    snap = service._current()
    groups = cl.clusters(snap)
    reps = np.unique(groups.rep[groups.size > 1])
    rng = np.random.default_rng(seed)
    lines = []
    for rep in rng.choice(reps, size=min(count, len(reps)), replace=False):
        members = np.flatnonzero(groups.rep == rep)
        stored = [snap.stored(int(m)) for m in members]
        lines.append(f"=== cluster {snap.stored(int(rep))[F.ID]} ({len(members)} stories)")
        for fields in stored:
            body = " ".join((fields.get(F.BODY) or "").split())
            lines.append(
                f"  {fields[F.ID]} {str(fields.get(F.DATE) or '')[:16]} | "
                f"{fields.get(F.TITLE) or ''} | {body[:220]}"
            )
    return lines


def signature_cost(service: SearchService, limit: int = 5000) -> float:
    """CPU microseconds per story for :func:`indexer.dedup.signature`."""
    snap = service._current()
    texts = []
    for docnum in np.flatnonzero(snap.live)[:limit]:
        stored = snap.stored(int(docnum))
        texts.append((stored.get(F.TITLE) or "", stored.get(F.BODY) or ""))
    started = time.process_time()
    for title, body in texts:
        dedup.signature(title, body)
    return (time.process_time() - started) / len(texts) * 1e6


def clustering_cost(service: SearchService, repeat: int = 5) -> float:
    snap = service._current()
    sigs = cl.signatures(snap)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        cl.compute(snap.live, sigs, snap.date_ts, snap.lengths[F.BODY])
        best = min(best, time.perf_counter() - started)
    return best * 1000


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def latencies(run: Any, requests: list[dict[str, list[str]]], passes: int) -> list[float]:
    for params in requests:  # warm-up
        run(params)
    times = []
    for _ in range(passes):
        for params in requests:
            started = time.perf_counter()
            run(params)
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", help="an existing Reuters index (default: build one)")
    parser.add_argument("--sample-seed", type=int, default=2026)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    print(describe(), flush=True)
    index = args.index or newsearch_index("reuters", reuters_files())
    service = SearchService(index)
    ordinary = [*WORDS, *MULTI, *PHRASES, *BOOLEAN]
    result: dict[str, Any] = {"index": index}

    snap = service._current()
    groups = cl.clusters(snap)
    multi = groups.size > 1
    result["clusters"] = {
        "stories": int(snap.doc_count),
        "stories_in_clusters": int(multi.sum()),
        "clusters_of_two_or_more": len(np.unique(groups.rep[multi])),
        "largest": int(groups.size.max()),
    }
    print("clusters:", result["clusters"], flush=True)
    result["before"] = first_page_copies(service, ordinary, "0")
    result["after"] = first_page_copies(service, ordinary, "1")
    print("first pages, collapse=0:", result["before"], flush=True)
    print("first pages, collapse=1:", result["after"], flush=True)

    sample = sample_clusters(service, args.sample_seed, 50)
    OUT.mkdir(exist_ok=True)
    (OUT / "dedup-sample.txt").write_text("\n".join(sample) + "\n", encoding="utf-8")
    print(f"sample of 50 clusters written to {OUT / 'dedup-sample.txt'}", flush=True)

    result["signature_us_per_story"] = round(signature_cost(service), 1)
    result["clustering_ms_per_generation"] = round(clustering_cost(service), 1)
    print(
        f"signature: {result['signature_us_per_story']} CPU µs/story; "
        f"clustering: {result['clustering_ms_per_generation']} ms per generation",
        flush=True,
    )

    mix = [params for _, params in query_set()]

    def search(params: dict[str, list[str]]) -> str:
        return json.dumps(search_json(service.search(parse_search_params(params))))

    for label, extra in (("collapsed", {}), ("not collapsed", {"collapse": ["0"]})):
        times = latencies(search, [{**p, **extra} for p in mix], args.passes)
        result[f"search_{label.replace(' ', '_')}"] = {
            "requests": len(times),
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 95), 2),
        }
        print(f"search ({label}):", result[f"search_{label.replace(' ', '_')}"], flush=True)

    def significant(params: dict[str, list[str]]) -> object:
        return service.significant(parse_search_params(params))

    # First pass on a fresh service: nothing cached (stories' words, phrase counts).
    cold_service = SearchService(index)
    cold = []
    for q in ordinary:
        started = time.perf_counter()
        cold_service.significant(parse_search_params({"q": [q]}))
        cold.append((time.perf_counter() - started) * 1000)
    cold_service.close()
    result["significant_cold"] = {
        "requests": len(cold),
        "p50_ms": round(statistics.median(cold), 2),
        "p95_ms": round(percentile(cold, 95), 2),
        "max_ms": round(max(cold), 2),
    }
    print("significant, first pass (cold caches):", result["significant_cold"], flush=True)
    times = latencies(significant, [{"q": [q]} for q in ordinary], args.passes)
    result["significant"] = {
        "requests": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "max_ms": round(max(times), 2),
    }
    print("significant:", result["significant"], flush=True)
    (OUT / "dedup-reuters.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    service.close()


if __name__ == "__main__":
    main()
