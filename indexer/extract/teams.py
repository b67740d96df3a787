"""Places that play: a country or a city named as a sports team.

A match report names its teams by their country or city: "Sweden defeated
South Korea 1 – 0", "Pittsburgh beat the Jets, 17-6". The team is an
organization (the national football team, the club), not the place, and a
researcher filtering by the place "Sweden" wants stories about Sweden, not
every result of its team. The annotated news sets agree (GUM, GMB and
wikigold's CoNLL conventions type such teams as organizations).

Only a story with a score in it is read so, and only a place written as a
side of a result: before a result verb ("Sweden defeated", "Tunisia lost 1
– 2 to"), after one ("defeated debutants Panama 3 – 0", "to England"), or on
either side of a score ("Sweden 1 – 0 Korea Republic"). A place the story
also writes as a location ("in Russia", "from Sweden") stays a place too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["teams"]

#: A match's score: "1 – 0", "3-0", "17-6"; not a fraction ("1-1/2"), a price range
#: ("1.5-2"), a year span ("1986-87") or a vote of a board ("voted 5-4": no result verb).
_SCORE = r"(?<![\d/.,$])\d{1,3} ?[-–] ?\d{1,3}(?![\d/.%])"
_SCORE_RE = re.compile(_SCORE)
_VERBS = (
    r"(?:beat|beats|beating|defeated|defeats|defeating|edged|edges|routed|routs|thrashed"
    r"|crushed|downed|overcame|upset|trounced|whipped|drew|draws|tied|ties|lost|loses|losing"
    r"|fell|falls|won|wins|winning|eliminated|knocked out|held|faced|faces|played|plays|met)"
)
#: Words of sport a story with a score must hold, besides a result verb.
_SPORT = re.compile(
    r"\b(?:goals?|match(?:es)?|game|games|cup|league|tournament|championship|coach|striker"
    r"|penalty|innings|playoffs?|semi-?finals?|quarter-?finals?|finals?|half-time|halftime"
    r"|overtime|stadium|scored|squad|kick-off)\b",
    re.IGNORECASE,
)
_VERB_RE = re.compile(rf"\b{_VERBS}\b")
_SCORE_LINE = re.compile(rf"[A-Z]\w* {_SCORE} [A-Z]")
#: Words one of which a match report holds (a cheap test before the regular expressions).
_SPORT_HINTS = (
    "match",
    "Cup",
    "game",
    "goal",
    "eague",
    "scored",
    "coach",
    "tournament",
    "hampionship",
    "tadium",
    "striker",
    "innings",
    "playoff",
    "squad",
    "penalty",
)
_SENTENCE = re.compile(r"[^.!?\n]+")
_LOCATION = r"(?:in|at|from|across|into|throughout|inside|near|visit|visited|visiting)"


def teams(text: str, places: Iterable[tuple[str, Sequence[str]]]) -> tuple[set[str], set[str]]:
    """Which ``places`` (display name, spellings in the text) ``text`` names as teams.

    Returns ``(teams, also_places)``: the places written as a side of a result,
    and those of them the story also writes as a location.
    """
    if not any(hint in text for hint in _SPORT_HINTS):
        return set(), set()  # a plain substring test first: most stories are not sport
    if _SCORE_RE.search(text) is None or _SPORT.search(text) is None:
        return set(), set()
    results = [
        sentence
        for sentence in _SENTENCE.findall(text)
        if (_SCORE_RE.search(sentence) and _VERB_RE.search(sentence))
        or _SCORE_LINE.search(sentence)
    ]
    if not results:
        return set(), set()
    found: set[str] = set()
    located: set[str] = set()
    for display, spellings in places:
        names = "|".join(
            re.escape(name) for name in sorted({display, *spellings}, key=len, reverse=True)
        )
        side = re.compile(
            rf"\b(?:{names})(?:'s)? (?:\w+ly )?{_VERBS}\b"  # "Sweden defeated"
            rf"|\b{_VERBS}(?: {_SCORE})?(?: to| with| by)?(?: the)?(?: [a-z]\w*)? (?:{names})\b"
            rf"|\b(?:{names}) {_SCORE} [A-Z]|{_SCORE} (?:{names})\b"  # "Sweden 1 – 0 Korea"
        )
        if any(side.search(sentence) for sentence in results):
            found.add(display)
            if re.search(rf"\b{_LOCATION} (?:the )?(?:{names})\b", text):
                located.add(display)
    return found, located
