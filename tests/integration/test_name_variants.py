"""Spellings of one name across stories: one facet value, its aliases listed, filters on any.

A real index built by the real pipeline from text files written here; the
facet JSON of ``/api/search`` carries the same ``aliases``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer.pipeline import index_paths
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.types import FacetValue, SearchPage

STORIES = {
    "one.txt": "Boesky fined\n\nIvan F. Boesky agreed to pay a fine, Calderwood Mining "
    "Corporation said on Monday.\n",
    "two.txt": "Boesky appeal\n\nIvan Boesky will appeal, lawyers for Calderwood Mining Corp. "
    "said. Boesky declined to comment.\n",
    "three.txt": "Harbour news\n\nThe harbour reopened after repairs, the port said.\n",
    # A body's initials, its country and a lone head word referring back to it.
    "four.txt": "Kenya vote\n\nThe Movement for Qarn Change (MQC) won, the Kenya "
    "Army said on Monday. Later the Army denied that the MQC had won.\n",
    "five.txt": "Tarnland clash\n\nThe Tarnland Army attacked. The Army said so.\n",
    # A firm with and without its legal form.
    "six.txt": "Car sales\n\nQarnwell Motors Corp said sales rose in March.\n",
    "seven.txt": "Job cuts\n\nQarnwell Motors said it would cut jobs.\n",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("variants")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in STORIES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index_paths([str(corpus)], str(root / "index"), workers=1)
    return str(root / "index")


@pytest.fixture(scope="module")
def service(index_dir: str) -> Iterator[SearchService]:
    svc = SearchService(index_dir)
    yield svc
    svc.close()


def search(service: SearchService, **params: str) -> SearchPage:
    return service.search(parse_search_params({k: [v] for k, v in params.items()}))


def value(page: SearchPage, facet: str, name: str) -> FacetValue:
    return next(v for v in page.facets[facet] if v.value == name)


def test_variants_are_one_value_with_aliases(service: SearchService) -> None:
    page = search(service, q="")
    person = value(page, "person", "Ivan Boesky")
    assert (person.count, person.aliases) == (2, ("Ivan F. Boesky",))
    company = value(page, "organization", "Calderwood Mining Corp")
    assert company.count == 2
    assert company.aliases == ("Calderwood Mining Corporation",)
    assert [v.value for v in page.facets["person"]] == ["Ivan Boesky"]


def test_a_firm_with_and_without_its_legal_form_is_one_value(service: SearchService) -> None:
    firm = value(search(service, q=""), "organization", "Qarnwell Motors")
    assert (firm.count, firm.aliases) == (2, ("Qarnwell Motors Corp",))
    assert search(service, q="", organization="Qarnwell Motors Corp").total == 2


def test_a_filter_on_a_merged_spelling_selects_the_value(service: SearchService) -> None:
    assert search(service, q="", person="Ivan F. Boesky").total == 2
    assert search(service, q="", organization="calderwood mining corporation").total == 2


def test_search_json_lists_the_aliases(service: SearchService) -> None:
    from indexer.search.presenter import facet_value_json

    person = value(search(service, q=""), "person", "Ivan Boesky")
    assert facet_value_json(person)["aliases"] == ["Ivan F. Boesky"]


def test_the_page_shows_the_spellings_a_value_stands_for(index_dir: str) -> None:
    from webapp import create_app
    from webapp.backend import close_service

    app = create_app({"INDEX_DIR": index_dir})
    try:
        client = app.test_client()
        page = client.get("/?q=boesky").get_data(as_text=True)
        assert 'data-aliases="Ivan F. Boesky" title="Also written: Ivan F. Boesky"' in page
        api = client.get("/api/search?q=boesky").get_json()
        person = next(v for v in api["facets"]["person"] if v["value"] == "Ivan Boesky")
        assert person["aliases"] == ["Ivan F. Boesky"]
    finally:
        close_service(app)


def test_the_entity_page_lists_the_merged_spellings(index_dir: str) -> None:
    from webapp import create_app
    from webapp.backend import close_service

    app = create_app({"INDEX_DIR": index_dir})
    try:
        body = app.test_client().get("/api/entities/person/Ivan%20Boesky").get_json()
        assert "Ivan F. Boesky" in body["aliases"]
    finally:
        close_service(app)


def test_initials_and_references_back_are_aliases_and_filters(service: SearchService) -> None:
    page = search(service, q="")
    movement = value(page, "organization", "Movement for Qarn Change")
    assert (movement.count, movement.aliases) == (1, ("MQC",))
    assert search(service, q="", organization="MQC").total == 1
    assert value(page, "organization", "Kenya Army").aliases == ("Army",)
    # "the Army" of two stories is two armies: a filter on it selects both, and no
    # value is called "Army".
    assert search(service, q="", organization="Army").total == 2
    assert "Army" not in [v.value for v in page.facets["organization"]]
