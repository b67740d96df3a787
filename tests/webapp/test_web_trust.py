"""Hyphenated compounds and "showing results for" through the page and the JSON API.

A real index of ``tests/fixtures/trust/articles.jsonl`` (see
tests/integration/test_query_semantics.py for what the stories hold).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import assert_error_envelope, soup_of

from webapp import create_app
from webapp.backend import close_service

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def trust_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from indexer.pipeline import index_paths

    directory = tmp_path_factory.mktemp("trust-web") / "index"
    index_paths([str(REPO / "tests" / "fixtures" / "trust")], str(directory))
    app = create_app({"INDEX_DIR": str(directory)})
    yield app
    close_service(app)


@pytest.fixture
def client(trust_app: Flask) -> FlaskClient:
    return trust_app.test_client()


def api(client: FlaskClient, query: str) -> dict:
    response = client.get("/api/search?" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_api_compounds(client: FlaskClient) -> None:
    assert [h["id"] for h in api(client, "q=Iran-Contra")["hits"]] == ["iran-contra"]
    assert {h["id"] for h in api(client, "q=Coca-Cola")["hits"]} == {"coke", "coke-solid"}
    assert [h["id"] for h in api(client, "q=iran+-contra")["hits"]] == ["iran-gulf"]


def test_page_compounds(client: FlaskClient) -> None:
    soup = soup_of(client.get("/?q=anti-dumping"))
    shown = {item["data-id"] for item in soup.select("[data-testid=result]")}
    assert shown == {"anti-dumping", "antidumping-solid"}


def test_api_reports_the_query_run(client: FlaskClient) -> None:
    body = api(client, "q=cofee+brazil")
    assert body["query"] == "cofee brazil"
    assert body["suggestion"] == "coffee brazil"
    assert body["query_run"] == "coffee brazil"
    # Soft AND: the two stories with both corrected words come first.
    assert body["total_all_words"] == 2
    assert {h["id"] for h in body["hits"][:2]} == {"coffee-0", "coffee-1"}
    literal = api(client, "q=cofee+brazil&spell=0")
    assert (literal["query_run"], literal["suggestion"]) == ("cofee brazil", "coffee brazil")
    assert api(client, "q=coffee")["query_run"] == "coffee"


def test_page_says_showing_results_for_with_both_links(client: FlaskClient) -> None:
    soup = soup_of(client.get("/?q=cofee+brazil"))
    line = soup.select_one("[data-testid=corrected]")
    assert line is not None
    text = " ".join(line.get_text().split())
    assert text == "Showing results for coffee brazil. Search instead for cofee brazil."
    ids = [item["data-id"] for item in soup.select("[data-testid=result]")]
    assert set(ids[:2]) == {"coffee-0", "coffee-1"}

    corrected = parse_qs(urlsplit(line.select_one("[data-testid=corrected-link]")["href"]).query)
    assert corrected == {"q": ["coffee brazil"]}
    literal_href = line.select_one("[data-testid=literal-link]")["href"]
    assert parse_qs(urlsplit(literal_href).query) == {"q": ["cofee brazil"], "spell": ["0"]}

    # The literal page searches as typed and offers the correction instead.
    literal = soup_of(client.get(literal_href))
    assert literal.select_one("[data-testid=corrected]") is None
    assert "coffee brazil" in literal.select_one("[data-testid=suggestion]").get_text()


def test_literal_state_survives_paging_but_not_a_new_query(client: FlaskClient) -> None:
    soup = soup_of(client.get("/?q=cofee+brazil&spell=0&per_page=1"))
    next_link = soup.select_one("a[rel=next]")
    assert next_link is not None
    assert parse_qs(urlsplit(next_link["href"]).query)["spell"] == ["0"]
    form_names = {field.get("name") for field in soup.select("form input")}
    assert "spell" not in form_names


def test_exports_follow_the_correction(client: FlaskClient) -> None:
    for spell in ("", "&spell=0"):
        shown = {hit["id"] for hit in api(client, f"q=cofee+brazil&per_page=100{spell}")["hits"]}
        lines = client.get(f"/api/export.jsonl?q=cofee+brazil{spell}").get_data(as_text=True)
        records = [json.loads(line) for line in lines.splitlines() if line.strip()]
        # The first line is the export's provenance record, then one line per hit.
        assert "provenance" in records[0]
        exported = {record["id"] for record in records[1:]}
        assert exported == shown, spell
    assert "coffee-2" not in shown  # as typed: Brazil stories only


@pytest.mark.parametrize("value", ["2", "yes", "", "0&spell=1"])
def test_bad_spell_values_are_a_400(client: FlaskClient, value: str) -> None:
    response = client.get("/api/search?q=cofee&spell=" + value)
    if value == "":
        assert response.status_code == 200  # an empty parameter is the default
        return
    assert_error_envelope(response, 400)


def test_openapi_documents_spell_and_query_run(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert "spell" in params
    assert "query_run" in spec["components"]["schemas"]["SearchResponse"]["properties"]


# -- Reuters-21578 ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def reuters_client(reuters_index: str) -> Iterator[FlaskClient]:
    app = create_app({"INDEX_DIR": reuters_index})
    yield app.test_client()
    close_service(app)


@pytest.mark.reuters
def test_reuters_page_and_api(reuters_client: FlaskClient) -> None:
    contra = api(reuters_client, "q=Iran-Contra&per_page=100")
    assert 0 < contra["total"] < 100
    assert api(reuters_client, "q=Mercedes-Benz")["total"] > 0
    coke = api(reuters_client, "q=Coca-Cola&per_page=5")
    assert all("COCA-COLA" in hit["title"] for hit in coke["hits"])

    body = api(reuters_client, "q=cofee+brazil")
    assert (body["suggestion"], body["query_run"]) == ("coffee brazil", "coffee brazil")
    coffee = [hit for hit in body["hits"] if "Coffee" in hit["topics"]]
    assert len(body["hits"]) == 10 and len(coffee) >= 8
    soup = soup_of(reuters_client.get("/?q=cofee+brazil"))
    line = " ".join(soup.select_one("[data-testid=corrected]").get_text().split())
    assert line == "Showing results for coffee brazil. Search instead for cofee brazil."
    shown = [item["data-id"] for item in soup.select("[data-testid=result]")]
    assert shown == [hit["id"] for hit in body["hits"]]
