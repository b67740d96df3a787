"""The presenter and page models, on hand-built SearchPage objects."""

from __future__ import annotations

import math
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from markupsafe import Markup
from web_helpers import XSS_IMG, XSS_SCRIPT, make_article, make_hit, make_page

from indexer.search import presenter
from indexer.search.request import parse_search_params
from indexer.search.types import (
    CorpusStats,
    CountedValue,
    FacetValue,
    Fragment,
    HistogramBucket,
    SearchRequest,
)
from webapp.links import Routes, is_web_url
from webapp.pages import (
    article_page_model,
    chips,
    display_date,
    overview_model,
    pagination,
    search_page_model,
)
from webapp.timeline import bar_level, period_label, timeline_bars

ROUTES = Routes()


def request_of(href: str) -> SearchRequest:
    """Parse a link back into the request it encodes."""
    pairs = parse_qsl(urlsplit(href).query, keep_blank_values=True)
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return parse_search_params(params)


def test_search_json_has_exactly_the_documented_keys() -> None:
    body = presenter.search_json(make_page())
    assert list(body) == list(presenter.SEARCH_KEYS)
    assert all(list(hit) == list(presenter.HIT_KEYS) for hit in body["hits"])
    assert body["histogram"][0] == {
        "period": "1987-02",
        "count": 2,
        "start": "1987-02-01",
        "end": "1987-02-28",
    }
    assert body["facets"]["dateline"][0] == {
        "value": "Salvador",
        "count": 30,
        "selected": False,
        "excluded": False,
        "aliases": [],
    }
    assert body["query"] == "cocoa"
    assert body["took_ms"] == 3.1
    assert (body["page"], body["per_page"], body["total"]) == (1, 10, 42)


def test_snippets_escape_everything_but_mark() -> None:
    passage = (Fragment(XSS_SCRIPT + " a & b "), Fragment("<b>cocoa</b>", True), Fragment(XSS_IMG))
    html = presenter.fragments_html(passage)
    assert isinstance(html, Markup)
    assert str(html) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; a &amp; b "
        "<mark>&lt;b&gt;cocoa&lt;/b&gt;</mark>&lt;img src=x onerror=alert(1)&gt;"
    )


def test_empty_matched_fragment_adds_no_empty_mark() -> None:
    assert str(presenter.fragments_html((Fragment("", True), Fragment("x")))) == "x"


def test_hit_snippet_is_a_list_of_plain_strings() -> None:
    hit = presenter.hit_json(make_hit(1))
    assert hit["snippet"] == [
        "Showers continued throughout the week in the <mark>cocoa</mark> zone"
    ]
    assert type(hit["snippet"][0]) is str


def test_title_falls_back_to_the_escaped_title() -> None:
    assert str(presenter.title_html("A <b>", ())) == "A &lt;b&gt;"


def test_scores_that_json_cannot_carry_become_null() -> None:
    assert presenter.hit_json(make_hit(1, score=math.nan))["score"] is None
    assert presenter.hit_json(make_hit(1, score=math.inf))["score"] is None
    assert presenter.hit_json(make_hit(1, score=1.234567))["score"] == 1.2346


def test_export_record_drops_the_snippet() -> None:
    record = presenter.export_record(make_hit(1))
    assert list(record) == list(presenter.EXPORT_COLUMNS)


def test_article_and_stats_json() -> None:
    assert list(presenter.article_json(make_article())) == list(presenter.ARTICLE_KEYS)
    stats = CorpusStats(3, "1987-02-26", "1987-10-20", 1, 9, {"place": (CountedValue("USA", 2),)})
    assert presenter.stats_json(stats) == {
        "documents": 3,
        "date_min": "1987-02-26",
        "date_max": "1987-10-20",
        "undated": 1,
        "generation": 9,
        "top": {"place": [{"value": "USA", "count": 2}]},
    }


def test_page_model_is_a_superset_of_the_api_json() -> None:
    page = make_page()
    api = presenter.search_json(page)
    model = search_page_model(page, ROUTES)
    for key in presenter.SEARCH_KEYS:
        assert key in model
    assert [hit["id"] for hit in model["hits"]] == [hit["id"] for hit in api["hits"]]
    for hit, api_hit in zip(model["hits"], api["hits"], strict=True):
        assert {k: v for k, v in hit.items() if k in api_hit and k != "snippet"} == {
            k: v for k, v in api_hit.items() if k != "snippet"
        }
        assert [str(s) for s in hit["snippet"]] == api_hit["snippet"]
    assert model["links"]["api"] == "/api/search?q=cocoa"


def test_hit_links_carry_the_query_to_the_article() -> None:
    model = search_page_model(make_page(), ROUTES)
    assert model["hits"][0]["href"] == "/articles/doc-1?q=cocoa"
    assert str(model["hits"][0]["title_html"]) == "<mark>Cocoa</mark> review 1"


def test_article_ids_are_quoted_in_links() -> None:
    model = search_page_model(make_page(hits=(make_hit(1, id="a/b?c"),)), ROUTES)
    assert model["hits"][0]["href"].startswith("/articles/a%2Fb%3Fc?")


def test_facet_links_toggle_a_value_and_reset_the_page() -> None:
    request = SearchRequest(q="cocoa", page=3, filters=(("place", ("Brazil",)),))
    model = search_page_model(make_page(request), ROUTES)
    groups = {group["name"]: group for group in model["facet_groups"]}
    assert "person" not in groups  # a facet without values is not shown
    brazil = groups["place"]["values"][0]
    assert brazil["selected"] is True
    assert request_of(brazil["href"]).filters == ()
    salvador = groups["dateline"]["values"][0]
    added = request_of(salvador["href"])
    assert added.selected("dateline") == ("Salvador",)
    assert added.selected("place") == ("Brazil",)
    assert added.page == 1 and added.q == "cocoa"


def test_toggling_is_case_insensitive() -> None:
    request = SearchRequest(filters=(("place", ("brazil",)),))
    model = search_page_model(make_page(request), ROUTES)
    place = next(g for g in model["facet_groups"] if g["name"] == "place")
    assert request_of(place["values"][0]["href"]).filters == ()


def test_chips_remove_one_filter_each() -> None:
    request = SearchRequest(
        q="oil",
        date_from=date(1987, 3, 1),
        date_to=date(1987, 3, 31),
        filters=(("place", ("USA", "Canada")), ("topic", ("crude",))),
    )
    items = chips(ROUTES, request)
    assert [(c["kind"], c["value"]) for c in items] == [
        ("place", "USA"),
        ("place", "Canada"),
        ("topic", "crude"),
        ("from", "1987-03-01"),
        ("to", "1987-03-31"),
    ]
    without_usa = request_of(items[0]["remove_href"])
    assert without_usa.selected("place") == ("Canada",)
    assert without_usa.selected("topic") == ("crude",)
    assert request_of(items[3]["remove_href"]).date_from is None
    assert request_of(items[4]["remove_href"]).date_to is None
    assert request_of(items[4]["remove_href"]).date_from == date(1987, 3, 1)


def test_pagination_window_and_bounds() -> None:
    request = SearchRequest(q="x", page=6)
    p = pagination(ROUTES, request, 20)
    numbers = [item["number"] if item else None for item in p["pages"]]
    assert numbers == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert [item["current"] for item in p["pages"] if item and item["current"]] == [True]
    assert request_of(p["prev"]).page == 5 and request_of(p["next"]).page == 7


def test_pagination_has_no_link_past_the_last_page() -> None:
    last = pagination(ROUTES, SearchRequest(q="x", page=3), 3)
    assert last["next"] is None and last["prev"] is not None
    single = pagination(ROUTES, SearchRequest(q="x"), 1)
    assert single["pages"] == [] and single["next"] is None and single["prev"] is None
    beyond = pagination(ROUTES, SearchRequest(q="x", page=50), 3)
    assert beyond["beyond_last"] and beyond["next"] is None
    assert request_of(beyond["prev"]).page == 3
    assert all(item is None or item["number"] <= 3 for item in beyond["pages"])


def test_timeline_bars_filter_to_their_period() -> None:
    page = make_page(SearchRequest(q="cocoa", page=2))
    timeline = timeline_bars(ROUTES, page)
    march = timeline["bars"][1]
    assert march["label"] == "March 1987: 30 articles"
    assert march["level"] == 100
    assert timeline["bars"][0]["level"] == 7  # 2 of 30
    clicked = request_of(march["href"])
    assert (clicked.date_from, clicked.date_to) == (date(1987, 3, 1), date(1987, 3, 31))
    assert clicked.page == 1 and clicked.q == "cocoa"


def test_timeline_labels_by_unit_and_levels() -> None:
    bucket = HistogramBucket("1987-03-02", date(1987, 3, 2), date(1987, 3, 2), 1)
    assert period_label(bucket, "day") == "2 March 1987"
    assert period_label(bucket, "year") == "1987"
    assert bar_level(0, 10) == 0
    assert bar_level(1, 10_000) == 2  # never invisible
    assert bar_level(5, 0) == 0


def test_current_bar_is_marked() -> None:
    request = SearchRequest(date_from=date(1987, 3, 1), date_to=date(1987, 3, 31))
    bars = timeline_bars(ROUTES, make_page(request))["bars"]
    assert [bar["current"] for bar in bars] == [False, True, False]


def test_suggestion_link_replaces_the_query() -> None:
    model = search_page_model(make_page(SearchRequest(q="cofee"), suggestion="coffee"), ROUTES)
    assert request_of(model["suggestion_href"]).q == "coffee"


def test_default_view_only_for_an_empty_search() -> None:
    assert search_page_model(make_page(SearchRequest()), ROUTES)["default_view"]
    filtered = SearchRequest(filters=(("place", ("USA",)),))
    assert not search_page_model(make_page(filtered), ROUTES)["default_view"]


def test_form_state_keeps_filters_as_hidden_fields() -> None:
    request = SearchRequest(q="x", per_page=30, filters=(("person", ("A", "B")),))
    form = search_page_model(make_page(request), ROUTES)["form"]
    assert form["hidden"] == [("person", "A"), ("person", "B")]
    assert [o["value"] for o in form["per_page_options"]] == [10, 20, 30, 50, 100]
    assert [o["value"] for o in form["sort_options"] if o["selected"]] == ["relevance"]


def test_article_model_links_entities_to_new_searches() -> None:
    article = make_article(people=("Donald Trump",), paragraphs=((Fragment("a"),),))
    model = article_page_model(article, (), "cocoa", ROUTES)
    person = model["entities"][0]
    assert person["values"][0]["href"] == "/?person=Donald+Trump"
    assert model["dateline_href"] == "/?dateline=Salvador"
    assert model["back_href"] == "/?q=cocoa"
    assert model["api_href"] == "/api/articles/doc-1"
    assert model["url_is_link"] is True
    assert [str(p) for p in model["paragraphs"]] == ["a"]


def test_article_body_without_paragraphs_is_split_and_escaped() -> None:
    model = article_page_model(make_article(body="One <b>\n\nTwo\nlines"), (), "", ROUTES)
    assert [str(p) for p in model["paragraphs"]] == ["One &lt;b&gt;", "Two lines"]
    assert model["back_href"] is None


def test_only_web_urls_become_links() -> None:
    assert is_web_url("https://example.com/a")
    assert not is_web_url("javascript:alert(1)")
    assert not is_web_url(" JavaScript:alert(1)")
    assert not is_web_url("data:text/html,x")
    assert not is_web_url(None)
    model = article_page_model(make_article(url="javascript:alert(1)"), (), "", ROUTES)
    assert model["url_is_link"] is False


def test_overview_links_top_values() -> None:
    stats = CorpusStats(
        5,
        None,
        None,
        5,
        1,
        {"places": (CountedValue("USA", 3),), "exchanges": (CountedValue("NYSE", 1),)},
    )
    model = overview_model(stats, ROUTES)
    places, exchanges = model["top_groups"]
    assert places["label"] == "Places" and places["values"][0]["href"] == "/?place=USA"
    assert exchanges["values"][0]["href"] is None


def test_display_date() -> None:
    assert display_date("1987-03-02T10:15:00") == "2 Mar 1987"
    assert display_date("2019-03-28T19:42+08:00") == "28 Mar 2019"
    assert display_date("sometime") == "sometime"
    assert display_date(None) == ""


def test_facet_values_pass_through_unchanged() -> None:
    page = make_page(facets={"topic": (FacetValue("grain", 7, True),)})
    assert presenter.search_json(page)["facets"] == {
        "topic": [
            {"value": "grain", "count": 7, "selected": True, "excluded": False, "aliases": []}
        ]
    }
