"""Replay the newest commit's generation files of an index: CPU and peak memory.

Usage::

    .venv/bin/python bench/commit_arrays.py --index /work/bench-data/i22g/reuters-100x-full
    .venv/bin/python bench/commit_arrays.py --index DIR --code /path/to/other/checkout

At every commit the indexing parent writes the new generation's cluster
and facet files (:func:`indexer.generation_arrays.write`): the clusters
from the previous generation's file plus the stories new to this one,
the facet pairs merged over every segment. Its memory grew with the index
(``bench/RESULTS.md``, "Issue 16: 100x ingest memory (stop 22, i22g)").
This runs exactly that step again for the index's newest generation
(against the generation before it, whose file a commit keeps) in a fresh
process of ``--code``'s checkout (default: this one), and prints its CPU
seconds and peak resident memory: anonymous and file-backed (mapped pages)
separately, sampled every 20 ms, plus the process's own ``ru_maxrss``. It
rewrites the newest generation's two files of ``--index`` (the same
content): pass an index of your own, never a shared one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from calibrate import describe
from corpora import REPO

REPLAY = """
import json, resource, sys, time
from indexer.store import current_directory
from indexer.writer import index_lock, open_writable
from indexer import generation_arrays

root = sys.argv[1]
with index_lock(root, timeout=5):
    ix, directory = open_writable(root)
    with ix.reader() as reader:
        segments = [leaf.segment() for leaf, _ in reader.leaf_readers()]
    generation = ix.latest_generation()
    print(json.dumps({"ready": True}), flush=True)
    sys.stdin.readline()
    cpu = time.process_time()
    started = time.perf_counter()
    generation_arrays.write(directory, generation, segments)
    print(json.dumps({
        "generation": generation,
        "documents": sum(int(s.doc_count_all()) for s in segments),
        "segments": len(segments),
        "cpu_s": round(time.process_time() - cpu, 2),
        "wall_s": round(time.perf_counter() - started, 2),
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }), flush=True)
"""


def _status(pid: int) -> dict[str, int]:
    found = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("RssAnon", "RssFile"):
                found[key] = int(value.split()[0]) // 1024
    return found


def replay(index: Path, code: Path) -> dict[str, float]:
    """One replay in a fresh process of ``code``'s checkout; its figures."""
    child = subprocess.Popen(
        [sys.executable, "-c", REPLAY, str(index)],
        cwd=code,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    json.loads(child.stdout.readline())  # opened: the baseline is taken now
    base = _status(child.pid)
    peak = {"anon": 0, "file": 0, "sum": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                now = _status(child.pid)
            except OSError:
                return
            anon, mapped = now.get("RssAnon", 0), now.get("RssFile", 0)
            peak["anon"] = max(peak["anon"], anon)
            peak["file"] = max(peak["file"], mapped)
            peak["sum"] = max(peak["sum"], anon + mapped)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    child.stdin.write("\n")
    child.stdin.flush()
    result = json.loads(child.stdout.readline())
    done.set()
    sampler.join()
    child.wait()
    result.update(
        {
            "before_anon_mb": base.get("RssAnon", 0),
            "before_file_mb": base.get("RssFile", 0),
            "peak_anon_mb": peak["anon"],
            "peak_file_mb": peak["file"],
            "peak_rss_mb": peak["sum"],
        }
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="an index of your own")
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose code runs")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(describe(), flush=True)
    for _ in range(args.repeat):
        found = replay(args.index, args.code)
        print(
            f"generation {found['generation']} ({found['documents']:,} stories, "
            f"{found['segments']} segments): {found['cpu_s']} CPU-s, {found['wall_s']} s; "
            f"peak RSS {found['peak_rss_mb']} MB (anonymous {found['peak_anon_mb']}, "
            f"mapped files {found['peak_file_mb']}; {found['before_anon_mb']} + "
            f"{found['before_file_mb']} before), ru_maxrss {found['maxrss_mb']} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
