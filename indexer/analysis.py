"""Analyzers: how text becomes index terms, as named pipelines of small parts.

The same pipeline analyzes article text at indexing time and query words at
search time, so whatever a user types meets the index in the same form.

Text analysis is defined once: :data:`WORD_PATTERN` finds the words and
:func:`analyze_word` turns one word into its term (shape, lower-case, fold
accents, drop stop words). Everything else is built from those two: the
Whoosh pipeline the query parser runs (:class:`TermFilter`), the indexing
fast path (:meth:`TextAnalyzer.term_positions`), highlighting and spelling.

``text_analyzer()`` — the one analyzer for searchable prose (title, body)::

    >>> [t.text for t in text_analyzer()("Guaidó’s U.S. allies said")]
    ['guaido', 'us', 'allies', 'said']

Stemming is deliberately *not* part of it: the index keeps surface words
(lower-cased and accent-folded), and the search service expands a query word
to the words of the index that share its stem. That keeps the unstemmed
vocabulary available for spelling suggestions and exact phrases, and saves
the stemmer's cost on every indexed token (3.3 s of a Reuters build).

``facet_analyzer()`` — exact display values joined by tabs, one term each::

    >>> [t.text for t in facet_analyzer()("United States\\tCuba")]
    ['United States', 'Cuba']
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any, cast

from whoosh.analysis import Analyzer, Filter, RegexTokenizer, Token
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.formats import Format, tokens
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

#: A word: letters/digits, with inner apostrophes, periods and hyphen-free
#: joins kept ("U.S", "o'brien", "5.93"), so abbreviations stay one token.
WORD_PATTERN = r"\w+(?:['’.]\w+)*"

#: Short English stop list: function words only. Kept small on purpose:
#: news queries such as "who", "us" or "may" carry meaning often enough.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
)

#: Separator between values of a multi-valued facet field.
FACET_SEPARATOR = "\t"


_INITIALISM = re.compile(r"(?:\w\.)+\w")
_WORD_RE = re.compile(WORD_PATTERN)
#: Accent folding table for ``str.translate`` (code point -> replacement).
# (Whoosh annotates the table dict[str, str]; its keys are code points.)
_FOLD = cast("Mapping[int, str]", accent_map)


class WordShapeFilter(Filter):
    """Unify the spellings of one word that news text mixes freely.

    * typographic apostrophes become ASCII (``trump’s`` -> ``trump's``);
    * the possessive ``'s`` is dropped (``trump's`` -> ``trump``), so a search
      for a name finds its possessive;
    * initialisms lose their dots (``u.s`` -> ``us``, ``u.k`` -> ``uk``), so
      "US", "U.S." and "U.S" meet; numbers such as ``5.93`` keep theirs.

    >>> [t.text for t in (RegexTokenizer(WORD_PATTERN) | WordShapeFilter())("Trump’s U.S 5.93")]
    ['Trump', 'US', '5.93']
    """

    # Whoosh filters take a token stream where its base class declares a
    # value; the override is what every Whoosh filter does.
    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        for token in tokens:
            token.text = _shape(token.text)
            yield token


def _shape(text: str) -> str:
    """The text transformation of :class:`WordShapeFilter`, on one word."""
    text = text.replace("’", "'")
    if text.endswith(("'s", "'S")):
        text = text[:-2]
    elif text.endswith("'"):
        text = text[:-1]
    if "." in text and _INITIALISM.fullmatch(text) and not text[0].isdigit():
        text = text.replace(".", "")
    return text


#: Distinct words whose terms are remembered (a news vocabulary's surface
#: forms fit many times over; each entry costs ~200 bytes).
WORD_CACHE = 100_000


def fold_word(word: str) -> str:
    """One word's shape unified (:func:`_shape`), lower-cased and accent-folded.

    >>> fold_word("Guaidó’s"), fold_word("U.S"), fold_word("Zürich")
    ('guaido', 'us', 'zurich')
    """
    if "'" in word or "’" in word or "." in word:
        word = _shape(word)
    word = word.lower()
    if not word.isascii():
        word = word.translate(_FOLD)
    return word


@lru_cache(maxsize=WORD_CACHE)
def analyze_word(word: str) -> str | None:
    """The term one word (as :data:`WORD_PATTERN` finds it) becomes, or None
    for a stop word: the one definition of text analysis.

    Cached: news text repeats its words, and the cache lookup costs less than
    the string operations it saves on the indexing hot path.

    >>> analyze_word("Guaidó’s"), analyze_word("The")
    ('guaido', None)
    """
    word = fold_word(word)
    if not word or word in STOP_WORDS:
        return None
    return word


class TermFilter(Filter):
    """:func:`analyze_word` as a Whoosh filter: the term of each token, stop
    words dropped and the following positions renumbered (as Whoosh's
    ``StopFilter(renumber=True)`` does; kept, marked ``stopped``, when the
    caller asks Whoosh not to remove stop words).
    """

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        pos = None
        for token in tokens:
            term = analyze_word(token.text)
            if term is None:
                if not token.removestops:
                    token.text = fold_word(token.text)
                    token.stopped = True
                    yield token
                continue
            token.text = term
            if token.positions:
                if pos is None:
                    pos = token.pos
                else:
                    pos += 1
                    token.pos = pos
            token.stopped = False
            yield token


class FoldFilter(Filter):
    """:func:`fold_word` as a Whoosh filter: stop words are kept."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        for token in tokens:
            token.text = fold_word(token.text)
            yield token


class TextAnalyzer(CompositeAnalyzer):
    """The text pipeline (:data:`WORD_PATTERN` words, then :class:`TermFilter`),
    plus a fast path for indexing.

    Whoosh runs an analyzer token by token through generator filters, which
    is most of the cost of indexing. :meth:`term_positions` computes the same
    terms and positions with one regex pass and :func:`analyze_word`.
    """

    def __init__(self) -> None:
        super().__init__(RegexTokenizer(WORD_PATTERN), TermFilter())

    def term_positions(self, text: str) -> dict[str, list[int]]:
        """Map each term of ``text`` to its positions, as the pipeline would."""
        found: dict[str, list[int]] = defaultdict(list)
        term_of = analyze_word
        pos = None
        for index, word in enumerate(_WORD_RE.findall(text)):
            term = term_of(word)
            if term is None:
                continue
            pos = index if pos is None else pos + 1
            found[term].append(pos)
        return found


def text_analyzer() -> TextAnalyzer:
    """Tokenize words, unify word shapes, lower-case, fold accents, drop stop
    words (positions renumbered).

    Renumbering positions after stop words makes the phrase
    "bank of england" match "Bank of England" as the adjacent pair
    ``bank england``.
    """
    return TextAnalyzer()


class PackedPositions(Format):
    """Whoosh's ``Positions`` format with positions packed as a uint32 array.

    The stock format pickles a Python list per posting; packing makes both
    writing and reading (``numpy.frombuffer``) several times cheaper, and it
    takes the analyzer's fast path when there is one.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:
        boost = self.field_boost
        if isinstance(value, str) and hasattr(analyzer, "term_positions"):
            positions = analyzer.term_positions(value)
        else:
            positions = defaultdict(list)
            kwargs["positions"] = True
            for token in tokens(value, analyzer, kwargs):
                positions[token.text].append(token.pos)
        for word, poslist in positions.items():
            yield (word, len(poslist), len(poslist) * boost, array("I", poslist).tobytes())

    def encode(self, poslist: Any) -> bytes:
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        packed = array("I")
        packed.frombytes(valuestring)
        return packed.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        return len(valuestring) // 4 * self.field_boost

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(pos, 1.0) for pos in self.decode_positions(valuestring)]

    def combine(self, vs: Any) -> bytes:
        merged: set[int] = set()
        for v in vs:
            merged.update(self.decode_positions(v))
        return self.encode(sorted(merged))


def value_analyzer() -> Analyzer:
    """Words of an entity name or dateline, for ``person:trump`` matching.

    The text analysis without dropping stop words: "Bank of England" keeps "of".

    >>> [t.text for t in value_analyzer()("Bank of England’s")]
    ['bank', 'of', 'england']
    """
    return cast(Analyzer, RegexTokenizer(WORD_PATTERN) | FoldFilter())


def facet_analyzer() -> Analyzer:
    """One term per tab-separated value, case and accents kept (display form)."""
    # A bare tokenizer is a complete analyzer to Whoosh (as in its own
    # KeywordAnalyzer); its annotations do not say so.
    return cast(Analyzer, RegexTokenizer(r"[^\t]+"))


@lru_cache(maxsize=1)
def _shared_text_analyzer() -> Analyzer:
    return text_analyzer()


def analyze(text: str) -> list[str]:
    """The terms ``text_analyzer`` makes of ``text``, in order."""
    return [token.text for token in _shared_text_analyzer()(text)]


#: Words Porter merges with unrelated ones, given their own stems: a news
#: archive cannot have ``news`` match every ``new``.
STEM_EXCEPTIONS = {
    "news": "news",
    "business": "business",
    "businesses": "business",
    "busy": "busy",
    "general": "general",
    "generals": "general",
    "generally": "generally",
    "university": "university",
    "universities": "university",
    "universe": "universe",
    "universal": "universal",
}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter stem of an analyzed word (cached: the vocabulary repeats).

    >>> stem("rates"), stem("news"), stem("new")
    ('rate', 'news', 'new')
    """
    return STEM_EXCEPTIONS.get(word) or porter_stem(word)
