"""Error handling with a fake service: failures a real index cannot be made to produce.

Every API error is the one envelope; every page error is an HTML page with
the same status; nothing ever shows a traceback.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from web_helpers import (
    FakeService,
    assert_error_envelope,
    assert_html_error,
    assert_security_headers,
    make_article,
)

from indexer.errors import (
    IndexBusyError,
    IndexCorruptError,
    IndexMissingError,
    NewsearchError,
    SearchBudgetError,
)
from webapp import create_app
from webapp.backend import close_service

API_ROUTES = (
    "/api/search?q=cocoa",
    "/api/articles/doc-1",
    "/api/stats",
    "/api/export.csv?q=cocoa",
    "/api/export.jsonl?q=cocoa",
    "/healthz",
)
PAGE_ROUTES = ("/?q=cocoa", "/articles/doc-1")

FAILURES = (
    (SearchBudgetError("the query would take too long; narrow it"), 503, "query_too_expensive"),
    (IndexMissingError("no index at /secret/path"), 503, "index_missing"),
    (IndexCorruptError("segment _MAIN_3.toc missing in /secret/path"), 503, "index_corrupt"),
    (IndexBusyError("locked"), 503, "index_busy"),
    (RuntimeError("boom at /secret/path"), 500, "internal_error"),
    (NewsearchError("an unmapped failure at /secret/path"), 500, "internal_error"),
)


@pytest.mark.parametrize("route", API_ROUTES)
@pytest.mark.parametrize(("failure", "status", "code"), FAILURES)
def test_api_failures_use_the_envelope(
    fake_client: FlaskClient,
    fake_service: FakeService,
    route: str,
    failure: Exception,
    status: int,
    code: str,
) -> None:
    fake_service.fail = failure
    response = fake_client.get(route)
    error = assert_error_envelope(response, status, code)
    assert "/secret/path" not in response.get_data(as_text=True)
    assert_security_headers(response)
    if isinstance(failure, SearchBudgetError):
        assert "narrow" in error["message"]


@pytest.mark.parametrize("route", PAGE_ROUTES)
@pytest.mark.parametrize(("failure", "status", "code"), FAILURES)
def test_page_failures_are_friendly_pages(
    fake_client: FlaskClient,
    fake_service: FakeService,
    route: str,
    failure: Exception,
    status: int,
    code: str,
) -> None:
    fake_service.fail = failure
    response = fake_client.get(route)
    soup = assert_html_error(response, status)
    assert soup.select_one("[data-testid=error]")["data-code"] == code
    assert "/secret/path" not in response.get_data(as_text=True)
    assert_security_headers(response)


def test_unopenable_index_answers_503_and_recovers_without_restart() -> None:
    service = FakeService()
    attempts: list[str] = []

    def factory(index_dir: str) -> FakeService:
        attempts.append(index_dir)
        if len(attempts) == 1:
            raise IndexMissingError(f"no index at {index_dir}")
        return service

    app = create_app({"INDEX_DIR": "/nowhere", "SEARCH_SERVICE_FACTORY": factory})
    client = app.test_client()
    assert_error_envelope(client.get("/healthz"), 503, "index_missing")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "generation": 7, "documents": 3, "index": ""}
    assert attempts == ["/nowhere", "/nowhere"]
    close_service(app)
    assert service.closed


def test_service_is_created_once_and_closed(fake_app, fake_service: FakeService) -> None:
    created: list[FakeService] = []

    def factory(index_dir: str) -> FakeService:
        created.append(fake_service)
        return fake_service

    app = create_app({"SEARCH_SERVICE_FACTORY": factory})
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/stats").status_code == 200
    assert len(created) == 1
    close_service(app)
    close_service(app)  # idempotent
    assert fake_service.closed


def test_index_dir_defaults_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSEARCH_INDEX", "/srv/idx")
    assert create_app().config["INDEX_DIR"] == "/srv/idx"
    monkeypatch.delenv("NEWSEARCH_INDEX")
    assert create_app().config["INDEX_DIR"] == "./newsearch-index"
    assert create_app({"INDEX_DIR": "/x"}).config["INDEX_DIR"] == "/x"


@pytest.mark.parametrize(
    "route", ["/api/nope", "/api/articles/unknown-id", "/api/articles/..%2F..%2Fetc%2Fpasswd"]
)
def test_api_404s(fake_client: FlaskClient, route: str) -> None:
    assert_error_envelope(fake_client.get(route), 404, "not_found")


@pytest.mark.parametrize("route", ["/nope", "/articles/unknown-id", "/articles/.hidden"])
def test_page_404s(fake_client: FlaskClient, route: str) -> None:
    assert_html_error(fake_client.get(route), 404)


@pytest.mark.parametrize("route", ["/api/search", "/api/stats", "/healthz", "/api/export.csv"])
def test_api_405(fake_client: FlaskClient, route: str) -> None:
    response = fake_client.post(route)
    assert_error_envelope(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    assert_security_headers(response)


def test_page_405(fake_client: FlaskClient) -> None:
    assert_html_error(fake_client.delete("/"), 405)


def test_bad_request_page_keeps_the_query_in_the_form(fake_client: FlaskClient) -> None:
    soup = assert_html_error(fake_client.get("/?q=cocoa&page=abc"), 400)
    assert soup.select_one("#q")["value"] == "cocoa"
    assert "page" in soup.select_one("[data-testid=error-message]").get_text()


def test_article_page_with_an_unparsable_q_still_shows_the_article(
    fake_client: FlaskClient, fake_service: FakeService
) -> None:
    fake_service.articles["doc-1"] = make_article()
    response = fake_client.get("/articles/doc-1?q=" + "x" * 2000)
    assert response.status_code == 200
    response = fake_client.get("/articles/doc-1?q=a&q=b")
    assert response.status_code == 200


def test_similar_over_budget_only_hides_the_list(fake_client: FlaskClient) -> None:
    class Slow(FakeService):
        def similar(self, article_id: str, limit: int = 5):  # type: ignore[no-untyped-def]
            raise SearchBudgetError("too slow")

    service = Slow(articles={"doc-1": make_article()})
    app = create_app({"SEARCH_SERVICE_FACTORY": lambda index_dir: service})
    response = app.test_client().get("/articles/doc-1")
    assert response.status_code == 200
    assert b"No similar articles" in response.data


def test_an_oversized_url_is_a_414_in_the_envelope(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/search?q=" + "x" * 40_000)
    assert response.status_code == 414
    error = response.get_json()["error"]
    assert error["code"] == "request_uri_too_long" and "32 kB" in error["message"]
    assert response.headers["Content-Security-Policy"]
