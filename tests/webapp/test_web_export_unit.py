"""CSV/JSON Lines serialisation: formula injection, lists, streaming bounds."""

from __future__ import annotations

import csv
import io
import json

from flask.testing import FlaskClient
from web_helpers import FakeService, assert_error_envelope, make_hit

from indexer.search.presenter import EXPORT_COLUMNS
from webapp import create_app
from webapp.export import csv_lines, jsonl_lines, safe_cell


def test_formula_cells_are_defused() -> None:
    for dangerous in ('=HYPERLINK("x")', "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("Cocoa = good") == "Cocoa = good"
    assert safe_cell(["=a", "b"]) == "'=a; b"
    assert safe_cell(None) == ""
    assert safe_cell(-1.5) == "-1.5"  # numbers we produce are not text


def test_csv_round_trips() -> None:
    hits = [make_hit(1, title="=cmd|' /C calc'!A0", people=("A", "B")), make_hit(2)]
    rows = list(csv.reader(io.StringIO("".join(csv_lines(hits)))))
    assert rows[0] == list(EXPORT_COLUMNS)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["title"] == "'=cmd|' /C calc'!A0"
    assert first["people"] == "A; B"
    assert len(rows) == 3


def test_jsonl_is_one_object_per_line() -> None:
    text = "".join(jsonl_lines([make_hit(1, title="line\nbreak \u2028\x85 é")]))
    lines = text.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["title"] == "line\nbreak \u2028\x85 é"


def test_export_limit_is_applied_and_announced() -> None:
    service = FakeService()
    app = create_app({"SEARCH_SERVICE_FACTORY": lambda d: service, "EXPORT_MAX_ROWS": 2})
    client = app.test_client()
    response = client.get("/api/export.jsonl?q=cocoa")
    assert response.headers["X-Export-Limit"] == "2"
    provenance, *records = response.get_data(as_text=True).splitlines()
    assert json.loads(provenance)["provenance"]["rows"] == 2
    assert len(records) == 2
    response = client.get("/api/export.csv?q=cocoa")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert len(response.get_data(as_text=True).splitlines()) == 3  # header + 2


def test_export_validates_before_streaming(fake_client: FlaskClient) -> None:
    assert_error_envelope(fake_client.get("/api/export.csv?from=2020-13-45"), 400)
    assert_error_envelope(fake_client.get("/api/export.jsonl?bogus=1"), 400, "unknown_parameter")
