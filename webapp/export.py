"""Serialise exported hits as CSV or JSON Lines, one line at a time.

Exports are streamed, so each function turns an iterator of hits into an
iterator of text chunks and never holds the result set in memory.

CSV cells that a spreadsheet would read as a formula (starting with ``=``,
``+``, ``-``, ``@``, or a tab/carriage return that some programs strip first)
are prefixed with a single quote, the OWASP advice against CSV injection:
article titles are untrusted text.

An export reads up to 10,000 stored documents, so a few clients looping
over it could take every core from the searches: :mod:`webapp.slots` lets
at most ``EXPORT_CONCURRENCY`` run at once in each server process, and
answers the next one 429 with ``Retry-After`` at once instead of queueing it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from flask import Flask

from indexer.errors import ExportBusyError
from indexer.search.presenter import EXPORT_COLUMNS
from indexer.search.types import Hit
from webapp.citable import comment_lines, export_row
from webapp.slots import Slots, app_slots

#: Exports one server process runs at once unless ``EXPORT_CONCURRENCY`` says otherwise.
DEFAULT_EXPORT_CONCURRENCY = 2
#: Seconds a refused export is told to wait (an export takes a second or two).
EXPORT_RETRY_AFTER = 5


def export_slots(app: Flask) -> Slots:
    """The app's export slots, created on first use from ``EXPORT_CONCURRENCY``."""
    return app_slots(
        app,
        "EXPORT_CONCURRENCY",
        DEFAULT_EXPORT_CONCURRENCY,
        ExportBusyError,
        "exports are",
        EXPORT_RETRY_AFTER,
    )


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Characters ``json.dumps(ensure_ascii=False)`` leaves raw that split lines.
LINE_BREAKS_JSON_KEEPS = ("\x85", "\u2028", "\u2029")
#: Separator of multi-valued fields (people, places...) inside one CSV cell.
LIST_SEPARATOR = "; "


def safe_cell(value: Any) -> str:
    """One CSV cell: lists joined, None empty, text defused against formulas."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    text = LIST_SEPARATOR.join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_line(cells: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(list(cells))
    return buffer.getvalue()


def csv_lines(
    hits: Iterable[Hit],
    fields: Sequence[str] = EXPORT_COLUMNS,
    provenance: Mapping[str, Any] | None = None,
) -> Iterator[str]:
    """The provenance comments if given, a header line, then one line per hit."""
    if provenance is not None:
        for comment in comment_lines(provenance):
            yield comment + "\r\n"
    yield _csv_line(fields)
    for hit in hits:
        record = export_row(hit, fields)
        yield _csv_line(safe_cell(record[column]) for column in fields)


def _json_line(value: Any) -> str:
    line = json.dumps(value, ensure_ascii=False)
    for char in LINE_BREAKS_JSON_KEEPS:
        line = line.replace(char, f"\\u{ord(char):04x}")
    return line + "\n"


def jsonl_lines(
    hits: Iterable[Hit],
    fields: Sequence[str] = EXPORT_COLUMNS,
    provenance: Mapping[str, Any] | None = None,
) -> Iterator[str]:
    """``{"provenance": ...}`` first if given, then one JSON object per hit and line.

    Non-ASCII stays readable, and a record is never split across lines:
    U+0085, U+2028 and U+2029 are escaped too (``str.splitlines``, and
    JavaScript for the latter two, treat them as line breaks).
    """
    if provenance is not None:
        yield _json_line({"provenance": dict(provenance)})
    for hit in hits:
        yield _json_line(export_row(hit, fields))
