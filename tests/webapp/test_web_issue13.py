"""Issue 13 through the JSON API and the HTML pages (real index of seeds/ and web fixtures):
new parameters, endpoints, parity of each page with its JSON twin, and bad input."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from web_helpers import soup_of


def api(client: FlaskClient, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/search?facet_size=0", 400, "bad_request"),
        ("/api/search?facet_size=1000000", 400, "bad_request"),
        ("/api/search?facet_offset=-1", 400, "bad_request"),
        ("/api/search?collapse=maybe", 400, "bad_request"),
        ("/api/search?cluster=no-such-cluster", 400, "unknown_cluster"),
        ("/api/significant?cluster=no-such-cluster", 400, "unknown_cluster"),
        ("/api/entities/place/atlantis", 404, "not_found"),
        ("/api/entities/planet/earth", 404, "not_found"),
        ("/api/significant?not_banana=1", 400, "unknown_parameter"),
    ],
)
def test_bad_input_is_a_clear_error(client: FlaskClient, url: str, status: int, code: str) -> None:
    body = api(client, url, status)
    assert body["error"]["code"] == code and body["error"]["message"]


def test_unknown_exclusion_and_empty_significant_are_empty_answers(client: FlaskClient) -> None:
    whole = api(client, "/api/search?q=cocoa")
    unknown = api(client, "/api/search?q=cocoa&not_place=atlantis")
    assert unknown["total"] == whole["total"] and unknown["notices"]
    empty = api(client, "/api/significant?q=nothingmatchesthisword")
    assert empty == {
        "terms": [],
        "people": [],
        "organizations": [],
        "places": [],
        "foreground": 0,
        "sampled": 0,
    }


def test_facet_paging_and_exclusion_api(client: FlaskClient) -> None:
    whole = api(client, "/api/search?facet_size=1000")
    places = [v["value"] for v in whole["facets"]["place"]]
    assert whole["facet_totals"]["place"] == len(places) > 3
    paged = api(client, "/api/search?facet_size=2&facet_offset=1")
    assert [v["value"] for v in paged["facets"]["place"]] == places[1:3]
    first = places[0]
    excluded = api(client, f"/api/search?not_place={first}")
    assert excluded["total"] < whole["total"]
    shown = {v["value"]: v for v in excluded["facets"]["place"]}
    assert shown[first]["excluded"] and shown[first]["count"] == 0


def test_significant_and_entity_pages_agree_with_their_json(client: FlaskClient) -> None:
    body = api(client, "/api/significant?q=cocoa")
    soup = soup_of(client.get("/significant?q=cocoa"))
    page_items = [
        (a["data-kind"], a["data-value"], int(a["data-count"]))
        for a in soup.select("[data-testid=significant-item]")
    ]
    api_items = [("terms", t["term"], t["count"]) for t in body["terms"]] + [
        (kind, v["value"], v["count"])
        for kind in ("people", "organizations", "places")
        for v in body[kind]
    ]
    assert page_items == api_items and api_items
    entity = api(client, "/api/entities/place/brazil")
    assert list(entity) == [
        "name",
        "kind",
        "aliases",
        "total",
        "histogram",
        "cooccurring",
        "articles",
    ]
    soup = soup_of(client.get("/entity/place/brazil"))
    assert soup.select_one("[data-testid=entity-name]").get_text(strip=True) == entity["name"]
    assert int(soup.select_one("[data-testid=entity-total]")["data-total"]) == entity["total"]
    assert [
        (b["data-period"], int(b["data-count"])) for b in soup.select("[data-testid=entity-bar]")
    ] == [(b["period"], b["count"]) for b in entity["histogram"]]
    page_partners = [
        (row["data-value"], int(row["data-count"])) for row in soup.select("[data-testid=partner]")
    ]
    assert page_partners == [
        (p["value"], p["count"])
        for kind in ("people", "organizations", "places")
        for p in entity["cooccurring"][kind]
    ]
    assert [li["data-id"] for li in soup.select("[data-testid=entity-stories] li")] == [
        a["id"] for a in entity["articles"]
    ]
    assert client.get("/entity/place/atlantis").status_code == 404


def test_search_page_links_new_features(client: FlaskClient) -> None:
    soup = soup_of(client.get("/?q=cocoa&not_place=atlantis"))
    assert soup.select_one("[data-testid=significant-slot]")["data-src"].startswith("/significant?")
    chips = {chip["data-kind"] for chip in soup.select("[data-testid=remove-filter]")}
    assert "not_place" in chips
    assert soup.select("[data-testid=facet-exclude]")
    assert all(
        link["href"].startswith("/entity/") for link in soup.select("[data-testid=entity-link]")
    )
    assert soup.select_one("[data-testid=clusters]")["data-clusters"]
