"""A light property test: any query string gets a 200 or a 400 in the envelope, never a 500.

(The schemathesis run driven by /api/openapi.json is a separate, heavier task;
this one keeps the guarantee in the everyday suite.)
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_helpers import assert_error_envelope, assert_no_traceback

from indexer.search.request import SCALAR_PARAMS
from indexer.search.types import FACET_NAMES

NAMES = st.sampled_from([*SCALAR_PARAMS, *FACET_NAMES, "utm_x", "bogus"])
VALUES = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"-?[0-9]{1,12}", fullmatch=True),
    st.from_regex(r"[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?", fullmatch=True),
    st.sampled_from(["relevance", "newest", "oldest", '"', "*", "a*", "cocoa~2", "(", "AND"]),
)
PAIRS = st.lists(st.tuples(NAMES, VALUES), max_size=6)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(pairs=PAIRS, route=st.sampled_from(["/api/search", "/", "/api/export.jsonl"]))
def test_no_query_string_breaks_the_app(
    app: Flask, pairs: list[tuple[str, str]], route: str
) -> None:
    client = app.test_client()
    response = client.get(route + "?" + urlencode(pairs))
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    assert_no_traceback(response)
    if response.status_code == 400 and route != "/":
        assert_error_envelope(response, 400)
