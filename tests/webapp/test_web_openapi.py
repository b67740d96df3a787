"""The OpenAPI document: complete, and in step with the validator's constants."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from indexer.search.presenter import ARTICLE_KEYS, HIT_KEYS, SEARCH_KEYS
from indexer.search.request import EXCLUDE_PARAMS, MAX_PER_PAGE, MAX_QUERY_CHARS, SCALAR_PARAMS
from indexer.search.types import FACET_NAMES, SORT_ORDERS


def _doc(client: FlaskClient) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_every_get_route_is_described(fake_app: Flask, fake_client: FlaskClient) -> None:
    doc = _doc(fake_client)
    assert doc["openapi"].startswith("3.1")
    described = set(doc["paths"])
    for rule in fake_app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in described, path
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], (path, method)


def test_search_parameters_match_the_validator(fake_client: FlaskClient) -> None:
    doc = _doc(fake_client)
    params = {p["name"]: p for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert set(params) == set(SCALAR_PARAMS) | set(FACET_NAMES) | set(EXCLUDE_PARAMS)
    assert params["sort"]["schema"]["enum"] == list(SORT_ORDERS)
    assert params["per_page"]["schema"]["maximum"] == MAX_PER_PAGE
    assert params["q"]["schema"]["maxLength"] == MAX_QUERY_CHARS
    assert params["place"]["schema"]["type"] == "array"
    search = doc["paths"]["/api/search"]["get"]["parameters"]
    assert doc["paths"]["/"]["get"]["parameters"] == search
    assert doc["paths"]["/feeds/search.atom"]["get"]["parameters"] == search
    for path in ("/api/export.csv", "/api/export.jsonl"):
        exported = doc["paths"][path]["get"]["parameters"]
        assert exported[: len(search)] == search
        assert [p["name"] for p in exported[len(search) :]] == ["fields", "provenance"]


def test_response_schemas_match_the_presenter(fake_client: FlaskClient) -> None:
    schemas = _doc(fake_client)["components"]["schemas"]
    assert schemas["SearchResponse"]["required"] == list(SEARCH_KEYS)
    assert schemas["Hit"]["required"] == list(HIT_KEYS)
    assert sorted(schemas["Article"]["required"]) == sorted(ARTICLE_KEYS)
    assert schemas["Error"]["required"] == ["error"]
    assert schemas["Error"]["properties"]["error"]["required"] == ["code", "message"]


def test_every_operation_documents_its_errors(fake_client: FlaskClient) -> None:
    for path, item in _doc(fake_client)["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "200" in responses and "500" in responses, (path, method)
            if (operation["parameters"] or "requestBody" in operation) and (
                path != "/api/openapi.json"
            ):
                assert {"400", "404"} & set(responses), (path, method)
