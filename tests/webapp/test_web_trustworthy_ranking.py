"""Issue 11 through the JSON API and the page: entity ranking, soft AND, vocabulary.

A real index of a few hand-written stories, built for this module, behind
the real Flask app (the shared web fixture index stays as it is).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import soup_of

from webapp import create_app
from webapp.backend import close_service

FILLER = " ".join(["Officials reviewed the budget figures for the fiscal year."] * 6)
STORIES = [
    {
        "id": "passing",
        "title": "Budget review continues",
        "body": f"{FILLER} Paul Volcker did not attend.",
        "date": "1987-06-20T10:00:00",
        "people": ["Paul Volcker"],
    },
    {
        "id": "central",
        "title": "Volcker warns on debt",
        "body": "Paul Volcker warned on debt. Volcker said banks must lend.",
        "date": "1987-03-02T10:00:00",
        "people": ["Paul Volcker"],
    },
    {
        "id": "all-words",
        "title": "Coffee export quota talks",
        "body": "Producers discussed the coffee export quota.",
        "date": "1987-03-10T10:00:00",
    },
    {
        "id": "two-words",
        "title": "Coffee exports surge",
        "body": "Coffee exports rose 12 pct in the 4th qtr.",
        "date": "1987-06-10T10:00:00",
    },
]


@pytest.fixture(scope="module")
def trust_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from indexer.pipeline import index_paths

    root = tmp_path_factory.mktemp("web-trust")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "stories.jsonl").write_text("\n".join(json.dumps(s) for s in STORIES))
    index_paths([str(corpus)], str(root / "index"))
    app = create_app({"INDEX_DIR": str(root / "index")})
    yield app
    close_service(app)


@pytest.fixture
def tclient(trust_app: Flask) -> FlaskClient:
    return trust_app.test_client()


def api(client: FlaskClient, q: str) -> dict[str, Any]:
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_api_entity_search_is_ranked_and_marked(tclient: FlaskClient) -> None:
    body = api(tclient, "person:volcker")
    assert [hit["id"] for hit in body["hits"]] == ["central", "passing"]
    first, second = body["hits"]
    assert first["score"] > second["score"]
    assert "<mark>Paul Volcker</mark>" in first["snippet"][0]
    assert "<mark>Paul Volcker</mark>" in second["snippet"][-1]


def test_api_soft_and_reports_total_all_words(tclient: FlaskClient) -> None:
    body = api(tclient, "coffee export quota")
    assert [hit["id"] for hit in body["hits"]] == ["all-words", "two-words"]
    assert (body["total"], body["total_all_words"]) == (2, 1)
    assert body["also_searched"] == []


def test_api_reports_the_newswire_spellings_searched(tclient: FlaskClient) -> None:
    body = api(tclient, "coffee quarter percent")
    assert body["hits"][0]["id"] == "two-words"
    assert body["also_searched"] == [
        {"word": "quarter", "forms": ["qtr"]},
        {"word": "percent", "forms": ["pct"]},
    ]
    assert api(tclient, '"quarter percent"')["also_searched"] == []


def test_page_shows_all_words_count_and_spellings(tclient: FlaskClient) -> None:
    soup = soup_of(tclient.get("/", query_string={"q": "coffee export percent"}))
    count = soup.select_one("[data-testid=total-all-words]")
    assert count is not None and count["data-total"] == "1"
    also = soup.select_one("[data-testid=also-searched]")
    assert also is not None and "pct (for percent)" in also.get_text(" ", strip=True)


def test_article_page_marks_every_name_of_the_entity(tclient: FlaskClient) -> None:
    soup = soup_of(tclient.get("/articles/central", query_string={"q": "person:volcker"}))
    marks = [m.get_text() for m in soup.select("main mark")]
    assert marks.count("Paul Volcker") == 1
    assert marks.count("Volcker") >= 2
