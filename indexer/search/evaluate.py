"""Evaluate a parsed query over a snapshot with numpy: which documents match
and how well.

Every node of the Whoosh query tree becomes a pair of dense arrays over all
documents of the snapshot: a boolean match mask and a float32 score. Boolean
operators are then element-wise operations, and a result set of any size
costs the same few vector operations: this is what keeps a full search
response (ranking, facets, timeline) within milliseconds on a pure-Python
index.

For a large corpus and a selective query those arrays are mostly zeros, so
the evaluator can also run *sparse* (:class:`Space`): the same node code
over the sorted list of the documents the query's leaves touch, plus one
slot standing for every other document. The choice is automatic
(:func:`choose_path`), and ``NEWSEARCH_EVALUATION=dense|sparse`` forces one
path (tests, benchmarks); both give the same results, bit for bit.

Scoring is BM25 per field, summed over the title and body with field
weights (see :class:`Ranking`). A plain word also matches the other words of
the index that share its stem (``rates`` finds ``rate`` and ``rating``);
quoted phrases match exact words in order.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fnmatch import translate
from functools import lru_cache, partial
from itertools import pairwise
from typing import Any, TypeGuard

import numpy as np
from whoosh import query as wq

from indexer import schema as F
from indexer.analysis import analyze, stem
from indexer.errors import SearchBudgetError, SearchRequestError
from indexer.extract.aliases import facet_aliases
from indexer.search import pool
from indexer.search.query import (
    DEFAULT_FIELD,
    Compound,
    JoinedWord,
    LinkedPhrase,
    value_analyzer,
)
from indexer.search.snapshot import Snapshot, pairs_holding
from indexer.search.vocabulary import expansions

#: Most terms a prefix, wildcard or fuzzy term may expand to (the most
#: frequent ones are kept, and a notice says so).
MAX_EXPANSION = 200
#: Longest proximity window accepted for ``"a b"~N``.
MAX_SLOP = 20
#: Words whose stem variants one snapshot remembers (the cache is then reset).
VARIANT_CACHE_WORDS = 20_000
#: Entity fields whose matches are ranked by how central the entity is to
#: the story (topics, datelines and sources are not named in the text).
ENTITY_FIELDS = {F.PEOPLE: "person", F.ORGANIZATIONS: "organization", F.PLACES: "place"}
#: Sparse evaluation (see :class:`Space`): never below this many documents,
#: and only when the query's leaves touch at most ``SPARSE_MAX_SHARE`` of
#: them. Measured with ``bench/search.py --evaluation both`` (bench/RESULTS.md,
#: "Issue 16: sparse evaluation"): at 21,578 and ~100,000 documents the sparse
#: path evaluates 1.3-1.6x slower than the dense one (its fixed costs, a
#: first pass and spreading the result back, outweigh arrays that small),
#: whatever the share. Dense arrays cost the corpus's size per node, the
#: sparse ones the share the query touches, so the sparse path wins only on
#: large indexes: it is switched on at a million documents (the 100x corpus,
#: not the 10x one), and a quarter of the corpus is where its look-ups and
#: union cost about as much as the dense nodes it saves.
SPARSE_MIN_DOCS = 1_000_000
SPARSE_MAX_SHARE = 0.25
#: A binary search into the sparse space costs about this many times a
#: document of a dense array: beyond ``size / TAKE_SEARCH_COST`` look-ups at
#: once, the space builds (once) a map of every document's slot instead.
TAKE_SEARCH_COST = 32
#: Environment variable forcing one path: ``dense``, ``sparse`` or ``auto``.
PATH_VARIABLE = "NEWSEARCH_EVALUATION"
PATHS = ("auto", "dense", "sparse")
#: A phrase whose words' postings reach this share of the index's documents
#: reads its words' positions only in the documents holding all of them.
PHRASE_SHARE = 1 / 64
#: Most names one entity search reads positions for (``person:j*`` may match
#: hundreds of people: beyond this, matches score equally).
MAX_ENTITY_FORMS = 64


@dataclass(frozen=True, slots=True)
class Ranking:
    """Ranking parameters; defaults chosen with ``bench/relevance.py``.

    The figures behind each default are in bench/RESULTS.md ("Relevance"):
    on the Reuters topic queries these defaults take nDCG@10 from 0.679 (the
    first defaults) to 0.735, against 0.633 for plain Whoosh BM25F.
    """

    k1: float = 1.2
    #: Length normalization. Low on purpose: at 0.75 short items mentioning
    #: the word outranked the longer stories about it (nDCG@10 0.691 at 0.75,
    #: 0.716 at 0.5, 0.733 at 0.3, 0.745 at 0: 0.3 keeps some normalization).
    b: float = 0.3
    #: The title is a second field with its own BM25 score, so a word in the
    #: headline and the story already scores twice; weighting the title 2 on
    #: top lost nDCG@10 (0.679 at 2, 0.691 at 1, 0.699 at 0.5, 0.639 at 0).
    title_weight: float = 1.0
    body_weight: float = 1.0
    #: Weight of a match on an entity, dateline or source value.
    facet_weight: float = 1.0
    #: Weight of two neighbouring words of a several-word query found within
    #: ``proximity_window`` words of each other, in either order (the pair is
    #: scored as one more BM25 term). Requiring exact adjacency in order (a
    #: phrase) did worse on the benchmark: see bench/RESULTS.md.
    proximity_boost: float = 0.5
    proximity_window: int = 8
    #: Fraction of a term's score its stem variants get (exact form = 1.0):
    #: ``trade`` should not rank program *trading* stories as high as trade.
    variant_weight: float = 0.5
    #: Shortest word expanded to its stem variants (``oat`` -> ``oats``).
    min_variant_length: int = 3
    #: OR of plain words: scores times (words matched / words) ** coordination,
    #: so documents with more of the words come first (``a OR b`` typed by
    #: the user, the fallback of an explicit AND, and soft AND's scores).
    coordination: float = 1.0
    #: Optional recency boost: scores times 1 + recency_weight * 2 ** (-age /
    #: recency_half_life), age in days before the newest article of the index.
    #: Off: topical relevance has no date, and every setting tried lost.
    recency_weight: float = 0.0
    recency_half_life: float = 30.0
    #: Fraction of a term's score a newswire spelling of it gets (``pct``
    #: for ``percent``): the same word, so the same weight.
    expansion_weight: float = 1.0
    #: Entity searches (``person:volcker``): score added when a name of the
    #: entity is in the title, when it is in the lead (the first
    #: ``lead_words`` words), at most added for how often it is named, and
    #: for how early (the first mention at word p adds 1 / (1 + p / 20)).
    entity_title: float = 2.0
    entity_lead: float = 1.0
    entity_frequency: float = 1.5
    lead_words: int = 40
    #: Soft AND ordering: stories with every word first, then by how many
    #: words each has, then by score (the issue's contract). Off, the order
    #: is the score alone, already scaled by the share of words matched:
    #: nDCG@10 0.766 instead of 0.757 on the journalist set (bench/RESULTS.md),
    #: at the price of stories lacking a word ranking above ones with all.
    soft_and_tiers: bool = True
    #: Plain query words naming a known person, organization or place
    #: (``volcker``, ``world bank``, ``saudi arabia``): matching stories
    #: tagged with it gain this times the entity's centrality (see above).
    entity_query_weight: float = 1.0
    #: ...unless more than this share of the index's stories carry the entity:
    #: like a stop word, an entity most stories name (``us``: the United
    #: States) says nothing about what the query is after.
    entity_query_max_share: float = 0.5

    def field_weight(self, fieldname: str) -> float:
        return self.title_weight if fieldname == F.TITLE else self.body_weight


@dataclass(slots=True)
class Matches:
    """Result of one query node: match mask and scores over all documents."""

    mask: np.ndarray
    score: np.ndarray


@dataclass(slots=True)
class Evaluation:
    """Result of a whole query, with what highlighting and notices need."""

    mask: np.ndarray
    score: np.ndarray
    #: Index terms to mark in each text field's snippet.
    highlight: dict[str, set[str]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    #: Plain query words (for spelling suggestions), in order.
    words: list[str] = field(default_factory=list)
    #: Word sequences (entity names) to mark as one run in each text field.
    phrases: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    #: Plain query word -> the newswire spellings also searched for it.
    expanded: dict[str, list[str]] = field(default_factory=dict)
    #: Soft AND only: how many of the query's words each document matched
    #: (results are ordered by it first), and which documents matched them all.
    tier: np.ndarray | None = None
    all_words: np.ndarray | None = None
    #: Which path evaluated it: ``dense`` or ``sparse`` (see :class:`Space`),
    #: and how many documents its node arrays covered (all, when dense).
    path: str = "dense"
    covered: int = 0


class Space:
    """The documents a query's node arrays cover, and each one's slot.

    Dense (``docs`` None): every document of the snapshot, slot = document
    number. Sparse: ``docs``, the sorted numbers of the documents the
    query's leaves touch (terms, phrases, facet values, named entities),
    then one last slot, the *rest*, standing for every other document. No
    leaf matches or scores a document of the rest, so every node gives all
    of them the same value (unmatched with score 0; matched under a NOT or
    ``*``), which one slot holds. The node code is the same on both, element
    by element, which is why the two paths agree bit for bit; the sparse one
    costs the size of the query's postings instead of the corpus's.

    With ``collect`` (the sparse path's first pass, over the rest alone),
    nothing is written: the document numbers each leaf touches are recorded.
    """

    def __init__(self, snap: Snapshot, docs: np.ndarray | None, collect: bool = False) -> None:
        self.snap = snap
        self.docs = docs
        self.collect = collect
        self.touched: list[np.ndarray] = []
        self._rank: np.ndarray | None = None
        if docs is None:
            self.size = snap.size
            self.live = snap.live
        else:
            self.size = len(docs) + 1
            self.live = np.append(snap.live[docs], True)

    @property
    def sparse(self) -> bool:
        return self.docs is not None

    def _many(self, docs: np.ndarray) -> bool:
        """Whether looking ``docs`` up costs less through :meth:`_ranks` than by binary search."""
        return len(docs) * TAKE_SEARCH_COST > self.snap.size

    def _ranks(self) -> np.ndarray:
        """Slot of every document of the snapshot (-1: the rest), built on first use."""
        if self._rank is None:
            assert self.docs is not None
            self._rank = np.full(self.snap.size, -1, dtype=np.int32)
            self._rank[self.docs] = np.arange(len(self.docs), dtype=np.int32)
        return self._rank

    def _slots(self, docs: np.ndarray) -> np.ndarray:
        assert self.docs is not None
        if self._many(docs):
            at = self._ranks()[docs]
            outside = bool(len(at)) and at.min() < 0
        else:
            at = np.searchsorted(self.docs, docs)
            outside = bool(len(at)) and (
                at.max() >= len(self.docs) or not np.array_equal(self.docs[at], docs)
            )
        if outside:
            raise AssertionError("a leaf touched a document outside the sparse space")
        return at

    def put(self, values: np.ndarray, docs: np.ndarray, new: Any) -> None:
        """``values[docs] = new``, ``docs`` being document numbers."""
        if self.docs is None:
            values[docs] = new
        elif self.collect:
            self.touched.append(docs)
        else:
            values[self._slots(docs)] = new

    def add(self, values: np.ndarray, docs: np.ndarray, more: Any) -> None:
        """``values[docs] += more``, ``docs`` being document numbers."""
        if self.docs is None:
            values[docs] += more
        elif self.collect:
            self.touched.append(docs)
        else:
            values[self._slots(docs)] += more

    def take(self, values: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """``values[docs]``, ``docs`` being any document numbers (the rest's value outside)."""
        if self.docs is None:
            return values[docs]
        if not len(self.docs):
            return np.full(len(docs), values[-1], dtype=values.dtype)
        if self._many(docs):
            # Many look-ups (positions of a common word): one map of every
            # document's slot is cheaper than a binary search each.
            at = self._ranks()[docs]
            return np.where(at >= 0, values[at], values[-1])
        at = np.minimum(np.searchsorted(self.docs, docs), len(self.docs) - 1)
        return np.where(self.docs[at] == docs, values[at], values[-1])

    def gather(self, values: np.ndarray) -> np.ndarray:
        """A per-document array of the snapshot, over this space (the rest: ``values``' default)."""
        if self.docs is None:
            return values
        return np.append(values[self.docs], values.dtype.type(0))

    def expand(self, values: np.ndarray) -> np.ndarray:
        """An array over this space as one over every document of the snapshot."""
        if self.docs is None:
            return values
        rest = values[-1]
        # Zeros come from fresh pages (calloc): only the pages of the space's
        # documents are written, not the whole corpus.
        out = np.zeros(self.snap.size, dtype=values.dtype)
        if rest:
            out[:] = rest
        out[self.docs] = values[:-1]
        return out


def choose_path(path: str, size: int, touched: list[np.ndarray]) -> np.ndarray | None:
    """The sparse space's documents, or None to evaluate dense.

    ``touched``: the document numbers each leaf of the query touches. Sparse
    when forced, or (``auto``) when the index is large and the leaves touch
    a small share of it: a node then costs the query's postings, not the
    corpus. The largest leaf bounds the union from below, so a query with
    a very common word goes dense before paying for the union.
    """
    if path == "dense":
        return None
    limit = SPARSE_MAX_SHARE * size
    if path == "auto" and (size < SPARSE_MIN_DOCS or max(map(len, touched), default=0) > limit):
        return None
    docs = _union(touched, size)
    if path == "auto" and len(docs) > limit:
        return None
    return docs


def _union(arrays: list[np.ndarray], size: int) -> np.ndarray:
    """Sorted distinct values of ``arrays``, all in ``range(size)``.

    Many values: marked in a bitmap of ``size``; few: sorted and compared
    (both faster than ``np.unique``, which hashes).
    """
    if not arrays:
        return np.zeros(0, dtype=np.int64)
    if sum(map(len, arrays)) * 8 > size:
        seen = np.zeros(size, dtype=bool)
        for values in arrays:
            seen[values] = True
        return np.flatnonzero(seen).astype(np.int64, copy=False)
    values = np.sort(np.concatenate(arrays).astype(np.int64, copy=False))
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


class Budget:
    """A per-request limit on CPU time, checked between units of work.

    Measured in the request thread's own CPU time, not wall time: on a busy
    server a request also waits for the GIL and for the other core, and that
    wait says nothing about how expensive the query is. A generous wall-time
    ceiling still stops a request that would stall a worker.
    """

    def __init__(self, seconds: float, wall_factor: float = 5.0) -> None:
        self.seconds = seconds
        self.cpu_deadline = time.thread_time() + seconds
        now = time.perf_counter()
        #: Until then the thread cannot have used ``seconds`` of CPU (it runs on
        #: one core at most), so ``check`` need not ask the kernel for its CPU
        #: time, a system call, on every unit of work of every request.
        self.cpu_possible = now + seconds
        self.wall_deadline = now + seconds * wall_factor

    def check(self) -> None:
        now = time.perf_counter()
        if now > self.wall_deadline or (
            now > self.cpu_possible and time.thread_time() > self.cpu_deadline
        ):
            raise SearchBudgetError(
                f"the query took longer than {self.seconds:g} s to evaluate; "
                "make it more specific (fewer wildcards or fuzzy terms)"
            )


@lru_cache(maxsize=65536)
def _value_words(value: str) -> tuple[str, ...]:
    return tuple(token.text for token in value_analyzer()(value))


@lru_cache(maxsize=8)
def _names_by_value(facet: str) -> dict[str, list[str]]:
    """Display value -> its known aliases, for one entity facet."""
    names: dict[str, list[str]] = {}
    for alias, display in facet_aliases(facet).items():
        names.setdefault(display, []).append(alias)
    return names


@lru_cache(maxsize=4096)
def surface_forms(facet: str, value: str) -> frozenset[tuple[str, ...]]:
    """The analyzed names an entity is written with in text.

    Its display value and every known alias (``Paul Volcker``, ``Volcker``;
    ``United States``, ``U.S.``, ``America``), each as the index's words.
    """
    forms = {tuple(analyze(name)) for name in (value, *_names_by_value(facet).get(value, ()))}
    return frozenset(form for form in forms if form)


#: A ``field:value`` clause of the query (not plain words).
_FIELD_CLAUSE = re.compile(r'\w+:(?:"[^"]*"|\S+)')
#: Longest entity name looked for among the query's words, in words.
MAX_NAME_WORDS = 4


@lru_cache(maxsize=1024)
def _named_entities(typed: str) -> tuple[tuple[str, str], ...]:
    """(facet field, display value) of known entities named by ``typed``'s words.

    Longest match first, left to right: ``bank of japan rates`` names the
    Bank of Japan, not Japan. Person, then organization, then place.
    """
    words = [token.text for token in value_analyzer()(typed)]
    found = []
    i = 0
    while i < len(words):
        for width in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):
            key = " ".join(words[i : i + width])
            hit = next(
                (
                    (field, facet_aliases(name)[key])
                    for field, name in ENTITY_FIELDS.items()
                    if key in facet_aliases(name)
                ),
                None,
            )
            if hit is not None:
                found.append(hit)
                i += width
                break
        else:
            i += 1
    return tuple(dict.fromkeys(found))


def _value_ids(snap: Snapshot, fieldname: str) -> dict[str, int]:
    """Display value -> value id of a facet (built once per snapshot)."""
    key = ("value-ids", fieldname)
    cached: dict[str, int] | None = snap.cache.get(key)
    if cached is None:
        cached = {value: i for i, value in enumerate(snap.facets[fieldname].values)}
        snap.cache[key] = cached
    return cached


def prepare(snap: Snapshot) -> None:
    """Build the per-snapshot lookups field queries need (for warming)."""
    for facet in F.FACETS:
        _value_word_index(snap, facet.field)


def _value_word_index(snap: Snapshot, fieldname: str) -> dict[str, list[int]]:
    """Word -> ids of the facet values containing it (built once per snapshot)."""
    key = ("value-words", fieldname)
    cached: dict[str, list[int]] | None = snap.cache.get(key)
    if cached is None:
        cached = {}
        for value_id, value in enumerate(snap.facets[fieldname].values):
            for word in set(_value_words(value)):
                cached.setdefault(word, []).append(value_id)
        snap.cache[key] = cached
    return cached


def _cap_notice(node: wq.Query, count: int) -> str:
    return f"'{node}' matches {count:,} words; only the {MAX_EXPANSION} most frequent were searched"


class Evaluator:
    """Evaluates query trees against one snapshot (one instance per search)."""

    def __init__(
        self, snap: Snapshot, ranking: Ranking, budget: Budget, path: str | None = None
    ) -> None:
        self.snap = snap
        self.ranking = ranking
        self.budget = budget
        #: ``auto``, ``dense`` or ``sparse`` (default: $NEWSEARCH_EVALUATION, else auto).
        self.path = path or os.environ.get(PATH_VARIABLE) or "auto"
        if self.path not in PATHS:
            raise ValueError(
                f"{PATH_VARIABLE} must be one of {', '.join(PATHS)}, not {self.path!r}"
            )
        self.space = Space(snap, None)
        self.result = Evaluation(np.zeros(0, dtype=bool), np.zeros(0, dtype=np.float32))
        self._soft: wq.Query | None = None
        self._quoted: frozenset[str] = frozenset()
        #: Leaf results and expansions, computed once for both sparse passes.
        self._memo: dict[tuple[Any, ...], Any] = {}
        #: Patterns whose expansion was capped, with the most words they matched.
        self._capped: dict[str, int] = {}

    # -- helpers -----------------------------------------------------------------

    def _empty_mask(self) -> np.ndarray:
        return np.zeros(self.space.size, dtype=bool)

    def _zeros(self) -> np.ndarray:
        return np.zeros(self.space.size, dtype=np.float32)

    def _remember(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()``, once per evaluator; the notices it adds are added again on reuse."""
        if key in self._memo:
            value, notices = self._memo[key]
            self.result.notices.extend(notices)
            return value
        before = len(self.result.notices)
        value = compute()
        self._memo[key] = (value, self.result.notices[before:])
        return value

    def _empty(self) -> Matches:
        return Matches(self._empty_mask(), self._zeros())

    def _mark(self, fieldname: str, terms: set[str] | list[str], positive: bool) -> None:
        if positive:
            self.result.highlight.setdefault(fieldname, set()).update(terms)

    def _text_fields(self, fieldname: str) -> tuple[str, ...]:
        if fieldname == DEFAULT_FIELD:
            return F.TEXT_FIELDS
        target = F.QUERY_FIELDS.get(fieldname, fieldname)
        return (target,) if target in F.TEXT_FIELDS else ()

    def _facet_field(self, fieldname: str) -> str | None:
        target = F.QUERY_FIELDS.get(fieldname)
        return target if target and target not in F.TEXT_FIELDS else None

    def _bm25(self, fieldname: str, docs: np.ndarray, tf: np.ndarray, df: int) -> np.ndarray:
        r = self.ranking
        n = max(self.snap.doc_count, 1)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        lengths = self.snap.lengths[fieldname][docs]
        return bm25(idf, tf, lengths, r.k1, r.b, max(self.snap.avg_length[fieldname], 1.0))

    # -- term expansion ------------------------------------------------------------

    def variants(self, fieldname: str, word: str) -> list[str]:
        """Index words of ``fieldname`` sharing ``word``'s stem (``word`` first).

        Cached per snapshot: a word's variants are needed for matching, for
        proximity and for suggestions, and walking the lexicon costs more
        than the rest of a short query's evaluation.
        """
        if len(word) < self.ranking.min_variant_length or not word.isalpha():
            return [word]
        cache: dict[str, tuple[str, ...]] = self.snap.cache.setdefault(("variants", fieldname), {})
        found = cache.get(word)
        if found is None:
            found = self._find_variants(fieldname, word)
            if len(cache) >= VARIANT_CACHE_WORDS:
                cache.clear()
            cache[word] = found
        return list(found)

    def _find_variants(self, fieldname: str, word: str) -> tuple[str, ...]:
        root = stem(word)
        common = 0
        for a, b in zip(word, root, strict=False):
            if a != b:
                break
            common += 1
        prefix = word[: max(3, min(common, len(root)) - 1)]
        found = [
            term
            for term in self.snap.expand(fieldname, prefix, 3000)
            if term != word and stem(term) == root
        ]
        return (word, *found)

    def _expand(self, fieldname: str, node: wq.Query) -> list[str]:
        """The index words a prefix, wildcard or fuzzy term stands for."""
        if isinstance(node, wq.FuzzyTerm):
            return self._expand_fuzzy(fieldname, node)
        return self._expand_pattern(fieldname, node)

    def _expand_pattern(self, fieldname: str, node: wq.Query) -> list[str]:
        text: str = getattr(node, "text", "")
        if isinstance(node, wq.Prefix):
            candidates = self.snap.vocabulary(fieldname).with_prefix(text)
        else:
            literal = re.split(r"[*?]", text, maxsplit=1)[0]
            pattern = re.compile(translate(text))
            vocab = self.snap.vocabulary(fieldname)
            pool = vocab.with_prefix(literal) if literal else vocab.terms
            candidates = [t for t in pool if pattern.match(t)]
            self.budget.check()
        return self._most_frequent(fieldname, candidates, node)

    def _expand_fuzzy(self, fieldname: str, node: wq.FuzzyTerm) -> list[str]:
        word = node.text
        maxdist = min(int(node.maxdist), 1 if len(word) <= 4 else 2)
        if maxdist < node.maxdist:
            self.result.notices.append(
                f"'{word}~{node.maxdist}' was limited to {maxdist} edit(s): "
                "larger distances on short words match almost anything"
            )
        prefix = word[: int(node.prefixlength)] if node.prefixlength else ""
        # Cached per snapshot like variants(): comparing the word with every
        # index word of a similar length is most of a fuzzy query's cost.
        cache: dict[tuple[str, int, str], tuple[str, ...]] = self.snap.cache.setdefault(
            ("fuzzy", fieldname), {}
        )
        found = cache.get((word, maxdist, prefix))
        if found is None:
            from rapidfuzz.distance import Levenshtein  # only fuzzy terms need it
            from rapidfuzz.process import extract

            pool = self.snap.vocabulary(fieldname).near_length(len(word), maxdist)
            if prefix:
                pool = [term for term in pool if term.startswith(prefix)]
            hits = extract(
                word,
                pool,
                scorer=Levenshtein.distance,
                score_cutoff=maxdist,
                limit=MAX_EXPANSION * 4,
            )
            self.budget.check()
            found = tuple(term for term, _, _ in hits)
            if len(cache) >= VARIANT_CACHE_WORDS:
                cache.clear()
            cache[(word, maxdist, prefix)] = found
        return self._most_frequent(fieldname, list(found), node)

    def _most_frequent(self, fieldname: str, terms: list[str], node: wq.Query) -> list[str]:
        if len(terms) <= MAX_EXPANSION:
            return terms
        vocab = self.snap.vocabulary(fieldname)
        kept = sorted(terms, key=vocab.frequency, reverse=True)[:MAX_EXPANSION]
        # One notice per pattern: ``text:co*`` expands once in the title and
        # once in the body; the user typed it once, so say it once, with the
        # larger count.
        said = self._capped.get(str(node))
        count = max(len(terms), said or 0)
        self._capped[str(node)] = count
        notices = self.result.notices
        earlier = _cap_notice(node, said) if said is not None else None
        if earlier in notices:
            notices[notices.index(earlier)] = _cap_notice(node, count)
        else:
            notices.append(_cap_notice(node, count))
        return kept

    # -- node evaluation -------------------------------------------------------------

    def evaluate(self, node: wq.Query, positive: bool = True) -> Matches:
        """Masks and scores of ``node`` (``positive`` is False under a NOT)."""
        self.budget.check()
        handler = _HANDLERS.get(type(node))
        if handler is None:
            for cls, candidate in _HANDLERS.items():
                if isinstance(node, cls):
                    handler = candidate
                    break
        if handler is None:
            raise SearchRequestError(
                f"this kind of query is not supported: {type(node).__name__}",
                code="bad_query",
                param="q",
            )
        matches = handler(self, node, positive)
        boost = getattr(node, "boost", 1.0)
        if boost != 1.0:
            matches.score *= np.float32(boost)
        return matches

    def _terms_in_field(self, fieldname: str, terms: list[str], weights: list[float]) -> Matches:
        """OR of exact terms in one text field, scored as one BM25 term."""
        out = self._empty()
        key = ("terms", fieldname, tuple(terms), tuple(weights))
        found = self._remember(key, lambda: self._term_scores(fieldname, terms, weights))
        if found is not None:
            docs, scores = found
            self.space.put(out.mask, docs, True)
            self.space.put(out.score, docs, scores)
        return out

    def _term_scores(
        self, fieldname: str, terms: list[str], weights: list[float]
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Documents and weighted BM25 scores of the OR of ``terms`` (None: no document)."""
        doc_parts, tf_parts = [], []
        for term, weight in zip(terms, weights, strict=True):
            docs, tf = self.snap.postings(fieldname, term)
            if len(docs):
                doc_parts.append(docs)
                # (Times 1.0 changes no bit: the cached array is used as is.)
                tf_parts.append(tf if weight == 1.0 else tf * np.float32(weight))
        if not doc_parts:
            return None
        if len(doc_parts) == 1:
            docs, tf = doc_parts[0], tf_parts[0]
        else:
            docs, tf = _merge_postings(
                np.concatenate(doc_parts), np.concatenate(tf_parts), self.snap.size
            )
        scores = self._bm25(fieldname, docs, tf, len(docs))
        scores *= np.float32(self.ranking.field_weight(fieldname))
        return docs, scores

    def term(self, node: wq.Term, positive: bool) -> Matches:
        return self._word(node, positive, _is_plain_word(node) and node.text not in self._quoted)

    def _word(self, node: wq.Term, positive: bool, expand: bool) -> Matches:
        """A word in its field(s); ``expand`` adds its newswire spellings."""
        facet = self._facet_field(node.fieldname)
        if facet:
            return self._facet_values(
                facet, node.text.__eq__, positive=positive, key=("word", node.text)
            )
        out: Matches | None = None
        if node.fieldname == DEFAULT_FIELD and positive and not isinstance(node, JoinedWord):
            self.result.words.append(node.text)
        for fieldname in self._text_fields(node.fieldname):
            terms, weights = self._word_terms(fieldname, node.text, expand=False)
            part = self._terms_in_field(fieldname, terms, weights)
            if part.mask.any():
                self._mark(fieldname, terms, positive)
            spellings = self._spellings(fieldname, node.text) if expand else []
            if spellings:
                # Scored as a term of its own (its own IDF), the better of
                # the two counting: ``dlrs`` is in every story with an
                # amount, and must not dilute what ``dollar`` says.
                other = self._terms_in_field(fieldname, spellings, [1.0] * len(spellings))
                if other.mask.any():
                    self._mark(fieldname, spellings, positive)
                part.mask |= other.mask
                other.score *= np.float32(self.ranking.expansion_weight)
                np.maximum(part.score, other.score, out=part.score)
            if out is None:
                # The first field's arrays are the sum so far (scores are
                # never -0.0, so adding them to zeros would change no bit).
                out = part
            else:
                out.mask |= part.mask
                out.score += part.score
        if expand and positive:
            self._note_expansions(node.text)
        return out if out is not None else self._empty()

    def _spellings(self, fieldname: str, word: str) -> list[str]:
        """The other newswire spellings of ``word`` that occur in ``fieldname``."""
        return [form for form in expansions(word) if len(self.snap.postings(fieldname, form)[0])]

    def _word_terms(self, fieldname: str, word: str, expand: bool) -> tuple[list[str], list[float]]:
        """Index terms searched for a word, with their weights: the word,
        its stem variants and (with ``expand``) its newswire spellings."""
        terms = self.variants(fieldname, word)
        weights = [1.0] + [self.ranking.variant_weight] * (len(terms) - 1)
        if expand:
            for form in self._spellings(fieldname, word):
                if form not in terms:
                    terms.append(form)
                    weights.append(self.ranking.expansion_weight)
        return terms, weights

    def _note_expansions(self, word: str) -> None:
        found = {form for name in F.TEXT_FIELDS for form in self._spellings(name, word)}
        if found:
            known = self.result.expanded.setdefault(word, [])
            known.extend(form for form in expansions(word) if form in found and form not in known)

    def pattern(self, node: wq.Query, positive: bool) -> Matches:
        text: str = getattr(node, "text", "")
        fieldname: str = getattr(node, "fieldname", DEFAULT_FIELD)
        facet = self._facet_field(fieldname)
        if facet:
            if isinstance(node, wq.FuzzyTerm):
                from rapidfuzz.distance import Levenshtein

                dist = min(int(node.maxdist), 2)
                return self._facet_values(
                    facet,
                    lambda w: Levenshtein.distance(w, text, score_cutoff=dist) <= dist,
                    positive=positive,
                    key=("fuzzy", text, dist),
                )
            expression = text + "*" if isinstance(node, wq.Prefix) else text
            regex = re.compile(translate(expression))
            return self._facet_values(
                facet,
                lambda w: regex.match(w) is not None,
                positive=positive,
                key=("pattern", expression),
            )
        out = self._empty()
        for target in self._text_fields(fieldname):
            terms = self._remember(
                ("expand", target, repr(node)), partial(self._expand, target, node)
            )
            part = self._terms_in_field(target, terms, [1.0] * len(terms))
            if part.mask.any():
                self._mark(target, terms, positive)
            out.mask |= part.mask
            out.score += part.score
        return out

    def phrase(self, node: wq.Phrase, positive: bool) -> Matches:
        words = [w for w in node.words if w]
        if len(words) == 1:
            single = wq.Term(node.fieldname, words[0], boost=node.boost)
            return self._word(single, positive, expand=False)
        if not words:
            return self._empty()
        facet = self._facet_field(node.fieldname)
        if facet:
            return self._facet_values(
                facet,
                words[0].__eq__,
                seq=tuple(words),
                positive=positive,
                key=("phrase", tuple(words)),
            )
        slop = int(node.slop or 1)
        if slop > MAX_SLOP:
            raise SearchRequestError(
                f"proximity is limited to ~{MAX_SLOP} words", code="bad_query", param="q"
            )
        out = self._empty()
        for fieldname in self._text_fields(node.fieldname):
            docs = self._phrase_docs(fieldname, words, slop)
            if not len(docs):
                continue
            # A phrase scores as the sum of its words' scores, over the
            # documents that hold the phrase.
            total = self._zeros()
            for word in words:
                total += self._terms_in_field(fieldname, [word], [1.0]).score
            self.space.put(out.mask, docs, True)
            self.space.add(out.score, docs, self.space.take(total, docs))
            self._mark(fieldname, words, positive)
        return out

    def linked_phrase(self, node: LinkedPhrase, positive: bool) -> Matches:
        """Adjacent links, each a word or a pattern's expansions (``Coca-Co*``).

        Evaluated as a phrase whose link positions are the union of the
        link's words' positions; scored as the sum of each link's words
        scored as one term, over the documents holding the chain. Only the
        words that occur in a chain somewhere are scored and marked:
        ``Iran-Con*`` marks ``contra``, not every ``concern`` of the story.
        """
        out = self._empty()
        if self._facet_field(node.fieldname):
            return out
        for fieldname in self._text_fields(node.fieldname):
            links = [self._link_terms(fieldname, link) for link in node.links]
            if not all(links):
                continue
            key = ("linked", fieldname, tuple(links))
            keys: np.ndarray = self._remember(key, partial(self._find_phrase, fieldname, links, 1))
            docs = _distinct(keys >> 32)
            if not len(docs):
                continue
            total = self._zeros()
            marked: list[str] = []
            for i, terms in enumerate(links):
                # Adjacent links: link i of a chain ending at key k is at k - (last - i).
                used = self._terms_at(fieldname, terms, keys - (len(links) - 1 - i))
                total += self._terms_in_field(fieldname, used, [1.0] * len(used)).score
                marked.extend(used)
            self.space.put(out.mask, docs, True)
            self.space.add(out.score, docs, self.space.take(total, docs))
            self._mark(fieldname, marked, positive)
        return out

    def _terms_at(self, fieldname: str, terms: tuple[str, ...], at: np.ndarray) -> list[str]:
        """The ``terms`` occurring at one of the sorted keys ``at`` at least once."""
        if len(terms) == 1:
            return list(terms)
        used = []
        for term in terms:
            docs, positions = self.snap.positions(fieldname, term)
            if _members((docs << 32) + positions, at).any():
                used.append(term)
        return used

    def _link_terms(self, fieldname: str, link: wq.Query) -> tuple[str, ...]:
        """The index words one link of a :class:`LinkedPhrase` stands for."""
        if isinstance(link, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            terms: list[str] = self._remember(
                ("expand", fieldname, repr(link)), partial(self._expand, fieldname, link)
            )
            return tuple(terms)
        return (str(getattr(link, "text", "")),)

    def _phrase_docs(self, fieldname: str, words: list[str], slop: int) -> np.ndarray:
        """Documents where ``words`` occur in order, each within ``slop``
        positions after the previous one (1: adjacent), as Whoosh's Phrase."""
        return _distinct(self._phrase_keys(fieldname, words, slop) >> 32)

    def _phrase_keys(self, fieldname: str, words: list[str], slop: int) -> np.ndarray:
        key = ("phrase", fieldname, tuple(words), slop)
        links: list[tuple[str, ...]] = [(word,) for word in words]
        keys: np.ndarray = self._remember(key, lambda: self._find_phrase(fieldname, links, slop))
        return keys

    def _find_phrase(self, fieldname: str, links: list[tuple[str, ...]], slop: int) -> np.ndarray:
        """Sorted ``doc << 32 | position`` of each occurrence of the phrase's last link.

        Each link is one word or several (a pattern's expansions, any of
        which fills the link). Each word's occurrences are keys
        ``doc << 32 | position``, already sorted because postings are; the
        chain of occurrences is followed with binary searches between
        sorted key arrays, with no sort on the hot path but the merge of a
        link's several words.
        """
        chain: np.ndarray | None = None
        within = self._phrase_candidates(fieldname, links)
        for link in links:
            keys = self._link_keys(fieldname, link, chain, within)
            if chain is not None:
                hit = np.zeros(len(keys), dtype=bool)
                for distance in range(1, slop + 1):
                    hit |= _members(keys - distance, chain)
                keys = keys[hit]
            chain = keys
            if not len(chain):
                break
            self.budget.check()
        return chain if chain is not None else np.zeros(0, np.int64)

    def _phrase_candidates(self, fieldname: str, links: list[tuple[str, ...]]) -> np.ndarray | None:
        """Mask (over the snapshot) of the documents holding a word of every
        link, when the links' postings are many; else None (every document).

        A phrase occurs only there, so only their positions need reading:
        ``interest rates`` at 100x reads the positions of the two words in
        the few percent of stories holding both, not their millions in
        every story (the same keys in the end, in the same order).
        """
        if len(links) < 2:
            return None
        postings = [[self.snap.postings(fieldname, term)[0] for term in link] for link in links]
        if sum(len(docs) for link in postings for docs in link) < self.snap.size * PHRASE_SHARE:
            return None
        within: np.ndarray | None = None
        for link in postings:
            here = np.zeros(self.snap.size, dtype=bool)
            for docs in link:
                here[docs] = True
            if within is None:
                within = here
            else:
                within &= here
        return within

    def _term_positions(
        self, fieldname: str, term: str, within: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(docs, positions) of ``term``; only in the documents of ``within`` (a mask)."""
        if within is None:
            return self.snap.positions(fieldname, term)
        return self.snap.positions_in(fieldname, term, within)

    def _link_keys(
        self,
        fieldname: str,
        link: tuple[str, ...],
        chain: np.ndarray | None,
        within: np.ndarray | None = None,
    ) -> np.ndarray:
        """Sorted keys of a link's words (only in the documents of ``within``, when
        given); of a pattern's words, only in the documents the chain so far
        reached (its words can be many and common)."""
        if len(link) == 1:
            docs, positions = self._term_positions(fieldname, link[0], within)
            return (docs << 32) + positions
        chain_docs = _distinct(chain >> 32) if chain is not None else None
        parts = []
        for term in link:
            docs, positions = self._term_positions(fieldname, term, within)
            if chain_docs is not None:
                keep = _members(docs, chain_docs)
                docs, positions = docs[keep], positions[keep]
            if len(docs):
                parts.append((docs << 32) + positions)
            self.budget.check()
        if not parts:
            return np.zeros(0, dtype=np.int64)
        # Each part is sorted: a stable sort merges the runs in near-linear time.
        return np.sort(np.concatenate(parts), kind="stable")

    def _facet_values(
        self,
        fieldname: str,
        word_test: Callable[[str], bool],
        seq: tuple[str, ...] = (),
        positive: bool = True,
        key: tuple[Any, ...] = (),
    ) -> Matches:
        """Documents whose ``fieldname`` value has a word passing ``word_test``.

        With ``seq`` (a phrase), the value must hold those words in order.
        ``key`` names the test (its values are looked up once per evaluator).
        Values are found through a per-snapshot index from words to values,
        so the test runs once per distinct word, not once per value. Matches
        on an entity are scored by how central it is to each story
        (:meth:`_centrality`); other facets score ``facet_weight``.
        """
        pairs = self.snap.facets[fieldname]
        ids: set[int] = self._remember(
            ("values", fieldname, key), lambda: self._value_ids_passing(fieldname, word_test, seq)
        )
        out = self._empty()
        if ids:
            docs = pairs.docs[pairs_holding(pairs, np.fromiter(ids, dtype=np.int32))]
            self.space.put(out.mask, docs, True)
            self.space.put(out.score, docs, np.float32(self.ranking.facet_weight))
            facet = ENTITY_FIELDS.get(fieldname)
            if facet is not None:
                forms = {f for i in sorted(ids) for f in surface_forms(facet, pairs.values[i])}
                if len(forms) <= MAX_ENTITY_FORMS:
                    out.score += self._centrality(forms, out.mask)
                    if positive:
                        self._mark_forms(forms)
        return out

    def _value_ids_passing(
        self, fieldname: str, word_test: Callable[[str], bool], seq: tuple[str, ...]
    ) -> set[int]:
        pairs = self.snap.facets[fieldname]
        ids: set[int] = set()
        for word, value_ids in _value_word_index(self.snap, fieldname).items():
            if word_test(word):
                ids.update(value_ids)
        if seq:
            ids = {i for i in ids if _contains(_value_words(pairs.values[i]), seq)}
        return ids

    def _mark_forms(self, forms: set[tuple[str, ...]]) -> None:
        for fieldname in F.TEXT_FIELDS:
            self._mark(fieldname, {f[0] for f in forms if len(f) == 1}, True)
            self.result.phrases.setdefault(fieldname, set()).update(f for f in forms if len(f) > 1)

    def _form_keys(
        self, fieldname: str, forms: set[tuple[str, ...]], mask: np.ndarray
    ) -> np.ndarray:
        """Sorted, distinct position keys of any of ``forms`` in the documents of ``mask``."""
        parts = []
        wanted: np.ndarray | None = None
        for form in forms:
            if len(form) == 1:
                # Only the positions in the documents of the mask are read
                # (a common name's are millions at 100x).
                if wanted is None:
                    wanted = self.space.expand(mask)
                docs, positions = self.snap.positions_in(fieldname, form[0], wanted)
                if len(docs):
                    parts.append((docs << 32) + positions)
                continue
            keys = self._phrase_keys(fieldname, list(form), 1)
            if len(keys):
                parts.append(keys[self.space.take(mask, keys >> 32)])
        if not parts:
            return np.zeros(0, dtype=np.int64)
        # Each part is sorted: a stable sort merges the runs, then one pass drops repeats.
        return _distinct(np.sort(np.concatenate(parts), kind="stable"))

    def entity_centrality(self, fieldname: str, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """How central the entity whose values are ``ids`` of ``fieldname`` is to each story.

        The same measure an entity search ranks by (:meth:`_centrality`), for
        callers that already hold the entity's stories (its page); zero for
        a field that is not an entity kind or a name with too many spellings.
        """
        facet = ENTITY_FIELDS.get(fieldname)
        if facet is None:
            return self._zeros()
        pairs = self.snap.facets[fieldname]
        forms = {f for i in sorted(ids.tolist()) for f in surface_forms(facet, pairs.values[i])}
        if not forms or len(forms) > MAX_ENTITY_FORMS:
            return self._zeros()
        return self._centrality(forms, mask)

    def _centrality(self, forms: set[tuple[str, ...]], mask: np.ndarray) -> np.ndarray:
        """How central an entity named ``forms`` is to each story of ``mask``.

        Read from the positions of its names in the index, never from the
        stored text: named in the title; named in the lead; how often
        (saturating like BM25's term frequency); how early. A story tagged
        with the entity that never names it scores nothing here.
        """
        r = self.ranking
        score = self._zeros()
        if not mask.any():
            # Nothing to score (the sparse path's first pass, which only
            # records the documents leaves touch, always lands here).
            return score
        title = self._form_keys(F.TITLE, forms, mask)
        if len(title):
            self.space.add(score, _distinct(title >> 32), np.float32(r.entity_title))
        body = self._form_keys(F.BODY, forms, mask)
        if len(body):
            docs, first, tf = _runs(body >> 32)
            position = (body[first] & 0xFFFFFFFF).astype(np.float32)
            tf = tf.astype(np.float32)
            add = self.space.add
            add(score, docs, np.float32(r.entity_frequency) * tf / (tf + np.float32(r.k1)))
            add(score, docs, 1.0 / (1.0 + position / np.float32(20.0)))
            add(score, docs, np.where(position < r.lead_words, np.float32(r.entity_lead), 0))
        self.budget.check()
        return score

    def conjunction(self, node: wq.And, positive: bool) -> Matches:
        if node is self._soft and sum(map(_is_soft_word, node.subqueries)) > 1:
            return self._soft_conjunction(node, positive)
        out = Matches(self.space.live.copy(), self._zeros())
        word_masks: dict[str, np.ndarray] = {}
        for child in node.subqueries:
            part = self.evaluate(child, positive)
            out.mask &= part.mask
            out.score += part.score
            if _is_plain_word(child):
                word_masks[child.text] = part.mask
        if positive:
            self._add_pair_scores(node, out, word_masks)
        return out

    def _soft_conjunction(self, node: wq.And, positive: bool) -> Matches:
        """Soft AND: documents with at least half of the words (and every
        other clause), ranked by how many words they have, then by score.

        Records, for the ordering and the response, each document's count of
        matched words (``tier``) and who matched every one (``all_words``).
        Scores are scaled by the share of words matched (Lucene's "coord"),
        so a story lacking words also shows a lower score. Compound words
        and other clauses (``Iran-Contra``, ``person:volcker``, ``-iran``)
        stay required.
        """
        out = Matches(self.space.live.copy(), self._zeros())
        matched = np.zeros(self.space.size, dtype=np.int16)
        soft = 0
        word_masks: dict[str, np.ndarray] = {}
        for child in node.subqueries:
            part = self.evaluate(child, positive)
            out.score += part.score
            if _is_soft_word(child):
                soft += 1
                matched += part.mask
            else:
                out.mask &= part.mask
            if _is_plain_word(child):
                word_masks[child.text] = part.mask
        out.mask &= matched >= (soft + 1) // 2
        if positive:
            self._add_pair_scores(node, out, word_masks)
        share = matched.astype(np.float32) / np.float32(soft)
        out.score *= share ** np.float32(self.ranking.coordination)
        self.result.all_words = out.mask & (matched == soft)
        if self.ranking.soft_and_tiers:
            self.result.tier = np.where(out.mask, matched, 0).astype(np.int16)
        return out

    def disjunction(self, node: wq.Or, positive: bool) -> Matches:
        out = self._empty()
        word_masks: dict[str, np.ndarray] = {}
        for child in node.subqueries:
            part = self.evaluate(child, positive)
            out.mask |= part.mask
            out.score += part.score
            if _is_plain_word(child):
                word_masks[child.text] = part.mask
        if self.ranking.coordination and len(word_masks) > 1:
            # Documents with more of the words first (Lucene's classic "coord").
            matched = np.sum(list(word_masks.values()), axis=0, dtype=np.float32)
            share = matched / np.float32(len(word_masks))
            out.score *= share ** np.float32(self.ranking.coordination)
        if positive:
            self._add_pair_scores(node, out, word_masks)
        return out

    # -- several-word queries: phrase and proximity ---------------------------------

    def _add_pair_scores(
        self, node: wq.Query, out: Matches, word_masks: dict[str, np.ndarray]
    ) -> None:
        """Score neighbouring query words found close together, in matching documents.

        Each pair of neighbouring plain words (``interest rates``) is scored
        like one more BM25 term whose frequency is the number of times the two
        words (or their stem variants) occur within ``proximity_window`` words
        of each other: a story about interest rates outranks one that mentions
        interest and, paragraphs later, rates. Only positions in matching
        documents that hold both words are read, and the work is numpy over
        those positions (a merge and a binary search per pair), with no loop
        over documents. The pair's document frequency is counted in the same
        documents: exact for two words, a lower bound under AND of more.
        """
        r = self.ranking
        if not r.proximity_boost:
            return
        pairs = _word_pairs(node)
        if not pairs:
            return
        bonus = self._zeros()
        masks = [out.mask & word_masks[left] & word_masks[right] for left, right in pairs]
        # A word in two pairs (``minister`` in "oil minister said") has its
        # positions gathered once, in the documents of either pair, and
        # each pair keeps those in its own documents (the same keys, in the
        # same order, as gathering them for each pair).
        wider, shared = _pair_word_masks(pairs, masks)
        gathered: dict[tuple[str, str], np.ndarray] = {}

        def keys_of(fieldname: str, word: str, both: np.ndarray) -> np.ndarray:
            if word not in shared:
                return self._position_keys(fieldname, word, both)
            if (fieldname, word) not in gathered:
                gathered[fieldname, word] = self._position_keys(fieldname, word, wider[word])
            keys = gathered[fieldname, word]
            return keys[self.space.expand(both)[keys >> 32]]

        for (left, right), both in zip(pairs, masks, strict=True):
            if not both.any():
                continue
            for fieldname in F.TEXT_FIELDS:
                lk = keys_of(fieldname, left, both)
                rk = keys_of(fieldname, right, both)
                if not len(lk) or not len(rk):
                    continue
                hits = _near(lk, rk, int(r.proximity_window))
                weight = np.float32(r.proximity_boost * r.field_weight(fieldname))
                bonus += self._pair_bm25(fieldname, hits) * weight
            self.budget.check()
        out.score += bonus

    def _position_keys(self, fieldname: str, word: str, docs_mask: np.ndarray) -> np.ndarray:
        """Sorted ``doc << 32 | position`` of ``word`` and its stem variants in ``docs_mask``."""
        parts = []
        # Only the positions in the documents of the mask are gathered
        # (Snapshot.positions_in): a common word has millions at 100x.
        wanted = self.space.expand(docs_mask)
        for term in self._word_terms(fieldname, word, expand=True)[0]:
            docs, positions = self.snap.positions_in(fieldname, term, wanted)
            if len(docs):
                parts.append((docs << 32) + positions)
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        # Each part is sorted: a stable sort merges the runs in near-linear time.
        return np.sort(np.concatenate(parts), kind="stable")

    def _pair_bm25(self, fieldname: str, hits: np.ndarray) -> np.ndarray:
        """BM25 over all documents of the pair occurrences ``hits`` (position keys)."""
        out = self._zeros()
        if len(hits):
            docs, _, tf = _runs(hits >> 32)
            self.space.put(out, docs, self._bm25(fieldname, docs, tf.astype(np.float32), len(docs)))
        return out

    def negation(self, node: wq.Not, positive: bool) -> Matches:
        part = self.evaluate(node.query, not positive)
        return Matches(~part.mask & self.space.live, self._zeros())

    def and_not(self, node: wq.AndNot, positive: bool) -> Matches:
        a = self.evaluate(node.a, positive)
        b = self.evaluate(node.b, not positive)
        a.mask &= ~b.mask
        return a

    def and_maybe(self, node: wq.AndMaybe, positive: bool) -> Matches:
        a = self.evaluate(node.a, positive)
        b = self.evaluate(node.b, positive)
        a.score += np.where(a.mask, b.score, 0).astype(np.float32)
        return a

    def require(self, node: wq.Require, positive: bool) -> Matches:
        a = self.evaluate(node.a, positive)
        b = self.evaluate(node.b, positive)
        a.mask &= b.mask
        return a

    def every(self, node: wq.Query, positive: bool) -> Matches:
        return Matches(self.space.live.copy(), self._zeros())

    def null(self, node: wq.Query, positive: bool) -> Matches:
        return self._empty()

    def run(
        self,
        node: wq.Query,
        soft: bool = False,
        quoted: frozenset[str] = frozenset(),
        typed: str = "",
    ) -> Evaluation:
        """Evaluate ``node``; with ``soft``, its top-level AND of words is a soft AND.

        ``quoted``: words the user put in quotes, which the parser turns into
        plain words when alone (``"percent"``); they are never expanded.
        ``typed``: the query as typed, where known entities are looked for.
        """
        self._soft = _top_conjunction(node) if soft else None
        self._quoted = quoted
        if self.snap.size >= pool.PARALLEL_MIN_DOCS:
            self._prefetch(node)
        docs = None
        if self.path != "dense" and (self.path == "sparse" or self.snap.size >= SPARSE_MIN_DOCS):
            # First pass over the rest alone: which documents the leaves touch.
            self.space = Space(self.snap, np.zeros(0, dtype=np.int64), collect=True)
            self._run(node, typed)
            docs = choose_path(self.path, self.snap.size, self.space.touched)
            self.result = Evaluation(np.zeros(0, dtype=bool), np.zeros(0, dtype=np.float32))
        self.space = Space(self.snap, docs)
        try:
            return self._run(node, typed)
        finally:
            self.space = Space(self.snap, None)

    def _prefetch(self, node: wq.Query) -> None:
        """Score the query's words in the thread pool, each word and field at once.

        What :meth:`_word` will ask :meth:`_terms_in_field` for (each text
        field's terms of each word, and their newswire spellings), computed
        by the same function ahead of the walk and remembered as it would
        remember them: the BM25 of a common word's postings (millions at
        100x) is numpy work that releases the GIL, so two words, or a word's
        body and title, are scored on both cores.
        """
        wanted: dict[tuple[Any, ...], tuple[str, list[str], list[float]]] = {}
        for leaf in _leaves(node):
            if not isinstance(leaf, wq.Term) or self._facet_field(leaf.fieldname):
                continue
            expand = _is_plain_word(leaf) and leaf.text not in self._quoted
            for fieldname in self._text_fields(leaf.fieldname):
                terms, weights = self._word_terms(fieldname, leaf.text, expand=False)
                found = [(terms, weights)]
                spellings = self._spellings(fieldname, leaf.text) if expand else []
                if spellings:
                    found.append((spellings, [1.0] * len(spellings)))
                for terms, weights in found:
                    key = ("terms", fieldname, tuple(terms), tuple(weights))
                    if key not in self._memo:
                        wanted[key] = (fieldname, terms, weights)
        if len(wanted) < 2:
            return
        jobs = [partial(self._term_scores, *args) for args in wanted.values()]
        results = pool.start(jobs, parallel=True)()
        for key, value in zip(wanted, results, strict=True):
            # _term_scores adds no notice: nothing to add again on reuse.
            self._memo[key] = (value, [])

    @property
    def sparse(self) -> bool:
        """Whether the evaluation in progress is sparse (for tests and benchmarks)."""
        return self.space.sparse

    def _run(self, node: wq.Query, typed: str) -> Evaluation:
        space = self.space
        matches = self.evaluate(node)
        if typed and self.result.words and self.ranking.entity_query_weight:
            matches.score += self._entity_boost(typed, matches.mask & space.live)
        result = self.result
        if space.collect:
            return result
        result.mask = matches.mask & space.live
        result.covered = space.size - space.sparse
        if space.sparse:
            rest = bool(result.mask[-1])
            result.mask = space.expand(result.mask)
            if rest:  # the rest's slot stands for its live documents only
                result.mask &= self.snap.live
            result.path = "sparse"
        if result.all_words is not None:
            result.all_words = space.expand(result.all_words) & result.mask
        if result.tier is not None:
            result.tier = space.expand(result.tier)
        result.score = matches.score
        if self.ranking.recency_weight:
            result.score = result.score * self._recency()
        result.score = space.expand(result.score)
        return result

    def _entity_boost(self, typed: str, mask: np.ndarray) -> np.ndarray:
        """Centrality of the entities the plain words name, in the matching stories."""
        boost = self._zeros()
        for fieldname, value in _named_entities(_FIELD_CLAUSE.sub(" ", typed)):
            value_id = _value_ids(self.snap, fieldname).get(value)
            if value_id is None:
                continue
            pairs = self.snap.facets[fieldname]
            # Once for both passes of a sparse evaluation (millions of pairs at 100x).
            docs = self._remember(
                ("entity-docs", fieldname, value_id),
                partial(_docs_with_value, pairs, value_id),
            )
            if len(docs) > self.ranking.entity_query_max_share * self.snap.doc_count:
                continue
            tagged = self._empty_mask()
            self.space.put(tagged, docs, True)
            tagged &= mask
            if tagged.any():
                forms = set(surface_forms(ENTITY_FIELDS[fieldname], value))
                boost += self._centrality(forms, tagged)
                self._mark_forms(forms)
        return boost * np.float32(self.ranking.entity_query_weight)

    def _recency(self) -> np.ndarray:
        """Per-document score factor for the optional recency boost.

        Age is counted back from the newest article of the index, not from
        today, so an archive of 1987 still favours its own latest news.
        """
        r = self.ranking
        everywhere = self.snap.date_ts
        if not (everywhere != F.UNDATED).any():
            return np.ones(self.space.size, dtype=np.float32)
        newest = everywhere[everywhere != F.UNDATED].max()
        dates = self.space.gather(everywhere)
        if self.space.sparse:
            dates[-1] = F.UNDATED
        dated = dates != F.UNDATED
        age = np.maximum(newest - dates, 0) / 86400.0
        factor = 1.0 + r.recency_weight * np.exp2(-age / max(r.recency_half_life, 1e-6))
        return np.where(dated, factor, 1.0).astype(np.float32)


def _pair_word_masks(
    pairs: list[tuple[str, str]], masks: list[np.ndarray]
) -> tuple[dict[str, np.ndarray], set[str]]:
    """Per word of the pairs, the documents of every pair it is in; and the
    words in more than one pair."""
    wider: dict[str, np.ndarray] = {}
    shared: set[str] = set()
    for (left, right), both in zip(pairs, masks, strict=True):
        for word in (left, right):
            if word in wider:
                wider[word] = wider[word] | both
                shared.add(word)
            else:
                wider[word] = both
    return wider, shared


def _docs_with_value(pairs: Any, value_id: int) -> np.ndarray:
    """The documents of a facet's pairs holding one value."""
    return pairs.docs[pairs.value_ids == value_id]  # type: ignore[no-any-return]


def _leaves(node: wq.Query) -> Iterator[wq.Query]:
    """The leaves of a query tree (its nodes without subqueries), depth first."""
    if node.is_leaf():
        yield node
        return
    for child in node.children():
        yield from _leaves(child)


def _is_plain_word(node: wq.Query) -> TypeGuard[wq.Term]:
    """A word typed without field, quotes or wildcards."""
    return type(node) is wq.Term and node.fieldname == DEFAULT_FIELD


_SOFT_TYPES = (
    wq.Term,
    wq.Phrase,
    wq.Prefix,
    wq.Wildcard,
    wq.FuzzyTerm,
    Compound,
    LinkedPhrase,
)


def _is_soft_word(node: wq.Query) -> bool:
    """A clause a soft AND may leave out: a word, phrase or pattern of the default field."""
    return type(node) in _SOFT_TYPES and getattr(node, "fieldname", None) == DEFAULT_FIELD


def _top_conjunction(node: wq.Query) -> wq.Query | None:
    """The AND of the query's words (``oil opec -iran``: ``oil opec``), if any."""
    if isinstance(node, wq.AndNot):
        node = node.a
    return node if isinstance(node, wq.And) else None


def _word_pairs(node: wq.Query) -> list[tuple[str, str]]:
    """Neighbouring plain words of an AND/OR node (``oil price -opec``: oil, price)."""
    children = list(getattr(node, "subqueries", ()))
    return [
        (a.text, b.text)
        for a, b in pairwise(children)
        if _is_plain_word(a) and _is_plain_word(b) and a.text != b.text
    ]


def _near(left: np.ndarray, right: np.ndarray, window: int) -> np.ndarray:
    """The keys of ``right`` with a key of ``left`` within ``window`` (same document).

    Both are sorted ``doc << 32 | position`` keys, so the nearest left key
    on either side is found by one binary search, and keys of different
    documents are always more than ``window`` apart.
    """
    idx = np.searchsorted(left, right)
    before = right - left[np.maximum(idx - 1, 0)]
    after = left[np.minimum(idx, len(left) - 1)] - right
    before = np.where(idx > 0, before, window + 1)
    after = np.where(idx < len(left), after, window + 1)
    gap = np.minimum(np.abs(before), np.abs(after))
    return right[(gap <= window) & (gap > 0)]


#: Above this many postings per document of the index (times it), several
#: terms' postings are merged by counting over the index (a ``bincount``
#: and a bitmap: linear) rather than by sorting (:func:`_merge_postings`).
MERGE_BY_COUNT_SHARE = 0.05


def bm25(
    idf: np.float64, tf: np.ndarray, lengths: np.ndarray, k1: float, b: float, average: float
) -> np.ndarray:
    """float32 BM25 of postings with frequencies ``tf`` (float32) in documents of
    ``lengths`` (float32, a fresh array: it is overwritten).

    ``(idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths / average)))``
    computed in place, the same operations on the same types in the same
    order (hence the same bits): a common word's postings are millions at
    100x, and each temporary array costs as much as the arithmetic.
    """
    norm = lengths
    norm *= b
    norm /= average
    norm += 1.0 - b
    norm *= k1
    norm += tf
    scores = idf * tf
    scores *= k1 + 1.0
    scores /= norm
    return scores.astype(np.float32)


def _merge_postings(
    docs: np.ndarray, tf: np.ndarray, size: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct documents of several terms' concatenated postings, frequencies summed.

    Each term's postings are sorted: a stable sort merges the runs (timsort,
    near-linear) where ``np.unique`` sorted from scratch; the frequencies are
    summed in float64 in the order ``np.bincount`` summed them, so the
    float32 result is the same bit for bit. With ``size`` (the documents of
    the index: every doc is below it) and postings many enough, they are
    counted into arrays of the index instead, the same sums in the same order.
    """
    if not len(docs):
        return docs, tf.astype(np.float32)
    if size and len(docs) > MERGE_BY_COUNT_SHARE * size:
        sums = np.bincount(docs, weights=tf.astype(np.float64), minlength=size)
        seen = np.zeros(size, dtype=bool)
        seen[docs] = True
        merged = np.flatnonzero(seen)
        return merged, sums[merged].astype(np.float32)
    order = np.argsort(docs, kind="stable")
    merged, first, _ = _runs(docs[order])
    return merged, np.add.reduceat(tf[order].astype(np.float64), first).astype(np.float32)


def _starts_of_runs(sorted_values: np.ndarray) -> np.ndarray:
    """Mask of the first element of each run of equal values (input sorted ascending)."""
    first = np.empty(len(sorted_values), dtype=bool)
    first[:1] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=first[1:])
    return first


def _distinct(sorted_values: np.ndarray) -> np.ndarray:
    """``np.unique`` of an array already sorted (position keys, postings): one pass, no sort."""
    return sorted_values[_starts_of_runs(sorted_values)]


def _runs(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct values, first index and count of each (``np.unique`` of a sorted array)."""
    first = np.flatnonzero(_starts_of_runs(sorted_values))
    counts = np.diff(first, append=len(sorted_values))
    return sorted_values[first], first, counts


def _members(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Mask of ``values`` found in ``sorted_keys`` (both sorted ascending)."""
    if not len(sorted_keys):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_keys, values)
    at[at == len(sorted_keys)] = 0
    return sorted_keys[at] == values


def _contains(words: tuple[str, ...], seq: tuple[str, ...]) -> bool:
    width = len(seq)
    return any(words[i : i + width] == seq for i in range(len(words) - width + 1))


#: How each kind of query node is evaluated (subclasses fall back to a parent).
_HANDLERS: dict[type, Callable[[Evaluator, Any, bool], Matches]] = {
    wq.Term: Evaluator.term,
    wq.Phrase: Evaluator.phrase,
    LinkedPhrase: Evaluator.linked_phrase,
    wq.FuzzyTerm: Evaluator.pattern,
    wq.Prefix: Evaluator.pattern,
    wq.Wildcard: Evaluator.pattern,
    wq.And: Evaluator.conjunction,
    wq.Or: Evaluator.disjunction,
    wq.Not: Evaluator.negation,
    wq.AndNot: Evaluator.and_not,
    wq.AndMaybe: Evaluator.and_maybe,
    wq.Require: Evaluator.require,
    wq.Every: Evaluator.every,
    type(wq.NullQuery): Evaluator.null,
}
