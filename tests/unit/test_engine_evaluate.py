"""The numpy evaluator on a five-article index built in the test.

Each query node the evaluator handles is checked for the documents it
matches, and BM25 against a hand calculation. The index is real (written by
the production writer); the articles and their analyzed words are in
``tiny_index.py``. Every test runs on a one-segment and a two-segment index,
so per-segment document offsets are exercised as well.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from tiny_index import ARTICLES, BODY_WORDS, build_index, open_snapshot
from whoosh import query as wq

from indexer.search import facets
from indexer.search.evaluate import Budget, Evaluation, Evaluator, Ranking
from indexer.search.query import DEFAULT_FIELD
from indexer.search.snapshot import Snapshot

TEXT = DEFAULT_FIELD


@pytest.fixture(scope="module", params=[1, 2], ids=["one-segment", "two-segments"])
def snap(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Snapshot]:
    root = build_index(tmp_path_factory.mktemp("tiny") / "index", segments=request.param)
    snapshot = open_snapshot(root)
    assert len(snapshot.leaves) == request.param
    yield snapshot
    snapshot.close()


def run(snap: Snapshot, node: wq.Query, ranking: Ranking | None = None) -> Evaluation:
    return Evaluator(snap, ranking or Ranking(), Budget(30.0)).run(node)


def ids(snap: Snapshot, mask: np.ndarray) -> set[str]:
    return {snap.stored(int(docnum))["id"] for docnum in np.flatnonzero(mask)}


def matches(snap: Snapshot, node: wq.Query) -> set[str]:
    return ids(snap, run(snap, node).mask)


def docnum(snap: Snapshot, article_id: str) -> int:
    found = snap.docnum_for_id(article_id)
    assert found is not None
    return found


def test_the_snapshot_holds_the_articles(snap: Snapshot) -> None:
    assert snap.doc_count == snap.size == len(ARTICLES)
    # Body lengths are the analyzed word counts (stored exactly below 11 words).
    for n, words in enumerate(BODY_WORDS):
        assert snap.lengths["body"][docnum(snap, f"doc-{n}")] == len(words)
    assert snap.avg_length["body"] == pytest.approx(35 / 5)


# -- leaf nodes -------------------------------------------------------------------------


def test_term_searches_title_and_body(snap: Snapshot) -> None:
    result = run(snap, wq.Term(TEXT, "oil"))
    assert ids(snap, result.mask) == {"doc-0", "doc-1"}
    assert result.highlight == {"title": {"oil"}, "body": {"oil"}}
    assert result.words == ["oil"]
    assert matches(snap, wq.Term(TEXT, "nothing")) == set()


def test_term_matches_the_words_sharing_its_stem(snap: Snapshot) -> None:
    result = run(snap, wq.Term(TEXT, "export"))
    assert ids(snap, result.mask) == {"doc-4"}
    assert result.highlight["body"] == {"export", "exports", "exporters"}


def test_phrase_needs_the_words_adjacent_and_in_order(snap: Snapshot) -> None:
    assert matches(snap, wq.Phrase(TEXT, ["interest", "rates"])) == {"doc-2"}
    assert matches(snap, wq.Phrase(TEXT, ["rates", "interest"])) == set()
    # Stop words are dropped and positions renumbered: "Bank of England".
    assert matches(snap, wq.Phrase(TEXT, ["bank", "england"])) == {"doc-2"}


def test_proximity_allows_words_in_between(snap: Snapshot) -> None:
    # doc-3: "interest rose ... rates": two positions apart.
    assert matches(snap, wq.Phrase(TEXT, ["interest", "rates"], slop=2)) == {"doc-2", "doc-3"}
    assert matches(snap, wq.Phrase(TEXT, ["interest", "rates"], slop=1)) == {"doc-2"}


def test_prefix_and_wildcard(snap: Snapshot) -> None:
    assert matches(snap, wq.Prefix(TEXT, "exp")) == {"doc-4"}
    assert matches(snap, wq.Prefix(TEXT, "ra")) == {"doc-2", "doc-3"}
    assert matches(snap, wq.Wildcard(TEXT, "c*a")) == {"doc-4"}  # cocoa
    assert matches(snap, wq.Wildcard(TEXT, "?il")) == {"doc-0", "doc-1"}


def test_fuzzy(snap: Snapshot) -> None:
    assert matches(snap, wq.FuzzyTerm(TEXT, "cofee", maxdist=1)) == {"doc-1"}
    assert matches(snap, wq.FuzzyTerm(TEXT, "petrolium", maxdist=2)) == {"doc-4"}
    assert matches(snap, wq.FuzzyTerm(TEXT, "cofee", maxdist=0)) == set()


def test_fuzzy_expansions_are_remembered_per_snapshot_with_the_same_results(
    snap: Snapshot,
) -> None:
    node = wq.FuzzyTerm(TEXT, "petrolium", maxdist=2)
    for key in [key for key in snap.cache if isinstance(key, tuple) and key[0] == "fuzzy"]:
        del snap.cache[key]
    first = run(snap, node)
    remembered = [
        value for key, value in snap.cache.items() if isinstance(key, tuple) and key[0] == "fuzzy"
    ]
    assert any(word == "petrolium" for value in remembered for word, _, _ in value)
    second = run(snap, node)
    assert ids(snap, second.mask) == ids(snap, first.mask) == {"doc-4"}
    assert np.array_equal(second.score, first.score)
    assert second.highlight == first.highlight


# -- boolean nodes -------------------------------------------------------------------------


def test_and_or_not(snap: Snapshot) -> None:
    oil, coffee, cocoa = (wq.Term(TEXT, w) for w in ("oil", "coffee", "cocoa"))
    assert matches(snap, wq.And([oil, coffee])) == {"doc-1"}
    assert matches(snap, wq.Or([oil, cocoa])) == {"doc-0", "doc-1", "doc-4"}
    assert matches(snap, wq.And([oil, wq.Not(coffee)])) == {"doc-0"}
    assert matches(snap, wq.AndNot(oil, coffee)) == {"doc-0"}
    assert matches(snap, wq.Require(oil, coffee)) == {"doc-1"}
    assert matches(snap, wq.Not(oil)) == {"doc-2", "doc-3", "doc-4"}
    assert matches(snap, wq.Every()) == {f"doc-{n}" for n in range(5)}
    assert matches(snap, wq.NullQuery) == set()


def test_a_negated_word_is_not_highlighted(snap: Snapshot) -> None:
    result = run(snap, wq.And([wq.Term(TEXT, "oil"), wq.Not(wq.Term(TEXT, "coffee"))]))
    assert "coffee" not in result.highlight.get("body", set())


def test_and_maybe_adds_the_optional_score(snap: Snapshot) -> None:
    oil, said = wq.Term(TEXT, "oil"), wq.Term(TEXT, "said")
    plain = run(snap, oil)
    maybe = run(snap, wq.AndMaybe(oil, said))
    assert ids(snap, maybe.mask) == {"doc-0", "doc-1"}
    d0, d1 = docnum(snap, "doc-0"), docnum(snap, "doc-1")
    assert maybe.score[d0] == pytest.approx(plain.score[d0])  # doc-0 has no "said"
    assert maybe.score[d1] > plain.score[d1]


def test_or_ranks_documents_with_more_of_the_words_first(snap: Snapshot) -> None:
    result = run(snap, wq.Or([wq.Term(TEXT, "bank"), wq.Term(TEXT, "interest")]))
    assert ids(snap, result.mask) == {"doc-2", "doc-3"}
    solo = run(snap, wq.Or([wq.Term(TEXT, "oil"), wq.Term(TEXT, "cocoa")]))
    # One word of two: the coordination factor halves the score.
    alone = run(snap, wq.Term(TEXT, "cocoa"))
    d4 = docnum(snap, "doc-4")
    assert solo.score[d4] == pytest.approx(alone.score[d4] / 2)


# -- fields ------------------------------------------------------------------------------------


def test_text_fields(snap: Snapshot) -> None:
    assert matches(snap, wq.Term("title", "coffee")) == {"doc-1"}
    assert matches(snap, wq.Term("title", "bank")) == {"doc-2"}
    assert matches(snap, wq.Term("body", "bank")) == {"doc-2", "doc-3"}
    assert matches(snap, wq.Term("body", "exporters")) == {"doc-4"}


def test_facet_fields_match_words_of_their_values(snap: Snapshot) -> None:
    assert matches(snap, wq.Term("place", "austria")) == {"doc-0"}
    assert matches(snap, wq.Term("person", "lukman")) == {"doc-0"}
    assert matches(snap, wq.Term("dateline", "london")) == {"doc-1", "doc-2"}
    assert matches(snap, wq.Term("topic", "interest")) == {"doc-2", "doc-3"}
    assert matches(snap, wq.Phrase("organization", ["bank", "of", "england"])) == {"doc-2"}
    assert matches(snap, wq.Phrase("organization", ["england", "bank"])) == set()
    assert matches(snap, wq.Prefix("place", "unit")) == {"doc-1", "doc-2"}
    assert matches(snap, wq.FuzzyTerm("place", "gana", maxdist=1)) == {"doc-4"}


def test_date_range(snap: Snapshot) -> None:
    march = facets.date_mask(snap, date(1987, 3, 1), date(1987, 3, 31))
    assert march is not None and ids(snap, march) == {"doc-0", "doc-1"}
    # Bounds are whole days, inclusive; undated articles never match a range.
    day = facets.date_mask(snap, date(1987, 3, 2), date(1987, 3, 2))
    assert day is not None and ids(snap, day) == {"doc-0"}
    until = facets.date_mask(snap, None, date(1987, 12, 31))
    assert until is not None and ids(snap, until) == {"doc-0", "doc-1", "doc-2"}
    since = facets.date_mask(snap, date(1988, 1, 1), None)
    assert since is not None and ids(snap, since) == {"doc-4"}
    assert facets.date_mask(snap, None, None) is None


# -- BM25 by hand --------------------------------------------------------------------------


def bm25(tf: float, df: int, length: float, avg: float, n: int = 5) -> float:
    k1, b = 1.2, 0.3  # Ranking()'s defaults
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg))


def test_bm25_of_one_term_by_hand(snap: Snapshot) -> None:
    # "vienna": one document (doc-0, 8 body words); average body 35 / 5 = 7 words.
    # idf = ln(1 + 4.5 / 1.5) = ln 4; norm = 1.2 * (0.7 + 0.3 * 8 / 7).
    expected = math.log(4) * 2.2 / (1 + 1.2 * (0.7 + 0.3 * 8 / 7))
    assert expected == pytest.approx(bm25(1, 1, 8, 7))
    result = run(snap, wq.Term("body", "vienna"))
    score = result.score[docnum(snap, "doc-0")]
    assert score == pytest.approx(expected, rel=1e-5)
    assert np.count_nonzero(result.score) == 1


def test_bm25_term_frequency_and_document_frequency(snap: Snapshot) -> None:
    # "oil": twice in doc-0 (8 words), once in doc-1 (9 words); df 2.
    result = run(snap, wq.Term("body", "oil"))
    assert result.score[docnum(snap, "doc-0")] == pytest.approx(bm25(2, 2, 8, 7), rel=1e-5)
    assert result.score[docnum(snap, "doc-1")] == pytest.approx(bm25(1, 2, 9, 7), rel=1e-5)


def test_bm25_title_and_body_add_up_with_field_weights(snap: Snapshot) -> None:
    d0 = docnum(snap, "doc-0")
    title = run(snap, wq.Term("title", "oil")).score[d0]
    body = run(snap, wq.Term("body", "oil")).score[d0]
    # Titles: "oil prices climb", "coffee talks", "bank england", "rates steady", "exporters".
    assert title == pytest.approx(bm25(1, 1, 3, 10 / 5), rel=1e-5)
    both = run(snap, wq.Term(TEXT, "oil")).score[d0]
    assert both == pytest.approx(title + body, rel=1e-5)
    weighted = run(snap, wq.Term(TEXT, "oil"), Ranking(title_weight=2.0, body_weight=0.5))
    assert weighted.score[d0] == pytest.approx(2 * title + 0.5 * body, rel=1e-5)


def test_a_stem_variant_scores_at_its_weight(snap: Snapshot) -> None:
    # "exports" finds "exporters" and "export" in doc-4 (6 words, once each):
    # the three forms are one BM25 term with tf = 1 + 0.5 (a variant).
    d4 = docnum(snap, "doc-4")
    result = run(snap, wq.Term("body", "exports"), Ranking(proximity_boost=0.0))
    assert result.score[d4] == pytest.approx(bm25(1.5, 1, 6, 7), rel=1e-5)


def test_boost_multiplies_the_score(snap: Snapshot) -> None:
    d0 = docnum(snap, "doc-0")
    plain = run(snap, wq.Term("body", "vienna")).score[d0]
    boosted = run(snap, wq.Term("body", "vienna", boost=3.0)).score[d0]
    assert boosted == pytest.approx(3 * plain)


def test_deleted_documents_never_match(tmp_path_factory: pytest.TempPathFactory) -> None:
    from indexer import schema as F
    from indexer.writer import index_lock, open_writable, parent_writer

    root = build_index(tmp_path_factory.mktemp("tiny-deleted") / "index")
    with index_lock(root, timeout=5):
        ix, _ = open_writable(root)
        writer = parent_writer(ix)
        writer.delete_by_term(F.ID, "doc-1")
        writer.commit_with([])
    snapshot = open_snapshot(root)
    try:
        assert snapshot.doc_count == 4
        assert matches(snapshot, wq.Term(TEXT, "oil")) == {"doc-0"}
        assert snapshot.docnum_for_id("doc-1") is None
        # df counts live documents only: "oil" is now in one document of four.
        d0 = docnum(snapshot, "doc-0")
        score = run(snapshot, wq.Term("body", "oil")).score[d0]
        avg = (8 + 6 + 6 + 6) / 4
        assert score == pytest.approx(bm25(2, 1, 8, avg, n=4), rel=1e-5)
    finally:
        snapshot.close()
