"""Fixtures shared by every test directory.

Keep this file small and additive: several areas of the project add to it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

REPO = Path(__file__).resolve().parent.parent

#: Where the Reuters-21578 corpus lives: next to the repository, outside it
#: (its licence allows research use, not redistribution in our tree).
REUTERS_DIR = Path(
    os.environ.get("NEWSEARCH_REUTERS_DIR", REPO.parent / "shared/corpora/reuters21578")
)


def require_reuters() -> Path:
    """The corpus directory; skip the test without it, or fail under ``CI=true``.

    On CI a missing corpus is a broken set-up, not a reason to go green with
    the corpus tests silently skipped.
    """
    if not any(REUTERS_DIR.glob("reut2-*.sgm")):
        message = f"Reuters-21578 corpus not found in {REUTERS_DIR} (set NEWSEARCH_REUTERS_DIR)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI=true requires it", pytrace=False)
        pytest.skip(message)
    return REUTERS_DIR


@pytest.fixture(scope="session")
def reuters_dir() -> Path:
    """The Reuters-21578 directory (see :func:`require_reuters`); mark tests ``reuters``."""
    return require_reuters()


@pytest.fixture(scope="session")
def reuters_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real index of all 22 Reuters-21578 SGML files, built once per session.

    Only the ``reut2-*.sgm`` files are indexed (the corpus folder also holds
    its README and category lists, which are not news). Under pytest-xdist
    the workers share one build: the first to ask builds it under a file
    lock, the others wait for it and open the same directory (every test
    only reads it; a test that changes an index copies it first).
    """
    from indexer.pipeline import index_paths

    corpus = require_reuters()
    root = shared_tmp(tmp_path_factory) / "reuters"
    root.mkdir(exist_ok=True)
    directory, done = root / "index", root / "built"
    with _flock(root / "lock", fcntl.LOCK_EX):
        if not done.exists():
            files = sorted(str(path) for path in corpus.glob("reut2-*.sgm"))
            report = index_paths(files, str(directory))
            assert report.documents_total > 0, report
            done.write_text(str(report.documents_total), encoding="utf-8")
    return str(directory)


# -- running on several pytest-xdist workers ----------------------------------------
#
# ``make test`` and ``make test-fast`` run the suite on two workers (one per
# core). Tests marked ``alone`` measure wall time (a latency bound, a p95):
# while one runs, no other worker runs a test, so the measurement sees the
# machine as a single-process run would. Every other test holds a shared
# lock for its whole run (fixtures included); an ``alone`` run holds it
# exclusively, from its first consecutive ``alone`` test to its last (the
# ``alone`` tests of a module stay together on one worker: the suite runs
# with ``--dist loadscope``, one module per unit of work). A "turnstile"
# lock taken by both kinds keeps the other worker from starting new tests
# while an ``alone`` run waits for its turn.


def _work_unit(item: pytest.Item) -> str:
    """What ``--dist loadscope`` hands a worker at once: the module, or the test class."""
    return item.nodeid.rsplit("::", 1)[0]


def _unit_rank(unit: list[pytest.Item]) -> int:
    """When a unit of work should start (lower first); see :func:`pytest_collection_modifyitems`."""
    if any(item.get_closest_marker("alone") for item in unit):
        return 5
    slow = any(item.get_closest_marker("slow") for item in unit)
    if any("reuters_index" in item.fixturenames for item in unit):
        return 1 if slow else 2
    if slow:
        return 0
    return 3 if any(item.get_closest_marker("browser") for item in unit) else 4


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the units of work so that both workers stay busy to the end.

    pytest-xdist (``--dist loadscope --no-loadscope-reorder``) hands out
    modules in this order, one at a time, to whichever worker is free. So:
    first the long ``slow`` modules that need no Reuters index (one worker
    spends minutes in the crash-safety chain while the other gets through the
    rest); then the modules on the shared Reuters index (the first of them
    builds it while the other worker is still busy with a slow module, so
    nobody waits on the build lock), the browser modules (a browser and a
    server per worker), the small ones; last the modules with ``alone``
    tests: an ``alone`` test waits until the other worker's current test
    ends, which at the end is a short one (a minutes-long test beside it
    would idle both workers). A module's tests stay together and in order.
    """
    units: dict[str, list[pytest.Item]] = {}
    for item in items:
        units.setdefault(_work_unit(item), []).append(item)
    rank = {name: (_unit_rank(unit), n) for n, (name, unit) in enumerate(units.items())}
    items.sort(key=lambda item: rank[_work_unit(item)])


def shared_tmp(factory: pytest.TempPathFactory) -> Path:
    """A temporary directory of this session that every xdist worker shares."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _flock(path: Path, operation: int) -> Iterator[IO[str]]:
    """Hold ``flock(operation)`` on ``path`` (created if missing) for the block."""
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, operation)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Alone:
    """The exclusive hold of one worker (see above); None outside a run of ``alone`` tests."""

    turnstile: IO[str] | None = None
    running: IO[str] | None = None


def _open_lock(path: Path, operation: int) -> IO[str]:
    handle = path.open("a", encoding="utf-8")
    fcntl.flock(handle, operation)
    return handle


def _release(handle: IO[str] | None) -> None:
    if handle is not None:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Under xdist: a shared hold for ordinary tests, an exclusive one for ``alone`` tests."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        yield
        return
    locks = shared_tmp(item.config._tmp_path_factory)  # type: ignore[attr-defined]
    if item.get_closest_marker("alone") is None:
        with _flock(locks / "turnstile.lock", fcntl.LOCK_EX):
            pass  # waits while an ``alone`` run is queued or running
        with _flock(locks / "running.lock", fcntl.LOCK_SH):
            yield
        return
    if _Alone.running is None:
        _Alone.turnstile = _open_lock(locks / "turnstile.lock", fcntl.LOCK_EX)
        _Alone.running = _open_lock(locks / "running.lock", fcntl.LOCK_EX)
    try:
        yield
    finally:
        if nextitem is None or nextitem.get_closest_marker("alone") is None:
            _release(_Alone.running)
            _release(_Alone.turnstile)
            _Alone.running = _Alone.turnstile = None
