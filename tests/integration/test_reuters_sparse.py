"""Dense and sparse evaluation give the same search responses on Reuters-21578.

The property tests (``tests/unit/test_engine_sparse.py``) draw random
queries over a small random index; this checks the real corpus, with its
real vocabulary, entities and dates, on every kind of query the search
benchmark sends (words, several words, phrases, booleans, fields,
prefixes, fuzzy terms, with dates and facet selections).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from indexer.errors import SearchRequestError
from indexer.search.evaluate import PATH_VARIABLE, Budget, Evaluator
from indexer.search.presenter import search_json
from indexer.search.query import parse_query
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService

pytestmark = pytest.mark.reuters

QUERIES = [
    "oil",
    "coffee",
    "said",
    "dlrs",
    "percent",
    "oil prices",
    "interest rates",
    "bank of japan",
    "net profit rose",
    "first quarter earnings",
    "paul volcker",
    "volcker fed",
    '"trade deficit"',
    '"interest rates"~3',
    '"bank of england"',
    "oil AND opec",
    "coffee OR cocoa",
    "oil NOT opec",
    "(wheat OR corn) AND exports",
    "bank AND NOT japan",
    "-oil",
    "*",
    "title:oil",
    "place:japan",
    "person:volcker",
    "organization:opec",
    "dateline:london",
    "title:bank rates",
    "oil*",
    "infla*",
    "cofee~",
    "petrolium~2",
    "Iran-Contra",
    "oil^2 gold",
]
FILTERS: list[dict[str, list[str]]] = [
    {},
    {"from": ["1987-03-01"], "to": ["1987-03-31"]},
    {"place": ["United States"], "sort": ["newest"]},
    {"topic": ["Grain"], "not_place": ["Japan"], "page": ["2"], "per_page": ["5"]},
]


@pytest.fixture(scope="module")
def service(reuters_index: str) -> Iterator[SearchService]:
    svc = SearchService(reuters_index)
    yield svc
    svc.close()


def response(service: SearchService, params: dict[str, list[str]], path: str) -> dict[str, Any]:
    os.environ[PATH_VARIABLE] = path
    try:
        body = search_json(service.search(parse_search_params(params)))
    except SearchRequestError as error:  # the same error on both paths
        return {"error": (error.code, str(error))}
    finally:
        del os.environ[PATH_VARIABLE]
    body.pop("took_ms")
    return body


@pytest.mark.parametrize("q", QUERIES)
def test_dense_and_sparse_responses_agree(service: SearchService, q: str) -> None:
    for extra in FILTERS:
        params = {"q": [q], **extra}
        dense = response(service, params, "dense")
        assert dense == response(service, params, "sparse"), params


def test_the_sparse_path_is_taken(service: SearchService) -> None:
    """A forced sparse evaluation is sparse, and finds the stories."""
    snap = service._current()
    evaluator = Evaluator(snap, service.ranking, Budget(10.0), path="sparse")
    node = parse_query("person:volcker")
    assert node is not None
    evaluation = evaluator.run(node)
    assert evaluation.path == "sparse"
    assert 0 < evaluation.mask.sum() < snap.doc_count / 50
