"""The article page, reached from a search result as a user would."""

from __future__ import annotations

import re

import pytest
from e2e_helpers import api_article, param, result_ids
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ARTICLE_ID = "reuters-900001"  # BAHIA COCOA REVIEW in tests/fixtures/webapp/stories.sgm


def details(page: Page) -> dict[str, str]:
    """The metadata list of the article page as {term: text}."""
    pairs = page.get_by_test_id("article-details").evaluate(
        """dl => [...dl.querySelectorAll("dt")].map(
            dt => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()])"""
    )
    return dict(pairs)


def open_from_results(page: Page, server: str, query: str, title: str) -> None:
    page.goto(f"{server}/?q={query}")
    page.get_by_test_id("result-link").filter(has_text=title).click()
    page.wait_for_url(re.compile(r"/articles/"))


def test_article_page_shows_marked_text_metadata_and_entity_links(page: Page, server: str) -> None:
    article = api_article(server, ARTICLE_ID)
    open_from_results(page, server, "cocoa", article["title"])
    assert page.url.split("?")[0].endswith(f"/articles/{ARTICLE_ID}")
    assert param(page.url, "q") == "cocoa"

    title = page.get_by_test_id("article-title")
    expect(title).to_have_text(article["title"])
    body = page.get_by_test_id("article-body")
    expect(body).to_contain_text("Comissaria Smith said in its weekly review")
    marks = title.locator("mark").all_inner_texts() + body.locator("mark").all_inner_texts()
    assert {text.lower() for text in marks} == {"cocoa"}
    assert body.locator("mark").count() >= 1

    meta = details(page)
    assert meta["Date"].startswith(article["date"][:10])
    assert meta["Dateline"] == article["dateline"]
    assert meta["Source"] == article["source"]
    assert meta["Origin"] == article["origin"]
    assert meta["Origin"].endswith("stories.sgm#1")
    expect(page.locator(".article-meta time")).to_have_text("26 Feb 1987")
    expect(page.get_by_test_id("back-link")).to_have_attribute("href", "/?q=cocoa")

    # Every entity is a link that searches for it.
    for field, facet in (("places", "place"), ("topics", "topic")):
        chips = page.get_by_test_id(f"entities-{field}").locator(f".chip[data-facet={facet}]")
        links = chips.evaluate_all(
            "nodes => nodes.map(n => [n.dataset.value, n.textContent, n.getAttribute('href')])"
        )
        assert [value for value, _, _ in links] == article[field]
        for value, text, href in links:
            assert text.strip().endswith(value)
            assert param(href, facet) == value
    page.get_by_test_id("entities-places").get_by_role("link", name="Brazil").first.click()
    page.wait_for_url(lambda url: param(url, "place") == "Brazil")
    assert ARTICLE_ID in result_ids(page)
    expect(page.get_by_test_id("remove-filter")).to_contain_text("Brazil")


def test_more_like_this_links_to_other_articles(page: Page, server: str) -> None:
    page.goto(f"{server}/articles/{ARTICLE_ID}")
    similar = page.get_by_test_id("similar")
    expect(similar.get_by_role("heading", name="More like this")).to_be_visible()
    items = similar.locator(".similar-list li")
    if items.count() == 0:
        expect(similar).to_contain_text("No similar articles")
        return
    ids = items.evaluate_all("nodes => nodes.map(n => n.dataset.id)")
    assert ARTICLE_ID not in ids
    first = items.first.get_by_role("link")
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(rf"/articles/{re.escape(ids[0])}$"))
    expected = api_article(server, ids[0])["title"]
    expect(page.get_by_test_id("article-title")).to_have_text(expected)
    assert expected.startswith(title.rstrip("…"))
