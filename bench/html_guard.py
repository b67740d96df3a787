"""Tune and check the guard on trafilatura's fast mode (issue 16), train/test halves.

The HTML reader asks trafilatura's fast mode first (no readability/jusText
second opinion, about a fifth of its cost) and re-does the page with the full extraction
when :func:`indexer.sources.html.fast_text_suspect` says the fast text looks
wrong (too few words, or too small a share of the page's words). This bench
measures, on the 764 pages of ``html-news/trafilatura`` (read in place):

* the must/must-not checks passed by the reader's body with the fast text
  only, with the full extraction only, and with trafilatura's ``extract()``
  defaults (the issue 12 yardstick, same run);
* for a grid of guard thresholds, the checks passed and the share of pages
  re-done, on the train half (pages whose file name's SHA-1 starts with an
  even hex digit), the test half and the whole set;
* the share of pages the shipped guard re-does on ``html-news/htmldate``
  (the ingest benchmark's pages), which is what the guard costs in speed.

Per-page results are cached (``--cache``, outside the repository) so that the
grid runs without re-extracting. Usage::

    .venv/bin/python bench/html_guard.py [--workers 2] [--cache /tmp/html_guard.json] [--fresh]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from html_quality import _checks  # noqa: E402

from indexer.errors import SourceError  # noqa: E402
from indexer.extract import build_article  # noqa: E402
from indexer.sources import html  # noqa: E402
from indexer.sources.decode import decode_bytes  # noqa: E402

HTML_NEWS = ROOT.parent / "shared" / "corpora" / "html-news"
MIN_WORDS = (0, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500)
MIN_SHARES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)

#: What the patched guard saw on the last page: (fast words, page words).
_SEEN: dict[str, int] = {}
_shipped_guard = html.fast_text_suspect


def _split(name: str) -> str:
    return "train" if int(hashlib.sha1(name.encode()).hexdigest()[0], 16) % 2 == 0 else "test"


def _body(name: str, data: bytes, redo: bool) -> tuple[str, float]:
    """Title + body of the reader's Article with the guard forced to ``redo``; CPU-s."""

    def guard(text: str | None, page_words: int) -> bool:
        _SEEN["fast"] = len(text.split()) if text else 0
        _SEEN["page"] = page_words
        return redo

    html.fast_text_suspect = guard
    started = time.process_time()
    try:
        article = build_article(html.read_html(name, data)[0])
    except SourceError:
        return "", time.process_time() - started
    finally:
        html.fast_text_suspect = _shipped_guard
    return f"{article.title}\n\n{article.body}", time.process_time() - started


def _page(entry: dict[str, Any]) -> dict[str, Any]:
    import trafilatura

    name = str(entry["file"])
    with gzip.open(HTML_NEWS / "trafilatura" / name) as page:
        data = page.read()
    _SEEN.clear()
    fast, fast_cpu = _body(name, data, redo=False)
    seen = dict(_SEEN)
    full, full_cpu = _body(name, data, redo=True)
    try:
        default = trafilatura.extract(decode_bytes(data, html=True).text) or ""
    except Exception:  # noqa: BLE001 - counted as a miss, as html_quality does
        default = ""
    return {
        "file": name,
        "split": _split(name),
        "fast_words": seen.get("fast"),
        "page_words": seen.get("page"),
        "checks": _checks(fast, entry)[1],
        "fast": _checks(fast, entry)[0],
        "full": _checks(full, entry)[0],
        "default": _checks(default, entry)[0],
        "fast_cpu": fast_cpu,
        "full_cpu": full_cpu,
    }


def _speed_page(name: str) -> dict[str, Any]:
    """Fast-mode guard inputs on one ingest-benchmark page (htmldate set)."""
    with gzip.open(HTML_NEWS / "htmldate" / name) as page:
        data = page.read()
    _SEEN.clear()
    _body(name, data, redo=False)
    return {"file": name, "fast_words": _SEEN.get("fast"), "page_words": _SEEN.get("page")}


def _init() -> None:
    logging.disable(logging.WARNING)


def collect(cache: Path, workers: int, fresh: bool) -> dict[str, list[dict[str, Any]]]:
    if cache.exists() and not fresh:
        data: dict[str, list[dict[str, Any]]] = json.loads(cache.read_text())
        return data
    entries = json.loads((HTML_NEWS / "trafilatura" / "manifest.json").read_text())["pages"]
    names = json.loads((HTML_NEWS / "htmldate" / "manifest.json").read_text())["pages"]
    speed_names = sorted({str(p["file"]) for p in names if p.get("expected_date")})
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init) as pool:
        bodies = pool.map(_page, entries, chunksize=4)
        print(f"bodies: {len(bodies)} pages in {time.perf_counter() - started:.0f} s", flush=True)
        speed = pool.map(_speed_page, speed_names, chunksize=8)
    data = {"bodies": bodies, "speed": speed}
    cache.write_text(json.dumps(data))
    return data


def _suspect(fast_words: int | None, page_words: int | None, words: int, share: float) -> bool:
    if fast_words is None or page_words is None:
        return True  # no tree: the reader runs the full extraction
    return fast_words == 0 or fast_words < words or fast_words < share * page_words


def score(rows: list[dict[str, Any]], words: int, share: float) -> tuple[int, int, int]:
    """(checks passed, checks, pages re-done) with this guard."""
    passed = total = redone = 0
    for row in rows:
        redo = _suspect(row["fast_words"], row["page_words"], words, share)
        redone += redo
        passed += row["full"] if redo else row["fast"]
        total += row["checks"]
    return passed, total, redone


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsearch-html-guard.json"))
    parser.add_argument("--fresh", action="store_true", help="re-extract even if cached")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    data = collect(args.cache, args.workers, args.fresh)
    rows = data["bodies"]
    halves = {
        "train": [r for r in rows if r["split"] == "train"],
        "test": [r for r in rows if r["split"] == "test"],
        "all": rows,
    }
    print("\nMust/must-not checks on html-news/trafilatura (pages; checks):")
    print(f"  {'':<28}" + "".join(f"{h:>16}" for h in halves))
    print(f"  {'pages':<28}" + "".join(f"{len(r):>16}" for r in halves.values()))
    for key, label in (
        ("default", "trafilatura defaults"),
        ("full", "reader, full extraction"),
        ("fast", "reader, fast only"),
    ):
        cells = [
            f"{sum(r[key] for r in rs)}/{sum(r['checks'] for r in rs)}" for rs in halves.values()
        ]
        print(f"  {label:<28}" + "".join(f"{c:>16}" for c in cells))
    train = halves["train"]
    print("\nGuard grid on the train half (checks passed, pages re-done):")
    print(f"  {'min words / min share':<22}" + "".join(f"{s:>12}" for s in MIN_SHARES))
    for words in MIN_WORDS:
        cells = []
        for share in MIN_SHARES:
            passed, _, redone = score(train, words, share)
            cells.append(f"{passed} {100 * redone / len(train):3.0f}%")
        print(f"  {words:<22}" + "".join(f"{c:>12}" for c in cells))
    shipped = (0, html.FAST_MIN_SHARE)
    print(f"\nShipped guard: empty, or under {shipped[1]:.0%} of the page's words:")
    for half, rs in halves.items():
        passed, total, redone = score(rs, *shipped)
        default = sum(r["default"] for r in rs)
        full = sum(r["full"] for r in rs)
        print(
            f"  {half:<6} {passed}/{total} checks (full {full}, trafilatura defaults {default}); "
            f"{redone}/{len(rs)} pages re-done ({100 * redone / len(rs):.0f}%)"
        )
    speed = data["speed"]
    redone = sum(_suspect(r["fast_words"], r["page_words"], *shipped) for r in speed)
    print(
        f"  html-news/htmldate (ingest benchmark pages): {redone}/{len(speed)} re-done "
        f"({100 * redone / len(speed):.0f}%)"
    )
    fast_cpu = sum(r["fast_cpu"] for r in rows) / len(rows)
    full_cpu = sum(r["full_cpu"] for r in rows) / len(rows)
    print(
        f"  reader CPU per page (read_html + build_article): fast only {1000 * fast_cpu:.1f} ms, "
        f"full {1000 * full_cpu:.1f} ms (the full figure includes the fast attempt)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
