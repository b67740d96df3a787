"""What is unusual in a result set: significant words, phrases and entities.

For the current result set (the foreground) against the whole archive (the
background), each candidate gets Elasticsearch's default JLH score::

    fg% = foreground documents with it / foreground documents
    bg% = archive documents with it / archive documents
    JLH = (fg% - bg%) * (fg% / bg%)        (only where fg% > bg%)

The first factor rewards a large absolute rise, the second a large relative
one, so neither a word in every story ("said") nor a one-off typo wins.

* Entities (people, organizations, places) are counted over the whole
  result set from the facet arrays (one ``bincount`` each).
* Words and two-word phrases need the stories' text: they are counted over
  a sample, the :data:`SAMPLE` best-ranked stories, title and lead
  (:data:`TEXT_CHARS`; Elasticsearch's ``sampler`` does the same to bound
  the cost). A phrase's archive count is exact (from positions) for the
  :data:`PHRASE_CANDIDATES` most frequent phrases of the sample; phrases
  with a word found in most stories (:data:`COMMON_SHARE`) are boilerplate
  and left out.
* Wire copies would count once per copy (``filter_duplicate_text`` in
  Elasticsearch): the foreground holds one story per near-duplicate cluster.
* A candidate needs :data:`MIN_COUNT` foreground stories; the query's own
  words and the selected filter values are left out (they are the question,
  not the answer).
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from indexer import schema as F
from indexer.analysis import analyze_word
from indexer.search import clusters as cl
from indexer.search import facets as fc
from indexer.search.snapshot import Snapshot

#: Stories whose text is read for words and phrases.
SAMPLE = 50
#: Items per kind.
LIMIT = 20
#: Least foreground stories a candidate needs.
MIN_COUNT = 3
#: Phrases whose archive frequency is computed exactly.
PHRASE_CANDIDATES = 8
#: A phrase with a word in more than this share of all stories ("officials
#: said", "mln dlrs") is wire boilerplate, not a finding; leaving such
#: phrases out also spares reading the positions of the commonest words.
COMMON_SHARE = 0.25
#: Kinds of entity, as facet fields and JSON keys.
ENTITY_KINDS = (("people", F.PEOPLE), ("organizations", F.ORGANIZATIONS), ("places", F.PLACES))

_WORD_RE = re.compile(r"[\w'.’-]+")
#: Characters of a story's body read for words and phrases: the lead, where
#: news copy puts what the story is about (and a bound on long documents).
TEXT_CHARS = 1500


@lru_cache(maxsize=200_000)
def _term(raw: str) -> str | None:
    """The index term of one raw word, if it is a word worth listing (cached)."""
    term = analyze_word(raw.strip(".-'’"))
    if term is None or not term.isalpha() or len(term) < 3:
        return None
    return term


@dataclass(frozen=True, slots=True)
class SignificantItem:
    """A word, phrase or entity value, its JLH score and foreground count."""

    value: str
    score: float
    count: int


@dataclass(frozen=True, slots=True)
class Significant:
    """The answer of ``/api/significant``."""

    terms: tuple[SignificantItem, ...] = ()
    people: tuple[SignificantItem, ...] = ()
    organizations: tuple[SignificantItem, ...] = ()
    places: tuple[SignificantItem, ...] = ()
    #: Stories in the foreground (one per cluster) and in the text sample.
    foreground: int = 0
    sampled: int = 0


def jlh(fg: np.ndarray, fg_size: int, bg: np.ndarray, bg_size: int) -> np.ndarray:
    """JLH scores (0 where the foreground share is not above the background's).

    >>> jlh(np.array([5]), 10, np.array([10]), 1000).round(2).tolist()
    [24.5]
    """
    fg_pct = fg / max(fg_size, 1)
    bg_pct = np.maximum(bg, 1) / max(bg_size, 1)
    score = (fg_pct - bg_pct) * (fg_pct / bg_pct)
    return np.where(fg_pct > bg_pct, score, 0.0)


def _ranked(
    values: list[str], fg: np.ndarray, fg_size: int, bg: np.ndarray, bg_size: int, min_count: int
) -> tuple[SignificantItem, ...]:
    scores = jlh(fg, fg_size, bg, bg_size)
    keep = np.flatnonzero((fg >= min_count) & (scores > 0))
    order = keep[np.lexsort((keep, -scores[keep]))][:LIMIT]
    return tuple(SignificantItem(values[i], round(float(scores[i]), 4), int(fg[i])) for i in order)


def entities(
    snap: Snapshot, fg: np.ndarray, field: str, skip: set[str], min_count: int
) -> tuple[SignificantItem, ...]:
    """Significant values of one entity facet over the foreground mask."""
    pairs = snap.facets[field]
    if not len(pairs.values):
        return ()
    key = ("significant-bg", field)
    bg = snap.cache.get(key)
    if bg is None:
        bg = np.bincount(pairs.value_ids, minlength=len(pairs.values))
        snap.cache[key] = bg
    fg_counts = fc.facet_counts(pairs, fg)
    for i, value in enumerate(pairs.values):
        if fg_counts[i] and value.casefold() in skip:
            fg_counts[i] = 0
    return _ranked(list(pairs.values), fg_counts, int(fg.sum()), bg, snap.doc_count, min_count)


def text_units(text: str) -> tuple[set[str], set[str]]:
    """The index terms of ``text`` and its two-word phrases (adjacent, no stop word between).

    >>> sorted(text_units("Bank of England raises rates")[1])
    ['england raises', 'raises rates']
    """
    words: set[str] = set()
    phrases: set[str] = set()
    previous: str | None = None
    for raw in _WORD_RE.findall(text):
        term = _term(raw)
        if term is None:
            previous = None
            continue
        words.add(term)
        if previous is not None:
            phrases.add(f"{previous} {term}")
        previous = term
    return words, phrases


#: Stories whose words and phrases are kept per snapshot (a story never
#: changes within one), so the stories many searches share are read once.
UNITS_CACHE = 4096


def doc_units(snap: Snapshot, docnum: int) -> tuple[set[str], set[str]]:
    """:func:`text_units` of one story's title and lead, cached per snapshot."""
    cache = snap.cache.get("significant-units")
    if cache is None:
        cache = snap.cache.setdefault("significant-units", {})
    found = cache.get(docnum)
    if found is None:
        stored = snap.stored(docnum)
        body = (stored.get(F.BODY) or "")[:TEXT_CHARS]
        found = text_units(f"{stored.get(F.TITLE) or ''}\n{body}")
        if len(cache) >= UNITS_CACHE:
            # Oldest first; another thread may have dropped it already.
            with contextlib.suppress(RuntimeError, StopIteration, KeyError):
                cache.pop(next(iter(cache)))
        cache[docnum] = found
    return found  # type: ignore[no-any-return]


def phrase_frequency(snap: Snapshot, phrase: str) -> int:
    """Archive stories holding the two words of ``phrase`` next to each other (body or title)."""
    key = ("phrase-df", phrase)
    cached = snap.cache.get(key)
    if cached is not None:
        return int(cached)
    first, second = phrase.split(" ", 1)
    found: list[np.ndarray] = []
    for fieldname in F.TEXT_FIELDS:
        docs_a, pos_a = snap.positions(fieldname, first)
        docs_b, pos_b = snap.positions(fieldname, second)
        if not len(docs_a) or not len(docs_b):
            continue
        # Sorted by document, then position: one binary search per position.
        keys_a = docs_a.astype(np.int64) * (1 << 24) + pos_a + 1
        keys_b = docs_b.astype(np.int64) * (1 << 24) + pos_b
        where = np.minimum(np.searchsorted(keys_a, keys_b), len(keys_a) - 1)
        found.append(docs_b[keys_a[where] == keys_b])
    count = len(np.unique(np.concatenate(found))) if found else 0
    snap.cache[key] = count
    return count


def terms(
    snap: Snapshot, sample: np.ndarray, skip: set[str], min_count: int
) -> tuple[SignificantItem, ...]:
    """Significant words and phrases of the sampled stories."""
    word_counts: Counter[str] = Counter()
    phrase_counts: Counter[str] = Counter()
    for doc in sample:
        words, phrases = doc_units(snap, int(doc))
        word_counts.update(words - skip)
        phrase_counts.update(p for p in phrases if not set(p.split()) & skip)
    vocab = snap.vocabulary(F.BODY)
    values: list[str] = []
    fg: list[int] = []
    bg: list[int] = []
    for word, count in word_counts.items():
        if count >= min_count:
            values.append(word)
            fg.append(count)
            bg.append(vocab.frequency(word))
    common = COMMON_SHARE * snap.doc_count
    frequent = [
        p
        for p, c in phrase_counts.most_common(4 * PHRASE_CANDIDATES)
        if c >= min_count and all(vocab.frequency(w) <= common for w in p.split(" "))
    ][:PHRASE_CANDIDATES]
    for phrase in frequent:
        values.append(phrase)
        fg.append(phrase_counts[phrase])
        bg.append(phrase_frequency(snap, phrase))
    if not values:
        return ()
    return _ranked(values, np.asarray(fg), len(sample), np.asarray(bg), snap.doc_count, min_count)


def significant(
    snap: Snapshot,
    final: np.ndarray,
    ranked: np.ndarray,
    skip_terms: set[str],
    skip_values: dict[str, set[str]],
) -> Significant:
    """Everything unusual in the result set ``final``.

    ``ranked`` holds the foreground's stories in result order (the text
    sample is its head); ``skip_terms`` the query's own terms;
    ``skip_values`` the selected values per entity field.
    """
    groups = cl.clusters(snap)
    fg = final.copy()
    if groups.any and len(ranked):
        # One story per cluster: the first-ranked member of each.
        _, first = np.unique(groups.rep[ranked], return_index=True)
        keep = ranked[np.sort(first)]
        fg[:] = False
        fg[keep] = True
        ranked = keep
    size = int(fg.sum())
    if not size:
        return Significant()
    min_count = MIN_COUNT if size >= 3 * MIN_COUNT else 2
    sample = ranked[:SAMPLE]
    found = {
        kind: entities(snap, fg, field, skip_values.get(field, set()), min_count)
        for kind, field in ENTITY_KINDS
    }
    return Significant(
        terms=terms(snap, sample, skip_terms, min_count if len(sample) >= 10 else 2),
        people=found["people"],
        organizations=found["organizations"],
        places=found["places"],
        foreground=size,
        sampled=len(sample),
    )
