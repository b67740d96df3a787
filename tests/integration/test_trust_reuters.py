"""Issue 11 on Reuters-21578: hyphenated names and a misspelled query find the right stories.

Before: ``Iran-Contra`` ran as ``iran NOT contra`` (202 Gulf stories),
``Mercedes-Benz`` and ``Hewlett-Packard`` found nothing, ``Coca-Cola`` found
Bolivian debt stories, and ``cofee brazil`` showed Brazil stories about debt
and cars. Uses the session-wide ``reuters_index`` (tests/conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.types import SearchPage

pytestmark = pytest.mark.reuters


@pytest.fixture(scope="module")
def service(reuters_index: str) -> Iterator[SearchService]:
    svc = SearchService(reuters_index)
    yield svc
    svc.close()


def search(service: SearchService, q: str, **params: str) -> SearchPage:
    raw = {"q": [q], "per_page": ["100"], **{k: [v] for k, v in params.items()}}
    return service.search(parse_search_params(raw))


def text_of(service: SearchService, article_id: str) -> str:
    article = service.article(article_id)
    assert article is not None
    return f"{article.title}\n{article.body}"


@pytest.mark.parametrize(
    ("q", "written"),
    [
        ("Iran-Contra", r"iran[\s/,.-]*contra"),
        ("Coca-Cola", r"coca[\s/,.-]*cola"),
        ("Mercedes-Benz", r"mercedes[\s/,.-]*benz"),
        ("Hewlett-Packard", r"hewlett[\s/,.-]*packard"),
        ("anti-dumping", r"anti[\s/,.-]*dumping"),
        ("F-16", r"\bf[\s/,.-]*16\b"),
        ("1986-87", r"1986[\s/,.-]*87"),
    ],
)
def test_a_hyphenated_name_finds_stories_that_write_it(
    service: SearchService, q: str, written: str
) -> None:
    page = search(service, q)
    assert page.total > 0, q
    pattern = re.compile(written, re.IGNORECASE)
    missing = [hit.title for hit in page.hits if not pattern.search(text_of(service, hit.id))]
    assert missing == [], (q, missing)


def test_iran_contra_is_about_the_affair_not_iran_without_contra(service: SearchService) -> None:
    affair = search(service, "Iran-Contra")
    without = search(service, "iran -contra")
    assert 0 < affair.total < 100 < without.total
    assert not {hit.id for hit in affair.hits} & {hit.id for hit in without.hits}


def test_u_s_japan_ranks_stories_about_us_japan_relations(service: SearchService) -> None:
    page = search(service, "U.S.-Japan")
    top = [text_of(service, hit.id) for hit in page.hits[:10]]
    assert all(re.search(r"u\.?s\.?[\s/,.-]*japan", text, re.IGNORECASE) for text in top)


def test_cofee_brazil_shows_coffee_stories(service: SearchService) -> None:
    page = search(service, "cofee brazil", per_page="10")
    assert page.suggestion == "coffee brazil"
    assert page.query_run == "coffee brazil" and page.corrected
    assert len(page.hits) == 10
    for hit in page.hits:
        text = text_of(service, hit.id).lower()
        assert "coffee" in text and "brazil" in text, hit.title
    literal = search(service, "cofee brazil", spell="0", per_page="10")
    assert literal.query_run == "cofee brazil" and not literal.corrected
    assert literal.suggestion == "coffee brazil"
