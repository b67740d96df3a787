"""Hyphenated compounds and misspelled queries, on a real index of hand-written stories.

The stories are ``tests/fixtures/trust/articles.jsonl``: each compound has
its hyphenated and solid spellings and a decoy that holds the parts apart
(``Bolivia coca crop talks`` mentions coca and cola), and ``cofee`` is in no
story while ``coffee`` is in six.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.pipeline import index_paths
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.suggest import SUGGESTION_GAIN, should_run_suggestion
from indexer.search.types import SearchPage

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "trust"
NEWSEARCH = [sys.executable, "-m", "indexer.cli"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    directory = tmp_path_factory.mktemp("trust") / "index"
    report = index_paths([str(FIXTURE)], str(directory))
    assert report.documents_total == 24 and not report.skipped, report
    return str(directory)


@pytest.fixture(scope="module")
def service(index_dir: str) -> Iterator[SearchService]:
    svc = SearchService(index_dir)
    yield svc
    svc.close()


def search(service: SearchService, q: str, **params: str) -> SearchPage:
    raw = {"q": [q], "per_page": ["50"], **{k: [v] for k, v in params.items()}}
    return service.search(parse_search_params(raw))


def ids(page: SearchPage) -> set[str]:
    return {hit.id for hit in page.hits}


# -- hyphens ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Not "iran NOT contra" (the Gulf story) nor "iran AND contra" anywhere apart.
        ("Iran-Contra", {"iran-contra"}),
        # The phrase, or the word written solid; never the coca/cola decoy.
        ("Coca-Cola", {"coke", "coke-solid"}),
        ("anti-dumping", {"anti-dumping", "antidumping-solid"}),
        ("U.S.-Japan", {"us-japan"}),
        ("1986-87", {"sugar-1986-87"}),
        ("F-16", {"f16"}),
        ("Mercedes-Benz", {"mercedes"}),
        ("Hewlett-Packard", {"hp"}),
        ("title:coca-cola", {"coke"}),
        # "The CocaCola bottler": the solid spelling is an organization too (a brand's
        # inner capital), so the field holds it as well.
        ("organization:coca-cola", {"coke", "coke-solid"}),
        # A wildcard or fuzzy part: the parts adjacent (or the word solid),
        # never the decoys holding them apart.
        ("Coca-Co*", {"coke", "coke-solid"}),
        ("Iran-Con*", {"iran-contra"}),
        ("iran-contr~", {"iran-contra"}),
        ("co*-cola", {"coke", "coke-solid"}),
    ],
)
def test_a_hyphenated_word_matches_the_compound(
    service: SearchService, q: str, expected: set[str]
) -> None:
    assert ids(search(service, q)) == expected


def test_a_compound_is_one_word_of_a_soft_and(service: SearchService) -> None:
    """Like a phrase: stories with the compound and the other word first, then either."""
    page = search(service, "anti-dumping mercury")
    assert page.total_all_words == 1 and page.hits[0].id == "anti-dumping"
    assert ids(page) == {"anti-dumping", "antidumping-solid"}
    assert ids(search(service, "anti-dumping AND mercury")) == {"anti-dumping"}


def test_a_leading_minus_still_excludes(service: SearchService) -> None:
    assert ids(search(service, "iran -contra")) == {"iran-gulf"}
    assert ids(search(service, "iran (-contra)")) == {"iran-gulf"}
    assert ids(search(service, "coca -coca-cola")) == {"bolivia-coca"}
    assert ids(search(service, "anti -dumping")) == {"anti-icing"}


def test_the_compound_is_highlighted(service: SearchService) -> None:
    (hit,) = search(service, "Mercedes-Benz").hits
    assert [f.text for f in hit.title_fragments if f.matched] == ["Mercedes", "Benz"]


# -- misspellings ----------------------------------------------------------------------


def test_a_misspelled_query_runs_its_correction(service: SearchService) -> None:
    page = search(service, "cofee brazil")
    assert page.suggestion == "coffee brazil"
    assert page.query_run == "coffee brazil" and page.corrected
    # Stories with both corrected words come first (the rest have one of them).
    assert page.total_all_words == 2
    assert {hit.id for hit in page.hits[:2]} == {"coffee-0", "coffee-1"}


def test_spell_0_searches_as_typed(service: SearchService) -> None:
    page = search(service, "cofee brazil", spell="0")
    assert page.suggestion == "coffee brazil"
    assert page.query_run == "cofee brazil" and not page.corrected
    # No story holds both typed words: what it finds are the Brazil stories.
    assert page.total_all_words == 0
    assert ids(page) == {"coffee-0", "coffee-1", "brazil-0", "brazil-1", "brazil-2"}


def test_the_correction_must_match_within_the_filters(service: SearchService) -> None:
    page = search(service, "cofee brazil", place="Kenya")
    assert page.suggestion == "coffee brazil" and not page.corrected
    assert page.query_run == "cofee brazil"


def test_a_well_matched_query_is_never_replaced(service: SearchService) -> None:
    page = search(service, "coffee brazil")
    assert page.suggestion is None and page.query_run == "coffee brazil"


def test_the_rule_to_run_a_suggestion() -> None:
    assert should_run_suggestion(0, 1)
    assert not should_run_suggestion(0, 0)
    assert should_run_suggestion(2, 2 * SUGGESTION_GAIN)
    assert not should_run_suggestion(2, 2 * SUGGESTION_GAIN - 1)


# -- the CLI ---------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NEWSEARCH, *args], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_compounds_and_corrections(index_dir: str) -> None:
    found = run_cli("search", "Iran-Contra", "--index", index_dir, "--json")
    assert found.returncode == 0, found.stderr
    assert [hit["id"] for hit in json.loads(found.stdout)["hits"]] == ["iran-contra"]

    corrected = run_cli("search", "cofee", "brazil", "--index", index_dir)
    assert corrected.returncode == 0, corrected.stderr
    assert "Showing results for coffee brazil. Search instead for cofee brazil" in corrected.stdout
    first_two = corrected.stdout.split("\n\n")[1:3]
    assert all("coffee" in hit and "Brazil" in hit for hit in first_two), corrected.stdout

    literal = run_cli("search", "cofee", "brazil", "--index", index_dir, "--no-spell", "--json")
    data = json.loads(literal.stdout)
    assert (data["query"], data["query_run"], data["suggestion"]) == (
        "cofee brazil",
        "cofee brazil",
        "coffee brazil",
    )
