"""Issue 11: entity searches ranked by centrality, soft AND, newswire vocabulary.

A real index of small hand-written articles, built here. Each story is
dated so that the old behaviour (equal entity scores, hence newest first;
strict AND; no abbreviations) would give a different, visible answer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from indexer.pipeline import index_paths
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.types import Passage, SearchPage

FILLER = " ".join(["The committee reviewed budget figures for the coming fiscal year."] * 6)

ARTICLES = [
    {
        # Newest, tagged with Volcker, names him once in passing at the end.
        "id": "volcker-passing",
        "title": "Senate panel reviews farm budget",
        "body": f"{FILLER} A spokesman said Paul Volcker was not consulted.",
        "date": "1987-06-20T10:00:00",
        "people": ["Paul Volcker"],
        "places": ["United States"],
    },
    {
        # Oldest, about Volcker: in the title and lead, named three times.
        "id": "volcker-central",
        "title": "Volcker warns on third world debt",
        "body": "Federal Reserve chairman Paul Volcker warned on Tuesday that debtor "
        "nations need more bank lending. Volcker said growth was at risk. "
        "Bankers welcomed the remarks by Volcker.",
        "date": "1987-03-02T10:00:00",
        "people": ["Paul Volcker"],
        "places": ["United States"],
    },
    {
        # Tagged but never names him.
        "id": "volcker-tag-only",
        "title": "Fed governors meet",
        "body": "Governors of the central bank met in Washington on Thursday.",
        "date": "1987-05-01T10:00:00",
        "people": ["Paul Volcker"],
        "places": ["United States"],
    },
    {
        "id": "saudi-central",
        "title": "Saudi Arabia keeps oil output steady",
        "body": "Saudi Arabia will keep its oil output at the agreed quota, "
        "the oil minister of Saudi Arabia said.",
        "date": "1987-03-05T10:00:00",
        "places": ["Saudi Arabia"],
    },
    {
        "id": "saudi-passing",
        "title": "Tanker rates firm in the Gulf",
        "body": f"{FILLER} Cargoes from Saudi Arabia were also booked.",
        "date": "1987-06-25T10:00:00",
        "places": ["Saudi Arabia"],
    },
    {
        # All three words of "coffee export quota".
        "id": "coffee-all",
        "title": "Coffee export quota talks",
        "body": "Producers discussed the coffee export quota in London.",
        "date": "1987-03-10T10:00:00",
    },
    {
        # Two of the three words, newer and with the words repeated.
        "id": "coffee-two",
        "title": "Coffee exports surge",
        "body": "Coffee exports rose. Coffee export volumes were a record; coffee exporters "
        "shipped coffee.",
        "date": "1987-06-10T10:00:00",
    },
    {
        "id": "coffee-one",
        "title": "Coffee prices",
        "body": "Coffee prices were steady.",
        "date": "1987-06-11T10:00:00",
    },
    {
        # Wire vocabulary only: pct, dlrs, qtr.
        "id": "wire-abbrev",
        "title": "Acme 4th qtr net rises 12 pct",
        "body": "Acme Corp said fourth qtr net profit rose 12 pct to 40 mln dlrs.",
        "date": "1987-04-01T10:00:00",
    },
    {
        "id": "plain-words",
        "title": "Bond yields",
        "body": "Yields rose half a percent on the news.",
        "date": "1987-04-02T10:00:00",
    },
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("trust")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "articles.jsonl").write_text(
        "\n".join(json.dumps(a) for a in ARTICLES), encoding="utf-8"
    )
    index_paths([str(corpus)], str(root / "index"))
    return str(root / "index")


@pytest.fixture(scope="module")
def service(index_dir: str) -> Iterator[SearchService]:
    svc = SearchService(index_dir)
    yield svc
    svc.close()


def search(service: SearchService, q: str) -> SearchPage:
    return service.search(parse_search_params({"q": [q]}))


def ids(page: SearchPage) -> list[str]:
    return [hit.id for hit in page.hits]


def marked(passages: tuple[Passage, ...] | Passage) -> list[str]:
    flat = [f for p in passages for f in (p if isinstance(p, tuple) else (p,))]
    return [f.text for f in flat if f.matched]


# -- problem 2: entity searches ranked and highlighted ---------------------------------


def test_entity_search_ranks_the_story_about_the_person_first(service: SearchService) -> None:
    page = search(service, "person:volcker")
    assert ids(page) == ["volcker-central", "volcker-passing", "volcker-tag-only"]
    scores = [hit.score for hit in page.hits]
    assert scores[0] > scores[1] > scores[2] > 0


def test_entity_mentions_are_marked_in_title_and_snippet(service: SearchService) -> None:
    page = search(service, "person:volcker")
    central, passing = page.hits[0], page.hits[1]
    assert marked(central.title_fragments) == ["Volcker"]
    # Every surface form: the full name as one run, and the surname alone.
    assert "Paul Volcker" in marked(central.snippet)
    assert "Volcker" in marked(central.snippet)
    # The passing mention is at the end of a long story: the snippet finds it.
    assert marked(passing.snippet) == ["Paul Volcker"]


def test_entity_mentions_are_marked_on_the_article_page(service: SearchService) -> None:
    article = service.article("volcker-central", q="person:volcker")
    assert article is not None
    assert marked(article.title_fragments) == ["Volcker"]
    assert marked(article.paragraphs) == ["Paul Volcker", "Volcker", "Volcker"]


def test_place_phrase_search_is_ranked(service: SearchService) -> None:
    page = search(service, 'place:"saudi arabia"')
    assert ids(page) == ["saudi-central", "saudi-passing"]
    assert marked(page.hits[0].title_fragments) == ["Saudi Arabia"]
    assert page.hits[0].score > page.hits[1].score


# -- problem 3: soft AND ----------------------------------------------------------------


def test_soft_and_puts_every_word_first_then_most_words(service: SearchService) -> None:
    page = search(service, "coffee export quota")
    # coffee-two has more occurrences but only two of the three words.
    assert ids(page)[:2] == ["coffee-all", "coffee-two"]
    # coffee-one has one word of three: below "most of them", left out.
    assert "coffee-one" not in ids(page)
    assert (page.total, page.total_all_words) == (2, 1)
    assert page.hits[0].score > page.hits[1].score


def test_explicit_and_still_requires_every_word(service: SearchService) -> None:
    page = search(service, "coffee AND export AND quota")
    assert ids(page) == ["coffee-all"]
    assert page.total_all_words == page.total == 1


def test_one_word_and_phrases_report_all_words(service: SearchService) -> None:
    assert search(service, "coffee").total_all_words == 3
    page = search(service, '"export quota"')
    assert (page.total, page.total_all_words) == (1, 1)


# -- problem 3: newswire vocabulary -------------------------------------------------------


def test_plain_words_also_search_the_wire_abbreviations(service: SearchService) -> None:
    page = search(service, "quarter percent")
    assert ids(page)[0] == "wire-abbrev"
    assert page.total_all_words == 1
    assert dict(page.also_searched) == {"quarter": ("qtr",), "percent": ("pct",)}
    assert "pct" in marked(page.hits[0].title_fragments)
    assert "qtr" in marked(page.hits[0].title_fragments)


def test_abbreviations_expand_to_the_full_words(service: SearchService) -> None:
    page = search(service, "pct")
    assert set(ids(page)) == {"wire-abbrev", "plain-words"}
    assert dict(page.also_searched) == {"pct": ("percent",)}


def test_phrases_are_never_expanded(service: SearchService) -> None:
    page = search(service, '"12 percent"')
    assert page.total == 0
    assert page.also_searched == ()
    assert search(service, '"percent"').total == 1
    assert search(service, "dollars").also_searched == (("dollars", ("dlrs",)),)


def test_a_plain_name_ranks_and_marks_the_entity(service: SearchService) -> None:
    # "volcker" names a known person: stories where he is central come first,
    # and his full name is marked as one run.
    page = search(service, "volcker")
    assert ids(page)[0] == "volcker-central"
    assert page.hits[0].score > page.hits[1].score
    assert "Paul Volcker" in marked(page.hits[0].snippet)


def test_cli_says_how_many_have_every_word_and_what_else_was_searched(index_dir: str) -> None:
    def cli(*args: str) -> str:
        command = [sys.executable, "-m", "indexer.cli", "search", "--index", index_dir, *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "also searched: pct (for percent)" in cli("quarter percent")
    assert "1 with every word, first" in cli("coffee export quota")
    body = json.loads(cli("coffee export quota", "--json"))
    assert (body["total"], body["total_all_words"]) == (2, 1)
