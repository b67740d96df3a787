"""Screenshots of the main pages, kept in ``test-artifacts/`` for people to look at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from e2e_helpers import png_size
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

#: A blank or failed capture of a full page compresses far below this.
MIN_PNG_BYTES = 20_000


def save(page: Page, path: Path) -> None:
    """A full-page screenshot at ``path``, checked to be a real, non-trivial PNG."""
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.is_file(), path
    assert path.stat().st_size > MIN_PNG_BYTES, (path, path.stat().st_size)
    width, height = png_size(path)
    viewport = page.viewport_size or {"width": 0, "height": 0}
    assert width == viewport["width"], (path, width)
    assert height >= viewport["height"] // 2, (path, height)


def test_screenshots_of_results_and_article(page: Page, server: str, artifacts: Path) -> None:
    page.goto(server + "/?q=cocoa")
    expect(page.get_by_test_id("result").first).to_be_visible()
    save(page, artifacts / "results.png")

    page.get_by_test_id("result-link").first.click()
    expect(page.get_by_test_id("article-title")).to_be_visible()
    save(page, artifacts / "article.png")

    page.goto(server + "/")
    expect(page.get_by_test_id("overview")).to_be_visible()
    save(page, artifacts / "overview.png")


def test_screenshot_on_a_phone_width(
    new_page: Callable[..., Page], server: str, artifacts: Path
) -> None:
    page = new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page.goto(server + "/?q=cocoa")
    expect(page.get_by_test_id("result").first).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    save(page, artifacts / "results-phone.png")
    assert overflow <= 0, f"the page is {overflow}px wider than a 390px screen"
