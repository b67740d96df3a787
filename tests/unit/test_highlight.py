"""Highlighting: marked words are exactly the words the query matched."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from indexer.analysis import analyze, analyze_word
from indexer.search.highlight import highlight_whole, match_spans, snippet

WORD = re.compile(r"\w+(?:['’.]\w+)*")
TRICKY = (
    "U.S. and the U.K. 'Oil' said.Oil Guaidó's éclair Éclair 5.93 abc.def "
    "O'Brien's OIL-rich oil, Oil; USA us US"
)


def every_word_spans(text: str, terms: set[str]) -> list[tuple[int, int, str]]:
    """The obvious implementation: analyze every word."""
    spans = []
    for match in WORD.finditer(text):
        term = analyze_word(match.group(0))
        if term and term in terms:
            spans.append((match.start(), match.end(), term))
    return spans


def test_tricky_words() -> None:
    terms = {"us", "uk", "oil", "eclair", "guaido", "def", "o'brien", "usa"}
    spans = match_spans(TRICKY, terms)
    assert spans == every_word_spans(TRICKY, terms)
    marked = [TRICKY[s:e] for s, e, _ in spans]
    assert marked[:4] == ["U.S", "U.K", "Oil", "Guaidó's"]
    assert "said.Oil" not in marked and "def" not in marked  # parts of joined words
    assert marked.count("éclair") == 1 and marked.count("Éclair") == 1


@pytest.mark.reuters
def test_same_spans_as_analyzing_every_word(reuters_dir: Path) -> None:
    raw = (reuters_dir / "reut2-007.sgm").read_text(encoding="latin-1")
    bodies = re.findall(r"<BODY>(.*?)</BODY>", raw, re.S)[:300]
    rng = random.Random(7)
    for body in bodies:
        words = analyze(body)
        terms = set(rng.sample(words, min(5, len(words)))) | {"us", "said", "pct"}
        assert match_spans(body, terms) == every_word_spans(body, terms)


def test_snippet_passages_hold_the_matches() -> None:
    text = (
        ("Filler sentence about nothing. " * 20)
        + "The tanker carried oil. "
        + ("More filler here. " * 20)
    )
    (passage,) = snippet(text, {"tanker", "oil"})
    assert [f.text for f in passage if f.matched] == ["tanker", "oil"]
    assert passage[0].text == "… " and passage[-1].text == " …"
    assert len("".join(f.text for f in passage)) < 260


def test_snippet_without_matches_is_the_lead() -> None:
    (passage,) = snippet("Short lead. Second sentence.", {"absent"})
    assert "".join(f.text for f in passage) == "Short lead. Second sentence."
    assert snippet("", {"x"}) == ()


def test_highlight_whole_keeps_all_text() -> None:
    fragments = highlight_whole("COCOA/COFFEE market", {"cocoa"})
    assert "".join(f.text for f in fragments) == "COCOA/COFFEE market"
    assert [f.text for f in fragments if f.matched] == ["COCOA"]
