"""Fuzz the real server (``newsearch serve``) with generated URLs: never a 500, always the envelope.

What it proves: thousands of generated requests to the search page, the
search API, the exports and the article routes (parameter names and values
in any Unicode, control characters, invalid UTF-8 escapes, huge numbers,
extreme dates, repeated parameters, path tricks) get no 5xx at all except a
budget 503, every API error is the ``{"error": {"code", "message"}}``
envelope, every HTML error is a page, every response carries the security
headers, no traceback leaks, and the index directory is byte- and
mtime-identical afterwards (the web app never writes to it).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import Server, assert_envelope, tree_snapshot

from indexer.search.request import MAX_QUERY_CHARS, SCALAR_PARAMS
from indexer.search.types import FACET_NAMES

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

#: Wall-clock budget of the generated part of the run, and its number of
#: examples (two requests each). Past the budget Hypothesis still generates
#: the remaining examples, which then do nothing: the cap keeps that short.
#: (It was 40 s and 2,500: 129 s in all on a loaded machine.)
FUZZ_SECONDS = 20.0
FUZZ_EXAMPLES = 1000
ROUTES = ("/api/search", "/", "/api/export.csv", "/api/export.jsonl")

KNOWN_NAMES = st.sampled_from([*SCALAR_PARAMS, *FACET_NAMES, "utm_source", "_"])
#: Mostly names the app accepts (an unknown one is a 400 before anything runs).
NAMES = st.one_of(
    KNOWN_NAMES,
    KNOWN_NAMES,
    KNOWN_NAMES,
    st.sampled_from(["Q", "q[]", "page ", "per-page", "from_"]),
    st.text(max_size=12),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["0", "-0", "1e308", "NaN", "inf", "0x10", "1_000", " 7 ", "１２", "٣", "9" * 4000, ""]
    ),
)
DATES = st.one_of(
    st.from_regex(r"[0-9]{1,5}(-[0-9]{1,3}(-[0-9]{1,3})?)?", fullmatch=True),
    st.sampled_from(
        ["0000", "0001-01-01", "9999-12-31", "9999", "1987-02-29", "1988-02-29", "2021-02-30"]
    ),
)
QUERIES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(
        [
            '"',
            "(",
            ")",
            "*",
            "?",
            "~",
            "^",
            "a~99",
            '"a b"~999',
            "title:",
            ":",
            "NOT",
            "AND OR NOT",
            "place:*",
            "date:[1987 TO 1988]",
            "\\",
            "\x00",
            "\u202e",
            "<script>alert(1)</script>",
            "${jndi:ldap://x}",
            "' OR 1=1 --",
            "x" * 1001,
        ]
    ),
)


def value_for(name: str) -> st.SearchStrategy[str]:
    """Half plausible values (to get past validation), half anything."""
    if name in ("page", "per_page"):
        return st.one_of(st.integers(1, 20).map(str), NUMBERS)
    if name in ("from", "to"):
        return st.one_of(st.dates().map(lambda d: d.isoformat()[: 4 + 3 * (d.day % 3)]), DATES)
    if name == "sort":
        return st.one_of(st.sampled_from(["relevance", "newest", "oldest"]), st.text(max_size=9))
    if name == "q":
        return st.one_of(st.sampled_from(["cocoa", "wheat OR oil", "alert", "c*"]), QUERIES)
    return st.one_of(st.sampled_from(["usa", "cocoa", "<img", "United States"]), QUERIES)


PAIRS = st.lists(NAMES.flatmap(lambda name: st.tuples(st.just(name), value_for(name))), max_size=7)
#: Raw percent-escapes, including bytes that are not UTF-8 and broken escapes.
RAW = st.lists(
    st.one_of(
        st.binary(min_size=1, max_size=6).map(lambda b: "".join(f"%{x:02X}" for x in b)),
        st.sampled_from(["%", "%G1", "%%", "%f", "&&", "=", "==", ";", "+", "#x", "?"]),
        st.from_regex(r"[a-z_]{1,8}=[A-Za-z0-9]{0,8}", fullmatch=True),
    ),
    max_size=6,
).map("".join)
ARTICLE_IDS = st.one_of(
    st.text(max_size=40).map(lambda t: quote(t, safe="")),
    st.sampled_from(
        [
            "..%2F..%2Fetc%2Fpasswd",
            "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "....//....//etc/passwd",
            "%00",
            "reuters-900001%00.txt",
            "a" * 500,
            "CON",
            "~root",
        ]
    ),
)


class Session:
    """One keep-alive connection to the server, reopened when the server closes it."""

    def __init__(self, server: Server) -> None:
        self.port = server.port
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.requests = 0
        self.statuses: dict[int, int] = {}
        self.codes: dict[str, int] = {}

    def get(self, path: str) -> tuple[int, str, dict[str, str], bytes]:
        for attempt in (1, 2):
            try:
                self.connection.request("GET", path)
                response = self.connection.getresponse()
                body = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        self.requests += 1
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        if response.status >= 400 and path.startswith("/api/search"):
            with contextlib.suppress(ValueError, KeyError, TypeError):
                code = json.loads(body)["error"]["code"]
                self.codes[code] = self.codes.get(code, 0) + 1
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers.get("content-type", ""), headers, body


def check_response(
    path: str, status: int, ctype: str, headers: dict[str, str], body: bytes
) -> None:
    where = (path[:200], status, body[:300])
    if status in (414, 431):
        # The app's answer to a query string over 32 kB, or the server's to a
        # request head over 64 kB: see test_public_server.py.
        assert len(path) > 32 * 1024, where
        assert b"Traceback" not in body, where
        return
    assert status < 500 or status == 503, where
    # Feeds and the health check answer errors in the JSON envelope too.
    is_api = path.startswith(("/api/", "/feeds/", "/healthz"))
    if status == 503 and is_api:
        # The health check of a server process still checking its index says so
        # (the fixture waits for one process; its sibling may warm a while longer).
        allowed = (
            {"query_too_expensive", "index_loading"}
            if path.startswith("/healthz")
            else {"query_too_expensive"}
        )
        assert json.loads(body)["error"]["code"] in allowed, where
    if status >= 400:
        if is_api:
            assert_envelope(ctype.split(";")[0], body)
        else:
            assert ctype.startswith("text/html"), where
    assert b"Traceback" not in body and b'File "/' not in body, where
    if 300 <= status < 400:  # werkzeug merges doubled slashes with a 308, on this origin only
        assert headers["location"].startswith(("/", "http://127.0.0.1:")), where
    csp = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, where
    assert headers.get("x-content-type-options") == "nosniff", where


@pytest.fixture(scope="module")
def fuzz_target(web_index: Path):  # type: ignore[no-untyped-def]
    before = tree_snapshot(web_index)
    with Server(web_index, threads=4) as server:
        session = Session(server)
        yield session
        session.connection.close()
    assert tree_snapshot(web_index) == before, "the web app changed the index directory"


KNOWN_NASTY = (
    "/api/search?to=9999-12-31",
    "/api/search?from=9999-12-31&to=9999-12-31",
    "/api/search?from=0001-01-01&to=9999-12-31&q=cocoa",
    "/?from=9990-01-01&to=9999-12-30",
    "/api/search?from=0000-00-00",
    "/api/search?page=0",
    "/api/search?per_page=-1",
    "/api/search?page=" + "9" * 4000,
    "/api/search?q=%00",
    "/api/search?q=%ff",
    "/api/search?q=%",
    "/api/search?%ff=1",
    "/api/search?q=a&q=b",
    "/api/search?" + "&".join("q=x" for _ in range(500)),
    "/api/search?" + "&".join(f"p{i}=x" for i in range(1000)),
    "/api/search?place=" + "x" * 100_000,
    "/api/search?q=" + quote("\u202e\u0000\ud7ff\ufffe\U0010ffff"),
    "/api/search?sort=%00",
    "/api/export.csv?q=%22",
    "/api/export.jsonl?per_page=1000",
    "/api/articles/..%2F..%2Fetc%2Fpasswd",
    "/articles/..%2F..%2Fetc%2Fpasswd",
    "/api/articles/" + "a" * 10_000,
    "/api/stats?q=x",
    "/healthz?x=%ff",
    "/api/openapi.json?x=1",
    # Issue 14: comparisons and feeds.
    "/api/compare?" + "&".join("q=x" for _ in range(500)),
    "/api/compare?q=%ff",
    "/api/compare?q=a&interval=%00",
    "/api/compare?q=a*&q=cofee~2&q=%22interest+rates%22~3&interval=day",
    "/api/compare?q=cocoa&interval=day&from=0001-01-01&to=9999-12-31",
    "/api/compare.csv?q=%3Dcmd&q=" + "x" * 2000,
    "/compare?q=%22&q=(",
    "/feeds/search.atom?q=%22",
    "/feeds/search.atom?q=cocoa&per_page=1000",
    "/feeds/search.atom?from=9999-12-31&to=9999-12-31",
)


def test_known_nasty_urls(fuzz_target: Session) -> None:
    for path in KNOWN_NASTY:
        check_response(path, *fuzz_target.get(path))


def test_a_query_at_the_documented_limit_reaches_the_app(web_index: Path) -> None:
    q = "漢" * MAX_QUERY_CHARS  # 9,000 bytes once percent-encoded
    with Server(web_index, "--workers", "2", threads=2) as server:
        reply = server.get("/api/search?q=" + quote(q))
    assert reply.status in (200, 400, 503), reply.status
    assert reply.headers["Content-Type"] == "application/json"


def test_generated_requests_never_fail_the_server(fuzz_target: Session) -> None:
    started = time.monotonic()
    examples = {"n": 0}

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        route=st.sampled_from(ROUTES),
        pairs=PAIRS,
        raw=RAW,
        mode=st.sampled_from(["encoded", "encoded", "encoded", "raw", "both"]),
        article=ARTICLE_IDS,
    )
    def fuzz(route: str, pairs: list[tuple[str, str]], raw: str, mode: str, article: str) -> None:
        if time.monotonic() - started > FUZZ_SECONDS:
            return
        examples["n"] += 1
        query = {"encoded": urlencode(pairs), "raw": raw, "both": urlencode(pairs) + "&" + raw}
        path = f"{route}?{query[mode]}"
        check_response(path, *fuzz_target.get(path))
        article_path = f"/articles/{article}" if len(pairs) % 2 else f"/api/articles/{article}"
        status, ctype, headers, body = fuzz_target.get(article_path)
        check_response(article_path, status, ctype, headers, body)
        assert status in (200, 404, 308), (article_path, status)

    fuzz()
    total = fuzz_target.requests
    print(
        f"\nfuzzed {examples['n']} examples, {total} requests in "
        f"{time.monotonic() - started:.1f} s; "
        f"statuses {dict(sorted(fuzz_target.statuses.items()))}; "
        f"/api/search errors {fuzz_target.codes}"
    )
    assert examples["n"] >= 200, "too few examples ran to mean anything"
    assert fuzz_target.statuses.get(500, 0) == 0
