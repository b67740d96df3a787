"""Highlighted snippets: which words of a stored text matched, as fragments.

Only the hits on the page are highlighted, from their stored text, with the
analyzer's own term function, so a marked word is exactly a word the query
matched (``Guaidó`` is marked for the query ``guaido``). The output is a
tuple of :class:`Fragment` runs; renderers escape every fragment and wrap
matched ones in ``<mark>``, so article text is never trusted as markup.

A snippet is 1-3 passages of about :data:`PASSAGE_CHARS` characters, chosen
for the number of distinct matched terms they contain, shown in text order.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache
from itertools import pairwise

from indexer.analysis import WORD_PATTERN, analyze, analyze_word
from indexer.search.types import Fragment, Passage

PASSAGE_CHARS = 200
MAX_PASSAGES = 3
_WORD_RE = re.compile(WORD_PATTERN)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s+")


def match_spans(
    text: str, terms: set[str], phrases: Collection[tuple[str, ...]] = ()
) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of ``text`` whose term is in ``terms``.

    Each of ``phrases`` (analyzed word sequences: an entity's names, such as
    ``("paul", "volcker")``) is marked as one run wherever its words follow
    each other with nothing but punctuation or stop words between them
    ("Bank of England"); the term of such a span is the words joined by a
    space. A word of a phrase found alone is marked only if it is in ``terms``.
    """
    wanted = set(terms).union(*phrases) if phrases else set(terms)
    if not wanted:
        return []
    spans = []
    for match in _candidates(frozenset(wanted)).finditer(text):
        term = analyze_word(match.group(0))
        if term and term in wanted:
            spans.append((match.start(), match.end(), term))
    if not phrases:
        return spans
    return _join_phrases(text, spans, terms, phrases)


def _join_phrases(
    text: str,
    spans: list[tuple[int, int, str]],
    terms: set[str],
    phrases: Collection[tuple[str, ...]],
) -> list[tuple[int, int, str]]:
    """Merge the runs of ``spans`` spelling one of ``phrases`` (longest first)."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        by_first.setdefault(phrase[0], []).append(phrase)
    out = []
    i = 0
    while i < len(spans):
        start, end, term = spans[i]
        width = 0
        for phrase in by_first.get(term, ()):
            run = spans[i : i + len(phrase)]
            if tuple(t for _, _, t in run) == phrase and all(
                _adjacent(text, a[1], b[0]) for a, b in pairwise(run)
            ):
                width = len(phrase)
                out.append((start, run[-1][1], " ".join(phrase)))
                break
        if width:
            i += width
            continue
        if term in terms:
            out.append((start, end, term))
        i += 1
    return out


def _adjacent(text: str, end: int, start: int) -> bool:
    """True when only punctuation, spaces or stop words separate two words."""
    gap = text[end:start]
    return len(gap) <= 12 and not analyze(gap)


@lru_cache(maxsize=512)
def _candidates(terms: frozenset[str]) -> re.Pattern[str]:
    """A pattern matching only the words that could analyze to one of ``terms``.

    Analyzing every word of every shown article is most of the cost of a
    results page; the regex engine skips, in C, the words that cannot match:
    those not starting like a term (case-insensitively), an initialism of one
    (``u.`` for ``us``), or with a non-ASCII letter (which may fold to one).
    Tokens are found exactly where :data:`WORD_PATTERN` finds them: never in
    the middle of a word or of a joined word such as ``5.93``.
    """
    starts = set()
    firsts: set[str] = set()
    for term in terms:
        starts.add(re.escape(term[:2]))
        if term.isalpha() and len(term) <= 5:
            starts.add(re.escape(term[0]) + r"\.")
        firsts.update(re.escape(c) for c in (term[:1].lower(), term[:1].upper()) if c)
    alternatives = "|".join(sorted(starts, key=len, reverse=True))
    # The leading class only says what the rest requires (an ASCII letter's other
    # case forms outside ASCII are in the non-ASCII range), but as a plain
    # character set it lets the regex engine skip the other positions in its
    # scan loop instead of trying the lookbehinds at each: half the time.
    first = "".join(sorted(firsts))
    return re.compile(
        rf"(?=[{first}\x80-\U0010ffff])(?<!\w)(?<!\w['’.])(?=(?i:{alternatives})|[^\x00-\x7f])"
        + WORD_PATTERN
    )


def fragments(
    text: str, spans: Iterable[tuple[int, int, str]], start: int = 0, end: int | None = None
) -> Passage:
    """Split ``text[start:end]`` into alternating unmatched/matched fragments."""
    end = len(text) if end is None else end
    out: list[Fragment] = []
    cursor = start
    for span_start, span_end, _ in spans:
        if span_start < start or span_end > end:
            continue
        if span_start > cursor:
            out.append(Fragment(text[cursor:span_start]))
        out.append(Fragment(text[span_start:span_end], matched=True))
        cursor = span_end
    if cursor < end:
        out.append(Fragment(text[cursor:end]))
    return tuple(out)


def highlight_whole(
    text: str, terms: set[str], phrases: Collection[tuple[str, ...]] = ()
) -> Passage:
    """All of ``text`` as fragments (titles, article paragraphs)."""
    return fragments(text, match_spans(text, terms, phrases))


def _window(text: str, center: int) -> tuple[int, int]:
    """A passage of about PASSAGE_CHARS around ``center``, on word boundaries."""
    start = max(0, center - PASSAGE_CHARS // 3)
    # Prefer starting at a sentence start shortly before the match.
    sentence = None
    for m in _SENTENCE_END.finditer(text, max(0, start - 80), center):
        sentence = m.end()
    if sentence is not None and center - sentence < PASSAGE_CHARS * 2 // 3:
        start = sentence
    elif start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < center else start
    end = min(len(text), start + PASSAGE_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > center else end
    return start, end


def snippet(
    text: str, terms: set[str], phrases: Collection[tuple[str, ...]] = ()
) -> tuple[Passage, ...]:
    """1-3 passages of ``text`` around the matches (the lead when none match)."""
    text = text.strip()
    if not text:
        return ()
    spans = match_spans(text, terms, phrases)
    if not spans:
        start, end = _window(text, 0)
        return (_ellipsize(text, start, end, fragments(text, (), start, end)),)
    windows: list[tuple[int, int, set[str]]] = []
    for span_start, _, _ in spans:
        if windows and span_start < windows[-1][1]:
            continue
        start, end = _window(text, span_start)
        found = {t for s, e, t in spans if s >= start and e <= end}
        windows.append((start, end, found))
    best = sorted(windows, key=lambda w: (-len(w[2]), w[0]))[:MAX_PASSAGES]
    # Drop passages that add no new term, keeping at least one.
    chosen: list[tuple[int, int, set[str]]] = []
    seen: set[str] = set()
    for window in best:
        if not chosen or window[2] - seen:
            chosen.append(window)
            seen |= window[2]
    chosen.sort(key=lambda w: w[0])
    return tuple(
        _ellipsize(text, start, end, fragments(text, spans, start, end)) for start, end, _ in chosen
    )


def _ellipsize(text: str, start: int, end: int, passage: Passage) -> Passage:
    """Mark cut ends with an ellipsis so readers know the passage continues."""
    parts = list(passage)
    if start > 0:
        parts.insert(0, Fragment("… "))
    if end < len(text):
        parts.append(Fragment(" …"))
    return tuple(parts)
