"""Script and handler payloads indexed from real files render inert (page and JSON).

``tests/fixtures/webapp`` holds the same payloads in three formats (Reuters
SGML title/dateline/body/tags, plain text, JSON Lines with every field);
whatever the indexer keeps of them must come out escaped.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from test_web_xss_fake import assert_no_live_payload
from web_helpers import soup_of

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def payload_ids(client: FlaskClient) -> list[str]:
    body = client.get("/api/search?q=alert&per_page=100").get_json()
    ids = [hit["id"] for hit in body["hits"]]
    assert len(ids) >= 2, body  # the SGML story and at least one other format
    return ids


def test_results_page_is_inert(client: FlaskClient) -> None:
    response = client.get("/?q=alert&per_page=100")
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "onerror=alert" not in html.replace("&lt;img src=x onerror=alert", "")
    assert ESCAPED in html
    assert_no_live_payload(soup_of(response))


def test_overview_and_facets_are_inert(client: FlaskClient) -> None:
    for url in ("/", "/?q=cocoa", "/?topic=%3Cscript%3Ealert(1)%3C%2Fscript%3E"):
        response = client.get(url)
        assert response.status_code == 200
        assert "<script>alert" not in response.get_data(as_text=True)
        assert_no_live_payload(soup_of(response))


def test_article_pages_are_inert(client: FlaskClient) -> None:
    for article_id in payload_ids(client):
        response = client.get(f"/articles/{article_id}?q=alert+script")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html
        assert ESCAPED in html
        soup = soup_of(response)
        assert_no_live_payload(soup)
        for link in soup.find_all("a"):
            assert not link["href"].lower().lstrip().startswith(("javascript:", "data:"))


@pytest.mark.parametrize("q", ["alert", "script", "img", "onerror"])
def test_json_snippets_only_mark_is_live(client: FlaskClient, q: str) -> None:
    body = client.get(f"/api/search?q={q}&per_page=100").get_json()
    for hit in body["hits"]:
        for passage in hit["snippet"]:
            stripped = passage.replace("<mark>", "").replace("</mark>", "")
            assert "<" not in stripped and ">" not in stripped, passage
