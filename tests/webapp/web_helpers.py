"""Shared helpers of the web app tests: the error-shape assertion and a fake service.

The fake stands in for ``SearchService`` where a real index cannot produce
the case under test (a budget error, a crash inside the service) and for the
presenter tests on hand-built pages. Everything else runs on a real index.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bs4 import BeautifulSoup

from indexer.search.tally import Tally
from indexer.search.types import (
    ArticleView,
    CorpusStats,
    CountedValue,
    FacetValue,
    Fragment,
    HistogramBucket,
    Hit,
    SearchPage,
    SearchRequest,
    SimilarArticle,
)
from webapp.security import SECURITY_HEADERS

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"


def assert_error_envelope(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The one error shape: exactly ``{"error": {"code", "message"}}``, no traceback."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = json.loads(response.get_data(as_text=True))
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["code", "message"]
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    assert_no_traceback(response)
    return body["error"]


def assert_html_error(response: Any, status: int) -> BeautifulSoup:
    """An HTML error page with the same status, a message and no traceback."""
    assert response.status_code == status
    assert response.mimetype == "text/html"
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    page = soup.select_one("[data-testid=error]")
    assert page is not None and page["data-status"] == str(status)
    assert soup.select_one("[data-testid=error-message]").get_text(strip=True)
    assert_no_traceback(response)
    return soup


def assert_no_traceback(response: Any) -> None:
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    assert 'File "' not in text


def assert_security_headers(response: Any) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def soup_of(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def make_hit(n: int, **changes: Any) -> Hit:
    """A plausible hit; ``changes`` override any field."""
    values: dict[str, Any] = {
        "id": f"doc-{n}",
        "title": f"Cocoa review {n}",
        "date": f"1987-03-{n % 28 + 1:02d}T10:00:00",
        "dateline": "Salvador",
        "source": "Reuters",
        "url": None,
        "origin": f"reut2-000.sgm#{n}",
        "people": (),
        "organizations": ("ICCO",),
        "places": ("Brazil",),
        "topics": ("cocoa",),
        "score": 12.5 - n,
        "title_fragments": (Fragment("Cocoa", True), Fragment(f" review {n}")),
        "snippet": (
            (
                Fragment("Showers continued throughout the week in the "),
                Fragment("cocoa", True),
                Fragment(" zone"),
            ),
        ),
    }
    values.update(changes)
    return Hit(**values)


def make_page(request: SearchRequest | None = None, **changes: Any) -> SearchPage:
    """A hand-built page: three hits, a few facets, a three-month timeline."""
    request = request or SearchRequest(q="cocoa")
    values: dict[str, Any] = {
        "request": request,
        "total": 42,
        "took_ms": 3.14159,
        "hits": tuple(make_hit(n) for n in range(1, 4)),
        "facets": {
            "dateline": (FacetValue("Salvador", 30), FacetValue("London", 12)),
            "person": (),
            "organization": (FacetValue("ICCO", 5),),
            "place": (FacetValue("Brazil", 40, request.selected("place") == ("Brazil",)),),
            "topic": (FacetValue("cocoa", 42),),
            "source": (FacetValue("Reuters", 42),),
        },
        "histogram": (
            HistogramBucket("1987-02", date(1987, 2, 1), date(1987, 2, 28), 2),
            HistogramBucket("1987-03", date(1987, 3, 1), date(1987, 3, 31), 30),
            HistogramBucket("1987-04", date(1987, 4, 1), date(1987, 4, 30), 10),
        ),
        "histogram_unit": "month",
        "suggestion": None,
        "last_page": 5,
        "notices": (),
    }
    values.update(changes)
    return SearchPage(**values)


def make_article(**changes: Any) -> ArticleView:
    values: dict[str, Any] = {
        "id": "doc-1",
        "title": "Cocoa review",
        "body": "First paragraph.\n\nSecond paragraph.",
        "date": "1987-02-26T15:01:01",
        "dateline": "Salvador",
        "source": "Reuters",
        "url": "https://example.com/cocoa",
        "author": None,
        "origin": "reut2-000.sgm#1",
        "people": (),
        "organizations": ("ICCO",),
        "places": ("Brazil",),
        "topics": ("cocoa",),
    }
    values.update(changes)
    return ArticleView(**values)


@dataclass
class FakeService:
    """A SearchService double: canned answers, or ``fail`` raised by every call."""

    page: SearchPage | None = None
    fail: BaseException | None = None
    articles: dict[str, ArticleView] = field(default_factory=dict)
    closed: bool = False
    requests: list[SearchRequest] = field(default_factory=list)

    def _check(self) -> None:
        if self.fail is not None:
            raise self.fail

    def search(self, request: SearchRequest) -> SearchPage:
        self._check()
        self.requests.append(request)
        return dataclasses.replace(self.page or make_page(request), request=request)

    def article(self, article_id: str, q: str = "") -> ArticleView | None:
        self._check()
        return self.articles.get(article_id)

    def similar(self, article_id: str, limit: int = 5) -> tuple[SimilarArticle, ...]:
        self._check()
        return (SimilarArticle("doc-2", "Cocoa review 2", "1987-03-03", 3.0),)

    def stats(self) -> CorpusStats:
        self._check()
        return CorpusStats(
            documents=3,
            date_min="1987-02-26",
            date_max="1987-03-31",
            undated=0,
            generation=7,
            top={"dateline": (CountedValue("Salvador", 2),), "person": ()},
        )

    def export(
        self, request: SearchRequest, limit: int, snippets: bool = False, bodies: bool = False
    ) -> Iterator[Hit]:
        self._check()
        hits = (
            make_hit(
                n,
                snippet=make_hit(n).snippet if snippets else (),
                body=f"Body {n}." if bodies else None,
            )
            for n in range(1, 4)
        )
        for count, hit in enumerate(hits):
            if count >= limit:
                return
            yield hit

    def tally(self, request: SearchRequest) -> Tally:
        self._check()
        return Tally(3, "1987-03-02", "1987-03-04")

    @property
    def generation(self) -> int:
        self._check()
        return 7

    def close(self) -> None:
        self.closed = True
