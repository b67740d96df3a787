"""The browser on a second server over the full Reuters-21578 index."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_helpers import api_health, param, total
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.reuters]


def test_reuters_cocoa_search_and_place_facet(
    page: Page, reuters_server: str, artifacts: Path
) -> None:
    documents = api_health(reuters_server)["documents"]
    assert documents > 20_000, "the whole Reuters-21578 corpus"
    page.goto(reuters_server + "/")
    expect(page.get_by_test_id("overview-documents")).to_have_attribute(
        "data-count", str(documents)
    )
    box = page.get_by_test_id("search-input")
    box.fill("cocoa")
    # 50 per page: the story is among the cocoa results, not necessarily in
    # the first ten (stories about cocoa alone rank above a market review).
    page.get_by_test_id("per-page").select_option("50")
    box.press("Enter")
    page.wait_for_url(lambda url: param(url, "q") == "cocoa" and param(url, "per_page") == "50")
    before = total(page)
    assert before > 50
    bahia = page.get_by_test_id("result-link").filter(has_text="BAHIA COCOA REVIEW")
    expect(bahia.first).to_be_visible()
    expect(bahia.first.locator("mark")).to_have_text("COCOA")

    place = page.locator("[data-testid=facet-value][data-facet=place][data-value='United States']")
    if not place.is_visible():  # past the first values, behind "N more"
        page.get_by_test_id("facet-place").locator("summary").click()
    count = int(place.get_attribute("data-count") or 0)
    assert 0 < count < before
    place.click()
    page.wait_for_url(lambda url: param(url, "place") == "United States")
    assert total(page) == count
    expect(page.get_by_test_id("remove-filter")).to_contain_text("United States")
    expect(page.get_by_test_id("timeline-bar").first).to_be_visible()
    page.screenshot(path=str(artifacts / "reuters-results.png"), full_page=True)
    assert (artifacts / "reuters-results.png").stat().st_size > 20_000
