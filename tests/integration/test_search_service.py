"""The search service on a real index of small hand-written articles.

The fixture articles are JSON Lines written here, so every expectation is
visible next to the data it depends on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from indexer.errors import SearchRequestError
from indexer.pipeline import index_paths
from indexer.search import pool
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.types import SearchPage

REPO = Path(__file__).resolve().parents[2]

ARTICLES = [
    {
        "id": "opec-cut",
        "title": "OPEC agrees to cut oil output",
        "body": "Oil ministers from OPEC agreed in Vienna to cut crude output. "
        "Oil prices rose after the meeting, traders said.",
        "date": "1987-03-02T10:00:00",
        "places": ["Austria"],
        "organizations": ["OPEC"],
        "topics": ["crude"],
        "source": "Wire",
    },
    {
        "id": "coffee-talks",
        "title": "Coffee producers meet in London",
        "body": "Coffee producers held talks in London on export quotas. "
        "The talks on coffee quotas ended without agreement, delegates said.",
        "date": "1987-03-20T09:00:00",
        "places": ["United Kingdom"],
        "topics": ["coffee"],
        "source": "Wire",
    },
    {
        "id": "passing-oil",
        "title": "Harbour traffic report",
        "body": "Ships queued at the harbour. One tanker carried oil. Cranes worked "
        "through the night and the port authority published its weekly traffic "
        "figures for containers, grain and timber.",
        "date": "1987-04-11T08:00:00",
        "places": ["Netherlands"],
        "topics": ["ship"],
        "source": "Gazette",
    },
    {
        "id": "grain-usa",
        "title": "U.S. grain exports rise",
        "body": "United States grain exports rose in March, the Agriculture Department "
        "said. Wheat and corn shipments led the gain.",
        "date": "1987-04-02T15:30:00",
        "places": ["United States"],
        "people": ["Richard Lyng"],
        "topics": ["grain", "wheat", "corn"],
        "source": "Wire",
    },
    {
        "id": "grain-canada",
        "title": "Canada grain stocks fall",
        "body": "Canadian grain stocks fell, Statistics Canada said on Tuesday.",
        "date": "1987-05-06T12:00:00",
        "places": ["Canada"],
        "topics": ["grain"],
        "source": "Gazette",
    },
    {
        "id": "rates-fed",
        "title": "Fed holds interest rates",
        "body": "The Federal Reserve held interest rates steady. Analysts said the "
        "rate decision was expected.",
        "date": "1987-06-15T14:00:00",
        "places": ["United States"],
        "organizations": ["Federal Reserve"],
        "people": ["Paul Volcker"],
        "topics": ["interest"],
        "source": "Wire",
    },
    {
        "id": "caracas",
        "title": "Guaidó rallies supporters",
        "body": "Opposition leader Juan Guaidó addressed supporters in Caracas.",
        "date": "2019-03-28T19:42:00",
        "places": ["Venezuela"],
        "people": ["Juan Guaidó"],
        "source": "Gazette",
    },
    {
        "id": "moscow-talks",
        "title": "Ministers meet",
        "body": "MOSCOW, Russia – Ministers met for talks on Friday, officials said.",
        "date": "1987-07-03T11:00:00",
        "source": "Wire",
    },
    {
        "id": "undated-note",
        "title": "Cocoa note",
        "body": "Cocoa arrivals were steady in the Ivory Coast.",
        "places": ["Ivory Coast"],
        "topics": ["cocoa"],
        "source": "Gazette",
    },
]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    root = tmp_path_factory.mktemp("search")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "articles.jsonl").write_text(
        "\n".join(json.dumps(a) for a in ARTICLES), encoding="utf-8"
    )
    index_paths([str(corpus)], str(root / "index"))
    svc = SearchService(str(root / "index"))
    yield svc
    svc.close()


def search(service: SearchService, **params: object) -> SearchPage:
    raw = {k: v if isinstance(v, list) else [str(v)] for k, v in params.items()}
    return service.search(parse_search_params(raw))


def ids(page: SearchPage) -> list[str]:
    return [hit.id for hit in page.hits]


def test_words_are_anded_and_ranked(service: SearchService) -> None:
    page = search(service, q="oil")
    assert ids(page)[0] == "opec-cut"
    assert set(ids(page)) == {"opec-cut", "passing-oil"}
    # Soft AND: the story with both words first, then the one with most of them.
    page = search(service, q="oil harbour")
    assert ids(page) == ["passing-oil", "opec-cut"]
    assert (page.total, page.total_all_words) == (2, 1)
    assert ids(search(service, q="oil AND harbour")) == ["passing-oil"]


def test_title_match_ranks_above_a_passing_mention(service: SearchService) -> None:
    page = search(service, q="oil")
    scores = {hit.id: hit.score for hit in page.hits}
    assert scores["opec-cut"] > scores["passing-oil"] > 0


def test_stem_variants_match(service: SearchService) -> None:
    assert "rates-fed" in ids(search(service, q="rate"))
    assert "grain-usa" in ids(search(service, q="export"))


def test_phrases_and_proximity(service: SearchService) -> None:
    assert ids(search(service, q='"interest rates"')) == ["rates-fed"]
    assert ids(search(service, q='"rates interest"')) == []
    assert ids(search(service, q='"cut output"~3')) == ["opec-cut"]


def test_boolean_operators(service: SearchService) -> None:
    assert set(ids(search(service, q="grain AND NOT canada"))) == {"grain-usa", "passing-oil"}
    assert set(ids(search(service, q="coffee OR cocoa"))) == {"coffee-talks", "undated-note"}
    assert set(ids(search(service, q="grain -canada"))) == {"grain-usa", "passing-oil"}


def test_field_queries(service: SearchService) -> None:
    assert ids(search(service, q="title:coffee")) == ["coffee-talks"]
    assert ids(search(service, q="person:volcker")) == ["rates-fed"]
    assert ids(search(service, q='place:"united states" wheat')) == ["grain-usa"]
    assert "coffee-talks" in ids(search(service, q="place:kingdom"))
    assert ids(search(service, q="source:gazette cocoa")) == ["undated-note"]


def test_prefix_and_fuzzy_on_entity_fields(service: SearchService) -> None:
    assert ids(search(service, q="person:volck*")) == ["rates-fed"]
    assert ids(search(service, q="person:volker~")) == ["rates-fed"]
    assert ids(search(service, q="place:*kingdom")) == ["coffee-talks"]
    assert ids(search(service, q="person:zzz*")) == []


def test_prefix_and_fuzzy(service: SearchService) -> None:
    assert "coffee-talks" in ids(search(service, q="coff*"))
    assert "coffee-talks" in ids(search(service, q="cofee~"))


def test_accents_fold(service: SearchService) -> None:
    assert ids(search(service, q="Guaido")) == ["caracas"]
    assert ids(search(service, q="GUAIDÓ")) == ["caracas"]


def test_snippets_mark_the_matched_words(service: SearchService) -> None:
    (hit,) = search(service, q="tanker").hits
    marked = [f.text for passage in hit.snippet for f in passage if f.matched]
    assert marked == ["tanker"]
    title = search(service, q="coffee").hits[0].title_fragments
    assert [f.text for f in title if f.matched] == ["Coffee"]


def test_multi_select_facets(service: SearchService) -> None:
    page = search(service, topic=["grain", "coffee"])
    assert set(ids(page)) == {"grain-usa", "grain-canada", "coffee-talks"}
    topics = {v.value: v for v in page.facets["topic"]}
    # Codes are shown by their display names, and selected as either.
    assert topics["Grain"].selected and topics["Coffee"].selected
    # Multi-select counts: the topic facet still shows unselected values
    # with the totals they would give.
    assert topics["Crude Oil"].count == 1 and not topics["Crude Oil"].selected
    both = search(service, topic=["grain"], place=["United States"])
    assert ids(both) == ["grain-usa"]
    places = {v.value: v.count for v in both.facets["place"]}
    assert places["Canada"] == 1  # counts of place ignore the place selection
    topic_counts = {v.value: v.count for v in both.facets["topic"]}
    assert topic_counts["Interest Rates"] == 1  # but respect the other facets


def test_facet_values_are_case_insensitive_and_aliased(service: SearchService) -> None:
    assert set(ids(search(service, place=["usa"]))) == {"grain-usa", "rates-fed"}
    assert set(ids(search(service, place=["UNITED STATES"]))) == {"grain-usa", "rates-fed"}
    unknown = search(service, person=["Nobody Atall"])
    assert unknown.total == 0
    assert [v.value for v in unknown.facets["person"] if v.selected] == ["Nobody Atall"]


def test_a_dateline_answers_to_its_city(service: SearchService) -> None:
    page = search(service, dateline="moscow")
    assert ids(page) == ["moscow-talks"]
    assert [v.value for v in page.facets["dateline"] if v.selected] == ["Moscow, Russia"]
    assert ids(search(service, dateline="Moscow, Russia")) == ["moscow-talks"]


def test_date_range_and_histogram(service: SearchService) -> None:
    march = search(service, **{"from": "1987-03", "to": "1987-03"})
    assert set(ids(march)) == {"opec-cut", "coffee-talks"}
    assert march.histogram_unit == "day"
    assert sum(b.count for b in march.histogram) == 2
    assert march.histogram[0].start == date(1987, 3, 1)
    everything = search(service)
    assert sum(b.count for b in everything.histogram) == everything.total - 1  # one undated
    assert everything.histogram_unit == "year" and everything.histogram[0].period == "1987"


def test_sort_orders_and_paging(service: SearchService) -> None:
    newest = search(service, sort="newest", per_page=3)
    assert ids(newest) == ["caracas", "moscow-talks", "rates-fed"]
    oldest = search(service, sort="oldest")
    assert ids(oldest)[0] == "opec-cut" and ids(oldest)[-1] == "undated-note"
    page2 = search(service, sort="oldest", per_page=3, page=2)
    assert ids(page2) == ids(oldest)[3:6]
    assert page2.last_page == 3
    with pytest.raises(SearchRequestError, match="out of range"):
        search(service, per_page=3, page=4)


def test_empty_query_lists_newest(service: SearchService) -> None:
    page = search(service)
    assert page.total == len(ARTICLES)
    assert ids(page)[0] == "caracas"


def test_suggestion_for_a_misspelling(service: SearchService) -> None:
    # A small archive holds its words in few stories; any word it holds beats none.
    page = search(service, q="cofee")
    assert page.suggestion == "coffee" and page.query_run == "coffee"
    assert ids(page) == ["coffee-talks"]
    assert search(service, q="coffee").suggestion is None
    # The archive's own spelling of a word it holds is offered too.
    assert search(service, q="harbor").suggestion == "harbour"
    assert search(service, q="Harbor cranes").suggestion == "Harbour cranes"  # as typed


def test_and_falls_back_to_or_with_a_notice(service: SearchService) -> None:
    page = search(service, q="coffee tanker")
    assert set(ids(page)) == {"coffee-talks", "passing-oil"}
    assert page.total_all_words == 0
    assert any("most of them" in n for n in page.notices)


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "(oil",
        "oil)",
        "a" * 1001,
        " OR ".join(f"w{i}" for i in range(100)),
        "\x00\x01",
        "oil\x7fprices",
    ],
)
def test_bad_queries_are_rejected_with_a_reason(service: SearchService, query: str) -> None:
    with pytest.raises(SearchRequestError) as caught:
        search(service, q=query)
    assert str(caught.value)


def test_a_control_character_is_named_and_tabs_are_spaces(service: SearchService) -> None:
    with pytest.raises(SearchRequestError, match=r"control character \(U\+0000\)"):
        search(service, q="oil\x00")
    assert ids(search(service, q="oil\tprices\n")) == ids(search(service, q="oil prices"))


def test_expensive_patterns_are_bounded(service: SearchService) -> None:
    assert search(service, q="*").total == len(ARTICLES)
    assert search(service, q="*a*").total >= 1
    page = search(service, q="co~2")
    assert any("limited" in n for n in page.notices)


def test_article_similar_export_and_stats(service: SearchService) -> None:
    view = service.article("coffee-talks", q="quotas")
    assert view is not None and view.title == "Coffee producers meet in London"
    marked = [f.text for p in view.paragraphs for f in p if f.matched]
    assert marked == ["quotas", "quotas"]
    assert service.article("no-such-id") is None
    similar = service.similar("grain-usa")
    assert similar and similar[0].id != "grain-usa"
    exported = list(service.export(parse_search_params({"q": ["grain"]}), limit=10))
    assert {h.id for h in exported} == {"grain-usa", "grain-canada", "passing-oil"}
    stats = service.stats()
    assert stats.documents == len(ARTICLES) and stats.undated == 1
    assert stats.date_min == "1987-03-02" and stats.date_max == "2019-03-28"
    assert {v.value: v.count for v in stats.top["source"]} == {"Wire": 5, "Gazette": 4}


def test_paging_never_skips_or_repeats_tied_results(service: SearchService) -> None:
    # Field queries give every match the same score: ties must be broken the
    # same way whatever the page size.
    whole = ids(search(service, q="source:wire OR source:gazette", per_page=50))
    assert len(whole) == len(ARTICLES)
    one_by_one = [
        ids(search(service, q="source:wire OR source:gazette", per_page=1, page=n))[0]
        for n in range(1, len(whole) + 1)
    ]
    assert one_by_one == whole
    threes = [
        doc
        for n in (1, 2, 3)
        for doc in ids(search(service, q="source:wire OR source:gazette", per_page=3, page=n))
    ]
    assert threes == whole[:9]


def test_timeline_copes_with_extreme_dates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Written through the writer directly: the extractor itself refuses such
    # dates, but an index may hold them (older versions, other tools).
    from whoosh.filedb.filestore import FileStorage

    from indexer.model import Article
    from indexer.writer import SegmentBuilder, new_index_directory, parent_writer, switch_current

    root = str(tmp_path / "index")
    directory = new_index_directory(root)
    builder = SegmentBuilder(directory)
    for n, day in enumerate(["9999-12-31", "0001-01-01", "1987-03-01"]):
        builder.add(
            Article(id=f"d{n}", title="A story", body="A story.", origin="x", path="x", date=day),
            "key",
        )
    parent_writer(FileStorage(directory).open_index("MAIN")).commit_with(builder.finish())
    switch_current(root, directory)
    svc = SearchService(root)
    try:
        page = search(svc, q="story")
        assert page.total == 3
        assert page.histogram_unit == "year"
        assert sum(b.count for b in page.histogram) == 3
        assert len(page.histogram) <= 120
        assert page.histogram[0].start.year == 1 and page.histogram[0].count == 2
    finally:
        svc.close()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "oil"},
        {"q": ""},
        {"q": "oil OR coffee", "topic": ["grain", "coffee"]},
        {"topic": ["grain"], "place": ["United States"]},
        {"q": "said", "not_place": ["Canada"], "facet_size": "3"},
    ],
)
def test_facets_counted_in_the_thread_pool_equal_those_counted_in_turn(
    service: SearchService, params: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pool is used from a million documents; here, forced on and off.
    monkeypatch.setattr(pool, "PARALLEL_MIN_DOCS", 0)
    pooled = search(service, **params)
    monkeypatch.setattr(pool, "PARALLEL_MIN_DOCS", 10**12)
    in_turn = search(service, **params)
    assert pooled.facets == in_turn.facets and pooled.facet_totals == in_turn.facet_totals
    assert pooled.total == in_turn.total and ids(pooled) == ids(in_turn)
