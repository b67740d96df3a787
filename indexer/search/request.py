"""Turn untrusted parameters (URL query string, CLI options) into a SearchRequest.

This is the single place where search parameters are validated, so the page,
the JSON API and the CLI accept and reject exactly the same inputs. Every
rejection is a :class:`~indexer.errors.SearchRequestError` naming the
parameter, which the web app turns into a 400 and the CLI into exit status 2.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from indexer.errors import SearchRequestError
from indexer.search.types import FACET_NAMES, SORT_ORDERS, SearchRequest, SortOrder

#: Longest accepted query, in characters. Longer queries are almost always
#: pasted text or an attack; either way they would cost seconds to run.
MAX_QUERY_CHARS = 1000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
#: Deepest result reachable by paging (page * per_page). Like every search
#: engine, we do not let paging walk an arbitrarily deep result set.
MAX_DEPTH = 10_000
MAX_VALUES_PER_FACET = 20
MAX_VALUE_CHARS = 200

#: Facet values listed per facet by default, and at most (``facet_size``).
DEFAULT_FACET_SIZE = 10
MAX_FACET_SIZE = 1000
#: Deepest ``facet_offset`` (no facet of a news archive has more values).
MAX_FACET_OFFSET = 100_000
#: Longest accepted cluster id (cluster ids are article ids).
MAX_CLUSTER_CHARS = 200

#: Parameters the search accepts besides one per facet (and ``not_<facet>``).
SCALAR_PARAMS = (
    "q",
    "from",
    "to",
    "sort",
    "page",
    "per_page",
    "spell",
    "facet_size",
    "facet_offset",
    "collapse",
    "cluster",
)
#: Exclusion parameter of each facet: ``not_place=iran`` leaves Iran out.
EXCLUDE_PARAMS = {f"not_{name}": name for name in FACET_NAMES}
#: Values of ``spell``: 1 (the default) lets a misspelled query be replaced
#: by its correction; 0 searches the query exactly as typed.
SPELL_VALUES = ("0", "1")

#: Control characters (C0 but tab and line breaks, DEL, C1) in a query.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise SearchRequestError(f"'{name}' may be given only once", param=name)
    return values[0] if values else None


def parse_day(text: str, param: str, *, end: bool = False) -> date:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into a day.

    A partial date stands for its whole period: as a lower bound it means the
    first day, as an upper bound (``end=True``) the last, so ``to=1987-03``
    includes March 31st.
    """
    match = _DATE_RE.fullmatch(text.strip())
    if not match:
        raise SearchRequestError(
            f"'{param}' must be a date like 1987-03-01, 1987-03 or 1987 (got {text[:40]!r})",
            param=param,
        )
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    if not 1 <= year <= 9999 or not 1 <= month <= 12:
        raise SearchRequestError(f"'{param}' is not a valid date: {text[:40]!r}", param=param)
    last_day = calendar.monthrange(year, month)[1]
    day = int(match.group(3)) if match.group(3) else (last_day if end else 1)
    if not 1 <= day <= last_day:
        raise SearchRequestError(f"'{param}' is not a valid date: {text[:40]!r}", param=param)
    return date(year, month, day)


def _int_param(text: str | None, param: str, default: int, low: int, high: int) -> int:
    if text is None or text.strip() == "":
        return default
    try:
        value = int(text.strip())
    except ValueError:
        raise SearchRequestError(f"'{param}' must be a whole number", param=param) from None
    if not low <= value <= high:
        raise SearchRequestError(f"'{param}' must be between {low} and {high}", param=param)
    return value


def _facet_values(values: Iterable[str], name: str) -> tuple[str, ...]:
    cleaned: list[str] = []
    for value in values:
        value = " ".join(value.split())
        if not value:
            continue
        if len(value) > MAX_VALUE_CHARS:
            raise SearchRequestError(
                f"'{name}' values are limited to {MAX_VALUE_CHARS} characters", param=name
            )
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_VALUES_PER_FACET:
        raise SearchRequestError(
            f"at most {MAX_VALUES_PER_FACET} '{name}' values can be selected", param=name
        )
    return tuple(cleaned)


def _check_names(params: Mapping[str, Sequence[str]]) -> None:
    known = set(SCALAR_PARAMS) | set(FACET_NAMES) | set(EXCLUDE_PARAMS)
    unknown = sorted(
        name for name in params if name not in known and not name.startswith(("utm_", "_"))
    )
    if unknown:
        raise SearchRequestError(
            f"unknown parameter {unknown[0][:40]!r}; accepted: "
            + ", ".join((*SCALAR_PARAMS, *FACET_NAMES, *EXCLUDE_PARAMS)),
            code="unknown_parameter",
            param=unknown[0][:40],
        )


def parse_search_params(params: Mapping[str, Sequence[str]]) -> SearchRequest:
    """Validate raw multi-valued parameters into a :class:`SearchRequest`.

    ``params`` maps each parameter name to all the values it was given, as
    ``werkzeug``'s ``MultiDict.to_dict(flat=False)`` returns them.
    """
    _check_names(params)
    q = " ".join((_one(params, "q") or "").split())
    if len(q) > MAX_QUERY_CHARS:
        raise SearchRequestError(
            f"the query is too long ({len(q)} characters; the limit is {MAX_QUERY_CHARS})",
            code="query_too_long",
            param="q",
        )
    if "\ufffd" in q:
        raise SearchRequestError("the query is not valid UTF-8", param="q")
    control = _CONTROL.search(q)
    if control is not None:
        # Tabs and line breaks were spaces above; what is left is no text anyone typed.
        raise SearchRequestError(
            f"the query holds a control character (U+{ord(control.group()):04X}); remove it",
            code="bad_query",
            param="q",
        )

    raw_from, raw_to = _one(params, "from"), _one(params, "to")
    date_from = parse_day(raw_from, "from") if raw_from and raw_from.strip() else None
    date_to = parse_day(raw_to, "to", end=True) if raw_to and raw_to.strip() else None
    if date_from and date_to and date_from > date_to:
        raise SearchRequestError("'from' is after 'to'", code="bad_date_range", param="from")

    sort = (_one(params, "sort") or "relevance").strip() or "relevance"
    if sort not in SORT_ORDERS:
        raise SearchRequestError(f"'sort' must be one of {', '.join(SORT_ORDERS)}", param="sort")
    per_page = _int_param(_one(params, "per_page"), "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page = _int_param(_one(params, "page"), "page", 1, 1, MAX_DEPTH // per_page)

    spell = (_one(params, "spell") or "1").strip() or "1"
    if spell not in SPELL_VALUES:
        raise SearchRequestError(
            "'spell' must be 1 (correct misspellings) or 0 (search as typed)", param="spell"
        )
    filters = tuple(
        (name, values)
        for name in FACET_NAMES
        if (values := _facet_values(params.get(name) or (), name))
    )
    exclusions = tuple(
        (name, values)
        for param, name in EXCLUDE_PARAMS.items()
        if (values := _facet_values(params.get(param) or (), param))
    )
    sort_order: SortOrder = sort  # type: ignore[assignment]  # checked above
    return SearchRequest(
        q=q,
        date_from=date_from,
        date_to=date_to,
        sort=sort_order,
        page=page,
        per_page=per_page,
        filters=filters,
        spell=spell == "1",
        exclusions=exclusions,
        facet_size=_int_param(
            _one(params, "facet_size"), "facet_size", DEFAULT_FACET_SIZE, 1, MAX_FACET_SIZE
        ),
        facet_offset=_int_param(
            _one(params, "facet_offset"), "facet_offset", 0, 0, MAX_FACET_OFFSET
        ),
        collapse=_flag(_one(params, "collapse"), "collapse", default=True),
        cluster=_cluster(_one(params, "cluster")),
    )


def _flag(text: str | None, param: str, default: bool) -> bool:
    """``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``; empty: the default."""
    if text is None or not text.strip():
        return default
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SearchRequestError(f"'{param}' must be 1 or 0 (got {text[:20]!r})", param=param)


def _cluster(text: str | None) -> str | None:
    """A cluster id: non-empty, one line, bounded (it is looked up, never parsed)."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    if len(value) > MAX_CLUSTER_CHARS or any(ch.isspace() for ch in value):
        raise SearchRequestError(
            "'cluster' must be a cluster id as listed in search results", param="cluster"
        )
    return value


def request_to_params(request: SearchRequest, **changes: object) -> list[tuple[str, str]]:
    """The URL parameters that reproduce ``request`` (with ``changes`` applied).

    The inverse of :func:`parse_search_params`: used to build page, facet and
    pagination links, so that every state lives in the URL. Defaults are left
    out to keep links short.
    """
    fields: dict[str, object] = {
        "q": request.q,
        "from": request.date_from.isoformat() if request.date_from else "",
        "to": request.date_to.isoformat() if request.date_to else "",
        "sort": request.sort if request.sort != "relevance" else "",
        "per_page": request.per_page if request.per_page != DEFAULT_PER_PAGE else "",
        "page": request.page if request.page != 1 else "",
        "spell": "" if request.spell else "0",
        "facet_size": request.facet_size if request.facet_size != DEFAULT_FACET_SIZE else "",
        "facet_offset": request.facet_offset or "",
        "collapse": "" if request.collapse else "0",
        "cluster": request.cluster or "",
    }
    filters = {name: list(values) for name, values in request.filters}
    filters.update({f"not_{name}": list(values) for name, values in request.exclusions})
    for key, value in changes.items():
        if key in FACET_NAMES or key in EXCLUDE_PARAMS:
            filters[key] = list(value)  # type: ignore[call-overload]
        else:
            fields[key] = value
    pairs = [(k, str(v)) for k, v in fields.items() if v not in ("", None)]
    for name in (*FACET_NAMES, *EXCLUDE_PARAMS):
        pairs.extend((name, v) for v in filters.get(name, ()))
    return pairs
