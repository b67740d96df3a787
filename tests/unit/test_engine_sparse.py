"""Dense and sparse evaluation agree (property tests), and the sparse space's operations.

The index is real and on disk (the production writer, two segments, one
deleted story), its stories drawn at random from a small vocabulary that
holds stem variants (``price``/``prices``), newswire spellings
(``percent``/``pct``), named entities (``volcker``, ``opec``, ``japan``)
and random dates and facet values, so that every kind of node has
something to match. Hypothesis draws query trees and search requests; each
is evaluated on both paths, and every output must be identical: masks and
scores bit for bit, soft AND tiers, highlights and notices, and the whole
JSON response of a search (hits and their order, totals, facets,
histogram).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny_index import article, build_index, open_snapshot
from whoosh import query as wq

from indexer import schema as F
from indexer.errors import SearchRequestError
from indexer.model import Article
from indexer.search import evaluate as evaluate_module
from indexer.search import pool
from indexer.search.evaluate import (
    PATH_VARIABLE,
    SPARSE_MAX_SHARE,
    SPARSE_MIN_DOCS,
    Budget,
    Evaluation,
    Evaluator,
    Ranking,
    Space,
    choose_path,
)
from indexer.search.presenter import search_json
from indexer.search.query import DEFAULT_FIELD, LinkedPhrase
from indexer.search.request import parse_search_params
from indexer.search.service import SearchService
from indexer.search.snapshot import Snapshot, _SizedLRU
from indexer.writer import index_lock, open_writable, parent_writer

#: Body words: stem variants, newswire spellings and entity names among them.
WORDS = (
    "oil crude price prices pricing bank banks rate rates trade traders coffee cocoa gold "
    "percent pct dollar dlrs market exports export interest volcker baker opec japan tokyo "
    "minister talks quota steady"
).split()
PEOPLE = ("Paul Volcker", "James Baker")
ORGANIZATIONS = ("OPEC", "World Bank")
PLACES = ("Japan", "United States", "Ghana")
TOPICS = ("crude", "coffee", "money-fx", "interest")
DATELINES = ("London", "Tokyo", "Vienna")
STORIES = 90


def random_articles(seed: int = 16) -> list[Article]:
    rng = random.Random(seed)
    out = []
    for n in range(STORIES):
        title = " ".join(rng.choices(WORDS, k=rng.randint(1, 4)))
        body = " ".join(rng.choices(WORDS, k=rng.randint(3, 30)))
        day = (
            None
            if rng.random() < 0.15
            else f"1987-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        )
        out.append(
            article(
                n,
                title,
                body,
                f"{day}T10:00:00" if day else None,
                dateline=rng.choice((*DATELINES, None)),
                people=tuple(rng.sample(PEOPLE, rng.randint(0, 2))),
                organizations=tuple(rng.sample(ORGANIZATIONS, rng.randint(0, 1))),
                places=tuple(rng.sample(PLACES, rng.randint(0, 2))),
                topics=tuple(rng.sample(TOPICS, rng.randint(0, 2))),
                source=rng.choice(("Reuters", "Wire")),
            )
        )
    return out


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = build_index(tmp_path_factory.mktemp("sparse") / "index", random_articles(), segments=2)
    with index_lock(root, timeout=5):
        ix, _ = open_writable(root)
        writer = parent_writer(ix)
        writer.delete_by_term(F.ID, "doc-7")
        writer.commit_with([])
    return root


@pytest.fixture(scope="module")
def snap(index_dir: str) -> Iterator[Snapshot]:
    snapshot = open_snapshot(index_dir)
    assert snapshot.doc_count == STORIES - 1 and len(snapshot.leaves) == 2
    yield snapshot
    snapshot.close()


@pytest.fixture(scope="module")
def service(index_dir: str) -> Iterator[SearchService]:
    searcher = SearchService(index_dir)
    yield searcher
    searcher.close()


# -- strategies -----------------------------------------------------------------------

words = st.sampled_from(WORDS)


def _fuzzed(word: str) -> str:
    return word[:-1] if len(word) > 4 else word + "x"


def _linked(parts: list[str], kind: str) -> wq.Query:
    """Adjacent words, the last a pattern (``oil-pri*``), as the parser makes them."""
    last = parts[-1]
    pattern: wq.Query = {
        "*": wq.Prefix(DEFAULT_FIELD, last[:3]),
        "~": wq.FuzzyTerm(DEFAULT_FIELD, _fuzzed(last)),
        "?": wq.Wildcard(DEFAULT_FIELD, last[:2] + "?" + last[3:]),
    }[kind]
    return LinkedPhrase(DEFAULT_FIELD, [wq.Term(DEFAULT_FIELD, w) for w in parts[:-1]] + [pattern])


leaf_nodes = st.one_of(
    st.builds(wq.Term, st.just(DEFAULT_FIELD), words),
    st.builds(wq.Term, st.sampled_from(("title", "body")), words),
    st.builds(
        wq.Phrase,
        st.just(DEFAULT_FIELD),
        st.lists(words, min_size=2, max_size=3),
        slop=st.integers(1, 3),
    ),
    st.builds(wq.Prefix, st.just(DEFAULT_FIELD), words.map(lambda w: w[:3])),
    st.builds(wq.Wildcard, st.just(DEFAULT_FIELD), words.map(lambda w: w[:2] + "?" + w[3:])),
    st.builds(wq.FuzzyTerm, st.just(DEFAULT_FIELD), words.map(_fuzzed)),
    st.builds(_linked, st.lists(words, min_size=2, max_size=3), st.sampled_from(("*", "~", "?"))),
    st.builds(wq.Term, st.just("person"), st.sampled_from(("volcker", "baker", "paul"))),
    st.builds(wq.Prefix, st.just("person"), st.sampled_from(("vol", "b"))),
    st.builds(wq.Term, st.just("place"), st.sampled_from(("japan", "ghana", "states"))),
    st.builds(wq.Phrase, st.just("place"), st.just(["united", "states"])),
    st.builds(wq.Term, st.just("organization"), st.sampled_from(("opec", "bank"))),
    st.builds(wq.FuzzyTerm, st.just("topic"), st.sampled_from(("crud", "cofee"))),
    st.builds(wq.Term, st.just("dateline"), st.sampled_from(("london", "tokyo"))),
    st.just(wq.Every()),
)


def _boosted(node: wq.Query, boost: float) -> wq.Query:
    node.boost = boost  # type: ignore[attr-defined]  # every Whoosh query has one
    return node


def _extend(children: st.SearchStrategy[wq.Query]) -> st.SearchStrategy[wq.Query]:
    many = st.lists(children, min_size=2, max_size=4)
    return st.one_of(
        st.builds(wq.And, many),
        st.builds(wq.Or, many),
        st.builds(wq.Not, children),
        st.builds(wq.AndNot, children, children),
        st.builds(wq.AndMaybe, children, children),
        st.builds(wq.Require, children, children),
        st.builds(_boosted, children, st.sampled_from((0.5, 2.0))),
    )


query_trees = st.recursive(leaf_nodes, _extend, max_leaves=8)
rankings = st.builds(
    Ranking,
    recency_weight=st.sampled_from((0.0, 0.5)),
    soft_and_tiers=st.booleans(),
    coordination=st.sampled_from((0.0, 1.0)),
)

query_texts = st.lists(
    st.one_of(
        words,
        words.map(lambda w: f"-{w}"),
        st.lists(words, min_size=2, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
        words.map(lambda w: w[:3] + "*"),
        words.map(lambda w: _fuzzed(w) + "~"),
        st.lists(words, min_size=2, max_size=3).map(lambda ws: "-".join(ws)[:-1] + "*"),
        st.lists(words, min_size=2, max_size=2).map(lambda ws: ws[0] + "-" + _fuzzed(ws[1]) + "~"),
        st.sampled_from(
            (
                "person:volcker",
                "place:japan",
                'place:"united states"',
                "organization:opec",
                "title:oil",
                "topic:crude",
                "(oil OR coffee)",
                "(bank AND NOT rates)",
                "paul volcker",
                "world bank",
                "NOT japan",
                "*",
            )
        ),
    ),
    min_size=1,
    max_size=4,
).map(" ".join)

requests = st.fixed_dictionaries(
    {"q": query_texts.map(lambda q: [q])},
    optional={
        "from": st.sampled_from((["1987-02-01"], ["1987-06-15"])),
        "to": st.sampled_from((["1987-07-31"], ["1987-12-31"])),
        "sort": st.sampled_from((["relevance"], ["newest"], ["oldest"])),
        "page": st.sampled_from((["1"], ["2"])),
        "per_page": st.just(["4"]),
        "place": st.sampled_from((["Japan"], ["Japan", "Ghana"])),
        "topic": st.sampled_from((["crude"], ["interest"])),
        "not_dateline": st.just(["London"]),
        "spell": st.sampled_from((["0"], ["1"])),
    },
)

PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# -- helpers -----------------------------------------------------------------------------


def evaluate(
    snap: Snapshot, node: wq.Query, path: str, ranking: Ranking, soft: bool, typed: str
) -> Evaluation:
    evaluation = Evaluator(snap, ranking, Budget(30.0), path=path).run(node, soft=soft, typed=typed)
    assert evaluation.path == path
    return evaluation


def assert_same(dense: Evaluation, sparse: Evaluation) -> None:
    assert np.array_equal(dense.mask, sparse.mask)
    # Bit for bit, not approximately: the hits' order depends on ties.
    assert dense.score.dtype == sparse.score.dtype
    assert dense.score.tobytes() == sparse.score.tobytes()
    for name in ("tier", "all_words"):
        a, b = getattr(dense, name), getattr(sparse, name)
        assert (a is None) == (b is None), name
        if a is not None:
            assert a.dtype == b.dtype and np.array_equal(a, b), name
    for name in ("highlight", "notices", "words", "phrases", "expanded"):
        assert getattr(dense, name) == getattr(sparse, name), name


@contextmanager
def forced(path: str) -> Iterator[None]:
    before = os.environ.get(PATH_VARIABLE)
    os.environ[PATH_VARIABLE] = path
    try:
        yield
    finally:
        if before is None:
            del os.environ[PATH_VARIABLE]
        else:
            os.environ[PATH_VARIABLE] = before


def response(service: SearchService, params: dict[str, list[str]], path: str) -> dict[str, Any]:
    """The JSON body of a search on ``path`` (or its error), without its timing."""
    with forced(path):
        try:
            body = search_json(service.search(parse_search_params(params)))
        except SearchRequestError as error:
            return {"error": (error.code, str(error))}
    body.pop("took_ms")
    return body


# -- properties ----------------------------------------------------------------------------


@contextmanager
def take_cost(cost: int) -> Iterator[None]:
    """Look-ups in a sparse space by binary search (0) or through a dense copy (a large cost)."""
    before = evaluate_module.TAKE_SEARCH_COST
    evaluate_module.TAKE_SEARCH_COST = cost
    try:
        yield
    finally:
        evaluate_module.TAKE_SEARCH_COST = before


@PROPERTY
@given(
    cost=st.sampled_from((0, 10_000)),
    node=query_trees,
    ranking=rankings,
    soft=st.booleans(),
    typed=st.sampled_from(("", "oil volcker opec japan", "world bank")),
)
def test_dense_and_sparse_evaluations_agree_on_random_query_trees(
    snap: Snapshot, cost: int, node: wq.Query, ranking: Ranking, soft: bool, typed: str
) -> None:
    dense = evaluate(snap, node, "dense", ranking, soft, typed)
    with take_cost(cost):
        sparse = evaluate(snap, node, "sparse", ranking, soft, typed)
    assert_same(dense, sparse)


@PROPERTY
@given(cost=st.sampled_from((0, 10_000)), params=requests)
def test_dense_and_sparse_search_responses_agree(
    service: SearchService, cost: int, params: dict[str, list[str]]
) -> None:
    dense = response(service, params, "dense")
    with take_cost(cost):
        assert dense == response(service, params, "sparse")


@pytest.fixture(scope="module")
def uncached(index_dir: str) -> Iterator[Snapshot]:
    """A snapshot that caches no postings or positions of its own: every
    positions read goes through the segments (``positions_in``'s own path)."""
    snapshot = open_snapshot(index_dir)
    snapshot._term_cache = _SizedLRU(0)
    yield snapshot
    snapshot.close()


@PROPERTY
@given(
    node=query_trees,
    path=st.sampled_from(("dense", "sparse")),
    soft=st.booleans(),
    typed=st.sampled_from(("", "oil volcker opec japan", "world bank", "interest rates")),
)
def test_phrases_read_in_the_documents_holding_every_word_are_the_same(
    snap: Snapshot, uncached: Snapshot, node: wq.Query, path: str, soft: bool, typed: str
) -> None:
    """Phrases (and entity names) read positions only in the documents holding
    all their words, when those words are common: same masks and scores,
    bit for bit, as reading every position of every word."""
    ranking = Ranking()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(evaluate_module, "PHRASE_SHARE", 10.0**9)
        everywhere = evaluate(snap, node, path, ranking, soft, typed)
        patch.setattr(evaluate_module, "PHRASE_SHARE", 0.0)
        assert_same(everywhere, evaluate(uncached, node, path, ranking, soft, typed))
        assert_same(everywhere, evaluate(snap, node, path, ranking, soft, typed))


@PROPERTY
@given(
    node=query_trees,
    path=st.sampled_from(("dense", "sparse")),
    soft=st.booleans(),
    typed=st.sampled_from(("", "oil volcker opec japan")),
)
def test_words_scored_ahead_in_the_pool_give_the_same_evaluation(
    snap: Snapshot, node: wq.Query, path: str, soft: bool, typed: str
) -> None:
    """On a large index the words' BM25 is computed ahead, in the thread pool
    (forced here): the same masks, scores, highlights and notices."""
    ranking = Ranking()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pool, "PARALLEL_MIN_DOCS", 10**12)
        in_turn = evaluate(snap, node, path, ranking, soft, typed)
        patch.setattr(pool, "PARALLEL_MIN_DOCS", 0)
        assert_same(in_turn, evaluate(snap, node, path, ranking, soft, typed))


@PROPERTY
@given(
    words_typed=st.lists(words, min_size=3, max_size=5),
    path=st.sampled_from(("dense", "sparse")),
    soft=st.booleans(),
)
def test_a_word_in_two_proximity_pairs_is_gathered_once_to_the_same_scores(
    snap: Snapshot, words_typed: list[str], path: str, soft: bool
) -> None:
    """``oil minister said``: ``minister``'s positions are read once for both
    of its pairs; the scores are those of reading them for each pair."""
    node = wq.And([wq.Term(DEFAULT_FIELD, w) for w in words_typed])
    ranking = Ranking()
    once = evaluate(snap, node, path, ranking, soft, "")
    with pytest.MonkeyPatch.context() as patch:
        apart = evaluate_module._pair_word_masks
        patch.setattr(
            evaluate_module,
            "_pair_word_masks",
            lambda pairs, masks: (apart(pairs, masks)[0], set()),
        )
        assert_same(once, evaluate(snap, node, path, ranking, soft, ""))


# -- the paths are really taken, and tell apart -------------------------------------------


def test_the_entity_boost_and_soft_and_are_exercised(snap: Snapshot) -> None:
    """The agreement tests cover the entity ranking and soft AND tiers (they change scores here)."""
    node = wq.And([wq.Term(DEFAULT_FIELD, "volcker"), wq.Term(DEFAULT_FIELD, "oil")])
    boosted = evaluate(snap, node, "sparse", Ranking(), True, "volcker oil")
    plain = evaluate(snap, node, "sparse", Ranking(entity_query_weight=0.0), True, "volcker oil")
    assert boosted.tier is not None and boosted.tier.max() == 2
    assert np.array_equal(boosted.mask, plain.mask)
    assert not np.array_equal(boosted.score, plain.score)
    assert_same(evaluate(snap, node, "dense", Ranking(), True, "volcker oil"), boosted)


def test_a_negation_matches_the_documents_no_leaf_touches(snap: Snapshot) -> None:
    """``-oil`` on the sparse path: the rest slot stands for every live story without oil."""
    node = wq.Not(wq.Term(DEFAULT_FIELD, "oil"))
    sparse = evaluate(snap, node, "sparse", Ranking(), False, "")
    oil = evaluate(snap, wq.Term(DEFAULT_FIELD, "oil"), "dense", Ranking(), False, "")
    assert np.array_equal(sparse.mask, snap.live & ~oil.mask)
    assert 0 < sparse.mask.sum() < snap.doc_count
    assert not sparse.mask[~snap.live].any()


def test_a_diverging_path_is_caught(snap: Snapshot) -> None:
    """The comparison fails on a one-ulp difference in one score."""
    node = wq.Term(DEFAULT_FIELD, "oil")
    dense = evaluate(snap, node, "dense", Ranking(), False, "")
    sparse = evaluate(snap, node, "sparse", Ranking(), False, "")
    doc = int(np.flatnonzero(sparse.mask)[0])
    sparse.score[doc] = np.nextafter(sparse.score[doc], np.float32(np.inf))
    with pytest.raises(AssertionError):
        assert_same(dense, sparse)


def test_auto_stays_dense_on_a_small_index(snap: Snapshot) -> None:
    assert snap.size < SPARSE_MIN_DOCS
    evaluation = Evaluator(snap, Ranking(), Budget(30.0), path="auto").run(
        wq.Term(DEFAULT_FIELD, "oil")
    )
    assert evaluation.path == "dense"


def test_the_environment_variable_forces_a_path(snap: Snapshot) -> None:
    node = wq.Term(DEFAULT_FIELD, "oil")
    for path in ("dense", "sparse"):
        with forced(path):
            assert Evaluator(snap, Ranking(), Budget(30.0)).run(node).path == path
    with forced("fast"), pytest.raises(ValueError, match=PATH_VARIABLE):
        Evaluator(snap, Ranking(), Budget(30.0))


# -- the sparse space's operations ---------------------------------------------------------


def test_choose_path_by_corpus_size_and_the_leaves_share() -> None:
    big = SPARSE_MIN_DOCS * 10
    few = [np.array([5, 9, 2_000]), np.array([9, 40])]
    assert choose_path("dense", big, few) is None
    assert choose_path("auto", SPARSE_MIN_DOCS - 1, few) is None
    assert choose_path("auto", big, few).tolist() == [5, 9, 40, 2_000]  # type: ignore[union-attr]
    assert choose_path("sparse", 3_000, few).tolist() == [5, 9, 40, 2_000]  # type: ignore[union-attr]
    common = [np.arange(int(big * SPARSE_MAX_SHARE) + 1)]
    assert choose_path("auto", big, common) is None
    assert choose_path("sparse", big, common) is not None
    # Many leaves, each small, whose union is too large.
    quarter = int(big * SPARSE_MAX_SHARE)
    spread = [np.arange(0, quarter), np.arange(quarter, 2 * quarter)]
    assert choose_path("auto", big, spread) is None
    assert choose_path("sparse", big, []).tolist() == []  # type: ignore[union-attr]


@pytest.mark.parametrize("cost", [0, 10_000], ids=["binary-search", "slot-map"])
def test_space_put_add_take_expand(snap: Snapshot, cost: int) -> None:
    with take_cost(cost):
        docs = np.array([3, 10, 20], dtype=np.int64)
        space = Space(snap, docs)
        assert space.sparse and space.size == 4
        assert space.live.tolist() == [*snap.live[docs].tolist(), True]
        values = np.zeros(space.size, dtype=np.float32)
        space.put(values, np.array([20, 3]), np.array([2.0, 1.0], dtype=np.float32))
        space.add(values, np.array([3]), np.float32(0.5))
        assert values.tolist() == [1.5, 0.0, 2.0, 0.0]
        # Any document: those outside the space read the rest's slot.
        values[-1] = 7.0
        assert space.take(values, np.array([20, 4, 3, 89])).tolist() == [2.0, 7.0, 1.5, 7.0]
        full = space.expand(values)
        assert full.shape == (snap.size,) and full[3] == 1.5 and full[20] == 2.0
        assert full[0] == 7.0
        for outside in ([4], [3, 21], [89]):
            with pytest.raises(AssertionError, match="outside the sparse space"):
                space.put(values, np.array(outside), 1.0)
        dates = space.gather(snap.date_ts)
        assert dates[:-1].tolist() == snap.date_ts[docs].tolist()


@pytest.mark.parametrize("size", [10**6, 40], ids=["sorted", "bitmap"])
def test_union_of_what_the_leaves_touch(size: int) -> None:
    arrays = [np.array([5, 9, 30]), np.array([9, 2], dtype=np.int32), np.array([], dtype=np.int64)]
    union = evaluate_module._union(arrays, size)
    assert union.dtype == np.int64 and union.tolist() == [2, 5, 9, 30]
    assert evaluate_module._union([], size).tolist() == []


def test_the_dense_space_is_the_identity(snap: Snapshot) -> None:
    space = Space(snap, None)
    assert not space.sparse and space.size == snap.size and space.live is snap.live
    values = np.zeros(snap.size, dtype=np.float32)
    space.put(values, np.array([1, 4]), np.float32(2.0))
    space.add(values, np.array([4]), np.float32(1.0))
    assert space.take(values, np.array([4, 1, 0])).tolist() == [3.0, 2.0, 0.0]
    assert space.expand(values) is values and space.gather(snap.date_ts) is snap.date_ts


def test_the_collecting_space_records_and_writes_nothing(snap: Snapshot) -> None:
    space = Space(snap, np.zeros(0, dtype=np.int64), collect=True)
    values = np.zeros(space.size, dtype=bool)
    space.put(values, np.array([4, 2]), True)
    space.add(values, np.array([9]), True)
    assert not values.any()
    assert [t.tolist() for t in space.touched] == [[4, 2], [9]]
    values[-1] = True
    assert space.take(values, np.array([1, 2])).tolist() == [True, True]


def test_leaf_work_is_done_once_for_both_passes(snap: Snapshot) -> None:
    """The sparse path's first pass reads postings and expands patterns; the second reuses them."""
    evaluator = Evaluator(snap, Ranking(), Budget(30.0), path="sparse")
    node = wq.And([wq.FuzzyTerm(DEFAULT_FIELD, "volckr"), wq.Term(DEFAULT_FIELD, "oil")])
    calls = []
    expand = evaluator._expand

    def counted(fieldname: str, query: wq.Query) -> list[str]:
        calls.append(fieldname)
        return expand(fieldname, query)

    evaluator._expand = counted  # type: ignore[method-assign,assignment]
    evaluator.run(node)
    assert sorted(calls) == sorted(F.TEXT_FIELDS)
