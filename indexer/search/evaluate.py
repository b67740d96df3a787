"""Evaluate a parsed query over a snapshot with numpy: which documents match
and how well.

Every node of the Whoosh query tree becomes a pair of dense arrays over all
documents of the snapshot: a boolean match mask and a float32 score. Boolean
operators are then element-wise operations, and a result set of any size
costs the same few vector operations: this is what keeps a full search
response (ranking, facets, timeline) within milliseconds on a pure-Python
index.

Scoring is BM25 per field, summed over the title and body with field
weights (see :class:`Ranking`). A plain word also matches the other words of
the index that share its stem (``rates`` finds ``rate`` and ``rating``);
quoted phrases match exact words in order.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from fnmatch import translate
from functools import lru_cache
from itertools import pairwise

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract
from whoosh import query as wq

from indexer import schema as F
from indexer.analysis import stem
from indexer.errors import SearchBudgetError, SearchRequestError
from indexer.search.query import DEFAULT_FIELD, value_analyzer
from indexer.search.snapshot import Snapshot

#: Most terms a prefix, wildcard or fuzzy term may expand to (the most
#: frequent ones are kept, and a notice says so).
MAX_EXPANSION = 200
#: Longest proximity window accepted for ``"a b"~N``.
MAX_SLOP = 20


@dataclass(frozen=True, slots=True)
class Ranking:
    """Ranking parameters; defaults chosen with ``bench/relevance.py``."""

    k1: float = 1.2
    b: float = 0.75
    title_weight: float = 2.0
    body_weight: float = 1.0
    #: Weight of a match on an entity, dateline or source value.
    facet_weight: float = 1.0
    #: Extra weight for documents matching a several-word query as a phrase
    #: (in the body or title), in multiples of the matched terms' score.
    phrase_boost: float = 0.0
    #: Fraction of a term's score its stem variants get (exact form = 1.0).
    variant_weight: float = 0.9

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


class Budget:
    """A per-request deadline, checked between units of work."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.perf_counter() + seconds
        self.seconds = seconds

    def check(self) -> None:
        if time.perf_counter() > self.deadline:
            raise SearchBudgetError(
                f"the query took longer than {self.seconds:g} s to evaluate; "
                "make it more specific (fewer wildcards or fuzzy terms)"
            )


@lru_cache(maxsize=4096)
def _value_words(value: str) -> tuple[str, ...]:
    return tuple(token.text for token in value_analyzer()(value))


class Evaluator:
    """Evaluates query trees against one snapshot (one instance per search)."""

    def __init__(self, snap: Snapshot, ranking: Ranking, budget: Budget) -> None:
        self.snap = snap
        self.ranking = ranking
        self.budget = budget
        self.n = snap.size
        self.result = Evaluation(self._empty_mask(), self._zeros())

    # -- helpers -----------------------------------------------------------------

    def _empty_mask(self) -> np.ndarray:
        return np.zeros(self.n, dtype=bool)

    def _zeros(self) -> np.ndarray:
        return np.zeros(self.n, dtype=np.float32)

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
        norm = r.k1 * (1.0 - r.b + r.b * lengths / max(self.snap.avg_length[fieldname], 1.0))
        return (idf * tf * (r.k1 + 1.0) / (tf + norm)).astype(np.float32)

    # -- term expansion ------------------------------------------------------------

    def variants(self, fieldname: str, word: str) -> list[str]:
        """Index words of ``fieldname`` sharing ``word``'s stem (``word`` first)."""
        if len(word) <= 3 or not word.isalpha():
            return [word]
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
        return [word, *found]

    def _expand_pattern(self, fieldname: str, node: wq.Query) -> list[str]:
        text = node.text
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
        vocab = self.snap.vocabulary(fieldname)
        prefix = word[: int(node.prefixlength)] if node.prefixlength else ""
        pool = vocab.with_prefix(prefix) if prefix else vocab.terms
        hits = extract(
            word, pool, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=MAX_EXPANSION * 4
        )
        self.budget.check()
        return self._most_frequent(fieldname, [term for term, _, _ in hits], node)

    def _most_frequent(self, fieldname: str, terms: list[str], node: wq.Query) -> list[str]:
        if len(terms) <= MAX_EXPANSION:
            return terms
        vocab = self.snap.vocabulary(fieldname)
        kept = sorted(terms, key=vocab.frequency, reverse=True)[:MAX_EXPANSION]
        self.result.notices.append(
            f"'{node}' matches {len(terms):,} words; only the {MAX_EXPANSION} most "
            "frequent were searched"
        )
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
        doc_parts, tf_parts = [], []
        for term, weight in zip(terms, weights, strict=True):
            docs, tf = self.snap.postings(fieldname, term)
            if len(docs):
                doc_parts.append(docs)
                tf_parts.append(tf * np.float32(weight))
        out = self._empty()
        if not doc_parts:
            return out
        docs = np.concatenate(doc_parts)
        tf = np.concatenate(tf_parts)
        if len(doc_parts) > 1:
            docs, inverse = np.unique(docs, return_inverse=True)
            tf = np.bincount(inverse, weights=tf).astype(np.float32)
        scores = self._bm25(fieldname, docs, tf, len(docs))
        out.mask[docs] = True
        out.score[docs] = scores * np.float32(self.ranking.field_weight(fieldname))
        return out

    def term(self, node: wq.Term, positive: bool) -> Matches:
        facet = self._facet_field(node.fieldname)
        if facet:
            words = (node.text,)
            return self._facet_values(facet, lambda vw: any(w == words[0] for w in vw))
        out = self._empty()
        if node.fieldname == DEFAULT_FIELD and positive:
            self.result.words.append(node.text)
        for fieldname in self._text_fields(node.fieldname):
            terms = self.variants(fieldname, node.text)
            weights = [1.0] + [self.ranking.variant_weight] * (len(terms) - 1)
            part = self._terms_in_field(fieldname, terms, weights)
            if part.mask.any():
                self._mark(fieldname, terms, positive)
            out.mask |= part.mask
            out.score += part.score
        return out

    def pattern(self, node: wq.Query, positive: bool) -> Matches:
        facet = self._facet_field(node.fieldname)
        if facet:
            if isinstance(node, wq.FuzzyTerm):
                dist = int(node.maxdist)
                return self._facet_values(
                    facet,
                    lambda vw: any(Levenshtein.distance(w, node.text) <= dist for w in vw),
                )
            regex = re.compile(
                translate(node.text if not isinstance(node, wq.Prefix) else node.text + "*")
            )
            return self._facet_values(facet, lambda vw: any(regex.match(w) for w in vw))
        out = self._empty()
        for fieldname in self._text_fields(node.fieldname):
            if isinstance(node, wq.FuzzyTerm):
                terms = self._expand_fuzzy(fieldname, node)
            else:
                terms = self._expand_pattern(fieldname, node)
            part = self._terms_in_field(fieldname, terms, [1.0] * len(terms))
            if part.mask.any():
                self._mark(fieldname, terms, positive)
            out.mask |= part.mask
            out.score += part.score
        return out

    def phrase(self, node: wq.Phrase, positive: bool) -> Matches:
        words = [w for w in node.words if w]
        if len(words) == 1:
            return self.term(wq.Term(node.fieldname, words[0], boost=node.boost), positive)
        if not words:
            return self._empty()
        facet = self._facet_field(node.fieldname)
        if facet:
            seq = tuple(words)
            return self._facet_values(facet, lambda vw: _contains(vw, seq))
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
            out.mask[docs] = True
            out.score[docs] += total[docs]
            self._mark(fieldname, words, positive)
        return out

    def _phrase_docs(self, fieldname: str, words: list[str], slop: int) -> np.ndarray:
        """Documents where ``words`` occur in order (within ``slop`` if > 1)."""
        candidates = None
        for word in words:
            docs, _ = self.snap.postings(fieldname, word)
            candidates = docs if candidates is None else np.intersect1d(candidates, docs)
            if not len(candidates):
                return candidates
        assert candidates is not None
        keys = []
        for word in words:
            docs, positions = self.snap.positions(fieldname, word)
            keep = np.isin(docs, candidates)
            keys.append((docs[keep] << 32) + positions[keep])
        self.budget.check()
        if slop <= 1:
            common = keys[0]
            for offset, key in enumerate(keys[1:], start=1):
                common = np.intersect1d(common, key - offset)
            return np.unique(common >> 32)
        found = candidates
        for left, right in pairwise(keys):
            hits = [np.isin(right, left + d) for d in range(1, slop + 1)]
            hits += [np.isin(left, right + d) for d in range(1, slop + 1)]
            pair_docs = np.unique(
                np.concatenate(
                    [right[h] >> 32 for h in hits[:slop]] + [left[h] >> 32 for h in hits[slop:]]
                )
            )
            found = np.intersect1d(found, pair_docs)
        return found

    def _facet_values(self, fieldname: str, predicate) -> Matches:  # type: ignore[no-untyped-def]
        pairs = self.snap.facets[fieldname]
        ids = [i for i, value in enumerate(pairs.values) if predicate(_value_words(value))]
        out = self._empty()
        if ids:
            docs = pairs.docs[np.isin(pairs.value_ids, np.asarray(ids, dtype=np.int32))]
            out.mask[docs] = True
            out.score[docs] = np.float32(self.ranking.facet_weight)
        return out

    def conjunction(self, node: wq.And, positive: bool) -> Matches:
        out = Matches(self.snap.live.copy(), self._zeros())
        for child in node.subqueries:
            part = self.evaluate(child, positive)
            out.mask &= part.mask
            out.score += part.score
        return out

    def disjunction(self, node: wq.Or, positive: bool) -> Matches:
        out = self._empty()
        for child in node.subqueries:
            part = self.evaluate(child, positive)
            out.mask |= part.mask
            out.score += part.score
        return out

    def negation(self, node: wq.Not, positive: bool) -> Matches:
        part = self.evaluate(node.query, not positive)
        return Matches(~part.mask & self.snap.live, self._zeros())

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
        return Matches(self.snap.live.copy(), self._zeros())

    def null(self, node: wq.Query, positive: bool) -> Matches:
        return self._empty()

    def run(self, node: wq.Query) -> Evaluation:
        matches = self.evaluate(node)
        self.result.mask = matches.mask & self.snap.live
        self.result.score = matches.score
        return self.result


def _contains(words: tuple[str, ...], seq: tuple[str, ...]) -> bool:
    width = len(seq)
    return any(words[i : i + width] == seq for i in range(len(words) - width + 1))


_HANDLERS = {
    wq.Term: Evaluator.term,
    wq.Phrase: Evaluator.phrase,
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
