"""XSS on every field a page shows, with hostile values the indexer may never produce.

The real-index test (``test_web_xss.py``) covers what extraction keeps; this
one puts script and handler payloads into *every* field of a hand-built page
(entities, facets, datelines, notices, the suggestion, stats) so that no
template path is left untested.
"""

from __future__ import annotations

import dataclasses
import json

from web_helpers import XSS_IMG, XSS_SCRIPT, FakeService, make_article, make_hit, make_page, soup_of

from indexer.search.types import (
    CorpusStats,
    CountedValue,
    FacetValue,
    Fragment,
    SearchRequest,
    SimilarArticle,
)
from webapp import create_app

EVIL = f"{XSS_SCRIPT}{XSS_IMG}\"'><svg onload=alert(1)>"


def assert_inert(html: str) -> None:
    """No payload is live: no script element, no handler attribute, no javascript: URL."""
    lowered = html.lower()
    assert "<script>alert" not in lowered
    assert "<img src=x" not in lowered
    assert "<svg onload" not in lowered
    assert "onerror=alert" not in lowered.replace("&lt;img src=x onerror=alert", "")
    assert 'href="javascript:' not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def assert_no_live_payload(soup) -> None:  # type: ignore[no-untyped-def]
    """Parse-level check: only our own script tag; no element carries an on* handler."""
    assert [tag.get("src") for tag in soup.find_all("script")] == ["/static/app.js"]
    assert soup.find("svg") is None and soup.find("img") is None
    for tag in soup.find_all(True):
        assert not any(attr.lower().startswith("on") for attr in tag.attrs), tag.name


def evil_service() -> FakeService:
    hit = make_hit(
        1,
        title=EVIL,
        dateline=EVIL,
        source=EVIL,
        url="javascript:alert(1)",
        people=(EVIL,),
        organizations=(EVIL,),
        places=(EVIL,),
        topics=(EVIL,),
        title_fragments=(Fragment(EVIL, True),),
        snippet=((Fragment(EVIL), Fragment(EVIL, True)),),
    )
    page = make_page(
        hits=(hit,),
        facets={name: (FacetValue(EVIL, 1, True),) for name in ("dateline", "person", "place")},
        suggestion=EVIL,
        notices=(EVIL,),
    )

    class Evil(FakeService):
        def stats(self) -> CorpusStats:
            return CorpusStats(1, EVIL, EVIL, 0, 1, {"person": (CountedValue(EVIL, 1),)})

        def similar(self, article_id: str, limit: int = 5) -> tuple[SimilarArticle, ...]:
            return (SimilarArticle("doc-2", EVIL, EVIL, 1.0),)

    article = make_article(
        title=EVIL,
        body=EVIL,
        dateline=EVIL,
        source=EVIL,
        author=EVIL,
        url="javascript:alert(1)",
        origin=EVIL,
        people=(EVIL,),
        topics=(EVIL,),
        title_fragments=(Fragment(EVIL, True),),
        paragraphs=((Fragment(EVIL), Fragment(EVIL, True)),),
    )
    return Evil(page=page, articles={"doc-1": article})


def client_for(service: FakeService):  # type: ignore[no-untyped-def]
    return create_app({"SEARCH_SERVICE_FACTORY": lambda index_dir: service}).test_client()


def test_search_page_renders_every_field_inert() -> None:
    service = evil_service()
    client = client_for(service)
    response = client.get("/", query_string={"q": EVIL[:200], "person": EVIL[:200]})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_inert(html)
    assert_no_live_payload(soup_of(response))


def test_default_view_overview_is_inert() -> None:
    service = evil_service()
    service.page = dataclasses.replace(service.page, request=SearchRequest())  # type: ignore[arg-type]
    response = client_for(service).get("/")
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True))
    assert_no_live_payload(soup_of(response))


def test_article_page_renders_every_field_inert() -> None:
    response = client_for(evil_service()).get("/articles/doc-1", query_string={"q": EVIL[:200]})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_inert(html)
    soup = soup_of(response)
    assert_no_live_payload(soup)
    assert soup.select_one("[data-testid=article-url]") is None  # javascript: is not a link


def test_error_page_echoes_the_query_inert() -> None:
    response = client_for(evil_service()).get("/", query_string={"q": EVIL, "page": "x"})
    assert response.status_code == 400
    assert_no_live_payload(soup_of(response))
    assert "<script>alert" not in response.get_data(as_text=True)


def test_json_snippets_only_have_mark_live() -> None:
    body = client_for(evil_service()).get("/api/search?q=x").get_json()
    snippet = body["hits"][0]["snippet"][0]
    assert "<script" not in snippet and "<img" not in snippet and "<svg" not in snippet
    assert snippet.count("<mark>") == 1
    # Plain fields are data, returned verbatim (JSON is not HTML); the
    # response type keeps browsers from rendering it.
    assert body["hits"][0]["title"] == EVIL


def test_json_is_served_as_json_not_html() -> None:
    response = client_for(evil_service()).get("/api/search?q=x")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    json.loads(response.get_data(as_text=True))
