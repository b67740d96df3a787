"""End-to-end fixtures: a real index, the real server, Debian's chromium.

One index, one server (``python -m indexer.cli serve`` in a subprocess, the
same code path as ``newsearch serve``) and one browser per session (per
pytest-xdist worker). Pages come from a pool (:class:`e2e_helpers.PagePool`):
each page has its own browser context, and a page a test is done with
serves the next test that asks for the same context options, with its
cookies, storage, cache, routes, timeouts and reports cleared in between
(checked by tests/e2e/test_e2e_pool.py), so no state leaks from one test
into the next; only the tab's back/forward history remains, behind the
next test's first page. A test that fails or sees a dialog has its pages
closed, not kept.

Without ``/usr/bin/chromium`` the browser tests skip locally and fail under
``CI=true`` (the pattern of ``require_reuters`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest
from e2e_helpers import PagePool
from playwright.sync_api import Browser, Page, sync_playwright

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
FIXTURES = REPO / "tests" / "fixtures" / "webapp"
ARTIFACTS = REPO / "test-artifacts"

CHROMIUM = Path(os.environ.get("NEWSEARCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVER_START_TIMEOUT = 180.0  # /healthz says 200 once the index is warmed and checked
SERVER_STOP_TIMEOUT = 10.0


def require_chromium() -> Path:
    """Debian's chromium; skip the test without it, or fail under ``CI=true``."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI=true requires it", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


# -- the server ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthz(base_url: str) -> dict[str, Any] | None:
    """The health document, or None while the server cannot answer yet."""
    try:
        with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
            if response.status != 200:
                return None
            payload: dict[str, Any] = json.loads(response.read())
            return payload
    except (OSError, ValueError):
        return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server by its PID; kill it if it does not stop in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=SERVER_STOP_TIMEOUT)


def _listens(process: subprocess.Popen[bytes], port: int) -> bool:
    """Whether ``process`` itself listens on ``port`` (not another engineer's server)."""
    try:
        connections = psutil.Process(process.pid).net_connections(kind="tcp")
    except psutil.Error:
        return False
    return any(c.status == psutil.CONN_LISTEN and c.laddr.port == port for c in connections)


def _wait_ready(process: subprocess.Popen[bytes], port: int, log: Path) -> bool:
    """True once /healthz answers; False if the process died (say, port taken)."""
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        health = _healthz(base_url)
        if health is not None and health.get("documents", 0) > 0:
            return _listens(process, port)
        time.sleep(0.1)
    _stop(process)
    pytest.fail(
        f"server at {base_url} not ready after {SERVER_START_TIMEOUT}s; log:\n{log.read_text()}",
        pytrace=False,
    )


@contextmanager
def running_server(index_dir: str, log_dir: Path) -> Iterator[str]:
    """Run ``newsearch serve`` on ``index_dir`` on a free port; yield its base URL.

    A port found free can be taken before the server binds it: the start is
    retried on a new port when the process exits early or another process
    answers on that port.
    """
    for attempt in range(3):
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        log = log_dir / f"server-{port}.log"
        command = [sys.executable, "-m", "indexer.cli", "serve", "--index", index_dir]
        command += ["--host", "127.0.0.1", "--port", str(port)]
        with log.open("wb") as sink:
            process = subprocess.Popen(
                command, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        try:
            if _wait_ready(process, port, log):
                yield base_url
                return
        finally:
            _stop(process)
        if attempt == 2:
            pytest.fail(f"server exited early; log:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="session")
def e2e_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real index of ``seeds/`` and the web fixtures (including the XSS articles)."""
    from indexer.pipeline import index_paths

    directory = tmp_path_factory.mktemp("e2e-index") / "index"
    report = index_paths([str(SEEDS), str(FIXTURES)], str(directory))
    assert report.documents_total > 0, report
    return str(directory)


@pytest.fixture(scope="session")
def server(e2e_index: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the real server on :func:`e2e_index`, e.g. ``http://127.0.0.1:41234``."""
    with running_server(e2e_index, tmp_path_factory.mktemp("e2e-server")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def reuters_server(reuters_index: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server, on the session's Reuters-21578 index."""
    with running_server(reuters_index, tmp_path_factory.mktemp("e2e-reuters")) as base_url:
        yield base_url


# -- the browser -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright (sync API), one per session."""
    executable = require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Note a failed setup or call, so that its pages are not handed to the next test."""
    outcome = yield
    if outcome.get_result().failed:  # type: ignore[attr-defined]
        item.stash[_FAILED] = True


@pytest.fixture(scope="session")
def page_pool(browser: Browser) -> Iterator[PagePool]:
    """The pages of this session's browser (see :class:`e2e_helpers.PagePool`)."""
    pool = PagePool(browser)
    yield pool
    pool.close()


@pytest.fixture
def new_page(page_pool: PagePool, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """A factory of watched pages, each in its own context: ``new_page(**context_options)``.

    Every page fails the test on a JavaScript dialog (none is ever expected)
    and records console errors, page errors and CSP violations in
    ``page.watch`` (a :class:`e2e_helpers.PageWatch`). The pages come clean
    from the module's :class:`PagePool` and go back to it after the test.
    """
    pages: list[Page] = []

    def make(**options: Any) -> Page:
        page = page_pool.take(**options)
        pages.append(page)
        return page

    yield make
    dialogs = [dialog for page in pages for dialog in page.watch.dialogs]  # type: ignore[attr-defined]
    reuse = not dialogs and not request.node.stash.get(_FAILED, False)
    for page in pages:
        page_pool.give_back(page, reuse)
    assert not dialogs, f"a JavaScript dialog fired: {dialogs}"


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A fresh watched page with JavaScript on, at the default viewport."""
    return new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` at the repository root (git-ignored), created on demand."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
