"""The page pool of tests/e2e (e2e_helpers.PagePool): a page kept for the next test starts clean.

The browser tests share pages to spare Chromium a renderer process per
test; this guards the promise that nothing a test leaves on a
page (cookies, storage, routes, permissions, viewport, timeouts, reports)
reaches the next one.
"""

from __future__ import annotations

import pytest
from e2e_helpers import VIEWPORT, PagePool
from playwright.sync_api import Error

pytestmark = pytest.mark.browser

PERMISSION = "navigator.permissions.query({name: 'clipboard-read'}).then(s => s.state)"


def test_a_page_given_back_comes_back_clean(page_pool: PagePool, server: str) -> None:
    page = page_pool.take(viewport={"width": 390, "height": 844}, permissions=["clipboard-read"])
    page.goto(server + "/batch")  # sets the CSRF cookie
    assert page.context.cookies()
    assert page.evaluate(PERMISSION) == "granted"
    page.evaluate("localStorage.setItem('k', 'v'); sessionStorage.setItem('k', 'v')")
    page.route("**/static/**", lambda route: route.abort())
    page.set_default_navigation_timeout(1)
    page.watch.console_errors.append("left by the test")  # type: ignore[attr-defined]
    page_pool.give_back(page, reuse=True)

    again = page_pool.take()
    assert again is page
    assert again.context.cookies() == []
    assert again.viewport_size == VIEWPORT
    assert again.watch.problems() == {}  # type: ignore[attr-defined]
    again.goto(server + "/")  # the 1 ms timeout is gone, and so is the route to the static files
    assert again.watch.problems() == {}  # type: ignore[attr-defined]
    assert again.evaluate("[localStorage.length, sessionStorage.length]") == [0, 0]
    assert again.evaluate(PERMISSION) == "prompt"
    assert again.evaluate("window.__cspViolations") == []

    # A test that failed (or saw a dialog) gives its page back to be closed.
    page_pool.give_back(again, reuse=False)
    assert again.is_closed()
    with pytest.raises(Error):
        again.goto(server + "/")
    fresh = page_pool.take()
    assert fresh is not again
    page_pool.give_back(fresh, reuse=True)
