"""Datelines: the place a story was filed from, as a display name.

Wire stories open with ``NEW YORK, March 3 (Reuters) -`` or ``MOSCOW,
Russia –``; Reuters' SGML even marks it (``<DATELINE>    SALVADOR, Feb 26 -
</DATELINE>``). The date and the agency are dropped, the place is title-cased
(``NEW YORK`` -> ``New York``, ``ST. LOUIS`` -> ``St. Louis``, ``U.K.`` and
``N.Y.`` kept) and a state or country after the city is kept
(``Stamford, Conn.``, ``Moscow, Russia``).

In body text the rule is strict, because a false dateline is worse than
none: the lead must start with an ALL-CAPS place (or a gazetteer place in
any case) of at most a few words, optionally followed by a region, a date
and an agency in parentheses, and then a dash.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["dateline_from_lead", "normalize_dateline", "title_case_place"]

_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
    r"|(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC)[A-Z]*\.?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
)
_DATE_PART = rf"(?:{_MONTH})\s*\d{{1,2}}(?:,?\s*\d{{4}})?"
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_AGENCY = r"\((?:[A-Z][A-Za-z.&' -]{0,30})\)"
_DASH = r"(?:-{1,2}|–|—|―|:)"
# One place word: letters with optional inner dots, hyphens and apostrophes.
_WORD = r"[^\W\d_][^\W\d_.'’-]*(?:[.'’-][^\W\d_]+)*\.?"
_PLACE = rf"{_WORD}(?:\s+{_WORD}){{0,4}}"

_LEAD = re.compile(
    rf"^\s*(?P<place>{_PLACE})(?:,\s*(?P<region>{_PLACE}))?"
    rf"(?:,?\s*(?:{_WEEKDAY},?\s*)?{_DATE_PART})?\s*(?P<agency>{_AGENCY})?\s*{_DASH}\s+(?=\S)"
)
_MONTH_PREFIXES = frozenset(str.split("jan feb mar apr may jun jul aug sep oct nov dec"))
_AGENCIES = frozenset(str.split("reuter reuters ap afp upi"))

# Particles kept lower case inside a place name (never as its first word).
_PARTICLES = frozenset(
    str.split("of de da do dos das del della di du des la le les van von am an upon on en y au")
    + str.split("aux sur el al es et")
)
# Words of the lead that show it is a sentence, not a place.
_NOT_PLACE_WORDS = frozenset(
    str.split("THE A AN IN ON AT FOR AND BUT OR NOT NO IT HE SHE WE THEY I YOU THIS THAT")
)
_INITIALS = re.compile(r"^(?:[A-Za-z]\.){2,}$")


def _title_word(word: str, first: bool) -> str:
    lower = word.lower()
    if _INITIALS.match(word):
        return word.upper()
    if not first and lower in _PARTICLES:
        return lower
    parts = re.split(r"([-'’/])", lower)
    out: list[str] = []
    for part in parts:
        keep_lower = bool(out) and out[-1] == "-" and part in _PARTICLES
        if part in ("-", "'", "’", "/") or not part or keep_lower:
            out.append(part)
        elif part.startswith("mc") and len(part) > 3:
            out.append("Mc" + part[2:].capitalize())
        else:
            out.append(part[:1].upper() + part[1:])
    return "".join(out)


def title_case_place(name: str) -> str:
    """Title-case an ALL-CAPS (or any-case) place name for display.

    ``NEW YORK`` -> ``New York``, ``RIO DE JANEIRO`` -> ``Rio de Janeiro``,
    ``ST. LOUIS`` -> ``St. Louis``, ``WINSTON-SALEM`` -> ``Winston-Salem``,
    ``U.K.`` unchanged. Mixed-case input is left as the author wrote it.
    """
    name = " ".join(name.split())
    if any(ch.islower() for ch in name) and any(ch.isupper() for ch in name):
        return name
    return " ".join(_title_word(word, index == 0) for index, word in enumerate(name.split(" ")))


def _join(place: str, region: str | None) -> str:
    city = title_case_place(place.strip(" ,"))
    if region:
        region_text = title_case_place(region.strip(" ,"))
        if region_text:
            return f"{city}, {region_text}"
    return city


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _is_date_word(word: str, following: str) -> bool:
    """``26``, ``2O``, or ``Feb``/``FEb``/``MArch``/``Narch`` before a day number.

    A month needs its day after it, so towns such as Marietta or Augusta are
    not mistaken for one.
    """
    lower = word.lower().strip(".,")
    if _has_digit(word) or lower in _AGENCIES:
        return True
    return _has_digit(following) and (lower[:3] in _MONTH_PREFIXES or len(lower) <= 5)


def _place_words(part: str) -> str:
    """The words of a dateline part before its date: ``Okla. March 11`` -> ``Okla.``."""
    words = part.split()
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word.startswith("(") or _is_date_word(word, following):
            return " ".join(words[:index])
    return " ".join(words)


def normalize_dateline(raw: str | None) -> str | None:
    """Normalize a dateline the source marked, e.g. Reuters' ``SALVADOR, Feb 26 -``.

    Tolerant of the corpus' typing: ``FEb 26``, ``2 March``, ``March 11, Reuter``,
    text run on after the dash. Returns ``None`` when nothing place-like is left
    (``APRIL 7 -``).
    """
    if not raw:
        return None
    # Wire systems mark some datelines with asterisks or bullets
    # (``****RIO DE JANEIRO, March 5 -``): typography, not part of the place.
    text = " ".join(raw.split())[:200].lstrip("*•· ")
    text = re.split(r"\s[-–—]+(?:\s|$)|\s--", f"{text} ", maxsplit=1)[0]
    parts: list[str] = []
    for part in text.split(","):
        words = _place_words(part)
        if words:
            parts.append(words)
        if words != part.strip():
            break
    if not parts or len(parts[0]) > 60 or not any(ch.isalpha() for ch in parts[0]):
        return None
    return _join(parts[0], parts[1] if len(parts) > 1 else None)


def _looks_like_place(place: str, is_known_place: Callable[[str], bool]) -> bool:
    words = place.split()
    if any(word.upper() in _NOT_PLACE_WORDS for word in words):
        return False
    if is_known_place(title_case_place(place)):
        return True
    letters = [ch for ch in place if ch.isalpha()]
    # An unknown single short word in capitals is more likely an acronym
    # ("NASA - The agency said") than a town, and four or more unknown words
    # are a headline ("U.S. COCOA MERCHANT SPOT PRICES - APRIL 7"): place
    # names run to three ("RIO DE JANEIRO", "SALT LAKE CITY").
    long_enough = len(words) > 1 or len(letters) >= 5
    return long_enough and len(words) <= 3 and all(ch.isupper() for ch in letters)


def dateline_from_lead(
    text: str | None, is_known_place: Callable[[str], bool] = lambda _name: False
) -> str | None:
    """The dateline at the start of a story's body, or ``None``.

    ``MOSCOW, Russia – The presence...`` -> ``Moscow, Russia``;
    ``WASHINGTON (Reuters) - ...`` -> ``Washington``. A title-case lead
    (``Moscow – ...``) counts only when ``is_known_place`` accepts it, so an
    ordinary sentence with a dash in it never yields a dateline.
    """
    if not text:
        return None
    match = _LEAD.match(text[:200])
    if not match:
        return None
    place, region = match.group("place"), match.group("region")
    if not _looks_like_place(place, is_known_place):
        return None
    if region and not _looks_like_region(region, is_known_place):
        return None
    return _join(place, region)


def _looks_like_region(region: str, is_known_place: Callable[[str], bool]) -> bool:
    words = region.split()
    if len(words) > 3 or any(word.upper() in _NOT_PLACE_WORDS for word in words):
        return False
    return region[:1].isupper()
