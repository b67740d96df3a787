"""The search page in a real browser: query, facets, dates, timeline, paging.

Expected numbers come from ``/api/search`` on the same server (or from the
page itself, as a user would read them), so the tests check behaviour, not
the exact contents of the fixtures.
"""

from __future__ import annotations

import pytest
from e2e_helpers import api_search, param, params, result_ids, total
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_typed_query_shows_highlighted_results(page: Page, server: str) -> None:
    page.goto(server + "/")
    box = page.get_by_role("searchbox", name="Search the archive")
    box.fill("cocoa")
    box.press("Enter")
    page.wait_for_url(lambda url: param(url, "q") == "cocoa")

    expected = api_search(server, q="cocoa")
    assert expected["total"] > 1
    assert total(page) == expected["total"]
    expect(page.get_by_test_id("results-heading")).to_contain_text("cocoa")
    expect(box).to_have_value("cocoa")
    assert result_ids(page) == [hit["id"] for hit in expected["hits"]]

    for result in page.get_by_test_id("result").all():
        snippet_marks = result.get_by_test_id("snippet").locator("mark").all_inner_texts()
        title_marks = result.get_by_test_id("result-link").locator("mark").all_inner_texts()
        assert snippet_marks, f"no <mark> in the snippet of {result.get_attribute('data-id')}"
        assert title_marks, f"no <mark> in the title of {result.get_attribute('data-id')}"
        assert {text.lower() for text in snippet_marks + title_marks} == {"cocoa"}
    # Marks hold text only: nothing from an article becomes markup inside them.
    assert page.locator("[data-testid=results] mark *").count() == 0


def test_facet_click_filters_and_chip_removes_it(page: Page, server: str) -> None:
    page.goto(server + "/?q=cocoa")
    before = total(page)
    value = page.locator("[data-testid=facet-value][data-facet=topic][data-value=Cocoa]")
    count = int(value.get_attribute("data-count") or "0")
    expect(value.locator(".facet-count")).to_have_text(str(count))
    assert 0 < count < before, "the fixture facet value should narrow the results"

    value.click()
    page.wait_for_url(lambda url: param(url, "topic") == "Cocoa")
    assert param(page.url, "q") == "cocoa"
    assert total(page) == count
    expect(page.get_by_test_id("result")).to_have_count(count)
    for result in page.get_by_test_id("result").all():
        expect(result.locator(".chip[data-facet=topic][data-value=Cocoa]")).to_have_count(1)
    expect(value).to_have_attribute("data-selected", "true")
    chip = page.get_by_test_id("remove-filter")
    expect(chip).to_have_count(1)
    expect(chip).to_have_attribute("data-kind", "topic")
    expect(chip).to_contain_text("Cocoa")

    chip.click()
    page.wait_for_url(lambda url: "topic" not in params(url))
    assert param(page.url, "q") == "cocoa"
    assert total(page) == before
    expect(page.get_by_test_id("remove-filter")).to_have_count(0)
    expect(value).to_have_attribute("data-selected", "false")


def test_date_range_inputs_filter_and_land_in_the_url(page: Page, server: str) -> None:
    page.goto(server + "/?q=cocoa")
    before = total(page)
    page.get_by_label("From", exact=True).fill("1987-03-01")
    page.get_by_label("To", exact=True).fill("1987-03-31")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(lambda url: param(url, "from") == "1987-03-01")

    assert param(page.url, "to") == "1987-03-31"
    assert param(page.url, "q") == "cocoa"
    expected = api_search(server, q="cocoa", **{"from": "1987-03-01", "to": "1987-03-31"})
    assert 0 < total(page) == expected["total"] != before
    dates = page.locator("[data-testid=result] .result-meta time").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('datetime'))"
    )
    assert dates and all(date.startswith("1987-03") for date in dates), dates
    # The state comes back from the URL: the inputs show the range again.
    expect(page.get_by_test_id("date-from")).to_have_value("1987-03-01")
    expect(page.get_by_test_id("date-to")).to_have_value("1987-03-31")


def test_timeline_bar_click_filters_to_its_period(page: Page, server: str) -> None:
    page.goto(server + "/?q=cocoa")
    before = total(page)
    bars = page.get_by_test_id("timeline-bar").evaluate_all(
        "nodes => nodes.map(n => ({...n.dataset}))"
    )
    assert sum(int(bar["count"]) for bar in bars) == before
    bar = next(bar for bar in bars if 0 < int(bar["count"]) < before)

    page.locator(f"[data-testid=timeline-bar][data-period='{bar['period']}']").click()
    page.wait_for_url(lambda url: param(url, "from") == bar["start"])

    assert param(page.url, "to") == bar["end"]
    assert param(page.url, "q") == "cocoa"
    assert total(page) == int(bar["count"])
    # The narrowed timeline still accounts for every result.
    counts = page.get_by_test_id("timeline-bar").evaluate_all(
        "nodes => nodes.map(n => Number(n.dataset.count))"
    )
    assert sum(counts) == int(bar["count"])


def _walk_pages(page: Page, pages: int) -> list[list[str]]:
    """Click "Next" through ``pages`` pages; the result ids seen on each."""
    seen = [result_ids(page)]
    for number in range(2, pages + 1):
        page.get_by_test_id("page-next").click()
        page.wait_for_url(lambda url, n=number: param(url, "page") == str(n))
        current = page.locator("[data-testid=page-number][aria-current=page]")
        expect(current).to_have_text(f"Page {number}")
        seen.append(result_ids(page))
    expect(page.get_by_test_id("page-next")).to_have_count(0)
    return seen


def test_paging_forward_and_the_back_button(page: Page, server: str) -> None:
    # Oldest first: distinct dates give one total order (see the relevance test below).
    query = {"q": "cocoa", "sort": "oldest"}
    expected = [hit["id"] for hit in api_search(server, per_page=100, **query)["hits"]]
    assert len(expected) >= 3, "paging needs at least three results"
    page.goto(server + "/?q=cocoa&sort=oldest&per_page=1")
    seen = _walk_pages(page, len(expected))
    assert seen == [[hit] for hit in expected]

    # Every state lives in the URL: the back button restores the earlier pages.
    last = len(expected)
    page.go_back()
    assert param(page.url, "page") == str(last - 1)
    assert result_ids(page) == seen[-2]
    page.go_back()
    assert param(page.url, "page") == str(last - 2)
    assert result_ids(page) == seen[-3]
    expect(page.get_by_test_id("sort")).to_have_value("oldest")
    page.go_forward()
    assert param(page.url, "page") == str(last - 1)
    assert result_ids(page) == seen[-2]
    page.get_by_test_id("page-prev").click()
    page.wait_for_url(lambda url: param(url, "page") == str(last - 2))
    assert result_ids(page) == seen[-3]


def test_relevance_pages_list_every_result_once(page: Page, server: str) -> None:
    expected = [hit["id"] for hit in api_search(server, q="cocoa", per_page=100)["hits"]]
    page.goto(server + "/?q=cocoa&per_page=1")
    assert _walk_pages(page, len(expected)) == [[hit] for hit in expected]
