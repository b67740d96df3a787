"""Which elements trafilatura's input may lose first: body checks on train/test halves, CPU.

The HTML reader deletes, before trafilatura's fast extraction, elements that
every pass of trafilatura deletes anyway
(:data:`indexer.sources.html.DISCARDED_TAGS`): its passes (a dozen XPath
scans with regular expressions, three tree copies, its page-text measure)
then walk a smaller tree. A tag is only worth adding if the main text does
not get worse, which this bench measures on the 764 pages of
``html-news/trafilatura`` (read in place), split as ``bench/html_guard.py``
splits them (SHA-1 of the file name: even first hex digit train, odd test):

* for each candidate set (the shipped tags plus a group), the must/must-not
  checks the reader's body passes on each half, the pages whose checks
  changed, and the reader's CPU milliseconds per page (``read_html``, one
  process; compare within one run: the machine may be shared);
* trafilatura's ``extract()`` with its defaults, the issue 12 yardstick.

The rule (as for the guard): a group is kept only if its train-half checks
are at least the shipped set's; the test half reports what that gives.

Usage::

    .venv/bin/python bench/html_prune.py [--groups nav controls ...] [--no-reference]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from html_guard import _split  # noqa: E402
from html_quality import _checks  # noqa: E402

from indexer.errors import SourceError  # noqa: E402
from indexer.extract import build_article  # noqa: E402
from indexer.sources import html  # noqa: E402
from indexer.sources.decode import decode_bytes  # noqa: E402

HTML_NEWS = ROOT.parent / "shared" / "corpora" / "html-news"

#: Candidate groups, all in trafilatura's ``MANUALLY_CLEANED`` (it deletes
#: them with their content from the tree its main extraction reads); what
#: they change is its page-text measure (which decides its recall retry) and
#: its baseline rescue, both of which read the raw tree.
GROUPS: dict[str, tuple[str, ...]] = {
    "nav": ("nav", "menu", "menuitem"),
    "controls": (
        "button", "label", "select", "option", "optgroup", "datalist", "textarea",
        "fieldset", "legend", "output", "progress", "dialog",
    ),
    "frames": ("iframe", "frame", "frameset", "applet", "param", "source", "track", "area", "use"),
    "noscript": ("noscript",),
}  # fmt: skip


def _pages() -> list[tuple[dict[str, Any], bytes]]:
    folder = HTML_NEWS / "trafilatura"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [(entry, gzip.open(folder / entry["file"]).read()) for entry in manifest["pages"]]


def _reader_text(name: str, data: bytes) -> str:
    try:
        article = build_article(html.read_html(name, data)[0])
    except SourceError:
        return ""
    return f"{article.title}\n\n{article.body}"


def run(
    pages: list[tuple[dict[str, Any], bytes]], extra: tuple[str, ...]
) -> tuple[dict[str, int], dict[str, int], float]:
    """(checks per half, checks per page, reader CPU-s) with ``extra`` tags deleted too."""
    shipped = html._discarded_tags  # functools.cache: the shipped tags
    tags = shipped() + tuple(t for t in extra if t not in shipped())
    html._discarded_tags = lambda: tags  # type: ignore[assignment]
    halves = {"train": 0, "test": 0}
    per_page: dict[str, int] = {}
    cpu = 0.0
    try:
        for entry, data in pages:
            started = time.process_time()
            text = _reader_text(entry["file"], data)
            cpu += time.process_time() - started
            passed, _, _ = _checks(text, entry)
            halves[_split(entry["file"])] += passed
            per_page[entry["file"]] = passed
    finally:
        html._discarded_tags = shipped  # type: ignore[method-assign]
    return halves, per_page, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", nargs="*", default=[*GROUPS, "nav+controls"])
    parser.add_argument("--no-reference", action="store_true", help="skip trafilatura defaults")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    html.warm_up()
    pages = _pages()
    totals = {"train": 0, "test": 0}
    for entry, _ in pages:
        totals[_split(entry["file"])] += len(entry.get("must_contain") or []) + len(
            entry.get("must_not_contain") or []
        )
    print(f"html-news/trafilatura: {len(pages)} pages, checks train {totals['train']}, "
          f"test {totals['test']}")  # fmt: skip
    if not args.no_reference:
        import trafilatura

        halves = {"train": 0, "test": 0}
        for entry, data in pages:
            text = decode_bytes(data, html=True).text
            try:
                theirs = trafilatura.extract(text) or ""
            except Exception:  # noqa: BLE001 - a failure of the reference counts as a miss
                theirs = ""
            halves[_split(entry["file"])] += _checks(theirs, entry)[0]
        print(f"  {'trafilatura defaults':<28} train {halves['train']:>5}  test {halves['test']:>5}"
              f"  all {halves['train'] + halves['test']:>5}")  # fmt: skip
    base_halves, base_pages, base_cpu = run(pages, ())
    rows = [("shipped", base_halves, base_pages, base_cpu)]
    for name in args.groups:
        extra = tuple(tag for part in name.split("+") for tag in GROUPS[part])
        rows.append((name, *run(pages, extra)))
    for name, halves, per_page, cpu in rows:
        changed = sum(per_page[key] != base_pages[key] for key in per_page)
        kept = "" if name == "shipped" else (
            "  keep" if halves["train"] >= base_halves["train"] else "  drop"
        )  # fmt: skip
        print(f"  {name:<28} train {halves['train']:>5}  test {halves['test']:>5}  all "
              f"{halves['train'] + halves['test']:>5}  pages changed {changed:>3}  "
              f"reader {1000 * cpu / len(pages):5.1f} CPU-ms/page{kept}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
