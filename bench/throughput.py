"""HTTP throughput of ``/api/search`` through the real server, driven by wrk.

Usage::

    .venv/bin/python bench/throughput.py                      # 16 connections, 30 s
    .venv/bin/python bench/throughput.py --connections 16 50 --duration 60
    .venv/bin/python bench/throughput.py --threads 4      # server threads in all (default 8)
    .venv/bin/python bench/throughput.py --mix standard heavy # the heavy mix: half prefix/fuzzy
    .venv/bin/python bench/throughput.py --repo /tmp/main  # the server of another checkout

Starts ``newsearch serve`` (the real CLI, one waitress process per core)
on the Reuters-21578 index of ``bench/search.py``, waits for it, warms it
with one pass over the benchmark's query set, then runs wrk (Debian's
package; installed with apt-get when missing and running as root) with a Lua
script that cycles through the same 151 requests as ``bench/search.py``
(``--mix standard``) or those plus 96 prefix and fuzzy requests (``--mix
heavy``, about half of its 247 requests are prefix or fuzzy queries).
wrk is written in C and uses a fraction of a core, so the server gets
the machine. Prints requests/s, latency percentiles and errors (non-2xx and
socket errors) for each connection count, the server's CPU time per
request (all its processes, from /proc: unlike latency it hardly moves when
the machine is shared) and the load average around each run.

``--repo DIR`` serves from another checkout (``git archive main | tar -x -C
/tmp/main``), so main's code and this branch's can be measured back to back
on the same index (``--index``) in the same moment.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from corpora import OUT, REPO, newsearch_index, reuters_files
from search import FACET_SELECTIONS, FUZZY, PREFIX, query_set

LUA = """
local paths = {%s}
local i = 0
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
%s
done = function(summary, latency, requests)
  local e = summary.errors
  local hits = 0
  for _, thread in ipairs(threads) do
    hits = hits + (thread:get("hits") or 0)
  end
  io.write(string.format(
    "RESULT requests=%%d duration_us=%%d non2xx=%%d connect=%%d read=%%d write=%%d timeout=%%d " ..
    "p50=%%d p90=%%d p95=%%d p99=%%d max=%%d hits=%%d\\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, hits))
end
"""
#: Counts the response cache's hits (only when it is on: wrk then parses headers).
LUA_COUNT_HITS = """
hits = 0
response = function(status, headers, body)
  if headers["X-Cache"] == "hit" then
    hits = hits + 1
  end
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is missing: sudo apt-get install wrk")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(base: str, timeout: float = 300.0) -> None:
    """Until /healthz says 200: the server has opened, warmed and checked the index."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as reply:
                if json.load(reply).get("documents"):
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("the server did not come up")


#: Extra prefix and fuzzy queries of the heavy mix: shorter prefixes (more
#: words to expand) and two-edit fuzzy terms, each alone, with a date range
#: and with a facet selection.
HEAVY_PREFIX = ["pr*", "ex*", "com*", "tr*", "gr*", "rat*", "sh*", "inter*", "st*", "de*"]
HEAVY_FUZZY = ["goverment~", "compnay~2", "reserv~", "expotrs~2", "bnak~", "sugr~", "wheet~"]
HEAVY_MONTHS = [("1987-03-01", "1987-03-31"), ("1987-04-01", "1987-06-30")]


def heavy_set() -> list[dict[str, list[str]]]:
    """The standard set plus as many prefix and fuzzy requests again (about half of all)."""
    heavy = [params for _, params in query_set()]
    extra = HEAVY_PREFIX + HEAVY_FUZZY + PREFIX + FUZZY
    for round_ in range(3):
        for i, q in enumerate(extra):
            if round_ == 0:
                heavy.append({"q": [q]})
            elif round_ == 1:
                start, end = HEAVY_MONTHS[i % len(HEAVY_MONTHS)]
                heavy.append({"q": [q], "from": [start], "to": [end]})
            else:
                heavy.append({"q": [q], **FACET_SELECTIONS[i % len(FACET_SELECTIONS)]})
    return heavy


#: The request mixes, by name: ``standard`` is ``bench/search.py``'s 151
#: requests; ``heavy`` adds prefix and fuzzy queries until they are half.
MIXES: dict[str, Callable[[], list[dict[str, list[str]]]]] = {
    "standard": lambda: [params for _, params in query_set()],
    "heavy": heavy_set,
}


def mix_paths(mix: str) -> list[str]:
    """The ``/api/search`` URLs of ``mix``, in a fixed order."""
    return ["/api/search?" + urlencode(params, doseq=True) for params in MIXES[mix]()]


def run_wrk(wrk: str, base: str, script: Path, connections: int, duration: int) -> dict:
    threads = min(2, connections)
    out = subprocess.run(
        [
            wrk,
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    figures = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures[k] for k in ("non2xx", "connect", "read", "write", "timeout"))
    return {
        "connections": connections,
        "requests": figures["requests"],
        "requests_per_s": round(figures["requests"] / seconds, 1),
        "p50_ms": figures["p50"] / 1000,
        "p90_ms": figures["p90"] / 1000,
        "p95_ms": figures["p95"] / 1000,
        "p99_ms": figures["p99"] / 1000,
        "max_ms": figures["max"] / 1000,
        "errors": errors,
        "cache_hits": figures["hits"],
    }


def server_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` and its children so far (Linux /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def start_server(args: argparse.Namespace, index_dir: str, port: int) -> subprocess.Popen[bytes]:
    """``newsearch serve`` from ``--repo`` (default: this checkout) on ``index_dir``."""
    repo = Path(args.repo).resolve() if args.repo else REPO
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
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    env = dict(os.environ, PYTHONPATH=str(repo))
    if args.cache is not None:
        env["NEWSEARCH_RESPONSE_CACHE"] = str(args.cache)
    return subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, nargs="+", default=[16])
    parser.add_argument("--duration", type=int, default=30, help="seconds per run")
    parser.add_argument("--workers", type=int, default=None, help="server worker processes")
    parser.add_argument("--threads", type=int, default=None, help="server threads in all")
    parser.add_argument(
        "--mix", choices=sorted(MIXES), nargs="+", default=["standard"], help="request mixes"
    )
    parser.add_argument("--index", default=None, help="index directory (default: the bench's)")
    parser.add_argument(
        "--repo",
        default=None,
        help="run the server from this checkout (e.g. an export of main, to compare)",
    )
    parser.add_argument(
        "--cache",
        type=int,
        default=None,
        help="entries of the response cache per worker (0: off; default: the server's)",
    )
    args = parser.parse_args()

    wrk = ensure_wrk()
    index_dir = args.index or newsearch_index("reuters", reuters_files())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args, index_dir, port)
    results = []
    try:
        wait_ready(base)
        for mix in args.mix:
            all_paths = mix_paths(mix)
            # Warm every worker: each request goes to whichever worker accepts it.
            for _ in range(3):
                for path in all_paths:
                    urllib.request.urlopen(base + path, timeout=30).read()
            with tempfile.TemporaryDirectory() as tmp:
                script = Path(tmp) / "paths.lua"
                counting = LUA_COUNT_HITS if args.cache else ""
                script.write_text(LUA % (", ".join(json.dumps(p) for p in all_paths), counting))
                for connections in args.connections:
                    load = os.getloadavg()[0]
                    cpu = server_cpu_seconds(server.pid)
                    row = run_wrk(wrk, base, script, connections, args.duration)
                    used = server_cpu_seconds(server.pid) - cpu
                    row.update(
                        mix=mix,
                        load_before=round(load, 2),
                        load_after=round(os.getloadavg()[0], 2),
                        server_cpu_ms_per_request=round(1000 * used / max(1, row["requests"]), 2),
                        cache_hit_rate=(
                            round(row["cache_hits"] / max(1, row["requests"]), 3)
                            if args.cache
                            else None
                        ),
                    )
                    results.append(row)
                    print(
                        f"{mix} mix, {connections:>3} connections: "
                        f"{row['requests_per_s']:.1f} req/s, "
                        f"p50 {row['p50_ms']:.1f} ms, p90 {row['p90_ms']:.1f}, "
                        f"p95 {row['p95_ms']:.1f}, p99 {row['p99_ms']:.1f}, "
                        f"max {row['max_ms']:.1f} ms, errors {row['errors']} "
                        f"of {row['requests']}; server CPU "
                        f"{row['server_cpu_ms_per_request']:.2f} ms/request; load "
                        f"{row['load_before']:.1f} -> {row['load_after']:.1f}"
                        + (
                            f"; response cache hit rate {row['cache_hit_rate']:.1%}"
                            if args.cache
                            else ""
                        ),
                        flush=True,
                    )
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "throughput.json").write_text(json.dumps(results, indent=2))
    print(f"written to {OUT / 'throughput.json'}")


if __name__ == "__main__":
    main()
