"""Newswire spellings: both ways, only for words of the curated table."""

from __future__ import annotations

import pytest

from indexer.search.vocabulary import GROUPS, expansions


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("percent", ("pct",)),
        ("pct", ("percent", "percentage")),
        ("million", ("mln", "mn")),
        ("dlrs", ("dollar", "dollars")),
        ("quarterly", ("qtly", "qtr")),
        ("qtr", ("quarter", "quarters", "quarterly")),
        ("government", ("govt", "govts")),
        ("intl", ("international",)),
    ],
)
def test_both_directions(word: str, forms: tuple[str, ...]) -> None:
    assert expansions(word) == forms


@pytest.mark.parametrize("word", ["oil", "company", "co", "revenue", "rev", "", "Percent"])
def test_other_words_have_none(word: str) -> None:
    # Ambiguous abbreviations (co, rev) are left out; keys are analyzed
    # (lower-case) words, as the query parser hands them over.
    assert expansions(word) == ()


def test_table_is_lower_case_single_words_without_overlap() -> None:
    for full, short in GROUPS:
        for word in (*full, *short):
            assert word == word.lower() and " " not in word
        assert not set(full) & set(short)
