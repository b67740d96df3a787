"""Exports people can cite: chosen fields, a provenance record, a citation line.

Users of every archive tool ask to prove what they searched and when (Aleph
#3522, Datashare #749, Media Cloud #730). An export therefore says, next to
its rows, the query and every filter exactly as given, the index generation
it read, when it ran, how many stories matched and which newsearch made it:
the first line of a JSON Lines export (``{"provenance": {...}}``; drop it
with ``provenance=0``), and a ``# `` comment block at the top of a CSV when
asked with ``provenance=1`` (plain CSV stays plain for tools that choke on
comments).

``fields=`` chooses the columns (comma-separated or repeated, in the order
given); ``snippet`` (plain text around the matches) and ``body`` (the whole
text) are opt-in, as they make exports large.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from flask import request

from indexer.errors import SearchRequestError
from indexer.search.presenter import EXPORT_COLUMNS, export_record
from indexer.search.request import parse_search_params
from indexer.search.types import FACET_NAMES, Hit, Passage, SearchRequest
from webapp import params

#: Fields an export can carry: the default columns, then the opt-in ones.
EXPORT_FIELDS: tuple[str, ...] = (*EXPORT_COLUMNS, "snippet", "body")
#: Separator of snippet passages in plain text.
PASSAGE_SEPARATOR = " … "
#: Characters a one-line comment or record may not hold (line breaks, controls).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What an export request asks for besides the search itself."""

    fields: tuple[str, ...]
    provenance: bool


def parse_fields(values: Sequence[str]) -> tuple[str, ...]:
    """``fields=id,title&fields=body`` -> ``("id", "title", "body")``; unknown names are a 400."""
    chosen: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if not name or name in chosen:
                continue
            if name not in EXPORT_FIELDS:
                raise SearchRequestError(
                    f"unknown field {name[:40]!r}; accepted: {', '.join(EXPORT_FIELDS)}",
                    code="unknown_field",
                    param="fields",
                )
            chosen.append(name)
    return tuple(chosen) or EXPORT_COLUMNS


def parse_flag(values: Sequence[str], name: str, default: bool) -> bool:
    """A ``0``/``1`` switch given at most once (empty means the default)."""
    if len(values) > 1:
        raise SearchRequestError(f"'{name}' may be given only once", param=name)
    value = values[0].strip() if values else ""
    if value == "":
        return default
    if value not in ("0", "1"):
        raise SearchRequestError(f"'{name}' must be 0 or 1", param=name)
    return value == "1"


def export_request(provenance_default: bool) -> tuple[SearchRequest, ExportOptions]:
    """The search and the export options of the current URL, all validated."""
    params.check_query_string(request.query_string)
    raw = params.raw_params()
    params.check_utf8(raw)
    fields = parse_fields(raw.pop("fields", []))
    provenance = parse_flag(raw.pop("provenance", []), "provenance", provenance_default)
    return parse_search_params(raw), ExportOptions(fields, provenance)


def plain_snippet(passages: Sequence[Passage]) -> str:
    """The snippet as plain text: no markup, passages joined by an ellipsis."""
    return PASSAGE_SEPARATOR.join("".join(f.text for f in passage) for passage in passages)


def export_row(hit: Hit, fields: Sequence[str]) -> dict[str, Any]:
    """One exported record with exactly ``fields``, in that order."""
    record = export_record(hit)
    record["snippet"] = plain_snippet(hit.snippet)
    record["body"] = hit.body if hit.body is not None else ""
    return {name: record[name] for name in fields}


def newsearch_version() -> str:
    """The installed package's version (``unknown`` when run from a bare checkout)."""
    try:
        return metadata.version("newsearch")
    except metadata.PackageNotFoundError:
        return "unknown"


def filters_as_given(raw: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """Every parameter but the query and the export options, exactly as sent."""
    given: dict[str, Any] = {}
    for name, values in raw.items():
        if name in ("q", "fields", "provenance"):
            continue
        given[name] = list(values) if name in FACET_NAMES or len(values) > 1 else values[0]
    return given


def provenance_record(
    search: SearchRequest,
    options: ExportOptions,
    total: int,
    generation: int,
    limit: int,
    now: datetime | None = None,
) -> dict[str, Any]:
    """What was searched, in which index, when, and with what result."""
    raw = params.raw_params()
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    queries = raw.get("q") or [""]
    return {
        "query": queries[0],
        "filters": filters_as_given(raw),
        "sort": search.sort,
        "fields": list(options.fields),
        "total": total,
        "rows": min(total, limit),
        "limit": limit,
        "index_generation": generation,
        "exported_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "newsearch_version": newsearch_version(),
        "url": request.full_path.rstrip("?"),
    }


def comment_lines(record: Mapping[str, Any]) -> list[str]:
    """The provenance as ``# name: value`` lines for the top of a CSV file."""
    lines = ["# newsearch export"]
    for name, value in record.items():
        if isinstance(value, dict):
            shown = "; ".join(
                f"{key}={', '.join(item) if isinstance(item, list) else item}"
                for key, item in value.items()
            )
        elif isinstance(value, list):
            shown = ", ".join(str(item) for item in value)
        else:
            shown = str(value)
        lines.append(f"# {name}: {_CONTROL.sub(' ', shown)}")
    return lines


def citation(article: Mapping[str, Any], display_date: str) -> str:
    """One line to paste into a footnote: title, source, date, dateline, URL or origin."""
    title = " ".join((article.get("title") or "(untitled)").split())
    parts = [f"“{title.rstrip('.')}.”"]
    where = [
        value for value in (article.get("source"), display_date, article.get("dateline")) if value
    ]
    if where:
        parts.append(", ".join(where) + ".")
    locator = article.get("url") or article.get("origin")
    if locator:
        parts.append(f"{locator}.")
    return _CONTROL.sub(" ", " ".join(parts))
