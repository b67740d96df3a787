"""Two ``newsearch index --rebuild`` runs under continuous queries: no request stalls (issue 17).

A rebuild replaces every segment, so the server must load the new
generation's arrays and fill its caches from nothing: seconds of work on
Reuters-21578. Before issue 17 the first request to notice the new
generation did that work while every other request waited behind it (5-12 s
stalls). Now the generation is opened and warmed in the background and the
server switches when it is ready: with four clients querying without pause
through two rebuilds (each switch seen by every worker), no request may take
over 1 s and none may fail.

The first rebuild indexes a quarter of the corpus (a switch to a smaller
generation: cheap, and a rebuild all the same), the second all of it, so the
last switch warms the whole of Reuters as before: with the warm-up back in
a request's path, that request takes seconds and the test fails (with
``generations.SWITCH_WAIT`` raised from 0.5 to 30 s, one took 8.8 s when
tried). Two full rebuilds indexed 16 files more, in a test during which no
other test may start.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from reliability_support import Server, run_cli

#: ``alone``: the 1 s bound is about the server, not about a second
#: pytest-xdist worker's test sharing the two cores (one run beside the
#: crash-safety test at a load average of 25 saw 1.14 s); see tests/conftest.py.
pytestmark = [pytest.mark.reuters, pytest.mark.slow, pytest.mark.alone, pytest.mark.timeout(900)]

#: Varied words, phrases, prefixes and filters, so the new generation's
#: postings are asked for cold, not just one cached term.
WORDS = (
    "oil",
    "cocoa",
    "bank rates",
    '"interest rates"',
    "export*",
    "coffee brazil",
    "wheat",
    "opec oil prices",
    "dollar yen",
    "gold",
    "shipping strike",
    "sugar",
    "tin council",
    "grain soviet",
    "profit",
    "takeover bid",
    "title:cocoa",
    "",
)
#: Files of the first rebuild (of 22): about 6,000 stories.
FIRST_REBUILD_FILES = 6
QUERIES = (
    *(f"/api/search?q={quote(q)}" for q in WORDS),
    "/api/search?q=trade&place=usa",
    "/?q=steel",
    "/api/stats",
)


class Clients:
    """Clients querying without pause, each request timed."""

    def __init__(self, server: Server, count: int = 2) -> None:
        self.server = server
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i * 5,)) for i in range(count)]

    def _run(self, offset: int) -> None:
        n = offset
        while not self.stop.is_set():
            path = QUERIES[n % len(QUERIES)]
            n += 1
            began = time.monotonic()
            try:
                status = self.server.get(path, timeout=10).status
                problem = None if status == 200 else f"{path}: {status}"
            except OSError as exc:
                problem = f"{path}: {exc!r}"
            with self.lock:
                self.latencies.append(time.monotonic() - began)
                if problem:
                    self.failures.append(problem)

    def __enter__(self) -> Clients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def served_builds(server: Server) -> set[str]:
    """The builds the workers serve, once all are warm (new connections land on any)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        replies = [server.get("/healthz") for _ in range(8)]
        if all(r.status == 200 for r in replies):
            return {r.json()["index"] for r in replies}
        time.sleep(0.2)
    raise AssertionError("the workers did not all become healthy")


def rebuild_and_wait_for_the_switch(server: Server, files: list[str], index_dir: Path) -> str:
    before = served_builds(server)
    started = time.monotonic()
    rebuilt = run_cli("index", *files, "--rebuild", "--index", str(index_dir), "--no-progress")
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    built = time.monotonic()
    while True:  # every worker answers from the new build
        seen = served_builds(server)
        if not seen & before and len(seen) == 1:
            break
        assert time.monotonic() - built < 300, f"no switch: {before} -> {seen}"
        time.sleep(0.2)
    return f"built in {built - started:.1f} s, switched {time.monotonic() - built:.1f} s later"


def test_two_rebuilds_under_continuous_queries_never_stall(
    reuters_index: str, reuters_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(reuters_index, index_dir, symlinks=True)
    files = sorted(str(p) for p in reuters_dir.glob("reut2-*.sgm"))
    with Server(index_dir, start_timeout=300) as server:
        served_builds(server)  # both workers warm before the clients start
        with Clients(server) as clients:
            switches = [
                rebuild_and_wait_for_the_switch(server, batch, index_dir)
                for batch in (files[:FIRST_REBUILD_FILES], files)
            ]
            time.sleep(1.0)
    latencies = sorted(clients.latencies)
    worst = latencies[-1]
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    print(
        f"\n{len(latencies)} requests during 2 rebuilds ({'; '.join(switches)}): "
        f"p99 {p99 * 1000:.0f} ms, max {worst * 1000:.0f} ms, {len(clients.failures)} failures"
    )
    assert clients.failures == [], clients.failures[:5]
    assert worst < 1.0, f"a request took {worst:.2f} s"
