"""The optional response cache of ``/api/search``: same bytes, hit rate visible, never stale."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient

from webapp import create_app
from webapp.backend import close_service
from webapp.response_cache import cached_json


@pytest.fixture
def cached_app(index_dir: str) -> Iterator[Flask]:
    app = create_app({"INDEX_DIR": index_dir, "TESTING": True, "RESPONSE_CACHE_SIZE": 16})
    yield app
    close_service(app)


def test_off_by_default(client: FlaskClient) -> None:
    response = client.get("/api/search?q=oil")
    assert response.status_code == 200
    assert "X-Cache" not in response.headers


def test_a_repeated_search_is_answered_from_the_cache_byte_for_byte(
    cached_app: Flask, client: FlaskClient
) -> None:
    cached = cached_app.test_client()
    first = cached.get("/api/search?q=oil&per_page=5")
    second = cached.get("/api/search?q=oil&per_page=5")
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.headers["X-Cache"] == "miss"
    assert second.headers["X-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    # The security headers still come with a cached answer.
    assert second.headers["X-Content-Type-Options"] == "nosniff"
    # And it is what the app without a cache answers (but for the time taken).
    plain = client.get("/api/search?q=oil&per_page=5").get_json()
    again = second.get_json()
    plain.pop("took_ms"), again.pop("took_ms")
    assert again == plain


def test_errors_are_not_cached(cached_app: Flask) -> None:
    cached = cached_app.test_client()
    for _ in range(2):
        response = cached.get("/api/search?q=oil&page=0")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"]
        assert response.headers.get("X-Cache") != "hit"


def test_a_new_generation_is_never_answered_from_the_old_ones_entries(cached_app: Flask) -> None:
    cached = cached_app.test_client()
    assert cached.get("/api/search?q=wheat").headers["X-Cache"] == "miss"
    assert cached.get("/api/search?q=wheat").headers["X-Cache"] == "hit"
    cache = cached_app.extensions["newsearch-response-cache"]
    # Entries are keyed by generation: a request under another one misses.
    with cached_app.test_request_context("/api/search?q=wheat"):
        calls = []

        def compute() -> Response:
            calls.append(1)
            return cached_app.response_class(b"{}", mimetype="application/json")

        cached_json(lambda: 10**9, compute)
    assert calls == [1]
    assert cache.hits == 1 and cache.misses == 2
