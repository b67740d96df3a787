"""Hostile content stays text; healthy pages log no error and break no CSP rule.

The index holds three articles (tests/fixtures/webapp/xss.txt, xss.jsonl and
the last story of stories.sgm) whose title, body and entities carry
``<script>alert(1)</script>`` and ``<img src=x onerror=alert(1)>``.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from e2e_helpers import param, params, result_ids
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
XSS_IDS = {"xss-jsonl-1", "reuters-900099"}  # ids fixed by their sources; xss.txt gets a hash

#: Elements or attributes an escaping bug would inject: any script but the
#: app's own, any image, any inline event handler, any javascript: link.
INJECTED = """() => {
  const scripts = [...document.scripts].map(s => s.getAttribute("src") || "inline");
  const found = [];
  for (const src of scripts) if (!src.endsWith("/static/app.js")) found.push("script " + src);
  for (const img of document.images) found.push("img " + img.getAttribute("src"));
  for (const el of document.querySelectorAll("*"))
    for (const attr of el.attributes)
      if (attr.name.startsWith("on")) found.push(el.tagName + " " + attr.name);
  for (const a of document.querySelectorAll("a[href]"))
    if (a.getAttribute("href").trim().toLowerCase().startsWith("javascript:"))
      found.push("link " + a.getAttribute("href"));
  return found;
}"""


def assert_inert(page: Page) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate(INJECTED) == []
    assert page.watch.dialogs == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["csp", "no-csp"])
def test_xss_payloads_render_as_text(
    new_page: Callable[..., Page], server: str, bypass_csp: bool
) -> None:
    # With the CSP bypassed, only escaping stands between the payload and a dialog.
    page = new_page(bypass_csp=bypass_csp)
    page.goto(server + "/")
    box = page.get_by_test_id("search-input")
    box.fill(SCRIPT)
    box.press("Enter")
    page.wait_for_url(lambda url: param(url, "q") == SCRIPT)
    assert_inert(page)
    expect(page.get_by_test_id("results-heading")).to_contain_text(SCRIPT)
    expect(box).to_have_value(SCRIPT)
    hits = set(result_ids(page))
    assert hits >= XSS_IDS and len(hits) >= 3
    # The payloads show as text in titles, snippets, entity chips and facets.
    titles = page.get_by_test_id("result-link").all_inner_texts()
    assert sum(SCRIPT in title and IMG in title for title in titles) >= 3
    expect(page.get_by_test_id("snippet").filter(has_text=IMG).first).to_be_visible()
    expect(page.locator(".chip[data-facet=person]").filter(has_text=SCRIPT).first).to_be_visible()
    facet = page.get_by_test_id("facet-topic").get_by_test_id("facet-value")
    expect(facet.filter(has_text=SCRIPT)).to_have_count(1)

    for number in range(len(hits)):
        page.get_by_test_id("result-link").nth(number).click()
        page.wait_for_url("**/articles/**")
        assert_inert(page)
        expect(page.get_by_test_id("article-title")).to_contain_text(SCRIPT)
        expect(page.get_by_test_id("article-title")).to_contain_text(IMG)
        expect(page.get_by_test_id("article-body")).to_contain_text(SCRIPT)
        expect(page.get_by_test_id("article-body")).to_contain_text(IMG)
        page.go_back()
        assert_inert(page)

    # The JSON Lines article has a javascript: URL: shown as text, never a link.
    page.goto(server + "/articles/xss-jsonl-1")
    assert_inert(page)
    expect(page.get_by_test_id("article-details")).to_contain_text("javascript:alert(1)")
    expect(page.get_by_test_id("article-url")).to_have_count(0)
    for field in ("people", "organizations", "places", "topics"):
        chips = page.get_by_test_id(f"entities-{field}")
        expect(chips).to_contain_text("alert(1)")
    # A facet filter on a hostile value round-trips through the URL unharmed.
    page.get_by_test_id("entities-people").get_by_role("link").first.click()
    page.wait_for_url(lambda url: param(url, "person") == SCRIPT)
    assert_inert(page)
    expect(page.get_by_test_id("remove-filter")).to_contain_text(SCRIPT)
    assert page.watch.problems() == {}  # type: ignore[attr-defined]


def test_the_xss_checks_catch_an_unescaped_payload(
    new_page: Callable[..., Page], server: str
) -> None:
    """Guards the test above: un-escape the page on its way in, and both checks fire."""
    page = new_page(bypass_csp=True)

    def unescape(route: Route) -> None:
        response = route.fetch()
        body = response.text().replace(html.escape(IMG, quote=False), IMG)
        route.fulfill(response=response, body=body)

    page.route(lambda url: "/?q=" in url, unescape)
    with page.expect_event("dialog"):
        page.goto(server + "/?q=cocoa")
    assert page.evaluate(INJECTED)
    assert page.watch.dialogs  # type: ignore[attr-defined]
    page.watch.dialogs.clear()  # type: ignore[attr-defined]


def test_no_console_error_or_csp_violation(page: Page, server: str) -> None:
    visited = []

    def check() -> None:
        page.wait_for_load_state("load")
        visited.append(page.url)
        assert page.evaluate("window.__cspViolations") == [], page.url
        assert page.watch.problems() == {}, page.url  # type: ignore[attr-defined]

    page.goto(server + "/")
    check()
    page.goto(server + "/?q=cocoa")
    check()
    page.locator("[data-testid=facet-value][data-facet=topic]").first.click()
    page.wait_for_url(lambda url: "topic" in params(url))
    check()
    page.goto(server + "/?q=cocoa&per_page=1&page=2")
    check()
    page.get_by_test_id("result-link").first.click()
    page.wait_for_url("**/articles/**")
    check()
    page.goto(server + "/articles/xss-jsonl-1?q=cocoa")
    check()
    # app.js ran under the CSP ("/" focuses the search box), so silence means health.
    page.keyboard.press("/")
    expect(page.get_by_test_id("search-input")).to_be_focused()
    assert len(visited) == 6
