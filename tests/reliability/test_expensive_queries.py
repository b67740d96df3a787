"""Pathological queries on the whole Reuters index answer quickly: 200, 400 or 503, never a stall.

What it proves: leading wildcards, ``*``, fuzzy terms with huge distances on
short words, OR lists of hundreds or thousands of terms, deep nesting, deep
paging and full exports are bounded by limits (400 with a message) or by
the per-request budget (503 with a message), or are simply cheap (a sane
200): none keeps a worker busy for long. Each request is timed in wall
time (what a user waits) and in CPU time of the request thread (what it
costs the server, unaffected by other work on a shared machine).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask
from reliability_support import assert_envelope

from indexer.search.request import MAX_DEPTH

#: ``alone``: the wall-time bound holds for this process on the machine, not
#: beside a second pytest-xdist worker's test (see tests/conftest.py).
pytestmark = [pytest.mark.reuters, pytest.mark.alone, pytest.mark.timeout(600)]

#: What a user may wait, on a loaded 2-core machine, for the worst query.
MAX_WALL_S = 3.0
#: What the worst query may cost the server, CPU seconds of its thread.
MAX_CPU_S = 2.5

WORDS = (
    "oil wheat grain cocoa coffee sugar gold silver copper bank rate dollar yen mark "
    "trade deficit surplus export import tariff profit loss share stock bond debt loan "
    "price market index crude opec fed tax budget growth output strike port ship rail"
).split()

EXPENSIVE = (
    "*ing",
    "*",
    "**",
    "*a*",
    "?*",
    "*e*e*e*e*",
    "?????*",
    "a*",
    "s*",
    "ab~9",
    "a~2",
    "xyzzyplugh~5",
    "oil~2 AND price~2 AND *ing",
    " OR ".join(WORDS * 3)[:1000],
    " ".join(f"{w}*" for w in WORDS)[:1000],
    "(" * 200 + "oil" + ")" * 200,
    "NOT " * 100 + "oil",
    '"' + " ".join(WORDS[:40]) + '"~20',
    '"the of and to in"',
    "title:* OR body:* OR place:* OR topic:*",
    "place:*a* topic:*e*",
)

#: (URL, statuses allowed): limits that must answer 400 without running anything.
LIMITS = (
    # Thousands of terms: over the URL limit (414) before the query limit (400).
    ("/api/search?q=" + quote(" OR ".join(WORDS * 100)), {400, 414}),
    ("/api/search?q=oil&page=1000000", {400}),
    (f"/api/search?q=oil&page={MAX_DEPTH}", {400}),
    ("/api/search?q=&per_page=100000", {400}),
    ("/api/search?q=oil&page=" + "9" * 5000, {400}),
    ("/api/search?" + "&".join(f"place=p{i}" for i in range(500)), {400}),
    (f"/api/search?q=*&per_page=100&page={MAX_DEPTH // 100}", {200, 400, 503}),
    ("/api/search?q=*&sort=oldest&per_page=100&page=50", {200, 400, 503}),
    ("/api/export.csv?q=*", {200, 503}),
    ("/api/export.jsonl?q=a*", {200, 503}),
    ("/?q=" + quote("*ing"), {200, 503}),
    ("/?q=*&page=1000000", {400}),
)


def timed_get(client, url: str):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.thread_time()
    response = client.get(url)
    body = response.get_data()  # streamed exports run here
    return response, body, time.perf_counter() - wall, time.thread_time() - cpu


@pytest.fixture(scope="module")
def rapp(reuters_index: str) -> Iterator[Flask]:
    from webapp import create_app
    from webapp.backend import close_service

    app = create_app({"INDEX_DIR": reuters_index})
    client = app.test_client()
    client.get("/api/search?q=warm+up")  # open the index outside the timings
    # ... and let the background warm-up (caches, a read of every stored
    # document) finish first: /healthz says 200 then. Its thread would
    # otherwise share the CPU with the timed requests.
    deadline = time.monotonic() + 180
    while client.get("/healthz").status_code != 200:
        assert time.monotonic() < deadline, "the index was not warmed in 180 s"
        time.sleep(0.2)
    yield app
    close_service(app)


def check(app: Flask, url: str, allowed: set[int]) -> tuple[int, float, float]:
    response, body, wall, cpu = timed_get(app.test_client(), url)
    assert response.status_code in allowed, (url[:120], response.status_code, body[:300])
    if response.status_code != 200 and url.startswith("/api/"):
        error = assert_envelope(response.mimetype, body)
        assert len(error["message"]) > 10
    assert cpu < MAX_CPU_S, (url[:120], f"{cpu:.2f} s CPU")
    assert wall < MAX_WALL_S, (url[:120], f"{wall:.2f} s")
    return response.status_code, wall, cpu


@pytest.mark.parametrize("q", EXPENSIVE, ids=[q[:30] for q in EXPENSIVE])
@pytest.mark.parametrize("route", ["/api/search", "/"])
def test_expensive_query_answers_quickly(rapp: Flask, route: str, q: str) -> None:
    status, wall, cpu = check(rapp, f"{route}?q={quote(q)}", {200, 400, 503})
    print(f"{status} {wall * 1000:7.0f} ms wall {cpu * 1000:7.0f} ms cpu  {route} {q[:50]}")


@pytest.mark.parametrize(("url", "allowed"), LIMITS, ids=[u[:50] for u, _ in LIMITS])
def test_limits_answer_without_running_the_search(rapp: Flask, url: str, allowed: set[int]) -> None:
    status, wall, cpu = check(rapp, url, allowed)
    print(f"{status} {wall * 1000:7.0f} ms wall {cpu * 1000:7.0f} ms cpu  {url[:60]}")


def test_a_too_expensive_query_is_a_503_with_advice(reuters_index: str) -> None:
    """The budget itself works: with a tiny budget, a big wildcard query is refused."""
    from indexer.search.service import SearchService
    from webapp import create_app
    from webapp.backend import close_service

    app = create_app(
        {"SEARCH_SERVICE_FACTORY": lambda d: SearchService(d, budget_seconds=0.0)}
        | {"INDEX_DIR": reuters_index}
    )
    try:
        assert app.test_client().get("/healthz").status_code == 200  # open the index first
        response, body, wall, _ = timed_get(app.test_client(), "/api/search?q=*e*")
        assert response.status_code == 503, body[:300]
        error = assert_envelope(response.mimetype, body)
        assert error["code"] == "query_too_expensive"
        assert "specific" in error["message"]
        assert wall < MAX_WALL_S
    finally:
        close_service(app)
