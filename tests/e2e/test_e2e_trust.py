"""Issue 11 in a real browser on Reuters-21578: "showing results for" and hyphenated names."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_helpers import api_search, param, result_ids, total
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.reuters]


def test_showing_results_for_and_search_instead(
    page: Page, reuters_server: str, artifacts: Path
) -> None:
    # The first correction on a fresh server loads the vocabulary (seconds on
    # a busy machine): done here, outside the browser's action timeouts.
    expected = api_search(reuters_server, q="cofee brazil")
    assert expected["query_run"] == "coffee brazil"
    page.goto(reuters_server + "/")
    box = page.get_by_test_id("search-input")
    box.fill("cofee brazil")
    box.press("Enter")
    page.wait_for_url(lambda url: param(url, "q") == "cofee brazil")

    corrected = page.get_by_test_id("corrected")
    expect(corrected).to_have_text(
        "Showing results for coffee brazil. Search instead for cofee brazil."
    )
    assert result_ids(page) == [hit["id"] for hit in expected["hits"]]
    page.screenshot(path=str(artifacts / "issue11-showing-results-for.png"), full_page=False)

    # "Search instead" runs the query exactly as typed, which only suggests.
    page.get_by_test_id("literal-link").click()
    page.wait_for_url(lambda url: param(url, "spell") == "0")
    expect(page.get_by_test_id("corrected")).to_have_count(0)
    expect(page.get_by_test_id("suggestion")).to_contain_text("Did you mean coffee brazil?")
    literal = api_search(reuters_server, q="cofee brazil", spell="0")
    assert total(page) == literal["total"]

    # A new query typed in the box is corrected again: spell=0 is not carried.
    box = page.get_by_test_id("search-input")
    box.fill("Iran-Contra")
    box.press("Enter")
    page.wait_for_url(lambda url: param(url, "q") == "Iran-Contra")
    assert param(page.url, "spell") is None
    contra = api_search(reuters_server, q="Iran-Contra")
    assert 0 < contra["total"] == total(page) < 100
    expect(page.get_by_test_id("results-heading")).to_contain_text("Iran-Contra")
