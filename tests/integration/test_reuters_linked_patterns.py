"""Wildcard and fuzzy terms typed with a hyphen, on the whole Reuters-21578 index.

``Coca-Co*`` and ``Iran-Con*`` once found nothing (the index holds no word
``coca-co...``) and ``iran-contr~`` ran out of its budget; they now search
the parts as adjacent words. Marked ``reuters`` (see ``tests/conftest.py``).
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


def search(service: SearchService, q: str) -> SearchPage:
    return service.search(parse_search_params({"q": [q], "per_page": ["10"]}))


def top_texts(service: SearchService, page: SearchPage) -> list[str]:
    texts = []
    for hit in page.hits:
        view = service.article(hit.id)
        assert view is not None
        texts.append(f"{view.title}\n{view.body}")
    return texts


@pytest.mark.parametrize(
    ("q", "adjacent", "compound"),
    [
        # Adjacent as in any phrase: stop words are not counted ("Iran has
        # conducted" is "iran conducted").
        ("Coca-Co*", r"\bcoca\W+co", r"\bcoca-cola\b"),
        ("Iran-Con*", r"\biran\W+(?:\w+\W+)?con", r"\biran-contra\b"),
        ("iran-contr~", r"\biran\W+contra", r"\biran-contra\b"),
    ],
)
def test_a_hyphenated_pattern_finds_the_compound(
    service: SearchService, q: str, adjacent: str, compound: str
) -> None:
    # The service raises SearchBudgetError (a 503) when a query runs out of budget.
    page = search(service, q)
    assert page.total >= 10
    texts = top_texts(service, page)
    assert len(texts) == 10
    for text in texts:
        assert re.search(adjacent, text, re.IGNORECASE), text[:300]
    with_compound = [text for text in texts if re.search(compound, text, re.IGNORECASE)]
    assert len(with_compound) >= 5


def test_the_parts_apart_are_not_a_match(service: SearchService) -> None:
    """Stories with "Iran" and "Contra" (both common) far apart are not matches."""
    compound = search(service, "Iran-Con*").total
    both = search(service, "iran AND contra*").total
    assert 0 < compound < both
