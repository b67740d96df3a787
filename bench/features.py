"""Issue 14's speed targets through the real server: ``/api/compare`` and ``/api/batch``.

Usage::

    .venv/bin/python bench/features.py              # Reuters-21578
    .venv/bin/python bench/features.py --passes 3   # fewer measured passes

Starts ``newsearch serve`` (the real CLI, one worker process per core) on
the Reuters index and measures, from a client on the same machine, one
request at a time over HTTP:

* ``GET /api/compare`` with three queries: 31 triples cut from the search
  benchmark's query set (single words, several words, phrases, boolean,
  field, prefix and fuzzy queries), cycling through the automatic interval,
  week, month and day, every fourth with a shared facet filter. Target: p95
  <= 100 ms.
* ``POST /api/batch`` with 100 lines, two kinds: the 100 most frequent
  people and organizations of the archive as exact phrases (checking a list
  of names), and the search benchmark's 95 queries plus 5 (prefixes and
  fuzzy terms included). Target: <= 2 s each, no line left unfinished.

Everything runs once to warm both worker processes, then ``--passes``
measured passes. Two cold figures are reported too: each batch kind run
first in a fresh process without any warm-up (the service alone, before the
server starts), and the first batch of each kind sent to the fresh server,
which still runs its start-up warming thread next to it. Figures are
printed and written to ``bench/out/features.json``.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from typing import Any
from urllib.parse import urlencode

from calibrate import describe
from corpora import OUT, REPO, newsearch_index, reuters_files
from search import BOOLEAN, FIELDS, FUZZY, MULTI, PHRASES, PREFIX, WORDS

INTERVALS = ("", "week", "month", "day")
#: Makes the search set's 95 queries a batch of 100.
EXTRA = ["silver", "rubber", "cotton", "soybeans", '"tin council"']
SHARED = {"place": ["United States"]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(base: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as reply:
                if json.load(reply).get("documents"):
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("the server did not come up")


def base_queries() -> list[str]:
    return WORDS + MULTI + PHRASES + BOOLEAN + FIELDS + PREFIX + FUZZY


def compare_paths() -> list[str]:
    """One ``/api/compare`` URL per triple of the query set."""
    queries = base_queries()
    paths = []
    for i in range(len(queries) // 3):
        params: list[tuple[str, str]] = [("q", q) for q in queries[3 * i : 3 * i + 3]]
        if INTERVALS[i % len(INTERVALS)]:
            params.append(("interval", INTERVALS[i % len(INTERVALS)]))
        if i % 4 == 3:
            params += [(name, value) for name, values in SHARED.items() for value in values]
        paths.append("/api/compare?" + urlencode(params))
    return paths


def name_lines(index_dir: str) -> list[str]:
    """The 60 most frequent people and 40 most frequent organizations."""
    from indexer.search.service import SearchService

    service = SearchService(index_dir)
    try:
        top = service.stats(top=60).top
    finally:
        service.close()
    people = [item.value for item in top["person"]][:60]
    organizations = [item.value for item in top["organization"]][:40]
    return people + organizations


def timed_get(url: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as reply:
        body = json.load(reply)
    return (time.perf_counter() - started) * 1000, body


def timed_batch(base: str, document: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    request = urllib.request.Request(
        base + "/api/batch",
        data=json.dumps(document).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as reply:
        body = json.load(reply)
    return (time.perf_counter() - started) * 1000, body


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(max(values), 1),
    }


def batches_of(index_dir: str) -> dict[str, dict[str, Any]]:
    batches = {
        "names (phrases)": {"queries": name_lines(index_dir), "phrase": True},
        "queries (search set)": {"queries": base_queries() + EXTRA},
    }
    assert all(len(b["queries"]) == 100 for b in batches.values()), "need 100 lines"
    return batches


def cold_in_process(index_dir: str) -> dict[str, float]:
    """Each batch kind as the first work of a fresh service (no warm-up), in milliseconds."""
    from indexer.search.request import parse_search_params
    from indexer.search.service import SearchService
    from webapp.batch import parse_lines

    found = {}
    for name, document in batches_of(index_dir).items():
        _, queries = parse_lines(document["queries"], document.get("phrase", False))
        service = SearchService(index_dir)
        try:
            started = time.perf_counter()
            outcome = service.batch(queries, parse_search_params({}), 10.0)
            found[name] = round((time.perf_counter() - started) * 1000, 1)
        finally:
            service.close()
        unfinished = sum(1 for t in outcome.tallies if t is None)
        print(f"cold, in process, {name}: {found[name]:.0f} ms, unfinished {unfinished}")
    return found


def run(base: str, index_dir: str, passes: int) -> dict[str, Any]:
    batches = batches_of(index_dir)
    results: dict[str, Any] = {"batch_first_run_ms": {}}
    # The first batch of each kind meets cold caches (nothing ran before it).
    for name, document in batches.items():
        elapsed, body = timed_batch(base, document)
        results["batch_first_run_ms"][name] = round(elapsed, 1)
        print(
            f"first batch on the fresh server, {name}: {elapsed:.0f} ms, "
            f"unfinished {len(body['unfinished'])}"
        )
    paths = compare_paths()
    for _ in range(2):  # warm both worker processes
        for path in paths:
            timed_get(base + path)
        for document in batches.values():
            timed_batch(base, document)
    client, server = [], []
    for _ in range(passes):
        for path in paths:
            elapsed, body = timed_get(base + path)
            assert len(body["series"]) == 3
            client.append(elapsed)
            server.append(body["took_ms"])
    results["compare_client"] = summary(client)
    results["compare_server_took"] = summary(server)
    print(f"compare, 3 queries, client: {results['compare_client']}")
    print(f"compare, 3 queries, server took_ms: {results['compare_server_took']}")
    results["batch"] = {}
    for name, document in batches.items():
        times, unfinished = [], 0
        for _ in range(passes):
            elapsed, body = timed_batch(base, document)
            times.append(elapsed)
            unfinished += len(body["unfinished"])
            assert len(body["results"]) + len(body["unfinished"]) == 100
        results["batch"][name] = {**summary(times), "unfinished": unfinished}
        print(f"batch of 100, {name}: {results['batch'][name]}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()
    yardstick = describe()
    print(yardstick)
    index_dir = newsearch_index("reuters", reuters_files())
    cold = cold_in_process(index_dir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "indexer.cli",
        "serve",
        "--index",
        index_dir,
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    try:
        wait_ready(base)
        results = run(base, index_dir, args.passes)
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    results["batch_cold_in_process_ms"] = cold
    results["yardstick"] = yardstick
    compare_ok = results["compare_client"]["p95_ms"] <= 100
    batch_ok = all(b["max_ms"] <= 2000 and not b["unfinished"] for b in results["batch"].values())
    print(f"target compare p95 <= 100 ms: {'met' if compare_ok else 'NOT met'}")
    print(f"target 100-line batch <= 2 s: {'met' if batch_ok else 'NOT met'}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "features.json").write_text(json.dumps(results, indent=2))
    print(f"written to {OUT / 'features.json'}")


if __name__ == "__main__":
    main()
