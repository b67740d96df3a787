"""Issue 14 through the web app: compare, feeds, batch, citable exports, origins.

The JSON API, the pages and their parity, and every bad input the issue
lists (7 queries, an empty or 501-line batch, a 1 MB body, non-JSON to
``/api/batch``, unknown ``fields``), on a real index of
``tests/fixtures/features/`` and, for hostile titles, on the shared web index.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_helpers import assert_error_envelope, assert_security_headers, soup_of

from indexer.pipeline import index_paths
from webapp import create_app
from webapp.backend import close_service
from webapp.batch import BATCH_RETRY_AFTER, batch_slots
from webapp.citable import EXPORT_FIELDS
from webapp.csrf import COOKIE, FIELD

REPO = Path(__file__).resolve().parents[2]
FEATURES = REPO / "tests" / "fixtures" / "features"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def features_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    directory = tmp_path_factory.mktemp("web-features") / "index"
    report = index_paths([str(FEATURES)], str(directory))
    assert report.documents_total == 25
    return str(directory)


@pytest.fixture(scope="module")
def fapp(features_index: str) -> Iterator[Flask]:
    app = create_app({"INDEX_DIR": features_index})
    yield app
    close_service(app)


@pytest.fixture
def fc(fapp: Flask) -> FlaskClient:
    return fapp.test_client()


def get_json(client: FlaskClient, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


# -- compare: JSON, page, parity, CSV, bad input ----------------------------------------


def test_compare_api_shape_and_values(fc: FlaskClient) -> None:
    body = get_json(fc, "/api/compare?q=lumber&q=tariff")
    assert list(body) == ["interval", "periods", "series", "took_ms"]
    assert body["interval"] == "month"
    assert [p["period"] for p in body["periods"]] == ["1990-01", "1990-02", "1990-03", "1990-04"]
    assert [p["stories"] for p in body["periods"]] == [9, 6, 0, 9]
    lumber, tariff = body["series"]
    assert lumber["query"] == "lumber" and lumber["total"] == 10 and lumber["undated"] == 1
    assert lumber["points"][0] == {"period": "1990-01", "count": 4, "share": round(4 / 9, 6)}
    assert lumber["points"][2] == {"period": "1990-03", "count": 0, "share": None}
    assert [p["count"] for p in tariff["points"]] == [1, 2, 0, 1]
    assert lumber["total"] == get_json(fc, "/api/search?q=lumber")["total"]


def test_compare_points_open_the_matching_search(fc: FlaskClient) -> None:
    soup = soup_of(fc.get("/compare?q=lumber&q=tariff&topic=lumber"))
    points = soup.select("[data-testid=chart-point]")
    assert points, "no clickable points"
    href = points[0]["href"]
    params = parse_qs(urlsplit(href).query)
    assert params["q"] == ["lumber"] and params["topic"] == ["lumber"]
    assert params["from"] == ["1990-01-01"] and params["to"] == ["1990-01-31"]
    opened = get_json(fc, "/api/search?" + urlsplit(href).query)
    api = get_json(fc, "/api/compare?q=lumber&q=tariff&topic=lumber")
    assert opened["total"] == api["series"][0]["points"][0]["count"]


def compare_page_data(client: FlaskClient, query: str) -> dict:
    soup = soup_of(client.get("/compare?" + query))
    rows = soup.select("[data-testid=compare-row]")
    legend = soup.select("[data-testid=legend-item]")
    series = []
    for item in legend:
        index = item["data-series"]
        cells = [row.select_one(f'td[data-series="{index}"]') for row in rows]
        series.append(
            {
                "query": item.a.get_text(),
                "total": int(item["data-total"]),
                "points": [
                    (row["data-period"], int(c["data-count"]), c["data-share"])
                    for row, c in zip(rows, cells, strict=True)
                ],
            }
        )
    return {"stories": [int(row["data-stories"]) for row in rows], "series": series}


def compare_api_data(client: FlaskClient, query: str) -> dict:
    body = get_json(client, "/api/compare?" + query)
    return {
        "stories": [p["stories"] for p in body["periods"]],
        "series": [
            {
                "query": s["query"],
                "total": s["total"],
                "points": [
                    (p["period"], p["count"], "" if p["share"] is None else str(p["share"]))
                    for p in s["points"]
                ],
            }
            for s in body["series"]
        ],
    }


@pytest.mark.parametrize(
    "query",
    [
        "q=lumber&q=tariff",
        "q=lumber&q=tariff&q=mills&interval=week",
        "q=lumber&interval=day&from=1990-01-01&to=1990-01-31",
        "q=lumber&q=timber&topic=lumber",
        "q=zebra",
    ],
)
def test_compare_page_and_api_agree(fc: FlaskClient, query: str) -> None:
    page = compare_page_data(fc, query)
    assert page == compare_api_data(fc, query)


def test_compare_page_draws_one_line_per_query_and_links_its_twins(fc: FlaskClient) -> None:
    response = fc.get("/compare?q=lumber&q=tariff&q=mills")
    assert_security_headers(response)
    soup = soup_of(response)
    for chart in soup.select("[data-testid=chart]"):
        assert len(chart.select("[data-testid=chart-series]")) == 3
        if chart["data-measure"] == "share":
            # March has no story: the share lines break there, and April
            # stands alone, a point without a line.
            assert len(chart.select("polyline")) == 3
            assert len(chart.select("[data-testid=chart-point]")) == 3 * 3
        else:
            assert len(chart.select("polyline")) == 3
            assert len(chart.select("[data-testid=chart-point]")) == 3 * 4
    assert [c["data-measure"] for c in soup.select("[data-testid=chart]")] == ["share", "count"]
    assert soup.select_one("[data-testid=json-link]")["href"].startswith("/api/compare?q=lumber")
    assert soup.select_one("[data-testid=csv-link]")["href"].startswith("/api/compare.csv?")
    assert [i["value"] for i in soup.select("[data-testid=compare-input]")][:3] == [
        "lumber",
        "tariff",
        "mills",
    ]


def test_compare_form_without_queries_is_just_the_form(fc: FlaskClient) -> None:
    response = fc.get("/compare")
    assert response.status_code == 200
    soup = soup_of(response)
    assert len(soup.select("[data-testid=compare-input]")) == 6
    assert soup.select_one("[data-testid=chart]") is None


def test_compare_csv_matches_the_json(fc: FlaskClient) -> None:
    response = fc.get("/api/compare.csv?q=lumber&q=%3Dcmd")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "period",
        "start",
        "end",
        "all_stories",
        "lumber count",
        "lumber share",
        "'=cmd count",
        "'=cmd share",
    ]
    body = get_json(fc, "/api/compare?q=lumber&q=%3Dcmd")
    assert [r[0] for r in rows[1:]] == [p["period"] for p in body["periods"]]
    assert [int(r[4]) for r in rows[1:]] == [p["count"] for p in body["series"][0]["points"]]
    assert rows[3][5] == ""  # March: no share


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("&".join(f"q=w{i}" for i in range(7)), "too_many_queries"),
        ("", "no_query"),
        ("q=+&q=", "no_query"),
        ("q=lumber&interval=fortnight", "bad_request"),
        ("q=lumber&interval=day&interval=week", "bad_request"),
        ("q=lumber&sort=newest", "unknown_parameter"),
        ("q=lumber&q=%22unbalanced", "bad_query"),
        ("q=lumber&from=1990-13-01", "bad_request"),
        ("q=lumber&interval=day&from=1988-01-01&to=1990-12-31", "too_many_periods"),
        ("q=" + "x" * 1001, "query_too_long"),
        ("q=%ff", "bad_encoding"),
    ],
)
def test_compare_bad_input_is_a_400_envelope(fc: FlaskClient, query: str, code: str) -> None:
    for path in ("/api/compare", "/api/compare.csv"):
        error = assert_error_envelope(fc.get(f"{path}?{query}"), 400, code)
        assert len(error["message"]) < 400
    if code != "no_query":
        assert fc.get(f"/compare?{query}").status_code == 400


def test_seven_queries_name_the_limit(fc: FlaskClient) -> None:
    query = "&".join(f"q=w{i}" for i in range(7))
    error = assert_error_envelope(fc.get("/api/compare?" + query), 400, "too_many_queries")
    assert "at most 6" in error["message"]
    bad = assert_error_envelope(fc.get("/api/compare?q=lumber&q=%22open"), 400)
    assert bad["message"].startswith("query 2:")


# -- feeds -----------------------------------------------------------------------------


def test_the_feed_is_valid_atom_newest_first(fc: FlaskClient) -> None:
    response = fc.get("/feeds/search.atom?q=lumber")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert_security_headers(response)
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id == "tag:newsearch,2026:search?q=lumber"
    assert feed.feed.title == "newsearch: lumber"
    assert feed.feed.updated == "1990-04-24T09:00:00Z"
    assert feed.feed.author == "newsearch"
    newest = get_json(fc, "/api/search?q=lumber&sort=newest&per_page=20")
    assert [e.id for e in feed.entries] == [
        f"tag:newsearch,2026:article:{hit['id']}" for hit in newest["hits"]
    ]
    first = feed.entries[0]
    assert first.link == f"http://localhost/articles/{newest['hits'][0]['id']}"
    assert first.published == first.updated == "1990-04-24T09:00:00Z"
    assert "Lumber output recovered" in first.summary
    assert "<mark>" not in response.get_data(as_text=True)


def test_the_feed_has_every_element_rfc_4287_requires(fc: FlaskClient) -> None:
    root = ET.fromstring(fc.get("/feeds/search.atom?q=lumber&topic=lumber").data)
    assert root.tag == ATOM + "feed"
    for name in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert root.find(ATOM + name) is not None, name
    links = {link.get("rel"): link.get("href") for link in root.findall(ATOM + "link")}
    assert links["self"].startswith("http://localhost/feeds/search.atom?q=lumber&topic=lumber")
    assert links["alternate"] == "http://localhost/?q=lumber&topic=lumber"
    entries = root.findall(ATOM + "entry")
    assert entries
    for entry in entries:
        for name in ("id", "title", "updated", "link"):
            assert entry.find(ATOM + name) is not None, name
        assert entry.find(ATOM + "summary").get("type") == "text"


def test_undated_entries_still_have_an_updated_date(fc: FlaskClient) -> None:
    feed = feedparser.parse(fc.get("/feeds/search.atom?q=yard").data)
    assert feed.bozo == 0 and len(feed.entries) == 1
    assert feed.entries[0].updated == "1970-01-01T00:00:00Z"
    assert "published" not in feed.entries[0]


def test_hostile_titles_are_escaped_text_in_the_feed(fc: FlaskClient, client: FlaskClient) -> None:
    for app_client, q in ((fc, "mills"), (client, "smugglers")):
        response = app_client.get(f"/feeds/search.atom?q={q}")
        raw = response.get_data(as_text=True)
        assert "<script>" not in raw and "<img" not in raw and "<b>" not in raw
        feed = feedparser.parse(response.data)
        assert feed.bozo == 0, feed.get("bozo_exception")
        titles = [e.title for e in feed.entries]
        assert any("<script>alert(1)</script>" in t for t in titles), titles
    hostile = feedparser.parse(fc.get("/feeds/search.atom?q=mills").data)
    title = next(e.title for e in hostile.entries if "script" in e.title)
    assert title == 'Lumber <script>alert(1)</script> & "mills" ]]> <b>bold</b> é'


def test_feed_entry_ids_survive_reindexing(tmp_path: Path, features_index: str) -> None:
    other = tmp_path / "again"
    index_paths([str(FEATURES)], str(other), rebuild=True)
    ids = []
    for directory in (features_index, str(other)):
        app = create_app({"INDEX_DIR": directory})
        try:
            feed = feedparser.parse(app.test_client().get("/feeds/search.atom?q=lumber").data)
        finally:
            close_service(app)
        ids.append([e.id for e in feed.entries])
    assert ids[0] == ids[1] and len(ids[0]) == 10


def test_feed_takes_the_search_parameters_and_rejects_bad_ones(fc: FlaskClient) -> None:
    feed = feedparser.parse(fc.get("/feeds/search.atom?q=lumber&per_page=2&sort=oldest").data)
    assert len(feed.entries) == 2
    assert feed.entries[0].updated == "1990-04-24T09:00:00Z"  # always newest first
    assert_error_envelope(fc.get("/feeds/search.atom?q=%22open"), 400)
    assert_error_envelope(fc.get("/feeds/search.atom?bogus=1"), 400, "unknown_parameter")


def test_search_page_links_its_feed(fc: FlaskClient) -> None:
    soup = soup_of(fc.get("/?q=lumber&topic=lumber&sort=newest&page=2&per_page=2"))
    alternate = soup.select_one('link[rel=alternate][type="application/atom+xml"]')
    assert alternate["href"] == "/feeds/search.atom?q=lumber&topic=lumber"
    assert soup.select_one("[data-testid=feed-link]")["href"] == alternate["href"]
    compare = soup.select_one("[data-testid=compare-link]")["href"]
    assert compare == "/compare?q=lumber&topic=lumber"
    # Exclusions count; paging, facet paging, collapsing and spelling do not.
    soup = soup_of(
        fc.get("/?q=lumber&not_topic=trade&facet_size=20&collapse=0&spell=0&per_page=20")
    )
    compare = soup.select_one("[data-testid=compare-link]")["href"]
    assert compare == "/compare?q=lumber&not_topic=trade"
    body = get_json(fc, compare.replace("/compare", "/api/compare"))
    assert body["series"][0]["total"] == 9  # the lumber tariff story is left out
    assert compare_page_data(fc, compare[len("/compare?") :]) == compare_api_data(
        fc, compare[len("/compare?") :]
    )


# -- batch: JSON -----------------------------------------------------------------------


def post_batch(client: FlaskClient, document: object) -> object:
    return client.post("/api/batch", json=document)


def test_batch_api_shape_and_order(fc: FlaskClient) -> None:
    response = post_batch(fc, {"queries": ["tariff", " ", "lumber", "maria lopez", "zebra"]})
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["results", "unfinished", "generation", "took_ms"]
    assert body["unfinished"] == []
    assert [r["query"] for r in body["results"]] == ["tariff", "lumber", "maria lopez", "zebra"]
    assert [r["line"] for r in body["results"]] == [1, 2, 3, 4]
    first = body["results"][0]
    assert list(first) == ["line", "query", "total", "first_date", "last_date", "url"]
    assert first == {
        "line": 1,
        "query": "tariff",
        "total": 4,
        "first_date": "1990-01-16",
        "last_date": "1990-04-10",
        "url": "/?q=tariff",
    }
    assert body["results"][3]["total"] == 0 and body["results"][3]["first_date"] is None
    # A line counts the stories with all its words: the page's "total_all_words".
    for result in body["results"]:
        page = get_json(fc, "/api/search" + result["url"][1:] + "&spell=0")
        assert result["total"] == page["total_all_words"], result


def test_batch_phrases_and_shared_filters(fc: FlaskClient) -> None:
    loose = post_batch(fc, {"queries": ["Maria Lopez"]}).get_json()
    exact = post_batch(fc, {"queries": ["Maria Lopez"], "phrase": True}).get_json()
    assert loose["results"][0]["total"] == 2 and exact["results"][0]["total"] == 1
    assert exact["results"][0]["url"] == "/?q=%22Maria+Lopez%22"
    filtered = post_batch(
        fc, {"queries": ["lumber", "tariff"], "to": "1990-01", "topic": ["lumber", "trade"]}
    ).get_json()
    assert [r["total"] for r in filtered["results"]] == [4, 1]
    assert filtered["results"][0]["url"] == "/?q=lumber&to=1990-01-31&topic=lumber&topic=trade"
    excluded = post_batch(fc, {"queries": ["lumber"], "not_topic": "trade"}).get_json()
    assert excluded["results"][0]["total"] == 9
    assert excluded["results"][0]["url"] == "/?q=lumber&not_topic=trade"


def test_batch_budget_leaves_lines_unfinished(features_index: str) -> None:
    app = create_app({"INDEX_DIR": features_index, "BATCH_BUDGET_SECONDS": 0})
    try:
        body = app.test_client().post("/api/batch", json={"queries": ["lumber", "tariff"]})
        assert body.status_code == 200
        assert body.get_json()["results"] == []
        assert body.get_json()["unfinished"] == [
            {"line": 1, "query": "lumber"},
            {"line": 2, "query": "tariff"},
        ]
    finally:
        close_service(app)


def test_a_batch_beyond_the_concurrency_limit_is_refused_at_once(features_index: str) -> None:
    """With every batch slot taken, the API and the form answer 429 and Retry-After."""
    app = create_app({"INDEX_DIR": features_index, "BATCH_CONCURRENCY": 1})
    try:
        client = app.test_client()
        assert post_batch(client, {"queries": ["lumber"]}).status_code == 200
        with app.app_context():
            release = batch_slots()
        refused = post_batch(client, {"queries": ["lumber"]})
        assert_error_envelope(refused, 429, "too_many_batches")
        assert refused.headers["Retry-After"] == str(BATCH_RETRY_AFTER)
        form = client.get("/batch")
        token = client.get_cookie(COOKIE, path="/batch").value
        posted = client.post("/batch", data={"lines": "lumber\ntariff", FIELD: token})
        assert posted.status_code == 429
        assert posted.headers["Retry-After"] == str(BATCH_RETRY_AFTER)
        assert "batches are already running" in posted.get_data(as_text=True)
        assert form.status_code == 200
        release()
        assert post_batch(client, {"queries": ["lumber"]}).status_code == 200
    finally:
        close_service(app)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"queries": []}, "empty_batch"),
        ({"queries": ["", "  ", "\n"]}, "empty_batch"),
        ({"queries": [f"name {i}" for i in range(501)]}, "too_many_lines"),
        ({"queries": "lumber"}, "bad_request"),
        ({"queries": ["lumber", 3]}, "bad_request"),
        ({}, "bad_request"),
        (["lumber"], "bad_json"),
        ({"queries": ["lumber"], "sort": "total"}, "unknown_parameter"),
        ({"queries": ["lumber"], "phrase": "yes"}, "bad_request"),
        ({"queries": ["lumber"], "place": 3}, "bad_request"),
        ({"queries": ["lumber"], "from": "1990-02-30"}, "bad_request"),
        ({"queries": ["lumber", '"open']}, "bad_query"),
        ({"queries": ["x" * 1001]}, "query_too_long"),
    ],
)
def test_batch_bad_json_documents_are_400s(fc: FlaskClient, document: object, code: str) -> None:
    error = assert_error_envelope(post_batch(fc, document), 400, code)
    if code == "too_many_lines":
        assert "at most 500" in error["message"]


def test_a_500_line_batch_is_accepted(fc: FlaskClient) -> None:
    body = post_batch(fc, {"queries": [f"lumber{i}" for i in range(500)]}).get_json()
    assert len(body["results"]) + len(body["unfinished"]) == 500


def test_a_bad_line_is_named(fc: FlaskClient) -> None:
    error = assert_error_envelope(post_batch(fc, {"queries": ["lumber", '"open']}), 400)
    assert error["message"].startswith("line 2:")


@pytest.mark.parametrize(
    ("data", "content_type", "status", "code"),
    [
        (b"not json at all", "application/json", 400, "bad_json"),
        (b'{"queries": ["a"]', "application/json", 400, "bad_json"),
        (b"\xff\xfe{}", "application/json", 400, "bad_json"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "bad_json"),
        (b'{"queries": ["lumber"]}', "text/plain", 415, "unsupported_media_type"),
        (b"queries=lumber", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b'{"queries": ["lumber"]}', None, 415, "unsupported_media_type"),
        (b'{"queries": ["' + b"a" * (1 << 20) + b'"]}', "application/json", 413, None),
    ],
)
def test_batch_bodies_that_are_not_a_json_batch(
    fc: FlaskClient, data: bytes, content_type: str | None, status: int, code: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = fc.post("/api/batch", data=data, headers=headers)
    assert_error_envelope(response, status, code)


def test_a_1mb_body_is_refused_before_it_is_read(fc: FlaskClient) -> None:
    names = [f"name number {i:07d}" for i in range(50_000)]
    body = json.dumps({"queries": names}).encode()
    assert len(body) > 1 << 20
    error = assert_error_envelope(
        fc.post("/api/batch", data=body, content_type="application/json"), 413
    )
    assert "256 kB" in error["message"]


def test_batch_api_answers_only_post(fc: FlaskClient) -> None:
    assert_error_envelope(fc.get("/api/batch"), 405)


# -- batch: the form -------------------------------------------------------------------


def form_token(client: FlaskClient) -> str:
    response = client.get("/batch")
    assert response.status_code == 200
    token = soup_of(response).select_one(f"input[name={FIELD}]")["value"]
    cookie = client.get_cookie(COOKIE, path="/batch")
    assert cookie is not None and cookie.value == token
    assert cookie.http_only and cookie.same_site == "Strict"
    return token


def batch_rows(response: object) -> list[dict]:
    soup = soup_of(response)
    return [
        {
            "line": int(row["data-line"]),
            "query": row.select_one("[data-testid=batch-link]").get_text(),
            "url": row.select_one("[data-testid=batch-link]")["href"],
            "total": int(row["data-total"]) if row["data-total"] else None,
            "first_date": row["data-first"] or None,
            "last_date": row["data-last"] or None,
        }
        for row in soup.select("[data-testid=batch-row]")
    ]


def test_batch_form_and_api_agree(fc: FlaskClient) -> None:
    token = form_token(fc)
    lines = ["tariff", "lumber", "maria lopez", "zebra", "timber OR harbour"]
    response = fc.post(
        "/batch", data={FIELD: token, "lines": "\r\n".join(lines), "from": "1990-01-01"}
    )
    assert response.status_code == 200
    assert_security_headers(response)
    page = batch_rows(response)
    api = post_batch(fc, {"queries": lines, "from": "1990-01-01"}).get_json()["results"]
    keys = ("line", "query", "url", "total", "first_date", "last_date")
    assert page == [{k: result[k] for k in keys} for result in api]
    # The form keeps what was pasted, for the next run.
    assert soup_of(response).select_one("textarea").get_text().splitlines() == lines


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("total", lambda r: (-r["total"], r["line"])),
        ("query", lambda r: (r["query"].casefold(), r["line"])),
        ("first_date", lambda r: (r["first_date"] is None, r["first_date"] or "", r["line"])),
        ("last_date", lambda r: (r["last_date"] is None, r["last_date"] or "", r["line"])),
        ("given", lambda r: r["line"]),
    ],
)
def test_batch_table_sorts_as_chosen(fc: FlaskClient, sort: str, key: object) -> None:
    token = form_token(fc)
    lines = "zebra\ntariff\nLumber\nharbour\nmaria lopez"
    by_select = batch_rows(fc.post("/batch", data={FIELD: token, "lines": lines, "sort": sort}))
    by_button = batch_rows(
        fc.post("/batch", data={FIELD: token, "lines": lines, "sort": "given", "sort_by": sort})
    )
    assert by_select == by_button == sorted(by_select, key=key)  # type: ignore[arg-type]
    assert len(by_select) == 5


def test_batch_csv_download(fc: FlaskClient) -> None:
    token = form_token(fc)
    response = fc.post(
        "/batch",
        data={FIELD: token, "lines": "lumber\n=HYPERLINK(1)\ntariff", "format": "csv"},
    )
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["query"] for r in rows] == ["lumber", "'=HYPERLINK(1)", "tariff"]
    assert rows[0]["total"] == "10" and rows[0]["url"] == "http://localhost/?q=lumber"
    assert rows[0]["status"] == ""


def test_batch_form_refuses_forged_posts(fc: FlaskClient, fapp: Flask) -> None:
    token = form_token(fc)
    good = {FIELD: token, "lines": "lumber"}
    assert fc.post("/batch", data=good).status_code == 200
    # No token in the form; a token that differs from the cookie; a foreign Origin.
    for data, headers in (
        ({"lines": "lumber"}, {}),
        ({FIELD: token[:-1] + ("0" if token[-1] != "0" else "1"), "lines": "lumber"}, {}),
        (good, {"Origin": "https://evil.example"}),
        (good, {"Origin": "null"}),
    ):
        response = fc.post("/batch", data=data, headers=headers)
        assert response.status_code == 400
        error = soup_of(response).select_one("[data-testid=batch-error]")
        assert error["data-code"] == "csrf_failed"
        assert batch_rows(response) == []
    # A browser without our cookie (another site's page posting to us).
    stranger = fapp.test_client()
    assert stranger.post("/batch", data=good).status_code == 400
    # A token we did not sign, in both cookie and form.
    forged = "0" * 32 + ".1700000000." + "f" * 64
    stranger.set_cookie(COOKIE, forged, path="/batch")
    assert stranger.post("/batch", data={FIELD: forged, "lines": "lumber"}).status_code == 400


def test_batch_form_errors_keep_the_lines(fc: FlaskClient) -> None:
    token = form_token(fc)
    for lines, code in (("", "empty_batch"), ("\n".join(["x"] * 501), "too_many_lines")):
        response = fc.post("/batch", data={FIELD: token, "lines": lines})
        assert response.status_code == 400
        soup = soup_of(response)
        assert soup.select_one("[data-testid=batch-error]")["data-code"] == code
        assert soup.select_one("textarea").get_text().strip() == lines.strip()
    huge = {FIELD: token, "lines": "a" * (1 << 20)}
    assert fc.post("/batch", data=huge).status_code == 413
    assert fc.post("/batch", json={"lines": "lumber"}).status_code == 415


def test_feature_pages_have_no_inline_script_and_label_every_field(fc: FlaskClient) -> None:
    token = form_token(fc)
    pages = [
        fc.get("/compare"),
        fc.get("/compare?q=lumber&q=tariff"),
        fc.get("/batch"),
        fc.post("/batch", data={FIELD: token, "lines": "lumber\ntariff"}),
        fc.get("/?q=lumber"),
        fc.get("/articles/feat-001"),
    ]
    for response in pages:
        assert response.status_code == 200
        soup = soup_of(response)
        assert soup.find("style") is None
        for script in soup.find_all("script"):
            assert script.get("src") and not script.get_text(strip=True)
        for tag in soup.find_all(True):
            assert "style" not in tag.attrs, tag.name
            assert not any(name.startswith("on") for name in tag.attrs), tag.name
        for field in soup.select("input:not([type=hidden]), select, textarea"):
            assert soup.select_one(f'label[for="{field["id"]}"]'), field
        levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4"])]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


# -- citable exports -------------------------------------------------------------------


def test_jsonl_export_starts_with_its_provenance(fc: FlaskClient) -> None:
    response = fc.get("/api/export.jsonl?q=lumber&topic=LUMBER&from=1990-01&sort=oldest")
    first, *rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    record = first["provenance"]
    assert list(record) == [
        "query",
        "filters",
        "sort",
        "fields",
        "total",
        "rows",
        "limit",
        "index_generation",
        "exported_at",
        "newsearch_version",
        "url",
    ]
    assert record["query"] == "lumber"
    assert record["filters"] == {"topic": ["LUMBER"], "from": "1990-01", "sort": "oldest"}
    assert record["total"] == record["rows"] == len(rows) == 9
    assert record["index_generation"] == get_json(fc, "/api/stats")["generation"]
    assert record["newsearch_version"] == "0.1.0"
    assert record["exported_at"].endswith("Z") and record["exported_at"][:2] == "20"
    assert record["url"].startswith("/api/export.jsonl?q=lumber")
    assert all("provenance" not in row for row in rows)
    plain = fc.get("/api/export.jsonl?q=lumber&provenance=0").get_data(as_text=True)
    assert "provenance" not in plain.splitlines()[0]


def test_csv_provenance_only_when_asked(fc: FlaskClient) -> None:
    plain = fc.get("/api/export.csv?q=lumber").get_data(as_text=True)
    assert plain.startswith("id,title,")
    cited = fc.get("/api/export.csv?q=lumber&provenance=1&place=%0Aevil").get_data(as_text=True)
    lines = cited.splitlines()
    comments = list(itertools.takewhile(lambda line: line.startswith("# "), lines))
    assert comments[0] == "# newsearch export"
    assert "# query: lumber" in comments and "# total: 0" in comments
    assert any(line.startswith("# filters: place=") for line in comments)
    assert lines[len(comments)].startswith("id,title,")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[len(comments) :]))))
    assert rows == []


def test_export_fields_choose_the_columns(fc: FlaskClient) -> None:
    response = fc.get("/api/export.csv?q=tariff&fields=id,snippet&fields=body,id&sort=oldest")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == ["id", "snippet", "body"]
    assert rows[0]["id"] == "feat-007"
    assert rows[0]["body"] == "Negotiators opened tariff talks in Geneva on Tuesday."
    assert "tariff" in rows[0]["snippet"] and "<mark>" not in rows[0]["snippet"]
    lines = fc.get("/api/export.jsonl?q=tariff&fields=title,origin").get_data(as_text=True)
    first, *records = [json.loads(line) for line in lines.splitlines()]
    assert first["provenance"]["fields"] == ["title", "origin"]
    assert all(list(record) == ["title", "origin"] for record in records) and records
    assert EXPORT_FIELDS[-2:] == ("snippet", "body")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("fields=id,secret", "unknown_field"),
        ("fields=path", "unknown_field"),
        ("provenance=yes", "bad_request"),
        ("provenance=1&provenance=0", "bad_request"),
    ],
)
def test_bad_export_options_are_400s(fc: FlaskClient, query: str, code: str) -> None:
    for path in ("/api/export.csv", "/api/export.jsonl"):
        error = assert_error_envelope(fc.get(f"{path}?q=lumber&{query}"), 400, code)
        if code == "unknown_field":
            assert "snippet" in error["message"] and "body" in error["message"]


# -- origins and the citation line ------------------------------------------------------


def test_no_response_shows_a_server_path(fc: FlaskClient) -> None:
    urls = [
        "/api/search?q=lumber&per_page=100",
        "/?q=lumber&per_page=100",
        "/api/articles/feat-wire-1",
        "/articles/feat-wire-1",
        "/api/export.csv?q=lumber",
        "/api/export.jsonl?q=lumber&fields=origin,body",
        "/feeds/search.atom?q=lumber",
        "/compare?q=lumber",
    ]
    for url in urls:
        text = fc.get(url).get_data(as_text=True)
        assert str(REPO) not in text and str(FEATURES) not in text, url
    article = get_json(fc, "/api/articles/feat-wire-1")
    assert article["origin"] == "wire/more.jsonl#1"
    shown = soup_of(fc.get("/articles/feat-wire-1")).select_one("[data-testid=article-origin]")
    assert shown.get_text(strip=True) == "wire/more.jsonl#1"


def test_article_page_has_a_citation_line_with_a_copy_button(fc: FlaskClient) -> None:
    soup = soup_of(fc.get("/articles/feat-wire-1"))
    citation = soup.select_one("[data-testid=citation-text]").get_text()
    assert citation == (
        "“Wire: lumber freight rates.” Fixture Wire, 10 Jan 1990. wire/more.jsonl#1."
    )
    button = soup.select_one("[data-testid=copy-citation]")
    assert button["data-copy"] == "citation-text" and button.has_attr("hidden")


def test_citation_prefers_the_url_and_escapes_the_title(client: FlaskClient) -> None:
    hits = get_json(client, "/api/search?q=smugglers")["hits"]
    hostile = next(hit for hit in hits if "<script>" in hit["title"])
    response = client.get(f"/articles/{hostile['id']}")
    raw = response.get_data(as_text=True)
    assert "<script>alert(1)</script> Cocoa" not in raw
    citation = soup_of(response).select_one("[data-testid=citation-text]").get_text()
    assert "<script>alert(1)</script>" in citation  # shown as text, escaped in the HTML


# -- fuzzing: never a 500 --------------------------------------------------------------

FUZZ_NAMES = st.sampled_from(["q", "q", "q", "interval", "from", "to", "place", "topic", "bogus"])
FUZZ_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["day", "week", "month", "year", "1990", "1990-02", '"', "a*", "(", "lumber"]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    pairs=st.lists(st.tuples(FUZZ_NAMES, FUZZ_VALUES), max_size=9),
    route=st.sampled_from(["/api/compare", "/api/compare.csv", "/compare", "/feeds/search.atom"]),
)
def test_no_query_string_breaks_compare_or_feeds(
    fapp: Flask, pairs: list[tuple[str, str]], route: str
) -> None:
    response = fapp.test_client().get(route + "?" + urlencode(pairs))
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    if response.status_code == 400 and route != "/compare":
        assert_error_envelope(response, 400)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    document=st.one_of(
        JSON_VALUES,
        st.fixed_dictionaries(
            {"queries": st.lists(st.text(max_size=20), max_size=8)},
            optional={
                "phrase": JSON_VALUES,
                "from": JSON_VALUES,
                "place": JSON_VALUES,
                "sort": JSON_VALUES,
            },
        ),
    )
)
def test_no_json_document_breaks_the_batch(fapp: Flask, document: object) -> None:
    body = json.dumps(document)
    response = fapp.test_client().post("/api/batch", data=body, content_type="application/json")
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    if response.status_code == 400:
        assert_error_envelope(response, 400)
    else:
        answer = response.get_json()
        assert len(answer["results"]) + len(answer["unfinished"]) >= 1
