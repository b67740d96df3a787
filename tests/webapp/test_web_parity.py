"""The HTML page and /api/search agree: same ids in the same order, same total and facet counts.

The page is parsed through its stable hooks (``data-id`` on results,
``data-count`` on facet values and timeline bars), so this holds however
the markup around them changes.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from web_helpers import soup_of

QUERIES = (
    "",
    "q=cocoa",
    "q=grain",
    "q=wheat&sort=newest",
    "q=grain&sort=oldest&per_page=2&page=2",
    "q=coffee+OR+cocoa",
    "q=%22wheat+exports%22",
    "q=grain&place=United+States",
    "q=grain&place=United+States&place=Canada",
    "topic=grain",
    "q=wheat&from=1987-03-01&to=1987-03-31",
    "from=1987-03",
    "q=russia",
    "q=venezuela&person=Donald+Trump",
    "q=nothingmatchesthisword",
    "q=grain&not_place=Canada",
    "q=grain&facet_size=3&facet_offset=2",
    "q=grain&collapse=0",
    "q=cocoa&not_topic=cocoa&not_place=atlantis",
)


def page_data(client: FlaskClient, query: str) -> dict:
    soup = soup_of(client.get("/?" + query))
    facets: dict[str, list[tuple[str, int, bool]]] = {}
    for value in soup.select("[data-testid=facet-value]"):
        facets.setdefault(value["data-facet"], []).append(
            (value["data-value"], int(value["data-count"]), value["data-selected"] == "true")
        )
    return {
        "ids": [item["data-id"] for item in soup.select("[data-testid=result]")],
        "total": int(soup.select_one("[data-testid=total]")["data-total"]),
        "facets": facets,
        "histogram": [
            (bar["data-period"], int(bar["data-count"]))
            for bar in soup.select("[data-testid=timeline-bar]")
        ],
    }


def api_data(client: FlaskClient, query: str) -> dict:
    response = client.get("/api/search?" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    return {
        "ids": [hit["id"] for hit in body["hits"]],
        "total": body["total"],
        "facets": {
            name: [(v["value"], v["count"], v["selected"]) for v in values]
            for name, values in body["facets"].items()
            if values
        },
        "histogram": [(b["period"], b["count"]) for b in body["histogram"]],
    }


@pytest.mark.parametrize("query", QUERIES)
def test_page_and_api_agree(client: FlaskClient, query: str) -> None:
    assert page_data(client, query) == api_data(client, query)


def test_parity_is_not_vacuous(client: FlaskClient) -> None:
    data = api_data(client, "q=grain")
    assert len(data["ids"]) >= 3 and data["facets"] and data["histogram"]


# -- issue 13: the "unusual here" panel and entity pages against their JSON twins --

SIGNIFICANT_QUERIES = ("q=cocoa", "q=grain&not_place=Canada", "topic=grain", "q=nothingmatches")


@pytest.mark.parametrize("query", SIGNIFICANT_QUERIES)
def test_significant_panel_and_api_agree(client: FlaskClient, query: str) -> None:
    body = client.get("/api/significant?" + query).get_json()
    soup = soup_of(client.get("/significant?" + query))
    shown = [
        (a["data-kind"], a["data-value"], int(a["data-count"]))
        for a in soup.select("[data-testid=significant-item]")
    ]
    expected = [("terms", t["term"], t["count"]) for t in body["terms"]] + [
        (kind, v["value"], v["count"])
        for kind in ("people", "organizations", "places")
        for v in body[kind]
    ]
    assert shown == expected


@pytest.mark.parametrize(("facet", "value"), [("place", "Brazil"), ("topic", "grain")])
def test_entity_page_and_api_agree(client: FlaskClient, facet: str, value: str) -> None:
    body = client.get(f"/api/entities/{facet}/{value}").get_json()
    soup = soup_of(client.get(f"/entity/{facet}/{value}"))
    assert soup.select_one("[data-testid=entity-name]").get_text(strip=True) == body["name"]
    assert int(soup.select_one("[data-testid=entity-total]")["data-total"]) == body["total"]
    bars = [
        (b["data-period"], int(b["data-count"])) for b in soup.select("[data-testid=entity-bar]")
    ]
    assert bars == [(b["period"], b["count"]) for b in body["histogram"]]
    partners = [
        (r["data-value"], int(r["data-count"])) for r in soup.select("[data-testid=partner]")
    ]
    assert partners == [
        (p["value"], p["count"])
        for kind in ("people", "organizations", "places")
        for p in body["cooccurring"][kind]
    ]
    stories = [li["data-id"] for li in soup.select("[data-testid=entity-stories] li")]
    assert stories == [a["id"] for a in body["articles"]] and stories
