"""Query syntax: a hyphen inside a word joins a compound, a leading minus excludes."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from indexer.search.query import Compound, JoinedWord, parse_query


def parsed(text: str) -> wq.Query:
    query = parse_query(text)
    assert query is not None
    return query


def nodes(query: wq.Query) -> list[wq.Query]:
    """``query`` and every node below it."""
    found = [query]
    for child in query.children():
        found.extend(nodes(child))
    return found


def compound(query: wq.Query) -> tuple[list[str], str | None]:
    """The phrase words and the joined word of a compound query."""
    if isinstance(query, wq.Phrase):
        return list(query.words), None
    assert isinstance(query, Compound), query
    phrase, joined = query.subqueries
    assert isinstance(phrase, wq.Phrase) and isinstance(joined, JoinedWord)
    return list(phrase.words), joined.text


@pytest.mark.parametrize(
    ("typed", "words", "joined"),
    [
        ("Iran-Contra", ["iran", "contra"], "irancontra"),
        ("Coca-Cola", ["coca", "cola"], "cocacola"),
        ("anti-dumping", ["anti", "dumping"], "antidumping"),
        ("Mercedes-Benz", ["mercedes", "benz"], "mercedesbenz"),
        ("Hewlett-Packard", ["hewlett", "packard"], "hewlettpackard"),
        ("F-16", ["f", "16"], "f16"),
        # Not joinable: an initialism, or numbers only.
        ("U.S.-Japan", ["us", "japan"], None),
        ("1986-87", ["1986", "87"], None),
        # Typographic dashes join as the hyphen does.
        ("Iran\u2013Contra", ["iran", "contra"], "irancontra"),
        # Stop words inside drop out as they do at indexing time.
        ("state-of-the-art", ["state", "art"], "stateoftheart"),
    ],
)
def test_a_hyphen_inside_a_word_makes_a_compound(
    typed: str, words: list[str], joined: str | None
) -> None:
    assert compound(parsed(typed)) == (words, joined)


def test_a_compound_is_never_a_negation() -> None:
    for typed in ("Iran-Contra", "anti-dumping duties", "oil U.S.-Japan", "title:coca-cola"):
        query = parsed(typed)
        assert not any(isinstance(node, (wq.Not, wq.AndNot)) for node in nodes(query))


def test_a_compound_keeps_its_field() -> None:
    assert parsed("title:coca-cola").subqueries[0] == wq.Phrase("title", ["coca", "cola"])
    assert parsed("person:mercedes-benz").subqueries[0] == wq.Phrase("person", ["mercedes", "benz"])


def test_a_compound_among_words() -> None:
    query = parsed("anti-dumping duties")
    assert isinstance(query, wq.And)
    first, second = query.subqueries
    assert compound(first) == (["anti", "dumping"], "antidumping")
    assert second == wq.Term("text", "duties")


@pytest.mark.parametrize(
    "typed",
    ["oil -iran", "oil (-iran)", "oil AND -iran", "-iran oil", "oil  -iran"],
)
def test_a_leading_minus_excludes(typed: str) -> None:
    query = parsed(typed)
    assert isinstance(query, wq.And)
    assert wq.Term("text", "oil") in query.subqueries
    assert wq.Not(wq.Term("text", "iran")) in query.subqueries


def test_minus_inside_brackets_and_alone() -> None:
    assert parsed("(-iran)") == wq.Not(wq.Term("text", "iran"))
    assert parsed("-iran") == wq.Not(wq.Term("text", "iran"))
    grouped = parsed("oil (gas -iran)")
    assert wq.Not(wq.Term("text", "iran")) in grouped.subqueries
    excluded = parsed("oil -coca-cola")
    assert isinstance(excluded.subqueries[1], wq.Not)
    assert compound(excluded.subqueries[1].query) == (["coca", "cola"], "cocacola")


def test_a_lone_dash_and_a_leading_plus_are_not_operators() -> None:
    assert parsed("oil - iran") == wq.And([wq.Term("text", "oil"), wq.Term("text", "iran")])
    assert parsed("+oil -iran") == parsed("oil -iran")
    assert parsed("oil-") == wq.Term("text", "oil")


def test_quoted_hyphens_stay_a_phrase() -> None:
    assert parsed('"iran-contra affair"') == wq.Phrase("text", ["iran", "contra", "affair"])
