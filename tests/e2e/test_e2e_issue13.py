"""Issue 13 in a real browser: facet exclusion, "more" and the filter box, the
"unusual here" panel, entity pages and "N similar stories"; screenshots of each."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_e2e_screenshots import save

pytestmark = pytest.mark.browser


def test_exclude_a_facet_value_and_page_a_facet(page: Page, server: str, artifacts: Path) -> None:
    page.goto(server + "/?facet_size=3")
    total = int(page.get_by_test_id("total").get_attribute("data-total") or 0)
    place = page.locator("[data-testid=facet-place]")
    excluded = place.get_by_test_id("facet-exclude").first
    value = excluded.get_attribute("data-value")
    excluded.click()
    chip = page.locator("[data-testid=remove-filter][data-kind=not_place]")
    expect(chip).to_have_attribute("data-value", value or "")
    assert int(page.get_by_test_id("total").get_attribute("data-total") or 0) < total
    more = page.locator("[data-testid=facet-more][data-facet=place]")
    before = page.locator("[data-testid=facet-place] [data-testid=facet-value]").count()
    more.click()
    expect(page.locator("[data-testid=facet-place] [data-testid=facet-value]")).not_to_have_count(
        before
    )
    box = page.locator("[data-testid=facet-place] [data-testid=facet-filter]")
    expect(box).to_be_visible()
    save(page, artifacts / "issue13-facets-exclusion.png")
    box.fill("zzzz-no-such-place")
    expect(page.locator("[data-testid=facet-place] .facet-row:visible")).to_have_count(0)


def test_facet_filter_searches_values_not_yet_loaded(page: Page, server: str) -> None:
    page.goto(server + "/?facet_size=2")
    assert page.locator("[data-testid=facet-place] [data-value=Ottawa]").count() == 0
    page.locator("[data-testid=facet-place] [data-testid=facet-filter]").fill("ottaw")
    rows = page.locator("[data-testid=facet-place] .facet-row:visible")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id("facet-value")).to_have_attribute("data-value", "Ottawa")
    expect(page.locator("[data-testid=facet-place] [data-testid=facet-filter]")).to_be_focused()


def test_unusual_panel_and_entity_page(page: Page, server: str, artifacts: Path) -> None:
    page.goto(server + "/?q=cocoa")
    panel = page.get_by_test_id("significant-panel")
    expect(panel).to_be_visible()
    assert panel.get_by_test_id("significant-item").count() > 0
    save(page, artifacts / "issue13-significant-panel.png")
    page.get_by_test_id("entity-link").first.click()
    expect(page.get_by_test_id("entity-name")).to_be_visible()
    expect(page.get_by_test_id("entity-timeline")).to_be_visible()
    save(page, artifacts / "issue13-entity-page.png")


@pytest.mark.reuters
def test_similar_stories_on_reuters(page: Page, reuters_server: str, artifacts: Path) -> None:
    # The first search of a fresh server loads the vocabularies and clusters.
    query = "/?q=bank+of+spain+drains+funds"
    with urllib.request.urlopen(reuters_server + "/api/search" + query[1:], timeout=180) as answer:
        assert answer.status == 200
    page.goto(reuters_server + query, timeout=60_000)
    link = page.get_by_test_id("similar-stories").first
    expect(link).to_be_visible()
    duplicates = int(link.get_attribute("data-duplicates") or 0)
    save(page, artifacts / "issue13-similar-stories.png")
    link.click()
    expect(page.get_by_test_id("result")).to_have_count(duplicates + 1)
    save(page, artifacts / "issue13-cluster-members.png")
