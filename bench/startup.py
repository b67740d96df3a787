"""Start-up benchmark: server start and new commit to first full answer, one CLI call, RSS.

Measures what a fresh process pays before it can answer (issue 16 targets:
server start or new commit to first full answer <= 1 s at 1x Reuters,
<= 3 s at 10x, <= 10 s at 100x; one ``newsearch search`` call <= 0.5 s at
1x, <= 1 s at 10x, <= 3 s at 100x):

* **server start to first full answer**: ``newsearch serve`` is spawned and
  ``/api/search`` (a full response: hits, facets, histogram, snippets,
  spelling) polled until it answers 200;
* **commit to first answer**: with the server up, an incremental
  ``newsearch index`` run adds a small JSON Lines file of new stories (a
  word found nowhere else); the time from the end of that run (its commit
  visible) to the first answer that finds them. The file is removed and
  pruned from the index afterwards (``--prune``), leaving only deletions;
* **CLI search wall time**: the median of ``--cli-runs`` separate
  ``newsearch search`` processes (import included);
* **peak RSS of the serving processes**: each process's high-water mark
  (VmHWM, counts shared pages in every process) and the sum of their
  proportional set sizes at the end (Pss, counts shared pages once);
* with ``--watch SECONDS``, the **highest PSS at any moment** from the first
  commit until ``SECONDS`` after the last one (sampled every
  :data:`WATCH_EVERY` s; a new generation warms while the old one is still
  open), when it happened, and where it went at that moment (by mapping:
  :mod:`smaps`);
* with ``--queries N``, the server first answers ``N`` passes of
  ``bench/search.py``'s request mix over HTTP (two clients), so that its
  caches hold what a serving process that has answered searches holds.

Usage::

    python bench/startup.py                 # 1x Reuters (built under bench/out/ if missing)
    python bench/startup.py --tenfold       # 10x
    python bench/startup.py --index DIR     # any index (e.g. the 100x one)
    python bench/startup.py --index DIR --queries 1 --watch 75   # serving memory at 100x

Run ``newsearch index`` over an old index first to write its per-segment
array files (indexer.segment_arrays); ``--drop-arrays`` measures without
them (it deletes them: the next index run writes them again).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from calibrate import python_loop_seconds
from corpora import REPO, newsearch_index, reuters_files, tenfold_files
from load import stop_server
from smaps import breakdown, children, format_breakdown, pss_kib

NEWSEARCH = [sys.executable, "-m", "indexer.cli"]
#: The checkout whose code runs (``--repo``: e.g. an export of the code before a change).
CODE = REPO
QUERY = "oil prices"
#: A word of the stories the commit adds, found in no corpus.
MARKER = "zqxjvbenchmarkword"
NEW_STORIES = 100
#: Seconds between two samples of the serving processes' PSS (``--watch``).
WATCH_EVERY = 0.2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(port: int, query: str) -> dict | None:
    """The /api/search answer for ``query``, None while the server cannot answer yet."""
    url = f"http://127.0.0.1:{port}/api/search?q={urllib.parse.quote(query)}"
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            if reply.status == 200:
                return json.loads(reply.read())  # type: ignore[no-any-return]
    except (OSError, urllib.error.HTTPError, ValueError):
        return None
    return None


def wait_for(port: int, query: str, server: subprocess.Popen[bytes], found: bool) -> float:
    """Poll until ``query`` answers (with hits if ``found``); the monotonic time it did."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"startup.py: the server exited with status {server.returncode}")
        answer = fetch(port, query)
        if answer is not None and (not found or answer.get("total", 0) > 0):
            return time.monotonic()
        time.sleep(0.01)
    sys.exit(f"startup.py: no answer to {query!r} within 300 s")


def process_tree(pid: int) -> list[int]:
    pids = [pid]
    for candidate in os.listdir("/proc"):
        if candidate.isdigit():
            try:
                stat = Path(f"/proc/{candidate}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                pids.extend(process_tree(int(candidate)))
    return pids


def memory(pids: list[int]) -> tuple[int, int, int]:
    """(largest VmHWM, sum of VmHWM, sum of Pss) of ``pids`` in KiB."""
    peak = 0
    total = 0
    pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
                    total += int(line.split()[1])
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return peak, total, pss


class PssWatch:
    """Samples the serving processes' PSS in a thread; keeps the peak and its breakdown.

    The PSS right after a commit depends on when it is read (the new
    generation warms while the old one is still open), so one reading 1 s
    after a commit caught anything from 1.9 to 3.1 GB at 100x: the peak
    over every sample is the figure that must stay under the target.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.started = time.monotonic()
        self.peak_kib = 0
        self.peak_at = 0.0
        self.peak_breakdown: dict[str, object] = {}
        self.samples: list[tuple[float, float]] = []
        self.commits: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def committed(self) -> None:
        """Note the moment a commit became visible (times are reported from the last one)."""
        self.commits.append(time.monotonic() - self.started)

    def _run(self) -> None:
        pids = children(self.pid)
        refreshed = time.monotonic()
        while not self._stop.wait(WATCH_EVERY):
            if time.monotonic() - refreshed > 1.0:  # a worker may have been restarted
                pids, refreshed = children(self.pid), time.monotonic()
            now = time.monotonic() - self.started
            pss = pss_kib(pids)
            self.samples.append((round(now, 2), round(pss / 1024, 1)))
            if pss > self.peak_kib:
                self.peak_kib, self.peak_at = pss, now
                if pss > 1.01 * self._breakdown_kib():
                    self.peak_breakdown = breakdown(pids)
                    # Reading every mapping takes a while, and the PSS may
                    # have grown meanwhile: what the breakdown saw is a
                    # sample too (a peak above every rollup read).
                    if self._breakdown_kib() > self.peak_kib:
                        self.peak_kib = int(self._breakdown_kib())
                        self.peak_at = time.monotonic() - self.started

    def _breakdown_kib(self) -> float:
        return float(self.peak_breakdown.get("pss_mib", 0.0)) * 1024  # type: ignore[arg-type]

    def stop(self) -> dict[str, object]:
        self._stop.set()
        self._thread.join()
        since = self.peak_at - self.commits[0] if self.commits else None
        return {
            "peak_pss_mib": round(self.peak_kib / 1024, 1),
            "peak_s_after_first_commit": None if since is None else round(since, 2),
            "commits_s": [round(c, 2) for c in self.commits],
            "samples": len(self.samples),
            "peak_breakdown": self.peak_breakdown,
            "timeline_mib": self.samples,
        }


def search_mix(port: int, passes: int, clients: int = 2) -> tuple[int, float]:
    """``passes`` runs of bench/search.py's requests over HTTP; (requests, seconds)."""
    from urllib.parse import urlencode

    from search import query_set

    paths = [f"/api/search?{urlencode(params, doseq=True)}" for _, params in query_set()]
    work = [path for _ in range(passes) for path in paths]
    started = time.monotonic()

    def client(mine: list[str]) -> None:
        for path in mine:
            with contextlib.suppress(OSError, urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120).read()

    threads = [threading.Thread(target=client, args=(work[i::clients],)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(work), time.monotonic() - started


def run_index(args: list[str]) -> float:
    started = time.monotonic()
    done = subprocess.run([*NEWSEARCH, "index", *args], cwd=CODE, capture_output=True, timeout=3600)
    if done.returncode not in (0, 1):
        sys.exit(f"startup.py: indexing failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return time.monotonic() - started


def write_stories(path: Path) -> None:
    lines = []
    for n in range(NEW_STORIES):
        lines.append(
            json.dumps(
                {
                    "id": f"startup-bench-{n}",
                    "title": f"Benchmark story {n} about {MARKER}",
                    "body": f"Story {n} of the start-up benchmark mentions {MARKER} and oil "
                    "prices, so that the new commit has something to find.",
                    "date": "2026-01-15",
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def compile_bytecode() -> None:
    """Compile the code's modules, as installing a package does.

    An editable checkout run under ``PYTHONDONTWRITEBYTECODE`` (CI, this
    machine) never caches bytecode, so each call would compile every module
    again (~0.2 s): not what an installed ``newsearch`` pays. ``make install``
    compiles too; ``--no-compile`` measures without.
    """
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "indexer", "webapp"], cwd=CODE, check=True
    )


def cli_times(index_dir: str, runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of ``runs`` separate CLI calls."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        done = subprocess.run(
            [*NEWSEARCH, "search", "--index", index_dir, *QUERY.split()],
            cwd=CODE,
            capture_output=True,
            timeout=600,
        )
        times.append(time.monotonic() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            sys.exit(f"startup.py: search failed: {done.stderr.decode()[-500:]}")
    return times, cpu


def missing_sources(index_dir: str, ours: str) -> list[str]:
    """Indexed files, other than ``ours``, that no longer exist (what --prune would delete)."""
    sys.path.insert(0, str(CODE))
    from indexer.pipeline import read_manifest
    from indexer.store import open_generation

    ix, _ = open_generation(index_dir)
    with ix.searcher() as searcher:
        manifest = read_manifest(searcher.reader())
    return sorted(
        path
        for path in manifest
        if not os.path.exists(path) and os.path.realpath(path) != os.path.realpath(ours)
    )


def array_files(index_dir: str) -> list[Path]:
    current = Path(index_dir) / "current"
    directory = current.resolve() if current.exists() else Path(index_dir)
    return sorted(directory.glob("*.nsarrays"))


def serve_queries(port: int, pid: int, passes: int, figures: dict[str, object]) -> None:
    """Run ``passes`` of the search mix (if any), then record where the PSS goes."""
    if passes:
        count, took = search_mix(port, passes)
        figures["queries_before_commit"] = count
        print(f"search mix over HTTP: {count} requests in {took:.1f} s", flush=True)
    before = breakdown(children(pid))
    figures["pss_before_commit"] = before
    print("before the commit: " + format_breakdown(before), flush=True)


def commit_and_prune(
    index_dir: str,
    port: int,
    server: subprocess.Popen[bytes],
    figures: dict[str, object],
    watch: PssWatch | None,
) -> None:
    """Commit :data:`NEW_STORIES` stories, time until they are found, then prune them again."""
    with tempfile.TemporaryDirectory() as scratch:
        stories = Path(scratch) / "startup-bench.jsonl"
        write_stories(stories)
        indexing = run_index([str(stories), "--index", index_dir])
        committed = time.monotonic()
        if watch is not None:
            watch.committed()
        shown = wait_for(port, MARKER, server, found=True)
        figures["incremental_run_s"] = round(indexing, 3)
        figures["commit_to_first_answer_s"] = round(shown - committed, 3)
        print(
            f"incremental run of {NEW_STORIES} stories: {indexing:.3f} s; "
            f"commit to first answer: {shown - committed:.3f} s",
            flush=True,
        )
        stories.unlink()
        gone = missing_sources(index_dir, str(stories))
        if gone:
            # `--prune` would delete every story whose file is gone,
            # not just ours: a corpus moved away would empty the index.
            print(
                f"not pruning: {len(gone)} other indexed files are missing "
                f"(e.g. {gone[0]}); the {NEW_STORIES} benchmark stories stay",
                flush=True,
            )
        else:
            run_index([scratch, "--prune", "--index", index_dir])
            if watch is not None:
                watch.committed()


def report_watch(watch: PssWatch, seconds: float, pid: int, figures: dict[str, object]) -> None:
    """Stop ``watch``; print and record its peak, where the PSS went then and at the end."""
    watched = watch.stop()
    figures["pss_watch"] = watched
    print(
        f"highest PSS of all serving processes from the first commit to {seconds:.0f} s "
        f"after the last: {watched['peak_pss_mib']:.0f} MiB, "
        f"{watched['peak_s_after_first_commit']} s after the first commit "
        f"(commits at {watched['commits_s']} s; {watched['samples']} samples); there:\n"
        + format_breakdown(watched["peak_breakdown"]),  # type: ignore[arg-type]
        flush=True,
    )
    after = breakdown(children(pid))
    figures["pss_end"] = after
    print("at the end: " + format_breakdown(after), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="index to measure (default: 1x Reuters under bench/out)")
    parser.add_argument("--tenfold", action="store_true", help="the 10x Reuters index")
    parser.add_argument("--cli-runs", type=int, default=5, help="CLI calls (median; default 5)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument("--no-commit", action="store_true", help="skip commit-to-first-answer")
    parser.add_argument(
        "--drop-arrays", action="store_true", help="delete the array files first (before figures)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="do not compile the code's bytecode before the CLI calls (see compile_bytecode)",
    )
    parser.add_argument(
        "--repo", type=Path, help="run the newsearch code of this checkout (default: this one)"
    )
    parser.add_argument(
        "--queries",
        type=int,
        default=0,
        help="passes of bench/search.py's request mix over HTTP before the commit (default 0)",
    )
    parser.add_argument(
        "--watch",
        type=float,
        default=0.0,
        help="sample the serving PSS from the first commit until this many seconds after "
        "the last, and report its peak (default 0: off)",
    )
    args = parser.parse_args()
    global CODE
    if args.repo:
        CODE = args.repo.resolve()

    if args.index:
        index_dir = args.index
    elif args.tenfold:
        index_dir = newsearch_index("reuters-10x", tenfold_files())
    else:
        index_dir = newsearch_index("reuters", reuters_files())
    if args.drop_arrays:
        for path in array_files(index_dir):
            path.unlink()
    figures: dict[str, object] = {
        "index": str(index_dir),
        "code": str(CODE),
        "array_files": len(array_files(index_dir)),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "yardstick_s": python_loop_seconds(),
    }
    print(
        f"machine yardstick: 10M-step Python loop in {figures['yardstick_s']:.2f} s; "
        f"load average {figures['load_average']:.1f}",
        flush=True,
    )
    print(f"index {index_dir}: {figures['array_files']} array files", flush=True)

    if not args.no_compile:
        compile_bytecode()
    figures["bytecode_compiled"] = not args.no_compile
    times, cpu = cli_times(index_dir, args.cli_runs)
    figures["cli_search_s"] = {
        "median": round(statistics.median(times), 3),
        "min": round(min(times), 3),
        "runs": [round(t, 3) for t in times],
        "cpu_median": round(statistics.median(cpu), 3),
    }
    print(
        f"CLI search ({QUERY!r}): median {statistics.median(times):.3f} s, "
        f"min {min(times):.3f} s over {len(times)} calls; CPU (user + system) median "
        f"{statistics.median(cpu):.3f} s"
        + ("" if not args.no_compile else " (bytecode not compiled first)"),
        flush=True,
    )

    port = free_port()
    log = Path(tempfile.gettempdir()) / "newsearch-bench" / "startup-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        started = time.monotonic()
        server = subprocess.Popen(
            [
                *NEWSEARCH,
                "serve",
                "--index",
                index_dir,
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            cwd=CODE,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        answered = wait_for(port, QUERY, server, found=True)
        figures["server_start_to_first_answer_s"] = round(answered - started, 3)
        print(f"server start to first full answer: {answered - started:.3f} s", flush=True)
        # Every worker answers once (the port is shared: ask a few times).
        for _ in range(4 * args.workers):
            fetch(port, QUERY)
        serve_queries(port, server.pid, args.queries, figures)
        watch = PssWatch(server.pid) if args.watch and not args.no_commit else None
        if not args.no_commit:
            commit_and_prune(index_dir, port, server, figures, watch)
        time.sleep(1)
        pids = process_tree(server.pid)
        peak, total, pss = memory(pids)
        figures["serving_processes"] = len(pids)
        figures["peak_rss_mib_largest_process"] = round(peak / 1024, 1)
        figures["peak_rss_mib_sum"] = round(total / 1024, 1)
        figures["pss_mib_all_processes"] = round(pss / 1024, 1)
        print(
            f"serving processes: {len(pids)}; peak RSS largest {peak / 1024:.0f} MiB, "
            f"sum {total / 1024:.0f} MiB; PSS of all now {pss / 1024:.0f} MiB",
            flush=True,
        )
        if watch is not None:
            time.sleep(max(0.0, args.watch - 1))
            report_watch(watch, args.watch, server.pid, figures)
    finally:
        stop_server(server)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    watched = figures.get("pss_watch")
    if isinstance(watched, dict):  # the timeline is for the --json file
        figures["pss_watch"] = {k: v for k, v in watched.items() if k != "timeline_mib"}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
