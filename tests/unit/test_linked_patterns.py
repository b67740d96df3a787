"""A wildcard or fuzzy term typed with a hyphen (``Coca-Co*``, ``iran-contr~``).

The index splits a hyphenated word into adjacent words, so such a term is
parsed as a :class:`~indexer.search.query.LinkedPhrase` of its parts (the
pattern part's expansions filling its link) and evaluated on a real index
built in the test, by both evaluation paths.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from tiny_index import article, build_index, open_snapshot
from whoosh import query as wq

from indexer.search import evaluate
from indexer.search.evaluate import Budget, Evaluator, Ranking
from indexer.search.query import Compound, LinkedPhrase, parse_query
from indexer.search.snapshot import Snapshot

ARTICLES = (
    article(0, "Coca-Cola results", "Coca-Cola raised its dividend", "1987-03-02T10:00:00"),
    article(1, "Cocoa prices", "Coca growers and the Cola market", "1987-03-03T10:00:00"),
    article(2, "Iran-Contra hearings", "The Iran-Contra affair widened", "1987-03-04T10:00:00"),
    article(3, "Iran talks", "Iran said contra rebels were not the issue", "1987-03-05T10:00:00"),
    article(4, "Cocacola", "A cocacolonization of tastes, said one critic", "1987-03-06T10:00:00"),
    article(5, "Contra aid", "Contra aid and Iran arms: Iran-Contrast", "1987-03-07T10:00:00"),
)


@pytest.fixture(scope="module", params=[1, 2], ids=["one-segment", "two-segments"])
def snap(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Snapshot]:
    root = build_index(tmp_path_factory.mktemp("linked") / "index", ARTICLES, request.param)
    snapshot = open_snapshot(root)
    yield snapshot
    snapshot.close()


@pytest.fixture(params=["dense", "sparse"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(evaluate.PATH_VARIABLE, request.param)
    return str(request.param)


def matches(snap: Snapshot, query: str) -> set[str]:
    node = parse_query(query)
    assert node is not None
    result = Evaluator(snap, Ranking(), Budget(30.0)).run(node)
    return {snap.stored(int(n))["id"] for n in np.flatnonzero(result.mask)}


def test_a_hyphenated_prefix_is_a_phrase_with_a_pattern_link() -> None:
    node = parse_query("Coca-Co*")
    assert isinstance(node, Compound)
    linked, solid = node.subqueries
    assert linked == LinkedPhrase("text", [wq.Term("text", "coca"), wq.Prefix("text", "co")])
    assert solid == wq.Prefix("text", "cocaco")
    fuzzy = parse_query("iran-contr~")
    assert isinstance(fuzzy, LinkedPhrase)
    assert fuzzy.links[0] == wq.Term("text", "iran")
    last = fuzzy.links[1]
    assert isinstance(last, wq.FuzzyTerm)
    assert (last.text, last.maxdist) == ("contr", 1)
    # A facet value keeps its hyphen; a pattern with none is unchanged.
    assert parse_query("coca*") == wq.Prefix("text", "coca")


def test_prefix_in_the_last_link(snap: Snapshot, path: str) -> None:
    # doc-0: Coca-Cola; doc-4: the solid cocacolonization; doc-1 has both
    # words but not adjacent, doc-5 "Iran-Contrast" is a different word.
    assert matches(snap, "Coca-Co*") == {"doc-0", "doc-4"}
    assert matches(snap, "Iran-Con*") == {"doc-2", "doc-5"}
    assert matches(snap, "iran-contra*") == {"doc-2", "doc-5"}
    assert matches(snap, "iran-contras*") == {"doc-5"}


def test_fuzzy_in_the_last_link(snap: Snapshot, path: str) -> None:
    # contr~ is one edit from "contra" (doc-2), not from "contrast" (doc-5);
    # doc-3 has "iran" and "contra" apart.
    assert matches(snap, "iran-contr~") == {"doc-2"}
    assert matches(snap, "Iran-Kontra~") == {"doc-2"}
    assert matches(snap, "iran-contr~ hearings") == {"doc-2"}


def test_words_that_are_not_adjacent_do_not_match(snap: Snapshot, path: str) -> None:
    assert matches(snap, "cola-coca*") == set()
    assert matches(snap, "contra-ira*") == set()
    assert matches(snap, "rebels-contr~") == set()


def test_a_wildcard_in_a_middle_link(snap: Snapshot, path: str) -> None:
    # doc-4's title "Cocacola" matches the solid form of each.
    assert matches(snap, "coca-c?la") == {"doc-0", "doc-4"}
    assert matches(snap, "co*-cola") == {"doc-0", "doc-4"}
    assert matches(snap, "c*a-cola") == {"doc-0", "doc-4"}
    assert matches(snap, "coca-c?la-raised") == {"doc-0"}
    assert matches(snap, "coca-c?la-dividend") == set()


def test_only_the_words_in_a_chain_are_highlighted(snap: Snapshot) -> None:
    node = parse_query("Coca-C*")
    assert node is not None
    result = Evaluator(snap, Ranking(), Budget(30.0)).run(node)
    body = result.highlight["body"]
    # "cola" follows "coca"; "critic", "contra", "cocoa"... start with c but never do.
    assert {"coca", "cola"} <= body
    assert not body & {"critic", "contra", "contrast", "cocoa"}
    assert result.score[snap.docnum_for_id("doc-0")] > 0


def test_a_hyphen_right_before_the_star_searches_the_word_as_a_prefix(
    snap: Snapshot, path: str
) -> None:
    # ``coca-*`` used to search the impossible word "coca-" and found nothing.
    assert parse_query("coca-*") == wq.Prefix("text", "coca")
    assert matches(snap, "coca-*") == {"doc-0", "doc-1", "doc-4"}
    assert matches(snap, "Iran-Contra-*") == matches(snap, "Iran-Contra*")


def test_a_star_inside_quotes_makes_that_word_a_prefix(snap: Snapshot, path: str) -> None:
    # Whoosh's analyzer dropped the star: "coca co*" searched the word "co".
    assert parse_query('"coca co*"') == LinkedPhrase(
        "text", [wq.Term("text", "coca"), wq.Prefix("text", "co")]
    )
    assert matches(snap, '"coca co*"') == {"doc-0"}
    assert matches(snap, '"iran con*" hearings') == {"doc-2"}
    # Without a star a quoted phrase stays a plain phrase.
    assert isinstance(parse_query('"coca cola"'), wq.Phrase)


def test_a_capped_pattern_is_noted_once_however_many_fields_it_expands_in(
    snap: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``co*`` expands in the title and in the body: one notice, not two.
    monkeypatch.setattr(evaluate, "MAX_EXPANSION", 1)
    node = parse_query("co*")
    assert node is not None
    notices = Evaluator(snap, Ranking(), Budget(30.0)).run(node).notices
    assert len(notices) == 1, notices
    assert "only the 1 most frequent were searched" in notices[0]


DOTTED = (
    article(0, "U.S.-led talks", "U.S.-led forces moved in", "1987-03-02T10:00:00"),
    article(1, "Officials", "U.S. officials said so", "1987-03-03T10:00:00"),
    article(2, "Used cars", "Sales of used cars rose, usually in spring", "1987-03-04T10:00:00"),
)


def test_a_star_after_dotted_initials_stands_for_the_initials(
    tmp_path_factory: pytest.TempPathFactory, path: str
) -> None:
    # ``U.S.*`` searched the prefix "u.s.", which no indexed word starts with: the
    # initials are indexed as "us". They are a whole word, so the star is the word.
    assert parse_query("U.S.*") == parse_query("U.S.-*") == wq.Term("text", "us")
    root = build_index(tmp_path_factory.mktemp("dotted") / "index", DOTTED, 1)
    snapshot = open_snapshot(root)
    try:
        assert matches(snapshot, "U.S.*") == matches(snapshot, "U.S.") == {"doc-0", "doc-1"}
        # A prefix without dots is still a prefix: "us*" finds "used" and "usually".
        assert "doc-2" in matches(snapshot, "us*")
    finally:
        snapshot.close()
