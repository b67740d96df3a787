""" "Did you mean": the typing cost on plain strings, and the benchmark's targets on Reuters.

The Reuters figures are :mod:`evaluation.spelling`'s, which bench/spelling.py
prints, so the report and the test measure alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluation import spelling as quality
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.suggest import NEIGHBOURS, typing_cost

ROOT = Path(__file__).resolve().parents[2]


def test_doubling_slips_are_the_cheapest_edits() -> None:
    assert typing_cost("occured", "occurred") == 0.5
    assert typing_cost("untill", "until") == 0.5
    assert typing_cost("tommorow", "tomorrow") == 1.0  # one m too many, one r too few


def test_a_neighbouring_key_costs_less_than_a_distant_one() -> None:
    assert "o" in NEIGHBOURS["p"] and "d" in NEIGHBOURS["c"] and "s" not in NEIGHBOURS["c"]
    assert typing_cost("cpffee", "coffee") < typing_cost("cxffee", "coffee") == 1.0


def test_swapped_letters_are_one_edit_and_the_first_letter_is_rarely_wrong() -> None:
    assert typing_cost("recieve", "receive") == 1.0
    assert typing_cost("gard", "guard") < typing_cost("gard", "hard")


# -- Reuters-21578 ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def service(reuters_index: str) -> Iterator[SearchService]:
    svc = SearchService(reuters_index)
    yield svc
    svc.close()


def suggestion(service: SearchService, q: str) -> str | None:
    return service.search(parse_search_params({"q": [q]})).suggestion


@pytest.mark.reuters
def test_cofee_suggests_coffee(service: SearchService) -> None:
    assert suggestion(service, "cofee") == "coffee"
    assert suggestion(service, "cofee prices") == "coffee prices"
    assert suggestion(service, "coffee") is None


@pytest.mark.reuters
def test_typos_the_corpus_repeats_are_still_corrected(service: SearchService) -> None:
    """Reuters itself writes "goverment" and "recieve" a few times each."""
    assert suggestion(service, "goverment") == "government"
    assert suggestion(service, "recieve") == "receive"
    assert suggestion(service, "untill") == "until"  # stems like "until": once never corrected


@pytest.mark.reuters
def test_the_other_query_words_break_ties(service: SearchService) -> None:
    """ "opek" is one slip from both "open" and "opec": "oil" says which."""
    assert suggestion(service, "opek oil") == "opec oil"
    assert suggestion(service, "opek") == "open"  # alone: the commoner word
    assert suggestion(service, "opek door") == "open door"


@pytest.mark.reuters
def test_reuters_spelling_targets(reuters_index: str) -> None:
    report = quality.run(reuters_index)
    assert len(report.misspelled) >= 100 and len(report.correct) >= 100
    assert report.corrected >= quality.TARGET_CORRECTED, [
        (o.case.query, o.suggestion, o.case.expected) for o in report.misspelled if not o.ok
    ]
    assert report.false_alarms <= quality.TARGET_FALSE_ALARMS, [
        (o.case.query, o.suggestion) for o in report.correct if o.suggestion
    ]
