"""``newsearch serve`` on a public address: a bad day or a bad actor cannot take it down (issue 17).

What it proves, against the real server (``python -m indexer.cli serve``,
default settings: one process per core) over real sockets:

* a damaged or empty index never stops it: it keeps running, answers 503
  with the right code (or 0 results for an empty index), ``/healthz`` says
  so, and after ``newsearch index --rebuild`` it serves the repaired index
  without a restart (same worker processes);
* exports beyond the per-process limit are refused with 429 and Retry-After.

Every wait is bounded. The tests with wall-time bounds (slow and idle
clients, oversized requests) live in ``test_public_server_timed.py``, the
rebuild-under-load test (Reuters) in ``test_rebuild_switch.py``.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from reliability_support import REPO, Reply, Server, assert_envelope, run_cli

#: Each test starts a real multi-process server, most also build or rebuild
#: an index: several seconds each, so ``make test-fast`` leaves them out.
pytestmark = pytest.mark.slow

SOURCES = (str(REPO / "seeds"), str(REPO / "tests/fixtures/webapp"))


# -- damaged and empty indexes -----------------------------------------------------------


def _largest(directory: Path, pattern: str) -> Path:
    return max(directory.glob(pattern), key=lambda p: p.stat().st_size)


def _flip_middle(path: Path) -> None:
    """Invert the middle half of a file's bytes (what a failing disk or a stray write leaves)."""
    data = bytearray(path.read_bytes())
    start, end = len(data) // 4, 3 * len(data) // 4
    data[start:end] = bytes(b ^ 0xFF for b in data[start:end])
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated postings": lambda d: os.truncate(
        _largest(d, "*.pst"), _largest(d, "*.pst").stat().st_size // 2
    ),
    "flipped postings": lambda d: _flip_middle(_largest(d, "*.pst")),
    "flipped terms": lambda d: _flip_middle(_largest(d, "*.trm")),
    "flipped stored fields": lambda d: _flip_middle(_largest(d, "*_stored.col")),
    "deleted table of contents": lambda d: next(d.glob("_MAIN_*.toc")).unlink(),
}
#: Requests that must each answer 200 or a 503 in the envelope, never a 500.
PROBES = (
    "/api/search?q=&per_page=100",
    "/api/search?q=cocoa",
    "/api/search?q=payload&sort=newest",
    "/api/stats",
    "/?q=cocoa",
    "/",
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A small real index, built once; each test damages a copy."""
    index_dir = tmp_path_factory.mktemp("pristine") / "index"
    built = run_cli("index", *SOURCES, "--index", str(index_dir), "--no-progress")
    assert built.returncode == 0, built.stderr
    total = int(run_cli("stats", "--index", str(index_dir)).stdout.split()[0])
    return index_dir, total


def worker_pids(server: Server) -> set[int]:
    assert server.process is not None
    return {child.pid for child in psutil.Process(server.process.pid).children()}


def wait_until_serving(server: Server, documents: int, timeout: float = 30) -> float:
    """Seconds until /healthz says 200 with ``documents`` on every worker (several tries)."""
    started = time.monotonic()
    good = 0
    while time.monotonic() - started < timeout:
        reply = server.get("/healthz")
        good = good + 1 if reply.status == 200 and reply.json()["documents"] == documents else 0
        if good >= 6:  # new connections land on either worker: both are serving
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"not serving {documents} documents {timeout} s after the rebuild")


def rebuild_and_check_recovery(server: Server, index_dir: Path, total: int) -> float:
    workers = worker_pids(server)
    rebuilt = run_cli("index", *SOURCES, "--rebuild", "--index", str(index_dir), "--no-progress")
    assert rebuilt.returncode == 0, rebuilt.stderr
    delay = wait_until_serving(server, total)
    reply = server.get("/api/search?q=cocoa")
    assert reply.status == 200 and reply.json()["total"] > 0
    assert server.get("/api/search?q=&per_page=100").json()["total"] == total
    assert worker_pids(server) == workers, "a worker was restarted"
    return delay


def settled_health(server: Server, timeout: float = 60) -> list[Reply]:
    """Six /healthz answers once no worker says ``index_loading`` any more (warming done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = [server.get("/healthz") for _ in range(6)]
        if not any(
            r.status == 503 and r.json()["error"]["code"] == "index_loading" for r in replies
        ):
            return replies
        time.sleep(0.2)
    raise AssertionError(f"/healthz still loading after {timeout} s")


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_index_answers_503_and_a_rebuild_brings_it_back(
    pristine: tuple[Path, int], tmp_path: Path, damage: str
) -> None:
    source, total = pristine
    index_dir = tmp_path / "index"
    shutil.copytree(source, index_dir, symlinks=True)
    DAMAGE[damage]((index_dir / "current").resolve())
    with Server(index_dir, wait_healthy=False) as server:
        workers = worker_pids(server)
        health = settled_health(server)
        assert {h.status for h in health} == {503}, (damage, [h.text for h in health])
        assert {h.json()["error"]["code"] for h in health} == {"index_corrupt"}
        statuses: dict[str, int] = {}
        for path in PROBES:
            reply = server.get(path)
            statuses[path] = reply.status
            assert reply.status in (200, 503), (damage, path, reply.status, reply.text[:300])
            if reply.status == 503 and path.startswith("/api/"):
                error = assert_envelope(reply.headers["Content-Type"], reply.body)
                assert error["code"] == "index_corrupt", (damage, path, error)
                assert "--rebuild" in error["message"]
        if damage != "flipped postings":  # which searches meet those depends on the bytes
            assert statuses[PROBES[0]] == 503, (damage, statuses)
        assert worker_pids(server) == workers, "a worker died on the damaged index"
        delay = rebuild_and_check_recovery(server, index_dir, total)
    print(f"\n{damage}: {statuses}; serving again {delay:.2f} s after the rebuild")


def test_an_empty_index_serves_nothing_calmly_and_says_so(
    pristine: tuple[Path, int], tmp_path: Path
) -> None:
    _, total = pristine
    only_readme = tmp_path / "docs"
    only_readme.mkdir()
    (only_readme / "README.md").write_text("# Notes\n\nNot an article.\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    built = run_cli("index", str(only_readme), "--index", str(index_dir), "--no-progress")
    assert built.returncode in (0, 1), built.stderr  # the README is not an article
    stats = run_cli("stats", "--index", str(index_dir))
    search = run_cli("search", "cocoa", "--index", str(index_dir))
    assert stats.returncode == 0 and stats.stdout.startswith("0 documents"), stats.stderr
    assert search.returncode == 0 and search.stdout.startswith("0 results"), search.stderr
    with Server(index_dir, wait_healthy=False) as server:
        health = settled_health(server)
        assert {h.status for h in health} == {503}
        assert {h.json()["error"]["code"] for h in health} == {"index_empty"}
        found = server.get("/api/search?q=cocoa")
        everything = server.get("/api/search?q=")
        assert found.status == 200 and found.json()["total"] == 0
        assert everything.status == 200 and everything.json()["total"] == 0
        assert everything.json()["histogram"] == []
        assert server.get("/api/stats").json()["documents"] == 0
        page = server.get("/")
        assert page.status == 200 and "The archive is empty" in page.text
        assert server.get("/api/export.csv").status == 200
        rebuild_and_check_recovery(server, index_dir, total)


def test_a_server_started_before_any_index_comes_alive_when_it_is_built(
    pristine: tuple[Path, int], tmp_path: Path
) -> None:
    _, total = pristine
    index_dir = tmp_path / "index"
    with Server(index_dir, wait_healthy=False) as server:
        health = server.get("/healthz")
        assert health.status == 503 and health.json()["error"]["code"] == "index_missing"
        assert server.get("/api/search?q=cocoa").status == 503
        built = run_cli("index", *SOURCES, "--index", str(index_dir), "--no-progress")
        assert built.returncode == 0, built.stderr
        wait_until_serving(server, total)


def test_a_killed_worker_is_replaced_and_the_site_keeps_answering(web_index: Path) -> None:
    with Server(web_index) as server:
        before = worker_pids(server)
        assert len(before) == min(os.cpu_count() or 1, 4) and len(before) >= 2
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            after = worker_pids(server)
            if len(after) == len(before) and victim not in after:
                break
            time.sleep(0.1)
        assert victim not in after and len(after) == len(before), after
        statuses = [server.get("/api/search?q=cocoa").status for _ in range(20)]
        wait_until_serving(server, server.get("/api/stats").json()["documents"])
    assert statuses == [200] * 20


# -- exports -------------------------------------------------------------------------------


@pytest.mark.reuters
def test_exports_beyond_the_limit_are_refused_with_retry_after(reuters_index: str) -> None:
    """One export slot per process, six simultaneous 10,000-row exports: some get 429."""
    results: list[tuple[int, dict[str, str], bytes, float]] = []
    lock = threading.Lock()
    with Server(
        reuters_index, "--max-exports", "1", "--workers", "2", threads=8, start_timeout=300
    ) as server:

        def export() -> None:
            began = time.monotonic()
            reply = server.get("/api/export.jsonl?q=&sort=newest&provenance=0", timeout=120)
            with lock:
                results.append((reply.status, reply.headers, reply.body, time.monotonic() - began))

        clients = [threading.Thread(target=export) for _ in range(6)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=150)
        search = server.get("/api/search?q=cocoa")
        again = server.get("/api/export.csv?q=cocoa")
    statuses = sorted(status for status, *_ in results)
    print(f"\n6 simultaneous exports with 1 slot per process: {statuses}")
    assert len(results) == 6 and set(statuses) <= {200, 429}, statuses
    refused = [r for r in results if r[0] == 429]
    served = [r for r in results if r[0] == 200]
    assert refused and served, statuses
    for _, headers, body, elapsed in refused:
        assert int(headers["Retry-After"]) > 0
        assert assert_envelope(headers["Content-Type"], body)["code"] == "too_many_exports"
        assert elapsed < 5, elapsed  # refused at once, not queued
    for _, _, body, _ in served:
        assert body.count(b"\n") == 10_000
    assert search.status == 200 and again.status == 200  # the slots were given back
