"""Access without JavaScript and from the keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from e2e_helpers import LOW_CONTRAST, api_search, param, params, result_ids, total
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

#: Focus must be visible: an outline or a box-shadow on the focused element.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    testid: el.dataset.testid || null,
    focusVisible: el.matches(":focus-visible"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def test_search_facets_and_paging_work_without_javascript(
    new_page: Callable[..., Page], server: str
) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(server + "/")
    box = page.get_by_test_id("search-input")
    box.fill("said")
    box.press("Enter")
    page.wait_for_url(lambda url: param(url, "q") == "said")
    # The plain form submitted every field: app.js, which drops empty ones, did not run.
    assert params(page.url).get("from") == [""]
    expected = api_search(server, q="said")
    assert total(page) == expected["total"] > 10, "paging needs more than one page"
    first_page = result_ids(page)
    assert first_page == [hit["id"] for hit in expected["hits"]]

    page.get_by_test_id("page-next").click()
    page.wait_for_url(lambda url: param(url, "page") == "2")
    second_page = result_ids(page)
    assert second_page and not set(second_page) & set(first_page)
    assert second_page == [hit["id"] for hit in api_search(server, q="said", page=2)["hits"]]

    value = page.locator("[data-testid=facet-value][data-facet=source]").first
    name, count = value.get_attribute("data-value"), int(value.get_attribute("data-count") or 0)
    value.click()
    page.wait_for_url(lambda url: param(url, "source") == name)
    assert param(page.url, "page") is None, "a new filter starts again at page 1"
    assert total(page) == count
    page.get_by_test_id("remove-filter").click()
    page.wait_for_url(lambda url: "source" not in params(url))
    assert total(page) == expected["total"]


def test_keyboard_reaches_search_box_button_and_first_result(page: Page, server: str) -> None:
    page.goto(server + "/?q=cocoa")
    first_result = page.get_by_test_id("result-link").first.get_attribute("href")
    order: list[str] = []
    for _ in range(300):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        testid = state["testid"]
        if testid in ("search-input", "search-submit", "result-link") and testid not in order:
            order.append(testid)
            assert state["focusVisible"], f"{testid} does not match :focus-visible"
            assert state["outline"] or state["shadow"], f"no visible focus on {testid}: {state}"
        if testid == "result-link":
            break
    assert order == ["search-input", "search-submit", "result-link"]
    assert page.evaluate("document.activeElement.getAttribute('href')") == first_result

    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/"))
    expect(page.get_by_test_id("article-title")).to_be_visible()


def test_text_contrast_meets_wcag_aa(page: Page, server: str) -> None:
    for path in ("/", "/?q=cocoa&topic=Cocoa", "/articles/reuters-900008?q=cocoa"):
        page.goto(server + path)
        assert page.evaluate(LOW_CONTRAST) == [], path
