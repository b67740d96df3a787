"""Batch search: check a list of up to 500 queries or names at once.

``/batch`` is a form (paste one query or name per line) answering with a
table of each line's story count, first and last date and a link to its
search, sorted as the reader chooses, with a CSV download; ``POST
/api/batch`` takes ``{"queries": [...], "from", "to", "phrase", <facet>:
[...]}`` and answers ``{"results": [...], "unfinished": [...]}`` in the
order given.

Bounded three ways: the body (:data:`MAX_BODY_BYTES`), the lines
(:data:`MAX_LINES`) and the CPU time of the whole batch
(``BATCH_BUDGET_SECONDS``): lines the budget does not reach are listed as
unfinished rather than failing the batch. At most ``BATCH_CONCURRENCY``
batches run at once in each server process (:mod:`webapp.slots`); the next
one is answered 429 with ``Retry-After``, so a few clients looping over the
endpoint cannot hold every server thread for ten seconds at a time. The form is protected against
cross-site request forgery (:mod:`webapp.csrf`); the JSON endpoint accepts
only ``application/json``, which a cross-site form cannot send.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from indexer.errors import BatchBusyError, SearchRequestError
from indexer.search.request import EXCLUDE_PARAMS, parse_search_params
from indexer.search.tally import BatchOutcome
from indexer.search.types import FACET_NAMES, SearchRequest
from webapp import csrf
from webapp.backend import get_service
from webapp.export import safe_cell
from webapp.links import search_href
from webapp.slots import app_slots

#: Most lines one batch may hold (blank lines are not counted).
MAX_LINES = 500
#: Largest request body, form or JSON: 500 lines of ~500 bytes.
MAX_BODY_BYTES = 256 * 1024
#: CPU seconds the whole batch may use unless ``BATCH_BUDGET_SECONDS`` says otherwise.
DEFAULT_BUDGET_SECONDS = 10.0
#: Batches one server process runs at once unless ``BATCH_CONCURRENCY`` says otherwise.
DEFAULT_BATCH_CONCURRENCY = 1
#: Seconds a refused batch is told to wait (a batch takes up to its budget).
BATCH_RETRY_AFTER = 10
#: Most fields a form post may hold (the form has about a dozen).
MAX_FORM_FIELDS = 100
FORM_MIMETYPE = "application/x-www-form-urlencoded"
#: Keys a JSON batch may hold.
JSON_KEYS = ("queries", "phrase", "from", "to", *FACET_NAMES, *EXCLUDE_PARAMS)
#: The filters every line shares.
FILTER_KEYS = ("from", "to", *FACET_NAMES, *EXCLUDE_PARAMS)
#: How the page can sort its table, with the button labels.
SORTS = {
    "given": "Order given",
    "total": "Most stories",
    "query": "Query (A-Z)",
    "first_date": "First date",
    "last_date": "Last date",
}

bp = Blueprint("batch", __name__)


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """The lines as given, the queries they run, and the filters they share."""

    lines: tuple[str, ...]
    queries: tuple[str, ...]
    shared: SearchRequest
    phrase: bool


def phrase_query(line: str) -> str:
    """A line as one exact phrase (names: ``Paul Volcker`` must not match Paul or Volcker)."""
    return '"' + " ".join(line.replace('"', " ").split()) + '"'


def parse_lines(values: Sequence[str], phrase: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The non-blank lines (whitespace collapsed) and the queries they run, validated."""
    lines = tuple(line for value in values if (line := " ".join(value.split())))
    if not lines:
        raise SearchRequestError(
            "the batch is empty: give one query or name per line", code="empty_batch"
        )
    if len(lines) > MAX_LINES:
        raise SearchRequestError(
            f"a batch holds at most {MAX_LINES} lines (got {len(lines)})",
            code="too_many_lines",
        )
    queries = tuple(phrase_query(line) if phrase else line for line in lines)
    for number, q in enumerate(queries, 1):
        try:
            parse_search_params({"q": [q]})
        except SearchRequestError as error:
            raise SearchRequestError(f"line {number}: {error}", code=error.code) from None
    return lines, queries


def parse_shared(values: Mapping[str, Sequence[str]]) -> SearchRequest:
    """The dates and facet values every line is counted under."""
    return parse_search_params({k: list(v) for k, v in values.items() if v})


def read_body() -> bytes:
    """The request body, refusing more than :data:`MAX_BODY_BYTES` before reading it all."""
    length = request.content_length
    too_large = RequestEntityTooLarge(
        f"a batch request may be at most {MAX_BODY_BYTES // 1024} kB "
        f"({MAX_LINES} lines of queries or names)"
    )
    if length is not None and length > MAX_BODY_BYTES:
        raise too_large
    data = request.stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise too_large
    return data


def _json_strings(value: Any, name: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise SearchRequestError(f"'{name}' must be a string or a list of strings", param=name)


def batch_from_json(body: bytes) -> BatchRequest:
    """Validate a JSON batch: an object with a ``queries`` list and optional filters."""
    try:
        document = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise SearchRequestError("the body is not valid UTF-8", code="bad_json") from None
    except (ValueError, RecursionError) as error:
        raise SearchRequestError(
            f"the body is not valid JSON ({error})"[:200], code="bad_json"
        ) from None
    if not isinstance(document, dict):
        raise SearchRequestError(
            'the body must be a JSON object: {"queries": ["..."]}', code="bad_json"
        )
    unknown = sorted(key for key in document if key not in JSON_KEYS)
    if unknown:
        raise SearchRequestError(
            f"unknown key {unknown[0][:40]!r}; accepted: {', '.join(JSON_KEYS)}",
            code="unknown_parameter",
            param=unknown[0][:40],
        )
    queries = document.get("queries")
    if not isinstance(queries, list) or not all(isinstance(q, str) for q in queries):
        raise SearchRequestError(
            "'queries' must be a list of strings, one query or name each", param="queries"
        )
    phrase = document.get("phrase", False)
    if not isinstance(phrase, bool):
        raise SearchRequestError("'phrase' must be true or false", param="phrase")
    lines, runs = parse_lines(queries, phrase)
    filters = {
        name: _json_strings(document[name], name)
        for name in FILTER_KEYS
        if document.get(name) is not None
    }
    return BatchRequest(lines, runs, parse_shared(filters), phrase)


def batch_from_form(form: Mapping[str, Sequence[str]]) -> BatchRequest:
    """Validate the form's fields (the pasted lines, phrase, dates, facet values)."""
    text = "\n".join(form.get("lines", []))
    phrase = "1" in form.get("phrase", [])
    lines, runs = parse_lines(text.splitlines(), phrase)
    filters = {name: form.get(name, []) for name in FILTER_KEYS}
    return BatchRequest(lines, runs, parse_shared(filters), phrase)


def batch_slots() -> Callable[[], None]:
    """Claim a batch slot (or raise :class:`BatchBusyError`); returns its release."""
    slots = app_slots(
        current_app,
        "BATCH_CONCURRENCY",
        DEFAULT_BATCH_CONCURRENCY,
        BatchBusyError,
        "batches are",
        BATCH_RETRY_AFTER,
    )
    return slots.claim()


def run(batch: BatchRequest) -> BatchOutcome:
    """Count every line within the app's batch budget."""
    budget = float(current_app.config.get("BATCH_BUDGET_SECONDS", DEFAULT_BUDGET_SECONDS))
    release = batch_slots()
    try:
        return get_service().batch(batch.queries, batch.shared, budget)
    finally:
        release()


def rows(batch: BatchRequest, outcome: BatchOutcome) -> list[dict[str, Any]]:
    """Every line in the order given, finished or not, with its search link."""
    search = url_for("pages.search")
    result = []
    for number, (line, q, tally) in enumerate(
        zip(batch.lines, batch.queries, outcome.tallies, strict=True), 1
    ):
        result.append(
            {
                "line": number,
                "query": line,
                "total": tally.total if tally else None,
                "first_date": tally.first_date if tally else None,
                "last_date": tally.last_date if tally else None,
                "url": search_href(search, replace(batch.shared, q=q)),
                "finished": tally is not None,
            }
        )
    return result


def batch_json(batch: BatchRequest, outcome: BatchOutcome) -> dict[str, Any]:
    """``{"results": [...], "unfinished": [...]}``, both in the order given."""
    keys = ("line", "query", "total", "first_date", "last_date", "url")
    all_rows = rows(batch, outcome)
    return {
        "results": [{k: row[k] for k in keys} for row in all_rows if row["finished"]],
        "unfinished": [
            {"line": row["line"], "query": row["query"]} for row in all_rows if not row["finished"]
        ],
        "generation": outcome.generation,
        "took_ms": round(outcome.took_ms, 1),
    }


def _sort_key(sort: str) -> Callable[[dict[str, Any]], Any]:
    """Unfinished lines and lines without dates always sort last."""
    if sort == "total":
        return lambda row: (row["total"] is None, -(row["total"] or 0), row["line"])
    if sort == "query":
        return lambda row: (row["query"].casefold(), row["line"])
    if sort == "first_date":
        return lambda row: (row["first_date"] is None, row["first_date"] or "", row["line"])
    if sort == "last_date":
        return lambda row: (row["last_date"] is None, row["last_date"] or "", row["line"])
    return lambda row: row["line"]


def sorted_rows(all_rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """The table in the reader's chosen order (``given`` when the choice is unknown)."""
    return sorted(all_rows, key=_sort_key(sort if sort in SORTS else "given"))


def csv_lines(table: list[dict[str, Any]], base_url: str) -> Iterator[str]:
    """The table as CSV; links are absolute so they work outside the browser."""
    columns = ("line", "query", "total", "first_date", "last_date", "url", "status")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in table:
        cells = {
            **row,
            "url": base_url + row["url"],
            "status": "" if row["finished"] else "unfinished",
        }
        writer.writerow([safe_cell(cells[column]) for column in columns])
    yield buffer.getvalue()


def _form_state(form: Mapping[str, Sequence[str]], token: str) -> dict[str, Any]:
    # A column header's button (``sort_by``) overrides the select (``sort``).
    sort = (form.get("sort_by") or form.get("sort") or ["given"])[0]
    return {
        "lines": "\n".join(form.get("lines", [])),
        "phrase": "1" in form.get("phrase", []),
        "from": (form.get("from") or [""])[0],
        "to": (form.get("to") or [""])[0],
        "hidden": [
            (name, value)
            for name in (*FACET_NAMES, *EXCLUDE_PARAMS)
            for value in form.get(name, [])
        ],
        "sort": sort if sort in SORTS else "given",
        "sorts": list(SORTS.items()),
        "token": token,
        "max_lines": MAX_LINES,
    }


def _render(form: dict[str, Any], status: int = 200, **page: Any) -> Response:
    html = render_template("batch.html", batch_form=form, page=page, form={"q": ""})
    response = Response(html, status=status, mimetype="text/html")
    return csrf.set_cookie(response, form["token"])


@bp.get("/batch")
def form_page() -> Response:
    """The empty form, with a fresh anti-forgery token."""
    return _render(_form_state({}, csrf.current_token()))


def read_form() -> dict[str, list[str]]:
    """The posted form's fields, parsed from at most :data:`MAX_BODY_BYTES`."""
    if request.mimetype != FORM_MIMETYPE:
        raise UnsupportedMediaType(f"the batch form is sent as {FORM_MIMETYPE}")
    body = read_body()
    try:
        return parse_qs(
            body.decode("utf-8"),
            keep_blank_values=True,
            max_num_fields=MAX_FORM_FIELDS,
            errors="strict",
        )
    except (UnicodeDecodeError, ValueError):
        raise SearchRequestError(
            "the form data is not valid (not UTF-8, or too many fields)", code="bad_form"
        ) from None


@bp.post("/batch")
def form_post() -> Response:
    """Run the pasted lines: the table (or its CSV), or the form again with the error."""
    form = read_form()
    token = csrf.current_token()
    state = _form_state(form, token)
    try:
        csrf.check((form.get(csrf.FIELD) or [""])[0])
        batch = batch_from_form(form)
        outcome = run(batch)
    except SearchRequestError as error:
        return _render(state, 400, error=str(error), error_code=error.code)
    except BatchBusyError as error:
        busy = _render(state, 429, error=str(error), error_code=error.code)
        busy.headers["Retry-After"] = str(error.retry_after)
        return busy
    table = sorted_rows(rows(batch, outcome), state["sort"])
    if (form.get("format") or [""])[0] == "csv":
        response = Response(
            "".join(csv_lines(table, request.host_url.rstrip("/"))), mimetype="text/csv"
        )
        response.headers["Content-Disposition"] = 'attachment; filename="newsearch-batch.csv"'
        return response
    unfinished = sum(1 for row in table if not row["finished"])
    return _render(state, table=table, unfinished=unfinished, took_ms=round(outcome.took_ms, 1))


@bp.post("/api/batch")
def api() -> Response:
    """JSON in, JSON out: each line's total and dates, and the lines left unfinished."""
    if not request.is_json:
        raise UnsupportedMediaType(
            "send the batch as JSON (Content-Type: application/json): "
            '{"queries": ["first query", "a name"]}'
        )
    batch = batch_from_json(read_body())
    return jsonify(batch_json(batch, run(batch)))
