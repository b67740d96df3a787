"""HTTP load on the real server: N concurrent clients for T seconds on loopback.

Starts ``newsearch serve`` (the real CLI, in a subprocess) on a Reuters-21578
index, building the index with ``newsearch index`` first if it is missing,
then runs one closed-loop client per thread, each on its own keep-alive
connection, over a fixed mix of requests (API and page searches, filters,
date ranges, deep pages, article pages). Prints requests/s, latency
percentiles and errors for every client count given::

    .venv/bin/python bench/load.py                       # 50 clients, 60 s
    .venv/bin/python bench/load.py --clients 50 16 --json

An error is any transport failure or any status other than 200. The client
runs in this process; on a small machine it competes with the server for
the cores, which the printed CPU share of the client shows.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
NEWSEARCH = [sys.executable, "-m", "indexer.cli"]
DEFAULT_CORPUS = Path(
    os.environ.get("NEWSEARCH_REUTERS_DIR", REPO.parent / "shared/corpora/reuters21578")
)
DEFAULT_INDEX = Path(tempfile.gettempdir()) / "newsearch-bench" / "reuters-index"

WORDS = (
    "oil wheat grain cocoa coffee sugar gold copper bank dollar yen trade deficit export "
    "tariff profit shares bonds debt loan price crude opec tax budget growth strike port"
).split()
PHRASES = ('"interest rates"', '"trade deficit"', '"crude oil"', '"central bank"')
PLACES = ("usa", "japan", "uk", "west-germany", "canada", "brazil", "france")
TOPICS = ("earn", "acq", "grain", "crude", "trade", "money-fx", "interest")


def request_mix(rng: random.Random) -> str:
    """One request of the mix: what a reader of the archive does most."""
    word = rng.choice(WORDS)
    roll = rng.random()
    if roll < 0.35:
        return f"/api/search?q={word}"
    if roll < 0.55:
        return f"/?q={quote(word + ' ' + rng.choice(WORDS))}"
    if roll < 0.65:
        return f"/api/search?q={quote(rng.choice(PHRASES))}&sort=newest"
    if roll < 0.75:
        return f"/api/search?q={word}&place={rng.choice(PLACES)}&topic={rng.choice(TOPICS)}"
    if roll < 0.82:
        return f"/api/search?q={word}&from=1987-03-01&to=1987-03-31&page={rng.randint(1, 5)}"
    if roll < 0.95:
        return f"/articles/reuters-{rng.randint(1, 21578)}"
    return f"/api/search?q={word[:3]}*&per_page=20"


@dataclass
class RunResult:
    clients: int
    seconds: float
    requests: int
    errors: int
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    client_cpu_share: float = 0.0


class Client(threading.Thread):
    """A closed-loop client: one request at a time on one keep-alive connection."""

    def __init__(self, port: int, seed: int, stop: threading.Event, measure: threading.Event):
        super().__init__(daemon=True)
        self.port = port
        self.rng = random.Random(seed)
        self.stop = stop
        self.measure = measure
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.errors = 0

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def run(self) -> None:
        connection = self._connect()
        while not self.stop.is_set():
            path = request_mix(self.rng)
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = str(response.status)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = self._connect()
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                connection.close()
                connection = self._connect()
            elapsed = time.perf_counter() - started
            if self.measure.is_set():
                self.latencies.append(elapsed)
                self.statuses[status] = self.statuses.get(status, 0) + 1
                self.errors += status != "200"
        connection.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def drive(port: int, clients: int, seconds: float, warmup: float) -> RunResult:
    stop, measure = threading.Event(), threading.Event()
    threads = [Client(port, seed, stop, measure) for seed in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(warmup)
    cpu_before = time.process_time()
    measure.set()
    started = time.perf_counter()
    time.sleep(seconds)
    measure.clear()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    latencies = sorted(x for t in threads for x in t.latencies)
    statuses: dict[str, int] = {}
    for thread in threads:
        for status, count in thread.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    ms = [x * 1000 for x in latencies]
    return RunResult(
        clients=clients,
        seconds=round(elapsed, 1),
        requests=len(latencies),
        errors=sum(t.errors for t in threads),
        requests_per_s=round(len(latencies) / elapsed, 1),
        p50_ms=round(statistics.median(ms), 1) if ms else 0.0,
        p95_ms=round(percentile(ms, 0.95), 1),
        p99_ms=round(percentile(ms, 0.99), 1),
        max_ms=round(ms[-1], 1) if ms else 0.0,
        statuses=dict(sorted(statuses.items())),
        client_cpu_share=round(cpu / elapsed, 2),
    )


# -- the server and its index -------------------------------------------------------


def ensure_index(index_dir: Path, corpus: Path) -> None:
    """Build the Reuters index with the CLI unless one is already there."""
    if (index_dir / "current").exists():
        return
    files = sorted(str(p) for p in corpus.glob("reut2-*.sgm"))
    if not files:
        sys.exit(f"load.py: no Reuters-21578 files in {corpus} (set NEWSEARCH_REUTERS_DIR)")
    print(f"building the index in {index_dir} ...", file=sys.stderr, flush=True)
    built = subprocess.run(
        [*NEWSEARCH, "index", *files, "--index", str(index_dir), "--no-progress"],
        cwd=REPO,
        check=False,
    )
    if built.returncode not in (0, 1):
        sys.exit(f"load.py: indexing failed with status {built.returncode}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: Where the server's own output goes (waitress logs a line per queued task).
SERVER_LOG = Path(tempfile.gettempdir()) / "newsearch-bench" / "load-server.log"


def start_server(index_dir: Path, port: int, extra: list[str]) -> subprocess.Popen[bytes]:
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    with SERVER_LOG.open("wb") as log:
        server = subprocess.Popen(
            [*NEWSEARCH, "serve", "--index", str(index_dir), "--port", str(port), *extra],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(
                f"load.py: the server exited with status {server.returncode}; see {SERVER_LOG}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
                if reply.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("load.py: the server did not answer /healthz within 120 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def report(result: RunResult) -> str:
    return (
        f"{result.clients:3d} clients, {result.seconds:.0f} s: {result.requests:,} requests, "
        f"{result.requests_per_s:,.1f} req/s; latency p50 {result.p50_ms:.1f} ms, "
        f"p95 {result.p95_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, max {result.max_ms:.1f} ms; "
        f"errors {result.errors}; statuses {result.statuses}; "
        f"client CPU {result.client_cpu_share:.0%} of a core"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[50], help="client counts")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds first")
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index directory")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="Reuters directory")
    parser.add_argument("--workers", type=int, default=None, help="server processes")
    parser.add_argument("--threads", type=int, default=None, help="server threads")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 4096), hard), hard))
    ensure_index(args.index, args.corpus)
    extra = []
    if args.workers:
        extra += ["--workers", str(args.workers)]
    if args.threads:
        extra += ["--threads", str(args.threads)]
    port = free_port()
    server = start_server(args.index, port, extra)
    results = []
    try:
        for clients in args.clients:
            result = drive(port, clients, args.seconds, args.warmup)
            results.append(result)
            if not args.json:
                print(report(result), flush=True)
    finally:
        stop_server(server)
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    if any(r.errors for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
