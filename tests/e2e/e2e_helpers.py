"""Small helpers shared by the end-to-end tests: page watching and reading state."""

from __future__ import annotations

import json
import struct
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

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


def api_health(base_url: str) -> dict[str, Any]:
    return api_get(f"{base_url}/healthz")


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
