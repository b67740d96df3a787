"""HTML quality on real news pages: publication days and main text, next to the libraries.

Two sets from ``../shared/corpora/html-news/`` (read in place, never copied):

* ``htmldate/``: ~1,000 pages with the expected publication day. We score the
  day of the Article that ``read_html`` + ``build_article`` make from the
  page bytes alone, and ``htmldate.find_date(html, original_date=True)`` on
  the same bytes in the same run. Neither is given the manifest's URL: both
  see only what the page itself says (its canonical URL included).
  Target: our count >= htmldate's, and >= 90% of the pages.
* ``trafilatura/``: 764 pages with snippets that the main text must and
  must not contain. Scored as upstream does (whitespace collapsed,
  case-sensitive substring): a check passes when a ``must`` snippet is found
  or a ``must_not`` snippet is absent. Ours is the Article body (title
  prepended, since the page shows it above the text); the reference is
  ``trafilatura.extract`` with its defaults. Target: ours >= trafilatura's.

Usage::

    .venv/bin/python bench/html_quality.py [--dates] [--bodies] [--limit N] [-v]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from indexer.errors import SourceError  # noqa: E402
from indexer.extract import build_article  # noqa: E402
from indexer.sources.decode import decode_bytes  # noqa: E402
from indexer.sources.html import read_html  # noqa: E402

HTML_NEWS = ROOT.parent / "shared" / "corpora" / "html-news"
DATE_TARGET = 0.90


def _load(folder: Path) -> list[dict[str, object]]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    pages: list[dict[str, object]] = manifest["pages"]
    return pages


def _bytes(folder: Path, entry: dict[str, object]) -> bytes:
    return gzip.open(folder / str(entry["file"])).read()


def _our_article(name: str, data: bytes):  # type: ignore[no-untyped-def]
    try:
        docs = read_html(name, data)
    except SourceError:
        return None
    return build_article(docs[0])


def dates(limit: int | None, verbose: bool) -> tuple[int, int, int]:
    """(pages, ours right, htmldate right) on the htmldate set."""
    from htmldate import find_date

    folder = HTML_NEWS / "htmldate"
    pages = [p for p in _load(folder) if p.get("expected_date")][:limit]
    ours_ok = theirs_ok = 0
    sources: dict[str, list[int]] = {}
    start = time.perf_counter()
    ours_time = theirs_time = 0.0
    for entry in pages:
        data = _bytes(folder, entry)
        expected = str(entry["expected_date"])
        t0 = time.perf_counter()
        article = _our_article(str(entry["file"]), data)
        t1 = time.perf_counter()
        ours = (article.date or "")[:10] if article else ""
        text = decode_bytes(data, html=True).text
        try:
            theirs = find_date(text, original_date=True) or ""
        except Exception:  # noqa: BLE001 - the reference library's failures count as misses
            theirs = ""
        t2 = time.perf_counter()
        ours_time += t1 - t0
        theirs_time += t2 - t1
        ours_ok += ours == expected
        theirs_ok += theirs == expected
        origin = (article.date_source if article else None) or "none"
        tally = sources.setdefault(origin.split(";")[0], [0, 0])
        tally[0] += 1
        tally[1] += ours == expected
        if verbose and ours != expected:
            print(
                f"  {entry['file']}: expected {expected} ours {ours or '-'} ({origin})"
                f" htmldate {theirs or '-'}"
            )
    n = len(pages)
    print(f"\nPublication day on html-news/htmldate ({n} pages, page bytes only):")
    print(f"  newsearch: {ours_ok:>4} / {n} = {ours_ok / n:.1%}  ({ours_time:.0f} s)")
    print(f"  htmldate:  {theirs_ok:>4} / {n} = {theirs_ok / n:.1%}  ({theirs_time:.0f} s)")
    verdict = ours_ok >= theirs_ok and ours_ok >= DATE_TARGET * n
    print(f"  target: >= htmldate and >= {DATE_TARGET:.0%}: {'ok' if verdict else 'BELOW TARGET'}")
    print("  our day by where it came from (pages, right):")
    for origin, (count, right) in sorted(sources.items(), key=lambda kv: -kv[1][0]):
        print(f"    {origin:<40}{count:>5}{right:>6}")
    print(f"  wall time {time.perf_counter() - start:.0f} s")
    return n, ours_ok, theirs_ok


def _ws(text: str) -> str:
    return " ".join(text.split())


def _checks(text: str, entry: dict[str, object]) -> tuple[int, int, list[str]]:
    """(passed, total, failures) for one page's must/must-not snippets."""
    text = _ws(text)
    passed = total = 0
    failed: list[str] = []
    for snippet in entry.get("must_contain") or []:  # type: ignore[attr-defined]
        total += 1
        if _ws(snippet) in text:
            passed += 1
        else:
            failed.append(f"missing {snippet!r}")
    for snippet in entry.get("must_not_contain") or []:  # type: ignore[attr-defined]
        total += 1
        if _ws(snippet) not in text:
            passed += 1
        else:
            failed.append(f"has {snippet!r}")
    return passed, total, failed


def bodies(limit: int | None, verbose: bool) -> tuple[int, int, int]:
    """(checks, ours passed, trafilatura passed) on the trafilatura set."""
    import trafilatura

    folder = HTML_NEWS / "trafilatura"
    pages = _load(folder)[:limit]
    ours_ok = theirs_ok = total = 0
    for entry in pages:
        data = _bytes(folder, entry)
        article = _our_article(str(entry["file"]), data)
        ours = f"{article.title}\n\n{article.body}" if article else ""
        text = decode_bytes(data, html=True).text
        try:
            theirs = trafilatura.extract(text) or ""
        except Exception:  # noqa: BLE001 - counted as a miss, like ours
            theirs = ""
        passed, count, failed = _checks(ours, entry)
        passed_ref, _, failed_ref = _checks(theirs, entry)
        ours_ok += passed
        theirs_ok += passed_ref
        total += count
        if verbose and passed != passed_ref:
            print(f"  {entry['file']}: ours {passed}/{count} trafilatura {passed_ref}/{count}")
            for line in sorted(set(failed) - set(failed_ref)):
                print(f"    ours only: {line[:120]}")
            for line in sorted(set(failed_ref) - set(failed)):
                print(f"    trafilatura only: {line[:120]}")
    print(f"\nMain text on html-news/trafilatura ({len(pages)} pages, {total} checks):")
    print(f"  newsearch:   {ours_ok:>5} / {total} = {ours_ok / total:.1%}")
    print(f"  trafilatura: {theirs_ok:>5} / {total} = {theirs_ok / total:.1%}  (defaults)")
    print(f"  target: >= trafilatura: {'ok' if ours_ok >= theirs_ok else 'BELOW TARGET'}")
    return total, ours_ok, theirs_ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="HTML dates and bodies vs. the libraries")
    parser.add_argument("--dates", action="store_true", help="only the publication days")
    parser.add_argument("--bodies", action="store_true", help="only the main text")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the differences")
    args = parser.parse_args(argv)
    if not (HTML_NEWS / "htmldate" / "manifest.json").exists():
        print(f"html-news corpora not found at {HTML_NEWS}", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)  # trafilatura/htmldate chatter on odd pages
    both = not (args.dates or args.bodies)
    if args.dates or both:
        dates(args.limit, args.verbose)
    if args.bodies or both:
        bodies(args.limit, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
