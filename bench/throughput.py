"""HTTP throughput of ``/api/search`` through the real server, driven by wrk.

Usage::

    .venv/bin/python bench/throughput.py                      # 16 connections, 30 s
    .venv/bin/python bench/throughput.py --connections 16 50 --duration 60
    .venv/bin/python bench/throughput.py --threads 4      # server threads in all (default 8)

Starts ``newsearch serve`` (the real CLI, one waitress process per core)
on the Reuters-21578 index of ``bench/search.py``, waits for it, warms it
with one pass over the benchmark's query set, then runs wrk (Debian's
package; installed with apt-get when missing and running as root) with a Lua
script that cycles through the same 151 requests as ``bench/search.py``.
wrk is written in C and uses a fraction of a core, so the server gets
the machine. Prints requests/s, latency percentiles and errors (non-2xx and
socket errors) for each connection count.
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
from pathlib import Path
from urllib.parse import urlencode

from corpora import OUT, REPO, newsearch_index, reuters_files
from search import query_set

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%%d duration_us=%%d non2xx=%%d connect=%%d read=%%d write=%%d timeout=%%d " ..
    "p50=%%d p90=%%d p95=%%d p99=%%d max=%%d\\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
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


def paths() -> list[str]:
    return ["/api/search?" + urlencode(params, doseq=True) for _, params in query_set()]


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
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, nargs="+", default=[16])
    parser.add_argument("--duration", type=int, default=30, help="seconds per run")
    parser.add_argument("--workers", type=int, default=None, help="server worker processes")
    parser.add_argument("--threads", type=int, default=None, help="server threads in all")
    args = parser.parse_args()

    wrk = ensure_wrk()
    index_dir = newsearch_index("reuters", reuters_files())
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
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    results = []
    try:
        wait_ready(base)
        all_paths = paths()
        # Warm every worker: each request goes to whichever worker accepts it.
        for _ in range(3):
            for path in all_paths:
                urllib.request.urlopen(base + path, timeout=30).read()
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "paths.lua"
            script.write_text(LUA % ", ".join(json.dumps(p) for p in all_paths))
            for connections in args.connections:
                row = run_wrk(wrk, base, script, connections, args.duration)
                results.append(row)
                print(
                    f"{connections:>3} connections: {row['requests_per_s']:.1f} req/s, "
                    f"p50 {row['p50_ms']:.1f} ms, p90 {row['p90_ms']:.1f}, "
                    f"p95 {row['p95_ms']:.1f}, p99 {row['p99_ms']:.1f}, "
                    f"max {row['max_ms']:.1f} ms, errors {row['errors']} "
                    f"of {row['requests']}",
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
