"""Issue 14 in a real browser: the comparison chart, batch search, feeds, citation, keys.

Screenshots go to ``test-artifacts/`` (compare-chart.png, batch-table.png,
keys-help.png) for people to look at. Expected numbers come from the JSON
API of the same server. Every page is watched for console errors, failed
requests and CSP violations; the features that need no JavaScript are also
driven with JavaScript off.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from e2e_helpers import api_get, api_search, param, png_size, result_ids
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MIN_PNG_BYTES = 20_000
#: A fresh server's first requests over the whole archive meet cold caches and
#: its own warm-up thread; on a loaded machine they take seconds, not ms.
COLD_SERVER_MS = 60_000


def shot(page: Page, path: Path, full_page: bool = True) -> None:
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > MIN_PNG_BYTES, (path, path.stat().st_size)
    width, _ = png_size(path)
    assert width == (page.viewport_size or {"width": 0})["width"]


def healthy(page: Page) -> None:
    page.wait_for_load_state("load")
    # Every page's init script (tests/e2e/conftest.py) sets window.__cspViolations.
    assert page.evaluate("window.__cspViolations") == [], page.url
    assert page.watch.problems() == {}, page.url  # type: ignore[attr-defined]


def post_json(url: str, document: object) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(document).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        payload: dict = json.loads(response.read())
    return payload


# -- compare ---------------------------------------------------------------------------


@pytest.mark.reuters
def test_comparison_chart_on_reuters(page: Page, reuters_server: str, artifacts: Path) -> None:
    page.set_default_navigation_timeout(COLD_SERVER_MS)
    query = "q=oil&q=opec&q=gas"
    page.goto(f"{reuters_server}/compare?{query}")
    expect(page.get_by_test_id("chart")).to_have_count(2)
    expect(page.get_by_test_id("legend-item")).to_have_count(3)
    api = api_get(f"{reuters_server}/api/compare?{query}")
    for item, series in zip(page.get_by_test_id("legend-item").all(), api["series"], strict=True):
        expect(item).to_contain_text(series["query"])
        assert int(item.get_attribute("data-total") or "-1") == series["total"]
    share = page.locator("[data-testid=chart][data-measure=share]")
    expect(share.locator("[data-testid=chart-series]")).to_have_count(3)
    # One point per period with stories; periods without any story leave a gap.
    dated = [p for p in api["periods"] if p["stories"]]
    expect(share.locator("[data-testid=chart-series][data-series='0'] circle")).to_have_count(
        len(dated)
    )
    healthy(page)
    shot(page, artifacts / "compare-chart.png")

    # A point opens the matching search: that query, that period.
    march = next(i for i, p in enumerate(dated) if p["period"] == "1987-03")
    share.locator("[data-testid=chart-series][data-series='1'] a").nth(march).click(
        no_wait_after=True
    )
    page.wait_for_url(lambda url: param(url, "from") == "1987-03-01", timeout=COLD_SERVER_MS)
    assert param(page.url, "q") == "opec" and param(page.url, "to") == "1987-03-31"
    count = next(p["count"] for p in api["series"][1]["points"] if p["period"] == "1987-03")
    assert int(page.get_by_test_id("total").get_attribute("data-total") or "-1") == count


def test_compare_form_in_the_browser(page: Page, server: str) -> None:
    page.goto(server + "/?q=cocoa")
    page.get_by_test_id("compare-link").click()
    page.wait_for_url("**/compare?q=cocoa")
    inputs = page.get_by_test_id("compare-input")
    expect(inputs.nth(0)).to_have_value("cocoa")
    inputs.nth(1).fill("grain")
    page.get_by_test_id("compare-interval").select_option("month")
    page.get_by_test_id("compare-submit").click()
    page.wait_for_url(lambda url: param(url, "interval") == "month")
    expect(page.get_by_test_id("legend-item")).to_have_count(2)
    api = api_get(server + "/api/compare?q=cocoa&q=grain&interval=month")
    rows = page.get_by_test_id("compare-row")
    expect(rows).to_have_count(len(api["periods"]))
    healthy(page)
    # The table folds away without any script: <details>.
    page.get_by_text("Table", exact=True).click()
    expect(rows.first).to_be_visible()

    # Weeks over three decades are too many to draw: the page says so, form kept.
    page.get_by_test_id("compare-interval").select_option("week")
    page.get_by_test_id("compare-submit").click()
    expect(page.get_by_test_id("compare-error")).to_have_attribute("data-code", "too_many_periods")
    expect(page.get_by_test_id("compare-input").nth(1)).to_have_value("grain")
    page.watch.bad_responses.clear()  # type: ignore[attr-defined]  # that 400 is expected


# -- batch -----------------------------------------------------------------------------

NAMES = ["Paul Volcker", "James Baker", "OPEC", "Yasuhiro Nakasone", "Juan Guaido", "Thatcher"]


@pytest.mark.reuters
def test_batch_table_on_reuters(page: Page, reuters_server: str, artifacts: Path) -> None:
    page.set_default_navigation_timeout(COLD_SERVER_MS)
    page.goto(reuters_server + "/batch")
    page.get_by_test_id("batch-lines").fill("\n".join(NAMES))
    page.get_by_test_id("batch-phrase").check()
    page.get_by_test_id("batch-submit").click()
    expect(page.get_by_test_id("batch-row")).to_have_count(len(NAMES))
    api = post_json(reuters_server + "/api/batch", {"queries": NAMES, "phrase": True})
    assert api["unfinished"] == []
    shown = {
        row.get_attribute("data-line"): int(row.get_attribute("data-total") or "-1")
        for row in page.get_by_test_id("batch-row").all()
    }
    assert shown == {str(r["line"]): r["total"] for r in api["results"]}

    page.get_by_test_id("sort-total").click()
    expect(page.get_by_test_id("batch-table")).to_have_attribute("data-sort", "total")
    totals = [
        int(r.get_attribute("data-total") or "-1") for r in page.get_by_test_id("batch-row").all()
    ]
    assert totals == sorted(totals, reverse=True) and totals[0] > 100 and totals[-1] == 0
    healthy(page)
    shot(page, artifacts / "batch-table.png")

    with page.expect_download() as download:
        page.get_by_test_id("batch-csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [int(r["total"]) for r in rows] == totals
    assert rows[0]["url"].startswith(reuters_server + "/?q=%22")

    page.get_by_test_id("batch-link").first.click()
    page.wait_for_url(lambda url: (param(url, "q") or "").startswith('"'))
    assert int(page.get_by_test_id("total").get_attribute("data-total") or "-1") == totals[0]


def test_batch_works_without_javascript(new_page: Callable[..., Page], server: str) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(server + "/batch")
    page.get_by_test_id("batch-lines").fill("cocoa\ngrain\nnothingmatchesthis")
    page.get_by_test_id("batch-submit").click()
    expect(page.get_by_test_id("batch-row")).to_have_count(3)
    totals = [r.get_attribute("data-total") for r in page.get_by_test_id("batch-row").all()]
    assert totals == [
        str(api_search(server, q="cocoa")["total"]),
        str(api_search(server, q="grain")["total"]),
        "0",
    ]


def test_a_cross_site_form_post_is_refused(new_page: Callable[..., Page], server: str) -> None:
    page = new_page()
    page.goto(server + "/batch")  # our cookie is set in this browser
    # Another site's page posting to us: the browser sends no cookie (SameSite)
    # and the attacker cannot know the token; the Origin names the other site.
    page.set_content(
        f'<form method="post" action="{server}/batch">'
        '<input name="csrf_token" value="guess"><input name="lines" value="cocoa">'
        '<button id="go">go</button></form>'
    )
    with page.expect_navigation():
        page.click("#go")
    expect(page.get_by_test_id("batch-error")).to_have_attribute("data-code", "csrf_failed")
    expect(page.get_by_test_id("batch-row")).to_have_count(0)
    page.watch.bad_responses.clear()  # type: ignore[attr-defined]  # the 400 is the point


# -- feeds and citations ---------------------------------------------------------------


def test_the_feed_of_a_search_leads_to_its_articles(page: Page, server: str) -> None:
    page.goto(server + "/?q=cocoa")
    href = page.locator('link[rel=alternate][type="application/atom+xml"]').get_attribute("href")
    assert href == "/feeds/search.atom?q=cocoa"
    with urllib.request.urlopen(server + href, timeout=30) as response:
        feed = feedparser.parse(response.read())
    assert feed.bozo == 0 and feed.entries
    newest = api_search(server, q="cocoa", sort="newest", per_page=20)
    assert [e.link for e in feed.entries] == [
        f"{server}/articles/{hit['id']}" for hit in newest["hits"]
    ]
    page.goto(feed.entries[0].link)
    expect(page.get_by_test_id("article-title")).to_have_text(feed.entries[0].title)


def test_copy_the_citation(new_page: Callable[..., Page], server: str) -> None:
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    article = api_search(server, q="cocoa")["hits"][0]
    page.goto(f"{server}/articles/{article['id']}")
    citation = page.get_by_test_id("citation-text").inner_text()
    assert article["title"].rstrip(".") in citation and article["origin"] in citation
    button = page.get_by_test_id("copy-citation")
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == citation
    healthy(page)


# -- keyboard triage -------------------------------------------------------------------


def active_id(page: Page) -> str | None:
    return page.evaluate(
        "(document.querySelector('[data-testid=result].is-active') || {dataset: {}}).dataset.id"
    )


def test_keyboard_triage(page: Page, server: str, artifacts: Path) -> None:
    page.goto(server + "/?q=cocoa")
    ids = result_ids(page)
    assert len(ids) >= 3

    page.keyboard.press("j")
    assert active_id(page) == ids[0]
    expect(page.get_by_test_id("result-link").first).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert active_id(page) == ids[1]

    page.keyboard.press("x")
    second = page.locator(f"[data-testid=result][data-id='{ids[1]}']")
    expect(second).to_have_class(re.compile(r"\bis-read\b"))
    expect(second.get_by_test_id("read-badge")).to_have_text("Read")
    stored = page.evaluate("JSON.parse(localStorage.getItem('newsearch.read'))")
    assert stored == [ids[1]]

    page.keyboard.press("?")
    help_box = page.get_by_test_id("keys-help")
    expect(help_box).to_be_visible()
    for key in ("j", "k", "o", "Enter", "x", "/", "?"):
        expect(help_box.locator("kbd", has_text=key).first).to_be_visible()
    shot(page, artifacts / "keys-help.png", full_page=False)
    page.keyboard.press("j")  # the open help keeps the keys
    assert active_id(page) == ids[1]
    page.keyboard.press("Escape")
    expect(help_box).to_be_hidden()

    # Marks survive a reload (local storage), and nothing was sent to the server.
    page.reload()
    expect(
        page.locator(f"[data-testid=result][data-id='{ids[1]}'] [data-testid=read-badge]")
    ).to_have_count(1)
    expect(page.get_by_test_id("read-badge")).to_have_count(1)

    page.keyboard.press("/")
    expect(page.get_by_test_id("search-input")).to_be_focused()
    page.keyboard.press("j")  # typing in the box is typing, not a shortcut
    expect(page.get_by_test_id("search-input")).to_have_value("j")  # "/" selected the query
    page.get_by_test_id("search-input").fill("cocoa")
    page.locator("main").click(position={"x": 5, "y": 5})

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")  # unmark the second again
    expect(page.get_by_test_id("read-badge")).to_have_count(0)
    page.keyboard.press("o")
    page.wait_for_url(f"**/articles/{ids[1]}**")
    page.go_back()
    page.wait_for_url("**/?q=cocoa")
    page.locator("main").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/articles/{ids[0]}**")
    healthy(page)


def test_results_page_without_javascript(new_page: Callable[..., Page], server: str) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(server + "/?q=cocoa")
    expect(page.get_by_test_id("keys-help")).to_be_hidden()
    expect(page.get_by_test_id("keys-help-button")).to_be_hidden()
    page.keyboard.press("j")
    page.keyboard.press("?")
    expect(page.get_by_test_id("keys-help")).to_be_hidden()
    page.get_by_test_id("result-link").first.click()
    page.wait_for_url("**/articles/**")
    expect(page.get_by_test_id("citation-text")).to_be_visible()
    expect(page.get_by_test_id("copy-citation")).to_be_hidden()
    page.goto(server + "/compare?q=cocoa&q=grain")
    expect(page.locator("[data-testid=chart] polyline").first).to_be_visible()
    expect(page.locator("[data-testid=chart-point] circle").first).to_be_visible()


def test_compare_and_batch_fit_a_phone(new_page: Callable[..., Page], server: str) -> None:
    page = new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page.goto(server + "/compare?q=cocoa&q=grain&q=wheat")
    expect(page.get_by_test_id("chart")).to_have_count(2)
    overflow = "document.documentElement.scrollWidth - window.innerWidth"
    assert page.evaluate(overflow) <= 0, "the comparison is wider than a phone"
    page.goto(server + "/batch")
    page.get_by_test_id("batch-lines").fill("cocoa\ngrain\na rather long line of several words")
    page.get_by_test_id("batch-submit").click()
    expect(page.get_by_test_id("batch-row")).to_have_count(3)
    assert page.evaluate(overflow) <= 0, "the batch page is wider than a phone"
