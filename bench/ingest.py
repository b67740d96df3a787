"""Ingest throughput and memory: the full pipeline (parse + extract + index).

Usage::

    .venv/bin/python bench/ingest.py              # Reuters-21578, then the 10x corpus
    .venv/bin/python bench/ingest.py --no-tenfold # Reuters-21578 only

For each corpus it runs the real CLI (``newsearch index FILES --index DIR``)
in a subprocess on a fresh index directory, samples the resident memory of
the whole process tree (the parent and its worker processes) every 50 ms, and
prints documents per second, peak RSS and CPU seconds (parent and workers);
then it runs the same command again on the unchanged corpus and prints how
long that takes. Finally the ratio of
the two build times, which should be about 10 (no super-linear step).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
from calibrate import describe
from corpora import OUT, REPO, reuters_files, tenfold_files


def tree_rss(process: psutil.Process) -> int:
    """Resident memory of ``process`` and all its descendants, in bytes."""
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += proc.memory_info().rss
    return total


def run_index(
    files: list[Path],
    index_dir: Path,
    cwd: Path = REPO,
    watch: Callable[[psutil.Process, float], None] | None = None,
) -> dict[str, float]:
    """One CLI run; wall time, report and peak RSS of the process tree.

    ``cwd`` is the checkout whose ``indexer`` runs (``python -m`` imports from it).
    ``watch`` is called with the CLI's process and the seconds since its start
    at each 50 ms sample (e.g. to record who uses the CPU when).
    """
    command = [
        sys.executable,
        "-m",
        "indexer.cli",
        "index",
        *map(str, files),
        "--index",
        str(index_dir),
        "--json",
        "--no-progress",
    ]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, text=True)
    watched = psutil.Process(child.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, tree_rss(watched))
                if watch is not None:
                    watch(watched, time.perf_counter() - started)
            except psutil.NoSuchProcess:
                return
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    done.set()
    sampler.join()
    if child.returncode not in (0, 1):
        sys.exit(f"indexing failed with status {child.returncode}")
    report = json.loads(out)
    written = report["indexed"] + report["updated"]
    return {
        "wall_s": round(elapsed, 2),
        "documents": report["documents_total"],
        "written": written,
        "docs_per_s": round(written / elapsed, 1) if written else 0.0,
        "peak_rss_mb": round(peak / 2**20, 1),
        # CPU seconds of the whole tree (workers are reaped by the CLI, so
        # theirs count): less sensitive than wall time to other tenants.
        "cpu_s": round(cpu, 2),
        "docs_per_cpu_s": round(written / cpu, 1) if written and cpu else 0.0,
    }


def bench(name: str, files: list[Path]) -> dict[str, dict[str, float]]:
    index_dir = OUT / f"ingest-{name}"
    shutil.rmtree(index_dir, ignore_errors=True)
    first = run_index(files, index_dir)
    again = run_index(files, index_dir)
    print(
        f"{name}: {first['documents']:,} documents in {first['wall_s']:.1f} s = "
        f"{first['docs_per_s']:,.0f} docs/s, peak RSS {first['peak_rss_mb']:.0f} MB; "
        f"unchanged re-run {again['wall_s']:.2f} s ({again['written']:.0f} written); "
        f"{first['cpu_s']:.1f} CPU-s = {first['docs_per_cpu_s']:,.0f} docs per CPU-second",
        flush=True,
    )
    shutil.rmtree(index_dir, ignore_errors=True)
    return {"build": first, "rerun": again}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-tenfold", action="store_true", help="skip the 10x corpus")
    parser.add_argument("--repeat", type=int, default=1, help="Reuters builds (best kept)")
    args = parser.parse_args()
    print(describe(), flush=True)
    runs = [bench("reuters", reuters_files()) for _ in range(args.repeat)]
    results = {"reuters": max(runs, key=lambda run: run["build"]["docs_per_s"])}
    if args.repeat > 1:
        rates = sorted(run["build"]["docs_per_s"] for run in runs)
        print(
            f"reuters over {args.repeat} builds: best {rates[-1]:,.0f} docs/s, "
            f"median {rates[len(rates) // 2]:,.0f} docs/s"
        )
        cpu_rates = sorted(run["build"]["docs_per_cpu_s"] for run in runs)
        print(f"reuters CPU cost: median {cpu_rates[len(cpu_rates) // 2]:,.0f} docs per CPU-second")
    if not args.no_tenfold:
        results["reuters-10x"] = bench("reuters-10x", tenfold_files())
        ratio = results["reuters-10x"]["build"]["wall_s"] / results["reuters"]["build"]["wall_s"]
        results["tenfold_time_ratio"] = round(ratio, 2)  # type: ignore[assignment]
        print(f"10x corpus took {ratio:.1f}x as long as Reuters-21578 (linear would be 10x)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ingest.json").write_text(json.dumps(results, indent=2))
    print(f"written to {OUT / 'ingest.json'}")


if __name__ == "__main__":
    main()
