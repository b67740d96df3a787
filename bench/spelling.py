"""Spelling benchmark: does "Did you mean" fix misspelled queries, and leave good ones alone?

The query sets, targets and scoring are in :mod:`evaluation.spelling`
(shared with ``tests/integration/test_spelling.py``); this script prints them.

Usage::

    .venv/bin/python bench/spelling.py --index /tmp/relevance-index

The index is built from Reuters-21578 when ``--index`` holds none yet.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.spelling import (  # noqa: E402
    TARGET_CORRECTED,
    TARGET_FALSE_ALARMS,
    Outcome,
    Report,
    run,
)
from indexer.store import current_version  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "reuters21578"
DEFAULT_INDEX = "/tmp/relevance-index"


def _rate(outcomes: Sequence[Outcome], test: Callable[[Outcome], bool]) -> str:
    hits = sum(test(o) for o in outcomes)
    return f"{hits}/{len(outcomes)} = {hits / max(len(outcomes), 1):.1%}"


def print_report(report: Report, verbose: bool) -> None:
    print("misspelled queries: suggestion is the intended word")
    kinds = sorted({o.case.kind for o in report.misspelled})
    for kind in kinds:
        subset = [o for o in report.misspelled if o.case.kind == kind]
        no_suggestion = sum(o.suggestion is None for o in subset)
        print(
            f"  {kind:<26} {_rate(subset, lambda o: o.ok):>16}   (no suggestion: {no_suggestion})"
        )
    print(
        f"  {'all':<26} {_rate(report.misspelled, lambda o: o.ok):>16}   "
        f"target >= {TARGET_CORRECTED:.0%}"
    )
    print("correctly spelled queries: a suggestion appears")
    print(
        f"  {'common (df >= 20)':<26} "
        f"{_rate(report.correct, lambda o: o.suggestion is not None):>16}   "
        f"target <= {TARGET_FALSE_ALARMS:.0%}"
    )
    print(
        f"  {'uncommon (df 3-19)':<26} "
        f"{_rate(report.uncommon, lambda o: o.suggestion is not None):>16}   "
        "no target: some are the corpus's own typos"
    )
    if report.dropped:
        print(f"common typos dropped (correct word not in the corpus): {', '.join(report.dropped)}")
    failures = [o for o in report.misspelled if not o.ok]
    alarms = [o for o in report.correct + report.uncommon if o.suggestion is not None]
    shown = failures if verbose else failures[:25]
    if shown:
        print("\nmissed corrections (query -> suggestion, expected):")
        for o in shown:
            print(f"  {o.case.query:<18} -> {o.suggestion!s:<18} expected {o.case.expected}")
    if alarms:
        print("\nsuggestions for correctly spelled words:")
        for o in alarms:
            print(f"  {o.case.kind:<9} {o.case.query:<18} -> {o.suggestion}")


def ensure_index(index_dir: str, corpus: Path) -> None:
    """Build the Reuters index into ``index_dir`` unless one is there (about a minute)."""
    if current_version(index_dir) is not None:
        return
    from indexer.pipeline import index_paths

    print(f"building the Reuters index in {index_dir} ...", file=sys.stderr)
    index_paths(sorted(str(p) for p in corpus.glob("reut2-*.sgm")), index_dir)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default=DEFAULT_INDEX, help="index directory (built if empty)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--verbose", action="store_true", help="list every missed correction")
    args = parser.parse_args(argv)
    ensure_index(args.index, args.corpus)
    report = run(args.index)
    print_report(report, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
