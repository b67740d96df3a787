"""The analyzer: one definition (analyze_word), the pipeline and the fast path built on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.support.charset import accent_map

from indexer.analysis import (
    STOP_WORDS,
    WORD_PATTERN,
    PackedPositions,
    WordShapeFilter,
    analyze,
    analyze_word,
    facet_analyzer,
    stem,
    text_analyzer,
    value_analyzer,
)

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_016a2371f453d592.txt"


def pipeline_positions(text: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for token in text_analyzer()(text, positions=True):
        found.setdefault(token.text, []).append(token.pos)
    return found


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Guaidó’s U.S. allies said", ["guaido", "us", "allies", "said"]),
        ("the Bank of England", ["bank", "england"]),
        ("O'Brien's 5.93 mln", ["o'brien", "5.93", "mln"]),
        ("U.K. and the E.U.", ["uk", "eu"]),
        ("Trump’s Trump's TRUMP", ["trump", "trump", "trump"]),
        ("Guaidó Ñandú Zürich", ["guaido", "nandu", "zurich"]),
        ("", []),
    ],
)
def test_text_analyzer_terms(text: str, terms: list[str]) -> None:
    assert analyze(text) == terms


def test_stop_words_are_dropped_and_positions_renumbered() -> None:
    # "of" is gone and "england" directly follows "bank", so the phrase
    # "bank of england" matches as the adjacent pair.
    assert pipeline_positions("Bank of England") == {"bank": [0], "england": [1]}


SAMPLES = [
    SEED.read_text(encoding="utf-8"),
    "Guaidó’s U.S. allies, O'Brien's 5.93 ÆON straße X.Y.Z. 's the end'",
    "  leading   spaces, UNICODE ｆｕｌｌｗｉｄｔｈ and CJK 東京 text\n\nnew paragraph",
    "a an the of",
    "rock'n'roll 1,750 dlrs e.g. i.e. Dr. Smith's",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_fast_path_matches_pipeline(text: str) -> None:
    assert dict(text_analyzer().term_positions(text)) == pipeline_positions(text)


@pytest.mark.reuters
def test_fast_path_matches_pipeline_on_reuters(reuters_dir: Path) -> None:
    import re

    raw = (reuters_dir / "reut2-003.sgm").read_text(encoding="latin-1")
    bodies = re.findall(r"<BODY>(.*?)</BODY>", raw, re.S)[:400]
    assert len(bodies) == 400
    analyzer = text_analyzer()
    for body in bodies:
        assert dict(analyzer.term_positions(body)) == pipeline_positions(body)


def stock_pipeline() -> Any:
    """The same analysis from Whoosh's own filters (the pipeline before issue 15)."""
    return (
        RegexTokenizer(WORD_PATTERN)
        | WordShapeFilter()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=1, renumber=True)
    )


@pytest.mark.parametrize("removestops", [True, False])
@pytest.mark.parametrize("text", SAMPLES)
def test_the_pipeline_is_what_whoosh_filters_make_of_the_definition(
    text: str, removestops: bool
) -> None:
    def run(analyzer: Any) -> list[tuple[str, int, bool]]:
        tokens = analyzer(text, positions=True, removestops=removestops)
        return [(t.text, t.pos, t.stopped) for t in tokens]

    assert run(text_analyzer()) == run(stock_pipeline())


@pytest.mark.parametrize("text", SAMPLES)
def test_the_value_analyzer_is_the_text_analysis_keeping_stop_words(text: str) -> None:
    stock = RegexTokenizer(WORD_PATTERN) | WordShapeFilter() | LowercaseFilter()
    stock = stock | CharsetFilter(accent_map)
    assert [t.text for t in value_analyzer()(text)] == [t.text for t in stock(text)]


def test_analyze_word_agrees_with_analyzer() -> None:
    for word in ["Guaidó’s", "U.S", "The", "5.93", "TRUMP"]:
        expected = analyze(word)
        assert analyze_word(word) == (expected[0] if expected else None)


def test_packed_positions_round_trip() -> None:
    fmt = PackedPositions()
    encoded = fmt.encode([0, 5, 70000])
    assert fmt.decode_positions(encoded) == [0, 5, 70000]
    assert fmt.decode_frequency(encoded) == 3
    values = {w: (f, v) for w, f, _, v in fmt.word_values("oil and oil prices", text_analyzer())}
    assert fmt.decode_positions(values["oil"][1]) == [0, 1]
    assert values["prices"][0] == 1


def test_facet_analyzer_keeps_values_whole() -> None:
    tokens = [t.text for t in facet_analyzer()("United States\tMoscow, Russia")]
    assert tokens == ["United States", "Moscow, Russia"]


def test_stem_groups_inflections() -> None:
    assert stem("rates") == stem("rate") == stem("rated")
    assert stem("companies") == stem("company")


def test_stem_keeps_apart_words_porter_conflates() -> None:
    assert stem("news") != stem("new")
    assert stem("business") == stem("businesses") != stem("busy")
    assert stem("general") != stem("generate")
