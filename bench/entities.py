"""Entity extraction benchmark: speed on Reuters-21578, quality on the annotated set.

The targets and the scoring are in :mod:`evaluation.entities` (shared with
``tests/integration/test_reuters_entities.py``); this script prints them.

Usage::

    .venv/bin/python bench/entities.py [--corpus ../shared/corpora/reuters21578] [--files N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.entities import (  # noqa: E402
    AIM_TOKENS_PER_SECOND,
    DEFAULT_CORPUS,
    TARGET_PRECISION,
    TARGET_RECALL,
    TARGET_TOKENS_PER_SECOND,
    Score,
    score,
    speed,
)


def _report(label: str, scores: dict[str, Score], verbose: bool) -> None:
    print(f"\n{label}")
    header = f"  {'type':<14}{'precision':>10}{'recall':>8}{'pred':>6}{'gold':>6}"
    print(f"{header}  target P>=0.80 R>=0.70")
    for kind, result in scores.items():
        ok = result.precision >= TARGET_PRECISION and result.recall >= TARGET_RECALL
        print(
            f"  {kind:<14}{result.precision:>10.3f}{result.recall:>8.3f}"
            f"{result.predicted:>6}{result.gold:>6}  {'ok' if ok else 'BELOW TARGET'}"
        )
        if verbose:
            print(f"    missed: {', '.join(result.misses) or '-'}")
            print(f"    junk:   {', '.join(result.junk) or '-'}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Entity extraction benchmark")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--files", type=int, default=None, help="first N reut2 files only")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and junk")
    args = parser.parse_args(argv)
    if not (args.corpus / "reut2-000.sgm").exists():
        print(f"Reuters-21578 not found at {args.corpus}", file=sys.stderr)
        return 2
    _report("Quality with Reuters tags (build_article):", score(args.corpus), args.verbose)
    _report("Quality from text only (tags ignored):", score(args.corpus, False), args.verbose)
    docs, tokens, entity_seconds, article_seconds = speed(args.corpus, args.files)
    rate = tokens / entity_seconds
    print(f"\nSpeed on {docs} stories, {tokens:,} tokens, one core (CPU time):")
    print(
        f"  extract_entities: {rate:,.0f} tokens/s "
        f"(floor {TARGET_TOKENS_PER_SECOND:,}, aim {AIM_TOKENS_PER_SECOND:,})"
    )
    print(
        f"  build_article:    {tokens / article_seconds:,.0f} tokens/s, "
        f"{docs / article_seconds:,.0f} docs/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
