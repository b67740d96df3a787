""" "Did you mean …?": corrections for rare or unknown query words.

A query word is suspect when the body's vocabulary holds it in few
documents; a suggestion is then a word of that vocabulary, much more common,
that one or two typing errors away. So suggestions are always words the
archive contains, and a common word is never touched.

Which near word? Candidates within two edits (optimal string alignment, so
a swapped pair of letters, "recieve", is one edit) are ranked by a typing
cost that follows how people mistype (:func:`typing_cost`): a doubled or
undoubled letter ("occured", "untill") and a key's neighbour ("cpffee")
cost less than other edits, and a wrong first letter costs more. Among
candidates of equal cost, the one found in the most documents together with
the query's other words wins ("opek oil" -> "opec oil", not the commoner
"open oil"); for a lone word, or when the context cannot tell, the most
common one.

When does the suggestion replace the query? A search engine that only says
"did you mean" still shows the misspelling's results, which for ``cofee
brazil`` are Brazil stories about debt. :func:`should_run_suggestion` runs
the suggestion instead when the typed words match poorly (few or no stories
hold all of them) and the corrected words match well (at least
:data:`SUGGESTION_GAIN` times as many stories hold all of them); the page
then offers the query as typed with one click.

Rarity is judged on the word itself, not on its stem group: typos often stem
like the word they miss ("untill" and "until"), and their group's frequency
used to hide them. A word the corpus holds a few times (Reuters writes
"goverment" in 8 stories) is corrected only to a single-edit neighbour far
more common than itself; a word and its plural are never corrected into each
other, both being correct.
"""

from __future__ import annotations

import re

import numpy as np

from indexer import schema as F
from indexer.analysis import WORD_PATTERN, analyze_word
from indexer.search.snapshot import Snapshot, Vocabulary

#: A word in fewer documents than this is treated as unknown: any much more
#: common word within two edits may replace it.
RARE_DF = 3
#: A word in fewer documents than this (and at least RARE_DF) may still be a
#: typo the corpus repeats; only a single-edit neighbour may replace it.
SUSPECT_DF = 10
#: A correction must be found in at least this many documents (fewer in a small
#: archive: see :func:`common_df`)...
MIN_COMMON_DF = 5
#: ...one for each this many stories of the archive, at least one.
STORIES_PER_COMMON_DF = 200
#: ...and this many times more documents than an unknown word...
MIN_RATIO = 10
#: ...or than a word the corpus holds a few times.
ATTESTED_RATIO = 20
#: Shortest attested word that may be corrected: short words one edit
#: apart are mostly both real ("sake", "sale").
ATTESTED_MIN_LENGTH = 6

#: Typing costs (see :func:`typing_cost`).
DOUBLED_LETTER = 0.5
NEIGHBOUR_KEY = 0.75
FIRST_LETTER = 0.5

#: The suggestion runs instead of the typed query when the stories holding
#: all its words are at least this many times those holding all the typed
#: words (and there is at least one).
SUGGESTION_GAIN = 10

_WORD_RE = re.compile(WORD_PATTERN)
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbour_keys() -> dict[str, frozenset[str]]:
    """Keys touching each letter on a QWERTY keyboard.

    Each row sits about half a key right of the row above, so key ``c`` of a
    row touches keys ``c`` and ``c + 1`` above it and ``c - 1`` and ``c``
    below it (``d``: ``e r`` above, ``x c`` below).
    """
    found: dict[str, set[str]] = {}
    for r, row in enumerate(_ROWS):
        for c, char in enumerate(row):
            near = found.setdefault(char, set())
            near.update(row[i] for i in (c - 1, c + 1) if 0 <= i < len(row))
            for other, columns in ((r - 1, (c, c + 1)), (r + 1, (c - 1, c))):
                if 0 <= other < len(_ROWS):
                    near.update(_ROWS[other][i] for i in columns if 0 <= i < len(_ROWS[other]))
    return {char: frozenset(near) for char, near in found.items()}


NEIGHBOURS = _neighbour_keys()


def typing_cost(typed: str, word: str) -> float:
    """Weighted edit distance from ``word`` to what was ``typed``.

    Optimal string alignment (insert, delete, substitute, swap neighbours:
    1 each) with cheaper edits for the commonest typing slips: a letter
    doubled or undoubled costs :data:`DOUBLED_LETTER`, a key hit for its
    neighbour :data:`NEIGHBOUR_KEY`; a different first letter, which people
    rarely get wrong, adds :data:`FIRST_LETTER`.

    >>> typing_cost("occured", "occurred"), typing_cost("gard", "hard")
    (0.5, 1.25)
    """
    n, m = len(typed), len(word)
    prev2: list[float] = []
    prev = [float(j) for j in range(m + 1)]
    for i in range(1, n + 1):
        a = typed[i - 1]
        row = [float(i)] + [0.0] * m
        extra = DOUBLED_LETTER if i > 1 and typed[i - 2] == a else 1.0
        for j in range(1, m + 1):
            b = word[j - 1]
            missing = DOUBLED_LETTER if j > 1 and word[j - 2] == b else 1.0
            if a == b:
                swap = 0.0
            elif b in NEIGHBOURS.get(a, ()):
                swap = NEIGHBOUR_KEY
            else:
                swap = 1.0
            best = min(prev[j - 1] + swap, row[j - 1] + missing, prev[j] + extra)
            if i > 1 and j > 1 and a == word[j - 2] and typed[i - 2] == b and a != b:
                best = min(best, prev2[j - 2] + 1.0)
            row[j] = best
        prev2, prev = prev, row
    cost = prev[m]
    if typed[:1] != word[:1]:
        cost += FIRST_LETTER
    return cost


def _max_distance(word: str) -> int:
    return 1 if len(word) <= 4 else 2


def _inflection_pair(a: str, b: str) -> bool:
    """True for a word and its plural (``rental``/``rentals``, ``tax``/``taxes``)."""
    short, long = sorted((a, b), key=len)
    return long in (short + "s", short + "es")


def correction_candidates(snap: Snapshot, word: str) -> list[str]:
    """The corrections of ``word`` that share the lowest typing cost, commonest first.

    Empty when ``word`` needs no correction.
    """
    if len(word) < 3 or not word.isalpha():
        return []
    if F.BODY not in snap.vocabularies() and snap.doc_frequency(F.BODY, word) >= SUSPECT_DF:
        # A common word, known from its postings (the query loaded them) without
        # building the whole vocabulary, which a one-shot CLI call would pay
        # for. The vocabulary counts deleted stories too, so it could only say
        # "more": the answer is the same.
        return []
    vocab = snap.vocabulary(F.BODY)
    df = vocab.frequency(word)
    if df >= SUSPECT_DF:
        return []
    common = common_df(snap.doc_count)
    if df >= RARE_DF:
        if len(word) < ATTESTED_MIN_LENGTH:
            return []
        min_df = max(ATTESTED_RATIO * df, common)
        return _best(vocab, word, max_distance=1, min_df=min_df, attested=True)
    min_df = max(MIN_RATIO * df, common)
    return _best(vocab, word, max_distance=_max_distance(word), min_df=min_df)


def common_df(stories: int) -> int:
    """How many documents a correction must be found in, for an archive of ``stories``.

    :data:`MIN_COMMON_DF` keeps a large archive's rare words (names, typos it
    repeats) from being offered; a small archive (the sample article ``make
    run`` indexes, a newsroom's first hundred stories) holds its words in few
    documents, and any word it holds is a better answer for a word it lacks
    than none ("Venzuela" -> "Venezuela" in a one-story index).

    >>> common_df(1), common_df(450), common_df(21_578)
    (1, 2, 5)
    """
    return max(1, min(MIN_COMMON_DF, stories // STORIES_PER_COMMON_DF))


def _best(
    vocab: Vocabulary, word: str, max_distance: int, min_df: int, attested: bool = False
) -> list[str]:
    """The cheapest-to-mistype common words within ``max_distance`` edits of ``word``
    (all those of the lowest cost, commonest first).

    For an ``attested`` word, a candidate that only extends or shortens it
    at the end (``regulator``/``regulatory``) is another real word, not a fix,
    and so is one that changes the first letter (``lights``/``rights``).
    """
    from rapidfuzz.distance import OSA  # only a word that may be misspelled needs it
    from rapidfuzz.process import extract

    hits = extract(
        word,
        vocab.common(min(min_df, MIN_COMMON_DF)),
        scorer=OSA.distance,
        score_cutoff=max_distance,
        limit=None,
    )
    ranked = []
    for term, _, _ in hits:
        if term == word or vocab.frequency(term) < min_df or _inflection_pair(word, term):
            continue
        if attested and (term.startswith(word) or word.startswith(term)):
            continue
        cost = typing_cost(word, term)
        if attested and cost > 1.0:  # one plain slip at most, never the first letter
            continue
        ranked.append((cost, -vocab.frequency(term), term))
    ranked.sort()
    return [term for cost, _, term in ranked if cost == ranked[0][0]]


def _in_context(snap: Snapshot, candidates: list[str], context: list[str]) -> str:
    """The candidate found in the most documents together with the ``context`` words.

    Counted per context word and summed; the first (commonest) candidate
    wins ties, and so when no context word is in the archive.
    """
    if len(candidates) == 1 or not context:
        return candidates[0]
    others = [docs for docs in (snap.postings(F.BODY, word)[0] for word in context) if len(docs)]
    if not others:
        return candidates[0]
    best, best_count = candidates[0], -1
    for candidate in candidates:
        docs = snap.postings(F.BODY, candidate)[0]
        count = sum(np.intersect1d(docs, other, assume_unique=True).size for other in others)
        if count > best_count:
            best, best_count = candidate, count
    return best


def suggest(snap: Snapshot, query: str, words: list[str]) -> str | None:
    """The query with misspelled words corrected, or None when nothing changes."""
    corrections = {}
    unique = list(dict.fromkeys(words))
    for word in unique:
        candidates = correction_candidates(snap, word)
        if candidates:
            context = [other for other in unique if other != word]
            corrections[word] = _in_context(snap, candidates, context)
    if not corrections:
        return None

    def replace(match: re.Match[str]) -> str:
        typed = match.group(0)
        term = analyze_word(typed)
        fixed = corrections.get(term) if term else None
        if fixed is None:
            return typed
        return fixed[:1].upper() + fixed[1:] if typed[:1].isupper() else fixed  # "Venzuela"

    corrected = _WORD_RE.sub(replace, query)
    return corrected if corrected != query else None


def should_run_suggestion(typed_all: int, suggested_all: int) -> bool:
    """Whether to show the suggestion's results rather than the typed query's.

    ``typed_all`` and ``suggested_all`` count the stories holding every word
    of the typed query and of the suggestion. The suggestion must match, and
    match :data:`SUGGESTION_GAIN` times more: a typed query that no story
    matches in full always gives way; one that matches as often stays.

    >>> should_run_suggestion(0, 12), should_run_suggestion(3, 300), should_run_suggestion(50, 60)
    (True, True, False)
    >>> should_run_suggestion(0, 0)
    False
    """
    return suggested_all > 0 and suggested_all >= SUGGESTION_GAIN * typed_all
