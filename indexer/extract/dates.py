"""Publication dates as ISO 8601 strings at the precision the source gave.

A date the index shows must be one the source actually stated, so every
function here returns ``None`` rather than a guess: impossible calendar dates
("Feb 30"), years before 1800 and years after next year are rejected, and
components the source did not give (the time of a bare date, the seconds of
``7:42 PM``) are left out of the result instead of being filled with zeros.

:func:`publication_date` weighs the candidates: the raw date the format
supplied (a text file's date line, Reuters' ``DATE``, HTML metadata), the
day the page prints (HTML), a date in the URL and a date written in the
lead, and keeps the publisher's local day (not the UTC day of a timestamp)
together with the exact instant.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from dateutil import parser as _dateutil_parser

__all__ = [
    "PublicationDate",
    "date_from_text",
    "date_from_url",
    "extract_date",
    "parse_date",
    "parse_reuters_date",
    "publication_date",
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
    """The article's date (the publisher's day): :func:`publication_date`'s ``date``."""
    return publication_date(raw_date, url, text, today=today).date


@dataclass(frozen=True, slots=True)
class PublicationDate:
    """When a story was published, as its publisher would say it.

    ``date`` is the publisher's local day (``2019-11-19``), or its local
    time when the source gave one with its offset or without a zone
    (``2019-11-19T21:59:46-05:00``): the day part is always the day the
    publisher printed. ``instant`` is the exact moment when the source gave a
    time with a zone (``2019-11-20T02:59:46+00:00``), whatever day was
    chosen. ``source`` says where the day came from: ``metadata`` (the raw
    date the format supplied), ``url``, ``page`` (the day the page itself
    prints, as the HTML reader found it) or ``text`` (a date in the lead).
    """

    date: str | None = None
    instant: str | None = None
    source: str | None = None


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso[:10])


def _near(a: str, b: str) -> bool:
    """Whether two ISO dates are at most one day apart (a time-zone shift)."""
    return abs((_day(a) - _day(b)).days) <= 1


def _zone_kind(iso: str) -> str:
    """``"utc"`` for a time at offset zero, ``"local"`` for any other time or a bare day."""
    if len(iso) > 10 and (iso.endswith("+00:00") or iso.endswith("Z")):
        return "utc"
    return "local"


def publication_date(
    raw_date: str | None,
    url: str | None = None,
    text: str | None = None,
    page_day: str | None = None,
    today: dt.date | None = None,
) -> PublicationDate:
    """The publisher's day, the exact instant, and where the day came from.

    Why not the UTC day of a timestamp: a story published on the evening of
    19 November in New York carries ``2019-11-20T02:59:46Z`` in its
    metadata, while its URL and its page say the 19th. Measured on ~1,000
    real pages (``bench/html_quality.py``), the order of trust is:

    1. a declared date in local time (an offset other than zero, or no zone,
       or a bare day) gives its own day, unless the page prints a day more
       than one day away (stale or "modified" metadata);
    2. a declared UTC time gives the instant only; its day is taken from
       the URL, else the page, else the lead, when one of them is within a
       day of it (the publisher's zone shifted it), else from the page when
       the page prints another day, else it is the UTC day;
    3. without a declared date: the page's day, the URL's, the lead's.

    ``page_day`` is the day the page prints (the HTML reader reads it with
    htmldate); other formats have none.
    """
    declared = parse_date(raw_date, today)
    page = _valid_day(page_day, today)
    # The URL and the lead are read only when needed (the lead scan costs more
    # than the rest of this function, on every Reuters story).
    url_day = functools.partial(date_from_url, url, today)
    text_day = functools.partial(date_from_text, text, today)
    if declared is None:
        for find, label in ((lambda: page, "page"), (url_day, "url"), (text_day, "text")):
            day = find()
            if day:
                return PublicationDate(day, None, label)
        return PublicationDate()
    zone = _zone_kind(declared)
    instant = declared if len(declared) > 16 and declared[-6] in "+-" else None
    if zone == "local":
        if page and not _near(page, declared):
            return PublicationDate(page, instant, "page")
        return PublicationDate(declared, instant, "metadata")
    for find, label in ((url_day, "url"), (lambda: page, "page"), (text_day, "text")):
        day = find()
        if day and _near(day, declared):
            if day == declared[:10]:
                return PublicationDate(declared, instant, "metadata")
            return PublicationDate(day, instant, label)
    if page:
        return PublicationDate(page, instant, "page")
    return PublicationDate(declared, instant, "metadata")


def _valid_day(day: str | None, today: dt.date | None) -> str | None:
    """``day`` when it is a plausible ``YYYY-MM-DD``, else ``None``."""
    if not day or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        return None
    return _iso_date(int(day[:4]), int(day[5:7]), int(day[8:10]), today)
