"""One incremental indexing run on a big index, phase by phase: wall, CPU, memory.

Usage::

    .venv/bin/python bench/incremental.py --index /work/bench-data/reuters-100x-index-m \\
        --stories 1000 --first-copy 100
    .venv/bin/python bench/incremental.py --index DIR --stories 20000 --first-copy 110 --workers 2

Writes ``--stories`` new Reuters stories (whole ``reut2-*.sgm`` files with
ids + k x 1,000,000 for k from ``--first-copy``, as ``bench/corpora.py``
makes the 10x/100x copies, so they are new to the index; years + k mod 40,
so that they stay dated) under ``$NEWSEARCH_BENCH_DATA/incremental-copies``, then indexes them
into ``--index`` in this process with the pipeline's own code (this modifies
the index: pass a copy). The run's steps are wrapped to print, for each,
wall and CPU seconds and this process's RSS before and after; a thread
samples the RSS of this process and of its worker processes (their own
memory, USS, so pages shared with the parent are not counted twice) every
0.5 s (its own CPU is counted in the parent's). Printed: the writer-lock
hold time, the commit time (merge, array files, cluster file, table of
contents), the peak RSS of the parent and of the whole tree, and stories
per CPU-second.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
from calibrate import describe
from corpora import _NEWID, _YEAR, BENCH_DATA, REPO, reuters_files

sys.path.insert(0, str(REPO))

from indexer import generation_arrays, pipeline, writer

MB = 2**20


#: Copies of the 100x corpus past 1987 + 40 are dated after next year, which
#: the date extractor rejects as implausible (they are indexed undated): the
#: copies here keep their ids apart but their years within 1987-2026.
YEAR_WRAP = 40


def copies(first: int, stories: int) -> list[Path]:
    """Reuters files shifted to copies first, first+1, ... until ``stories`` are covered.

    Copy k has ids + k x 1,000,000 and years + (k mod :data:`YEAR_WRAP`).
    """
    target = BENCH_DATA / "incremental-copies"
    target.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    total = 0
    copy = first
    while total < stories:
        for source in reuters_files():
            if total >= stories:
                break
            path = target / f"{source.stem}-y{copy}.sgm"
            if not path.exists():
                data = source.read_bytes()
                data = _NEWID.sub(
                    lambda m, o=copy * 1_000_000: b'NEWID="%d"' % (int(m.group(1)) + o), data
                )
                data = _YEAR.sub(
                    lambda m, c=copy % YEAR_WRAP: m.group(1) + b"%d" % (1987 + c), data
                )
                path.write_bytes(data)
            files.append(path)
            total += path.read_bytes().count(b"<REUTERS ")
        copy += 1
    return files


class Phases:
    """Wall/CPU/RSS of wrapped steps, printed as they end."""

    def __init__(self) -> None:
        self.me = psutil.Process()
        self.started = time.perf_counter()
        self.totals: dict[str, list[float]] = {}

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.step(label):
                return original(*args, **kwargs)

        setattr(owner, name, timed)

    def wrap_context(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        @contextlib.contextmanager
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with original(*args, **kwargs) as value, self.step(label):
                yield value

        setattr(owner, name, timed)

    @contextlib.contextmanager
    def step(self, label: str) -> Iterator[None]:
        rss0 = self.me.memory_info().rss
        wall0, cpu0 = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            rss1 = self.me.memory_info().rss
            at = time.perf_counter() - self.started
            total = self.totals.setdefault(label, [0.0, 0.0, 0])
            total[0] += wall
            total[1] += cpu
            total[2] += 1
            print(
                f"  [{at:7.1f} s] {label}: {wall:.2f} s wall, {cpu:.2f} CPU-s, "
                f"RSS {rss0 / MB:.0f} -> {rss1 / MB:.0f} MB",
                flush=True,
            )


def sample(stop: threading.Event, peaks: dict[str, float], every: float = 0.5) -> None:
    me = psutil.Process()
    started = time.perf_counter()
    while not stop.is_set():
        with contextlib.suppress(psutil.Error):
            rss = me.memory_info().rss
            children = 0
            for child in me.children(recursive=True):  # USS reads smaps: not cheap
                with contextlib.suppress(psutil.Error):
                    children += child.memory_full_info().uss
            if rss > peaks["parent"]:
                peaks["parent"] = rss
                peaks["parent_at"] = time.perf_counter() - started
            peaks["tree"] = max(peaks["tree"], rss + children)
            peaks["workers_uss"] = max(peaks["workers_uss"], children)
        stop.wait(every)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True, help="index to add to (it is modified)")
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--first-copy", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    print(describe(), flush=True)
    print(f"load average {os.getloadavg()}", flush=True)
    files = copies(args.first_copy, args.stories)
    phases = Phases()
    phases.wrap_context(pipeline, "index_lock", "writer lock held")
    phases.wrap(pipeline, "open_writable", "open index")
    phases.wrap(pipeline, "read_manifest", "read manifest")
    phases.wrap(pipeline, "plan_run", "plan")
    phases.wrap(pipeline, "_drop_duplicates", "duplicate check")
    phases.wrap(writer.ParentWriter, "commit_with", "commit")
    phases.wrap(writer.ParentWriter, "_merge_segments", "commit: merge")
    phases.wrap(writer.ParentWriter, "_write_arrays", "commit: array files")
    phases.wrap(generation_arrays, "write", "commit: cluster file")
    phases.wrap(pipeline, "write_missing_arrays", "array files of the whole index")
    peaks = {"parent": 0.0, "tree": 0.0, "workers_uss": 0.0, "parent_at": 0.0}
    stop = threading.Event()
    sampler = threading.Thread(target=sample, args=(stop, peaks), daemon=True)
    sampler.start()
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    report = pipeline.index_paths([str(f) for f in files], args.index, workers=args.workers)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    stop.set()
    sampler.join()
    cpu: Callable[[int], float] = lambda i: (  # noqa: E731
        after[i].ru_utime - before[i].ru_utime + after[i].ru_stime - before[i].ru_stime
    )
    written = report.indexed + report.updated
    figures = {
        "files": len(files),
        "stories": written,
        "documents_total": report.documents_total,
        "commits": report.commits,
        "wall_s": round(wall, 2),
        "cpu_s_parent": round(cpu(0), 2),
        "cpu_s_workers": round(cpu(1), 2),
        "stories_per_cpu_s": round(written / max(cpu(0) + cpu(1), 1e-9), 1),
        "peak_rss_parent_mb": round(peaks["parent"] / MB),
        "peak_parent_at_s": round(peaks["parent_at"], 1),
        "peak_tree_mb (parent RSS + workers USS)": round(peaks["tree"] / MB),
        "max_rss_parent_mb (getrusage)": round(after[0].ru_maxrss / 1024),
        "steps (wall s, CPU-s, calls)": {
            k: f"{v[0]:.2f} s, {v[1]:.2f} CPU-s, {int(v[2])}" for k, v in phases.totals.items()
        },
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
