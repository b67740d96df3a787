"""Publication dates as ISO 8601 strings at the precision the source gave.

A date the index shows must be one the source actually stated, so every
function here returns ``None`` rather than a guess: impossible calendar dates
("Feb 30"), years before 1800 and years after next year are rejected, and
components the source did not give (the time of a bare date, the seconds of
``7:42 PM``) are left out of the result instead of being filled with zeros.

Candidates are tried in order of trust by :func:`extract_date`: the raw date
the format supplied (a text file's date line, Reuters' ``DATE``, HTML
metadata), then a date in the URL, then a date written in the text.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as _dateutil_parser

__all__ = [
    "date_from_text",
    "date_from_url",
    "extract_date",
    "parse_date",
    "parse_reuters_date",
]

MIN_YEAR = 1800
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

_REUTERS = re.compile(r"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})")
_URL_DATE = re.compile(
    r"(?<!\d)((?:18|19|20)\d{2})([/_-])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?!\d)"
)
_URL_COMPACT = re.compile(r"/((?:18|19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:/|$)")
_TEXT_MDY = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:18|19|20)\d{{2}})\b",
    re.IGNORECASE,
)
_TEXT_DMY = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?,?\s+((?:18|19|20)\d{{2}})\b",
    re.IGNORECASE,
)
#: ``3-Dec-96``, ``03-DEC-1996``: the date line of notes and wire copy.
_TEXT_DAY_MON_YEAR = re.compile(
    rf"(?<![\w-])(\d{{1,2}})-({_MONTH_RE})-(\d{{4}}|\d{{2}})(?![\w-])", re.IGNORECASE
)
_TEXT_ISO = re.compile(
    r"(?<![\d-])((?:18|19|20)\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\d])"
)
# Raw dates longer than this are not date lines but text; refuse them early so
# a pathological input never reaches the fuzzy parser.
_MAX_RAW_LEN = 120
# How far into the text to look for a written date: the lead is where a
# publication date would be; later dates are about events, not the article.
_TEXT_WINDOW = 600

# Two defaults that differ in every component: a component that comes out the
# same under both was present in the input.
_DEFAULT_A = dt.datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = dt.datetime(2001, 2, 2, 1, 1, 1)


def _max_year(today: dt.date | None) -> int:
    return (today or dt.date.today()).year + 1


def _plausible(year: int, today: dt.date | None) -> bool:
    return MIN_YEAR <= year <= _max_year(today)


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _iso_date(year: int, month: int, day: int, today: dt.date | None) -> str | None:
    date = _make(year, month, day)
    if date is None or not _plausible(year, today):
        return None
    return date.isoformat()


def parse_reuters_date(raw: str, today: dt.date | None = None) -> str | None:
    """Parse Reuters' ``26-FEB-1987 15:01:01.79`` into ``1987-02-26T15:01:01``.

    Fast path (one regex, no fuzzy parsing): it runs for every one of the
    corpus's 21,578 stories. Hundredths and trailing noise are dropped.
    """
    match = _REUTERS.match(raw)
    if not match:
        return None
    day, month_name, year, hour, minute, second = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    try:
        stamp = dt.datetime(int(year), month, int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    return stamp.isoformat() if _plausible(stamp.year, today) else None


def _format(stamp: dt.datetime, has_time: bool, has_seconds: bool) -> str:
    if not has_time:
        return stamp.date().isoformat()
    text = stamp.isoformat(timespec="seconds" if has_seconds else "minutes")
    return text


_ZONE_HOURS = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9,
    "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11,
}  # fmt: skip
_ZONES = {name: dt.timezone(dt.timedelta(hours=hours)) for name, hours in _ZONE_HOURS.items()}


def _zone(name: str | None, offset: int | None) -> dt.tzinfo | None:
    """dateutil ``tzinfos`` hook: well-known abbreviations, else naive.

    Without it dateutil either warns on unknown names (an error under our
    pytest settings) or applies the machine's local zone when the name matches
    it, which would make the result depend on where the indexer runs.
    """
    if name:
        return _ZONES.get(name.upper())
    if offset is not None:
        return dt.timezone(dt.timedelta(seconds=offset))
    return None


def _dateutil(raw: str) -> tuple[dt.datetime, dt.datetime] | None:
    try:
        first = _dateutil_parser.parse(raw, default=_DEFAULT_A, tzinfos=_zone)
        second = _dateutil_parser.parse(raw, default=_DEFAULT_B, tzinfos=_zone)
    except (ValueError, OverflowError, TypeError, ArithmeticError):
        return None
    return first, second


def _parse_general(raw: str, today: dt.date | None) -> str | None:
    parsed = _dateutil(raw)
    if parsed is None:
        return None
    first, second = parsed
    # A missing year, month or day means the date is not a date we can show.
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    if not _plausible(first.year, today):
        return None
    has_time = first.hour == second.hour and first.minute == second.minute
    has_seconds = has_time and first.second == second.second
    return _format(first, has_time, has_seconds)


def _parse_iso(raw: str, today: dt.date | None) -> str | None:
    """ISO 8601 via the standard library: exact, fast, keeps the offset."""
    text = raw.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.,]+(?:Z|[+-]\d{2}:?\d{2})?)?", text):
        return None
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if not _plausible(stamp.year, today):
        return None
    if len(text) == 10:
        return stamp.date().isoformat()
    time_part = re.split(r"[T ]", text, maxsplit=1)[1]
    digits = re.match(r"[\d:]+", time_part)
    has_seconds = digits is not None and digits.group().count(":") >= 2
    return stamp.isoformat(timespec="seconds" if has_seconds else "minutes")


def parse_date(raw: str | None, today: dt.date | None = None) -> str | None:
    """Parse a raw date string from any source into ISO 8601, or ``None``.

    Accepts Reuters' format, ISO 8601 (``2024-05-01T10:00:00+02:00``) and the
    free forms of date lines and metadata (``7:42 PM, March 28, 2019``,
    ``Thu, 28 Mar 2019 19:42:00 GMT``). ``today`` fixes "next year" in tests.
    """
    if not raw:
        return None
    text = raw.strip()
    if not text or len(text) > _MAX_RAW_LEN:
        return None
    text = re.sub(r"^(?:published|updated|posted|date)\s*:?\s*", "", text, flags=re.IGNORECASE)
    for parse in (parse_reuters_date, _parse_iso, _parse_general):
        result = parse(text, today)
        if result is not None:
            return result
    return None


def date_from_url(url: str | None, today: dt.date | None = None) -> str | None:
    """A ``YYYY/MM/DD`` (or ``-``, ``_``, or ``/YYYYMMDD/``) date in a URL path."""
    if not url:
        return None
    for pattern in (_URL_DATE, _URL_COMPACT):
        for match in pattern.finditer(url):
            groups = match.groups()
            year, month, day = (groups[0], groups[-2], groups[-1])
            result = _iso_date(int(year), int(month), int(day), today)
            if result is not None:
                return result
    return None


def _full_year(digits: str, today: dt.date | None) -> int:
    """A two-digit year in the century that puts it at most a year ahead (96 -> 1996)."""
    year = int(digits)
    if len(digits) > 2:
        return year
    year += 2000
    return year if year <= _max_year(today) else year - 100


def _in_parentheses(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is inside a parenthesis: an aside, "(March 9, 1990)"."""
    opened = text.rfind("(", 0, start)
    if opened == -1 or text.rfind(")", 0, start) > opened:
        return False
    closed = text.find(")", end)
    return closed != -1 and (text.find("(", end) == -1 or text.find("(", end) > closed)


def date_from_text(text: str | None, today: dt.date | None = None) -> str | None:
    """The first full date written near the start of ``text``, as ``YYYY-MM-DD``.

    Only complete dates with a year count ("March 28, 2019", "28 March 2019",
    "2019-03-28", "3-Dec-96"); "Thursday, March 28" is an event date, not a
    publication date, and is ignored, and so is a date in parentheses ("the
    letter he received (March 9, 1990)"), which is an aside about something
    else.
    """
    if not text:
        return None
    window = text[:_TEXT_WINDOW]
    candidates: list[tuple[int, str]] = []
    for match in _TEXT_DAY_MON_YEAR.finditer(window):
        day, month, year = match.groups()
        found = _iso_date(_full_year(year, today), _MONTHS[month.lower()], int(day), today)
        if found:
            candidates.append((match.start(), found))
    for match in _TEXT_MDY.finditer(window):
        month, day, year = match.groups()
        found = _iso_date(int(year), _MONTHS[month.lower()], int(day), today)
        if found:
            candidates.append((match.start(), found))
    for match in _TEXT_DMY.finditer(window):
        day, month, year = match.groups()
        found = _iso_date(int(year), _MONTHS[month.lower()], int(day), today)
        if found:
            candidates.append((match.start(), found))
    for match in _TEXT_ISO.finditer(window):
        year, month, day = (int(part) for part in match.groups())
        found = _iso_date(year, month, day, today)
        if found:
            candidates.append((match.start(), found))
    candidates = [
        (start, found) for start, found in candidates if not _in_parentheses(window, start, start)
    ]
    return min(candidates)[1] if candidates else None


def extract_date(
    raw_date: str | None,
    url: str | None = None,
    text: str | None = None,
    today: dt.date | None = None,
) -> str | None:
    """The article's date from the most trusted source that yields one."""
    return parse_date(raw_date, today) or date_from_url(url, today) or date_from_text(text, today)
