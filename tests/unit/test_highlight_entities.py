"""Entity names marked as one run: every surface form, across stop words."""

from __future__ import annotations

from indexer.search.highlight import highlight_whole, match_spans, snippet


def marked(passage: tuple) -> list[str]:
    return [f.text for f in passage if f.matched]


def test_a_full_name_is_one_run_and_the_surname_alone_is_marked() -> None:
    text = "Paul Volcker said rates would hold. Volcker added nothing."
    runs = marked(highlight_whole(text, {"volcker"}, {("paul", "volcker")}))
    assert runs == ["Paul Volcker", "Volcker"]


def test_stop_words_inside_a_name_and_possessives() -> None:
    text = "The Bank of England's governor met Saudi Arabia's oil minister."
    phrases = {("bank", "england"), ("saudi", "arabia")}
    assert marked(highlight_whole(text, set(), phrases)) == ["Bank of England's", "Saudi Arabia's"]


def test_words_of_a_name_apart_are_not_a_run() -> None:
    text = "Saudi officials said. Arabia was not named."
    assert match_spans(text, set(), {("saudi", "arabia")}) == []
    # ...unless the word itself was searched for.
    assert [t for _, _, t in match_spans(text, {"saudi"}, {("saudi", "arabia")})] == ["saudi"]


def test_snippet_finds_a_late_mention() -> None:
    text = "Budget figures were reviewed. " * 20 + "Paul Volcker was not consulted."
    passages = snippet(text, set(), {("paul", "volcker")})
    assert [run for p in passages for run in marked(p)] == ["Paul Volcker"]
