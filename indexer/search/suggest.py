""" "Did you mean …?": corrections for rare or unknown query words.

A word is corrected only when it (with its stem variants) is rare in the
corpus and a common word lies within a small edit distance: optimal string
alignment, so a swapped pair of letters ("recieve") counts as one edit.
Candidates come from the body's own vocabulary, so suggestions are always
words the archive contains. Correct common words are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

from indexer import schema as F
from indexer.analysis import WORD_PATTERN, analyze_word
from indexer.search.snapshot import Snapshot

#: A word found in fewer documents than this may be a misspelling.
RARE_DF = 3
#: A correction must be found in at least this many documents...
MIN_COMMON_DF = 5
#: ...and this many times more documents than the word itself.
MIN_RATIO = 10
_WORD_RE = re.compile(WORD_PATTERN)


def _max_distance(word: str) -> int:
    return 1 if len(word) <= 4 else 2


def correct_word(snap: Snapshot, word: str, group_df: Callable[[str], int]) -> str | None:
    """A common word close to ``word``, or None if it needs no correction."""
    if len(word) < 3 or not word.isalpha():
        return None
    df = group_df(word)
    if df >= RARE_DF:
        return None
    vocab = snap.vocabulary(F.BODY)
    common = vocab.common(MIN_COMMON_DF)
    distance = _max_distance(word)
    hits = extract(word, common, scorer=OSA.distance, score_cutoff=distance, limit=25)
    candidates = [
        (dist, -vocab.frequency(term), term)
        for term, dist, _ in hits
        if term != word and vocab.frequency(term) >= max(MIN_RATIO * df, MIN_COMMON_DF)
    ]
    if not candidates:
        return None
    return min(candidates)[2]


def suggest(
    snap: Snapshot, query: str, words: list[str], group_df: Callable[[str], int]
) -> str | None:
    """The query with misspelled words corrected, or None when nothing changes."""
    corrections = {}
    for word in dict.fromkeys(words):
        fixed = correct_word(snap, word, group_df)
        if fixed:
            corrections[word] = fixed
    if not corrections:
        return None

    def replace(match: re.Match[str]) -> str:
        term = analyze_word(match.group(0))
        return corrections.get(term, match.group(0)) if term else match.group(0)

    corrected = _WORD_RE.sub(replace, query)
    return corrected if corrected != query else None
