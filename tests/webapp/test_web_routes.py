"""Every route against a real index of ``seeds/`` and ``tests/fixtures/webapp/``."""

from __future__ import annotations

import csv
import io
import itertools
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask.testing import FlaskClient
from web_helpers import assert_error_envelope, assert_html_error, assert_security_headers, soup_of

from indexer.search.presenter import ARTICLE_KEYS, EXPORT_COLUMNS, HIT_KEYS, SEARCH_KEYS

COCOA_REVIEW = "reuters-900001"

#: One URL per route (and per kind of answer), for the checks every response must pass.
EVERY_ROUTE = (
    "/",
    "/?q=cocoa",
    "/?q=wheat&place=United+States&sort=newest",
    f"/articles/{COCOA_REVIEW}",
    f"/articles/{COCOA_REVIEW}?q=cocoa",
    "/articles/no-such-article",
    "/?from=2020-13-45",
    "/api/search?q=cocoa",
    "/api/search?q=%22unbalanced",
    f"/api/articles/{COCOA_REVIEW}",
    "/api/articles/no-such-article",
    "/api/stats",
    "/api/export.csv?q=grain",
    "/api/export.jsonl?q=grain",
    "/api/openapi.json",
    "/healthz",
    "/static/style.css",
    "/static/app.js",
    "/no/such/page",
    "/api/no/such/endpoint",
)


def api(client: FlaskClient, query: str) -> dict:
    response = client.get("/api/search?" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize("url", EVERY_ROUTE)
def test_every_response_has_the_security_headers(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    response.close()  # static files are streamed from an open file
    assert response.status_code < 500
    assert_security_headers(response)


@pytest.mark.parametrize(
    "url", [u for u in EVERY_ROUTE if not u.startswith(("/api", "/static", "/healthz"))]
)
def test_pages_have_no_inline_script_or_style(client: FlaskClient, url: str) -> None:
    soup = soup_of(client.get(url))
    assert soup.find("style") is None
    for script in soup.find_all("script"):
        assert script.get("src") and not script.get_text(strip=True)
    for tag in soup.find_all(True):
        assert "style" not in tag.attrs, tag.name
        assert not any(name.startswith("on") for name in tag.attrs), tag.name
    for link in soup.find_all(["link", "script", "img"]):
        target = link.get("href") or link.get("src") or ""
        assert target.startswith("/"), target  # no external assets


@pytest.mark.parametrize(
    "url", [u for u in EVERY_ROUTE if not u.startswith(("/api", "/static", "/healthz"))]
)
def test_pages_are_accessible_in_structure(client: FlaskClient, url: str) -> None:
    soup = soup_of(client.get(url))
    assert soup.html["lang"] == "en"
    assert len(soup.find_all("h1")) == 1
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels  # never skip a level going down
    for field in soup.select("input:not([type=hidden]), select, textarea"):
        assert soup.select_one(f'label[for="{field["id"]}"]'), field


def test_search_api_shape(client: FlaskClient) -> None:
    body = api(client, "q=cocoa")
    assert list(body) == list(SEARCH_KEYS)
    assert body["query"] == "cocoa"
    assert body["total"] >= 2
    assert body["hits"] and all(list(hit) == list(HIT_KEYS) for hit in body["hits"])
    assert COCOA_REVIEW in [hit["id"] for hit in body["hits"]]
    assert any("<mark>" in passage for hit in body["hits"] for passage in hit["snippet"])
    for values in body["facets"].values():
        for value in values:
            assert list(value) == ["value", "count", "selected", "excluded", "aliases"]
    for bucket in body["histogram"]:
        assert list(bucket) == ["period", "count", "start", "end"]
    assert isinstance(body["took_ms"], float | int)


def test_search_page_lists_results_with_highlights(client: FlaskClient) -> None:
    response = client.get("/?q=cocoa")
    assert response.status_code == 200
    soup = soup_of(response)
    ids = [item["data-id"] for item in soup.select("[data-testid=result]")]
    assert COCOA_REVIEW in ids
    review = soup.select_one(f'[data-id="{COCOA_REVIEW}"]')
    assert review.select_one(".result-title mark").get_text().lower() == "cocoa"
    assert review.select("[data-testid=snippet] mark")
    link = review.select_one("[data-testid=result-link]")["href"]
    assert link == f"/articles/{COCOA_REVIEW}?q=cocoa"
    assert soup.select_one("[data-testid=search-input]")["value"] == "cocoa"
    assert soup.select_one("[data-testid=json-link]")["href"] == "/api/search?q=cocoa"
    assert soup.select("[data-testid=timeline-bar]")
    assert soup.select("[data-testid=facet-value]")


def test_empty_search_shows_newest_articles_and_overview(client: FlaskClient) -> None:
    soup = soup_of(client.get("/"))
    overview = soup.select_one("[data-testid=overview]")
    assert overview is not None
    stats = client.get("/api/stats").get_json()
    documents = soup.select_one("[data-testid=overview-documents]")
    assert int(documents["data-count"]) == stats["documents"]
    dates = [
        item.select_one("time")["datetime"]
        for item in soup.select("[data-testid=result]")
        if item.select_one("time")
    ]
    assert dates and dates == sorted(dates, reverse=True)


def test_facet_link_selects_and_chip_removes(client: FlaskClient) -> None:
    soup = soup_of(client.get("/?q=grain"))
    value = soup.select_one('[data-testid=facet-value][data-facet="place"]')
    expected = int(value["data-count"])
    selected = client.get(value["href"])
    assert selected.status_code == 200
    soup = soup_of(selected)
    assert int(soup.select_one("[data-testid=total]")["data-total"]) == expected
    marked = soup.select_one('[data-testid=facet-value][data-facet="place"][data-selected="true"]')
    assert marked is not None and marked["data-value"] == value["data-value"]
    chip = soup.select_one("[data-testid=remove-filter]")
    assert chip["data-value"] == value["data-value"]
    hidden = soup.select('form input[type=hidden][name="place"]')
    assert [h["value"] for h in hidden] == [value["data-value"]]
    removed = soup_of(client.get(chip["href"]))
    assert removed.select_one("[data-testid=remove-filter]") is None


def test_timeline_bar_filters_to_its_period(client: FlaskClient) -> None:
    soup = soup_of(client.get("/?q=grain"))
    bars = soup.select("[data-testid=timeline-bar]")
    assert bars
    bar = max(bars, key=lambda b: int(b["data-count"]))
    assert bar["aria-label"].endswith(("article", "articles"))
    params = dict(parse_qsl(urlsplit(bar["href"]).query))
    assert (params["from"], params["to"]) == (bar["data-start"], bar["data-end"])
    filtered = soup_of(client.get(bar["href"]))
    assert int(filtered.select_one("[data-testid=total]")["data-total"]) == int(bar["data-count"])


def test_pagination_pages_forward_and_stops_at_the_last_page(client: FlaskClient) -> None:
    first = api(client, "q=grain&per_page=2")
    last_page = -(-first["total"] // 2)
    assert last_page >= 2
    soup = soup_of(client.get("/?q=grain&per_page=2"))
    nav = soup.select_one("[data-testid=pagination]")
    current = nav.select_one('[aria-current="page"]')
    assert current["data-page"] == "1"
    next_href = nav.select_one("[data-testid=page-next]")["href"]
    second = soup_of(client.get(next_href))
    assert second.select_one('[aria-current="page"]')["data-page"] == "2"
    second_ids = [item["data-id"] for item in second.select("[data-testid=result]")]
    assert second_ids == [hit["id"] for hit in api(client, "q=grain&per_page=2&page=2")["hits"]]
    end = soup_of(client.get(f"/?q=grain&per_page=2&page={last_page}"))
    assert end.select_one("[data-testid=page-next]") is None
    numbers = [int(a["data-page"]) for a in end.select("[data-testid=page-number]")]
    assert max(numbers) == last_page


def test_article_page(client: FlaskClient) -> None:
    response = client.get(f"/articles/{COCOA_REVIEW}?q=cocoa")
    assert response.status_code == 200
    soup = soup_of(response)
    article = soup.select_one("[data-testid=article]")
    assert article["data-id"] == COCOA_REVIEW
    assert "BAHIA COCOA REVIEW" in soup.select_one("[data-testid=article-title]").get_text()
    assert soup.select("[data-testid=article-body] mark")
    assert "stories.sgm" in soup.select_one("[data-testid=article-origin]").get_text()
    assert soup.select_one("[data-testid=back-link]")["href"] == "/?q=cocoa"
    assert soup.select_one("[data-testid=similar]") is not None
    for link in soup.select("[data-testid^=entities-] [data-testid=entity-link]"):
        assert urlsplit(link["href"]).path.startswith(f"/entity/{link['data-facet']}/")
    for chip in soup.select("[data-testid^=entities-] a.chip"):
        target = urlsplit(chip["href"])
        assert target.path == "/"
        assert parse_qsl(target.query) == [(chip["data-facet"], chip["data-value"])]


def test_article_page_without_query_has_no_marks(client: FlaskClient) -> None:
    soup = soup_of(client.get(f"/articles/{COCOA_REVIEW}"))
    assert not soup.select("[data-testid=article-body] mark")
    assert soup.select_one("[data-testid=back-link]") is None


def test_article_api(client: FlaskClient) -> None:
    response = client.get(f"/api/articles/{COCOA_REVIEW}")
    body = response.get_json()
    assert list(body) == list(ARTICLE_KEYS)
    assert body["id"] == COCOA_REVIEW
    assert "Bahia cocoa zone" in body["body"]
    assert body["origin"].endswith("#1")


@pytest.mark.parametrize("article_id", ["no-such-article", ".hidden", "a" * 300, "%00", "%ff"])
def test_unknown_articles_are_404(client: FlaskClient, article_id: str) -> None:
    assert_error_envelope(client.get(f"/api/articles/{article_id}"), 404)
    assert_html_error(client.get(f"/articles/{article_id}"), 404)


def test_stats_api(client: FlaskClient) -> None:
    body = client.get("/api/stats").get_json()
    assert list(body) == ["documents", "date_min", "date_max", "undated", "generation", "top"]
    assert body["documents"] >= 14
    assert body["date_min"] <= body["date_max"]


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["documents"] == client.get("/api/stats").get_json()["documents"]
    assert isinstance(body["generation"], int)


def test_healthz_without_an_index_is_503(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from webapp import create_app

    app = create_app({"INDEX_DIR": str(tmp_path / "missing")})
    assert_error_envelope(app.test_client().get("/healthz"), 503)
    assert_html_error(app.test_client().get("/?q=x"), 503)


def test_csv_export_streams_the_whole_result_set(client: FlaskClient) -> None:
    total = api(client, "q=grain")["total"]
    response = client.get("/api/export.csv?q=grain")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["X-Export-Limit"] == "10000"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == total
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    everything = api(client, f"q=grain&per_page={min(100, max(total, 1))}")
    assert [row["id"] for row in rows] == [hit["id"] for hit in everything["hits"]]


def test_jsonl_export_matches_the_search(client: FlaskClient) -> None:
    response = client.get("/api/export.jsonl?q=grain&sort=oldest")
    lines = response.get_data(as_text=True).splitlines()
    provenance, *records = [json.loads(line) for line in lines]
    assert provenance["provenance"]["total"] == len(records)
    everything = api(client, "q=grain&sort=oldest&per_page=100")
    assert [r["id"] for r in records] == [hit["id"] for hit in everything["hits"]]
    assert all(list(r) == list(EXPORT_COLUMNS) for r in records)


def test_openapi_is_served(client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    assert "/api/search" in doc["paths"]
