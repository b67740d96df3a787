"""Security of the real server: inert payloads, headers, loopback binding, read-only, no paths.

What it proves, against ``newsearch serve`` on a real index (seeds, the web
fixtures and stories whose DATELINE carries markup):

* script in the query itself (echoed in the form, the title, notices,
  suggestions and error pages) and in datelines (hit metadata, facets,
  article pages, filter chips) renders inert in HTML, and JSON is served as
  JSON with ``nosniff``; ``tests/webapp/test_web_xss*.py`` covers titles,
  bodies and entity names through the test client;
* every kind of response over real HTTP carries the security headers (a CSP
  with no inline script, ``frame-ancestors 'none'``, ``nosniff``,
  ``Referrer-Policy``);
* ``serve`` without ``--host`` listens on 127.0.0.1 only and is not reachable
  on the machine's other addresses;
* no request makes the app open a file for writing, or open, list or remove
  any path built from a request parameter (Python audit hooks; static files
  aside, confined to their folder), and the index directory is unchanged
  after a burst of every route; path tricks on the article and static
  routes are plain 404s.
"""

from __future__ import annotations

import http.client
import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psutil
import pytest
from bs4 import BeautifulSoup
from reliability_support import Reply, Server, assert_envelope, tree_snapshot

pytestmark = pytest.mark.timeout(300)

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>*",
    "</title><script>alert(1)</script>~2",
    "javascript:alert(1)",
    "cocoa <iframe src=//evil>",
)
LIVE_TAGS = ("script", "img", "svg", "iframe", "object", "embed")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "srcset")


@pytest.fixture(scope="module")
def server(web_index: Path) -> Iterator[Server]:
    with Server(web_index, threads=4) as running:
        yield running


def assert_inert_html(reply: Reply) -> BeautifulSoup:
    """No element a payload could have created, no handler attribute, no script URL."""
    assert reply.headers["Content-Type"].startswith("text/html"), reply.headers
    soup = BeautifulSoup(reply.body, "html.parser")
    for tag in soup.find_all(LIVE_TAGS):
        # The app's own scripts are external files from /static, never inline.
        assert tag.name == "script" and tag.get("src", "").startswith("/static/"), tag
        assert not tag.string, tag
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), tag
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower() in URL_ATTRIBUTES:
                assert not text.strip().lower().startswith(("javascript:", "data:")), tag
    raw = reply.text.lower()
    assert "<script>alert" not in raw and "<img src=x" not in raw and "<svg" not in raw
    return soup


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_query_itself_renders_inert(server: Server, payload: str) -> None:
    q = quote(payload)
    for path in (f"/?q={q}", f"/?q={q}&page=x", f"/articles/reuters-900001?q={q}"):
        reply = server.get(path)
        assert reply.status in (200, 400), (path, reply.status)
        soup = assert_inert_html(reply)
        if "page=x" not in path and "articles" not in path:
            form_value = soup.select_one("input[name=q]")
            assert form_value is not None and form_value["value"] == " ".join(payload.split())
    api = server.get(f"/api/search?q={q}")
    assert api.headers["Content-Type"] == "application/json"
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    if api.status == 200:
        for hit in api.json()["hits"]:
            for passage in hit["snippet"]:
                assert "<" not in passage.replace("<mark>", "").replace("</mark>", "")
    else:
        assert_envelope("application/json", api.body)


def test_datelines_with_markup_render_inert(server: Server) -> None:
    body = server.get("/api/search?q=payload&per_page=100").json()
    datelines = [hit["dateline"] for hit in body["hits"] if hit["dateline"]]
    assert any("<" in d for d in datelines), f"no dateline with markup indexed: {datelines}"
    page = assert_inert_html(server.get("/?q=payload&per_page=100"))
    assert "<img" in page.get_text(), "the dateline is shown, as text"
    facet = server.get("/?dateline=" + quote("<img"))
    assert facet.status == 200
    assert_inert_html(facet)
    for hit in body["hits"]:
        assert_inert_html(server.get(f"/articles/{hit['id']}?q=payload"))
    overview = server.get("/")
    assert_inert_html(overview)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=cocoa",
        "/?page=x",
        "/articles/reuters-900001",
        "/articles/nope",
        "/api/search?q=cocoa",
        "/api/search?page=x",
        "/api/articles/nope",
        "/api/export.csv?q=cocoa",
        "/api/export.jsonl?q=cocoa",
        "/api/stats",
        "/api/openapi.json",
        "/healthz",
        "/static/style.css",
        "/static/app.js",
        "/no/such/page",
    ],
)
def test_security_headers_over_real_http(server: Server, path: str) -> None:
    reply = server.get(path)
    assert reply.status in (200, 400, 404), (path, reply.status)
    csp = reply.headers["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'" and "unsafe" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert reply.headers["X-Frame-Options"] == "DENY"


def other_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses."""
    found = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == socket.AF_INET and not address.address.startswith("127."):
                found.append(address.address)
    return found


def test_serve_binds_loopback_unless_told_otherwise(web_index: Path) -> None:
    with Server(web_index, threads=2) as server:
        assert "--host" not in server.args
        assert server.process is not None
        process = psutil.Process(server.process.pid)
        listening = [c for c in process.net_connections(kind="inet") if c.status == "LISTEN"]
        assert listening, "the server listens on nothing"
        assert {c.laddr.ip for c in listening} == {"127.0.0.1"}, listening
        reached = []
        for address in other_addresses():
            with socket.socket() as sock:
                sock.settimeout(2)
                if sock.connect_ex((address, server.port)) == 0:
                    reached.append(address)
        assert reached == [], f"reachable on {reached}"
        print(f"\nlistening on {[c.laddr for c in listening]}; refused on {other_addresses()}")


TRAVERSALS = (
    "/articles/..%2F..%2Fetc%2Fpasswd",
    "/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/articles/..%252F..%252Fetc%252Fpasswd",
    "/api/articles/..%2F..%2Fetc%2Fpasswd",
    "/api/articles/%2Fetc%2Fpasswd",
    "/static/..%2F..%2Findexer%2Fstore.py",
    "/static/%2e%2e/%2e%2e/indexer/store.py",
    "/static/../../indexer/store.py",
    "/static//etc/passwd",
    "/..%2F..%2Fetc%2Fpasswd",
)


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_tricks_are_plain_404s(server: Server, path: str) -> None:
    reply = server.get(path)
    assert reply.status == 404, (path, reply.status, reply.body[:200])
    assert b"root:x:0:0" not in reply.body and b"def open_readonly" not in reply.body
    if path.startswith("/api/"):
        assert_envelope(reply.headers["Content-Type"], reply.body)
    else:
        assert reply.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "path", ["//evil.example//", "//evil.example/articles//x", "/articles//x", "/api//search"]
)
def test_redirects_never_leave_the_site(server: Server, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    location = response.getheader("Location")
    assert response.status in (200, 308, 404), (path, response.status)
    if response.status == 308:
        assert location is not None
        assert urlsplit(location).netloc in ("", f"127.0.0.1:{server.port}"), location


# -- no request parameter reaches the filesystem --------------------------------------

MARKER = "zqxfsmarker"
_WATCH = threading.Event()
_EVENTS: list[tuple[str, tuple[Any, ...]]] = []
FS_EVENTS = {
    "open",
    "os.listdir",
    "os.scandir",
    "os.remove",
    "os.rename",
    "os.rmdir",
    "os.mkdir",
    "os.symlink",
    "os.truncate",
    "os.chmod",
    "os.utime",
    "shutil.rmtree",
    "shutil.copyfile",
    "shutil.move",
}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _WATCH.is_set() and event in FS_EVENTS:
        _EVENTS.append((event, args))


def _is_write(event: str, args: tuple[Any, ...]) -> bool:
    if event != "open":
        return event not in ("os.listdir", "os.scandir")
    mode, flags = (args[1] if len(args) > 1 else "r"), (args[2] if len(args) > 2 else 0)
    written = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    return any(c in str(mode or "") for c in "wax+") or bool((flags or 0) & written)


def test_no_request_writes_or_reaches_a_path_it_names(web_index: Path) -> None:
    from webapp import create_app
    from webapp.backend import close_service

    sys.addaudithook(_audit)  # process-wide and permanent: it records only while _WATCH is set
    app = create_app({"INDEX_DIR": str(web_index)})
    client = app.test_client()
    client.get("/api/search?q=cocoa")  # open the index before watching
    before = tree_snapshot(web_index)
    evil = quote(f"../../{MARKER}/../etc/passwd")
    urls = [
        f"/?q={evil}",
        f"/?q={MARKER}&place={evil}&from=1987&to=1988",
        f"/api/search?q={evil}&topic={evil}&sort=newest",
        f"/api/export.csv?q={MARKER}&source={evil}",
        f"/api/export.jsonl?person={evil}",
        f"/api/export.jsonl?q={evil}&fields=origin,body,snippet&provenance=1",
        f"/api/compare?q={evil}&q={MARKER}&place={evil}",
        f"/compare?q={evil}",
        f"/feeds/search.atom?q={evil}&topic={evil}",
        f"/articles/{evil}?q={evil}",
        f"/articles/reuters-900001?q={evil}",
        f"/api/articles/{MARKER}",
        f"/api/search?index={evil}",
        f"/api/search?INDEX_DIR={evil}",
        "/api/stats",
        "/healthz",
        "/api/openapi.json",
        # Static files are the one route that opens a path from the URL, confined
        # to the static folder (see the traversal tests); here it shows the
        # audit hook sees the app's file opens at all.
        "/static/style.css",
    ]
    _EVENTS.clear()
    _WATCH.set()
    try:
        statuses = []
        for url in urls:
            response = client.get(url)
            statuses.append(response.status_code)
            response.close()
    finally:
        _WATCH.clear()
        close_service(app)
    assert all(s < 500 for s in statuses), list(zip(urls, statuses, strict=True))
    touched = [(e, a) for e, a in _EVENTS if MARKER in repr(a) or "passwd" in repr(a)]
    assert touched == [], touched
    writes = [(e, a) for e, a in _EVENTS if _is_write(e, a)]
    assert writes == [], writes
    assert tree_snapshot(web_index) == before
    opened = [str(a[0]) for e, a in _EVENTS if e == "open"]
    assert any(path.endswith("style.css") for path in opened), opened
