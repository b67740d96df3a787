"""Small helpers shared by the end-to-end tests: page watching and reading state."""

from __future__ import annotations

import json
import struct
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.sync_api import Browser, CDPSession, Frame, Page

#: Collects ``securitypolicyviolation`` events; Playwright runs init scripts
#: outside the page's CSP, so this cannot itself trigger a violation.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@dataclass
class PageWatch:
    """Everything a page reported that a healthy page never reports."""

    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Any) -> PageWatch:
        watch = cls()

        def on_dialog(dialog: Any) -> None:
            watch.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def on_console(message: Any) -> None:
            if message.type == "error":
                watch.console_errors.append(message.text)

        def on_response(response: Any) -> None:
            if response.status >= 400:
                watch.bad_responses.append(f"{response.status} {response.url}")

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))

        def on_request_failed(request: Any) -> None:
            # A navigation cancels what the previous page still loads (its favicon).
            if request.failure != "net::ERR_ABORTED":
                watch.failed_requests.append(f"{request.url}: {request.failure}")

        page.on("response", on_response)
        page.on("requestfailed", on_request_failed)
        return watch

    def problems(self) -> dict[str, list[str]]:
        """The non-empty lists, by name; ``{}`` for a clean page."""
        return {name: items for name, items in vars(self).items() if items}

    def clear(self) -> None:
        """Forget what was reported (a page kept for the next test starts with empty lists)."""
        for items in vars(self).values():
            items.clear()


# -- pages kept for the next test ------------------------------------------------------

#: Wide enough for the two-column layout (sidebar beside the results).
VIEWPORT = {"width": 1280, "height": 900}
#: The time a page action or navigation may take (Playwright's default is 30 s).
ACTION_TIMEOUT_MS = 10_000
#: Context options whose default value needs no context of its own.
CONTEXT_DEFAULTS = {"bypass_csp": False, "java_script_enabled": True, "device_scale_factor": 1}
_UNSET = object()


class PagePool:
    """The watched pages of one browser, kept for the next tests.

    A browser context costs Chromium a renderer process: on this machine
    ~0.8 CPU-seconds more to open and close than a page load in a context
    already open, and the browser tests are bound by Chromium's CPU. So a
    page outlives its test: :meth:`give_back` clears what the test left and
    keeps the page for the next test with the same context options.
    """

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.idle: dict[str, list[Page]] = {}
        self.pages: dict[int, Page] = {}
        self.cdp: dict[int, CDPSession] = {}
        self.origins: dict[int, set[str]] = {}

    def take(self, **options: Any) -> Page:
        """A clean watched page as if from ``browser.new_context(**options).new_page()``.

        The ``viewport`` and ``permissions`` options are set on a page of the
        default context (and reset by :meth:`give_back`); options at their
        default values are ignored; the others get a context of their own.
        """
        viewport = options.pop("viewport", VIEWPORT)
        permissions = options.pop("permissions", [])
        options = {k: v for k, v in options.items() if CONTEXT_DEFAULTS.get(k, _UNSET) != v}
        key = json.dumps(options, sort_keys=True, default=str)
        page = self.idle[key].pop() if self.idle.get(key) else self._open(key, options)
        if viewport != VIEWPORT:
            page.set_viewport_size(viewport)
        if permissions:
            page.context.grant_permissions(permissions)
        return page

    def _open(self, key: str, options: dict[str, Any]) -> Page:
        context = self.browser.new_context(viewport=VIEWPORT, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        page.pool_key = key  # type: ignore[attr-defined]
        # Every page records its CSP violations in ``window.__cspViolations``.
        page.add_init_script(CSP_LISTENER)
        page.watch = PageWatch.attach(page)  # type: ignore[attr-defined]
        self.pages[id(page)] = page
        self.cdp[id(page)] = context.new_cdp_session(page)
        origins = self.origins[id(page)] = set()

        def visited(frame: Frame) -> None:
            scheme, _, rest = frame.url.partition("://")
            if scheme in ("http", "https"):
                origins.add(f"{scheme}://{rest.split('/', 1)[0]}")

        page.on("framenavigated", visited)
        return page

    def give_back(self, page: Page, reuse: bool) -> None:
        """Clear ``page`` for the next test, or close its context (``reuse`` false)."""
        if not reuse or page.is_closed():
            self._close(page)  # a closed page's context may still be open
            return
        page.unroute_all()
        cdp = self.cdp[id(page)]
        for origin in self.origins[id(page)]:  # local and session storage, IndexedDB, ...
            cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        self.origins[id(page)].clear()
        cdp.send("Network.clearBrowserCache")
        page.context.clear_cookies()
        page.context.clear_permissions()
        if page.viewport_size != VIEWPORT:
            page.set_viewport_size(VIEWPORT)
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        page.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
        page.watch.clear()  # type: ignore[attr-defined]
        self.idle.setdefault(page.pool_key, []).append(page)  # type: ignore[attr-defined]

    def close(self) -> None:
        """Close every page this pool opened, idle or not."""
        for page in list(self.pages.values()):
            self._close(page)
        self.idle.clear()

    def _close(self, page: Page) -> None:
        del self.pages[id(page)], self.cdp[id(page)], self.origins[id(page)]
        page.context.close()


# -- reading the page ------------------------------------------------------------------


def total(page: Any) -> int:
    """The total shown in the summary (its ``data-total``), checked against its text."""
    element = page.get_by_test_id("total")
    value = int(element.get_attribute("data-total"))
    shown = element.inner_text().replace(",", "").replace("\u202f", "").replace(" ", "")
    assert str(value) in shown, f"total {value} not in the text {shown!r}"
    return value


def result_ids(page: Any) -> list[str]:
    return page.get_by_test_id("result").evaluate_all("nodes => nodes.map(n => n.dataset.id)")


def params(url: str) -> dict[str, list[str]]:
    """The query parameters of ``url`` (blank values kept)."""
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def param(url: str, name: str) -> str | None:
    values = params(url).get(name)
    return values[0] if values else None


def api_get(url: str) -> dict[str, Any]:
    """The JSON document at ``url`` (the tests' own view of the server, no browser)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        payload: dict[str, Any] = json.loads(response.read())
    return payload


def api_search(base_url: str, **query: Any) -> dict[str, Any]:
    """``GET /api/search`` with ``query`` (lists become repeated parameters)."""
    return api_get(f"{base_url}/api/search?{urlencode(query, doseq=True)}")


def api_article(base_url: str, article_id: str) -> dict[str, Any]:
    return api_get(f"{base_url}/api/articles/{article_id}")


#: Seconds :func:`api_health` waits for a worker still checking the index.
HEALTH_LOADING_WAIT = 60.0


def api_health(base_url: str) -> dict[str, Any]:
    """``GET /healthz``, waiting as a load balancer would while a worker says ``index_loading``.

    The server is taken as ready once one worker answers; the other may
    still be checking the index and rightly answer 503 ``index_loading``
    for a moment (a CI run met it). Any other error is raised at once.
    """
    deadline = time.monotonic() + HEALTH_LOADING_WAIT
    while True:
        try:
            return api_get(f"{base_url}/healthz")
        except urllib.error.HTTPError as error:
            body = json.loads(error.read() or b"{}")
            code = body.get("error", {}).get("code") if isinstance(body, dict) else None
            if error.code != 503 or code != "index_loading" or time.monotonic() > deadline:
                raise
        time.sleep(0.2)


# -- artifacts -------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of a PNG file, read from its IHDR chunk; fails if not a PNG."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert head[12:16] == b"IHDR", f"{path} has no IHDR chunk first"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


#: Text with too little contrast against its background (WCAG 2 AA: 4.5:1, or
#: 3:1 for large text), as ``"ratio tag.class: text"`` strings. The background
#: is the nearest one painted, blended over the ancestors below it.
LOW_CONTRAST = """() => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, base) => ({
    r: top.r * top.a + base.r * (1 - top.a),
    g: top.g * top.a + base.g * (1 - top.a),
    b: top.b * top.a + base.b * (1 - top.a), a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    return layers.reverse().reduce((base, c) => over(c, base), { r: 255, g: 255, b: 255, a: 1 });
  };
  const luminance = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent)
      .join("").trim();
    const box = el.getBoundingClientRect();
    if (!text || box.width <= 1 || box.height <= 1 || !el.checkVisibility()) continue;
    if (el.closest(".is-disabled, [disabled]")) continue;
    const style = getComputedStyle(el);
    const back = background(el);
    const fore = over(parse(style.color), back);
    const [hi, lo] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const name = `${el.tagName.toLowerCase()}.${el.className}`;
    if (ratio < (large ? 3 : 4.5)) found.push(`${ratio.toFixed(2)} ${name}: ${text.slice(0, 40)}`);
  }
  return found;
}"""
