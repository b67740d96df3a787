"""Merges that do not stall: what 1,000-story incremental runs cost on a big index.

Usage::

    .venv/bin/python bench/merges.py --index /work/bench-data/reuters-100x-index
    .venv/bin/python bench/merges.py --index DIR --runs 2   # also run the real pipeline
    .venv/bin/python bench/merges.py --synthetic 2157800    # no index: a simulated build

For the index given it prints its segments, then:

1. **Simulated**, from the index's real segment sizes: ``--simulate`` (100)
   consecutive 1,000-story runs (each adds two 500-story worker segments),
   under Whoosh's default ``MERGE_SMALL`` and under newsearch's tiered policy
   (:mod:`indexer.merge_policy`): documents the worst commit merges, the
   total merged, and the segment count at the end. Pure arithmetic on sizes:
   no index is written.
   With ``--synthetic DOCS`` the starting segments are those each policy
   leaves after a simulated full build of DOCS stories (commits of two
   26,078-story worker segments, as the pipeline's 64 MB batches of Reuters
   give), so the two policies can be compared at 100x before such an index
   exists.
2. **Measured** (``--runs N``): N real runs of ``newsearch index`` on a new
   1,000-story Reuters file (ids and years shifted out of the way, written
   beside the index's corpus under ``$NEWSEARCH_BENCH_DATA``), each timed
   with peak RSS, and which of the index's segments it rewrote. This
   modifies the index (it adds the stories, as a newsroom's hourly run
   would).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from calibrate import describe
from corpora import _NEWID, BENCH_DATA, REPO, reuters_files
from ingest import run_index

sys.path.insert(0, str(REPO))

from indexer.merge_policy import TieredMerge, budget_for, default_policy

#: A policy on numbers: segment sizes and the stories the commit adds -> indexes to merge.
Policy = Callable[[list[int], int], list[int]]


def fib(n: int) -> int:
    """Whoosh's ``fib`` (fib(1) = 1, fib(2) = 2)."""
    a, b = 1, 2
    if n <= 2:
        return n
    for _ in range(n - 2):
        a, b = b, a + b
    return b


def merge_small(sizes: list[int], added: int = 0) -> list[int]:
    """Indexes Whoosh's ``MERGE_SMALL`` merges, given each segment's documents."""
    order = sorted(range(len(sizes)), key=lambda i: sizes[i])
    total = 0
    chosen: list[int] = []
    for rank, i in enumerate(order):
        total += sizes[i]
        chosen.append(i)
        if rank > 3 and total < fib(rank + 5):
            return chosen if len(chosen) > 1 else []
    return []


def tiered(policy: TieredMerge, budgeted: bool = False) -> Policy:
    """The tiered policy; ``budgeted``: with each commit's budget (:func:`budget_for`)."""

    def choose(sizes: list[int], added: int) -> list[int]:
        chosen = replace(policy, budget=budget_for(added)) if budgeted else policy
        return chosen.choose([(n, n) for n in sizes])

    return choose


def simulate(
    sizes: Sequence[int], policy: Policy, runs: int, big_every: int = 0, big: int = 52_156
) -> dict[str, int]:
    """``runs`` incremental commits, each merging per ``policy`` then adding two segments.

    Every run adds 1,000 stories, except every ``big_every``-th (0: none),
    which adds ``big`` (a nightly import, say; 52,156 is one 64 MB batch of
    Reuters): worst merges are reported for the small and the big runs apart.
    """
    segments = list(sizes)
    worst = worst_big = total = most = 0
    for run in range(1, runs + 1):
        added = big if big_every and run % big_every == 0 else 1000
        chosen = set(policy(segments, added))
        merged = sum(segments[i] for i in chosen)
        segments = [n for i, n in enumerate(segments) if i not in chosen]
        if merged:
            segments.append(merged)
        segments += [added // 2, added - added // 2]
        if added == 1000:
            worst = max(worst, merged)
        else:
            worst_big = max(worst_big, merged)
        total += merged
        most = max(most, len(segments))
    return {
        "worst_commit_docs": worst,
        "worst_big_commit_docs": worst_big,
        "total_merged_docs": total,
        "segments": len(segments),
        "most_segments": most,
    }


def build(policy: Policy, documents: int, segment: int = 26_078) -> tuple[list[int], int]:
    """Segments a full build of ``documents`` leaves, and its worst commit's merge."""
    segments: list[int] = []
    worst = 0
    for _ in range(max(1, round(documents / (2 * segment)))):
        chosen = set(policy(segments, 2 * segment))
        merged = sum(segments[i] for i in chosen)
        segments = [n for i, n in enumerate(segments) if i not in chosen]
        segments += ([merged] if merged else []) + [segment, segment]
        worst = max(worst, merged)
    return segments, worst


def segment_sizes(index_dir: str) -> dict[str, int]:
    from whoosh.filedb.filestore import FileStorage

    from indexer.store import current_directory

    directory = current_directory(index_dir)
    if directory is None:
        sys.exit(f"no index at {index_dir}")
    ix = FileStorage(directory).open_index("MAIN")
    return {s.segment_id(): s.doc_count_all() for s in ix._segments()}


def new_stories(run: int) -> Path:
    """1,000 Reuters stories with ids no other corpus uses (offset 900M + run)."""
    source = reuters_files()[0]
    path = BENCH_DATA / "incremental" / f"reut2-000-run{run}.sgm"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        offset = 900_000_000 + run * 1_000_000
        data = _NEWID.sub(lambda m: b'NEWID="%d"' % (int(m.group(1)) + offset), source.read_bytes())
        path.write_bytes(data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="the (big) index to measure")
    parser.add_argument("--synthetic", type=int, help="simulate a build of this many stories")
    parser.add_argument("--simulate", type=int, default=100, help="simulated runs (100)")
    parser.add_argument(
        "--big-every", type=int, default=0, help="every Nth simulated run adds 52,156 stories"
    )
    parser.add_argument("--runs", type=int, default=0, help="real 1,000-story runs (0)")
    args = parser.parse_args()
    if not args.index and not args.synthetic:
        parser.error("give --index or --synthetic")
    print(describe(), flush=True)
    results: dict[str, object] = {"index": args.index, "synthetic": args.synthetic}
    before: dict[str, int] = {}
    if args.index:
        before = segment_sizes(args.index)
        sizes = sorted(before.values(), reverse=True)
        print(f"{args.index}: {sum(sizes):,} documents in {len(sizes)} segments: {sizes}")
        results["segments"] = sizes
    ours = default_policy()
    for name, policy in (
        ("whoosh MERGE_SMALL", merge_small),
        ("tiered", tiered(ours)),
        ("tiered + budget", tiered(ours, budgeted=True)),
    ):
        if args.synthetic:
            sizes, worst = build(policy, args.synthetic)
            print(
                f"simulated build of {args.synthetic:,} stories, {name}: worst commit merges "
                f"{worst:,} documents; {len(sizes)} segments: {sorted(sizes, reverse=True)}"
            )
        outcome = simulate(sizes, policy, args.simulate, args.big_every)
        results[name] = outcome
        print(
            f"simulated {args.simulate} runs of 1,000 stories"
            + (f" (every {args.big_every}th: 52,156)" if args.big_every else "")
            + f", {name}: worst commit merges "
            f"{outcome['worst_commit_docs']:,} documents, {outcome['total_merged_docs']:,} in "
            f"all, {outcome['segments']} segments at the end (at most {outcome['most_segments']})"
            + (
                f"; worst merge of a big run {outcome['worst_big_commit_docs']:,}"
                if args.big_every
                else ""
            ),
            flush=True,
        )
    measured = []
    for run in range(args.runs if args.index else 0):
        path = new_stories(run)
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        figures = run_index([path], Path(str(args.index)))
        after = segment_sizes(args.index)
        rewritten = sorted((docs for sid, docs in before.items() if sid not in after), reverse=True)
        figures.update(
            {
                "started": started,
                "rewritten_segments": rewritten,
                "segments_after": len(after),
            }
        )
        measured.append(figures)
        print(
            f"run {run}: {figures['written']:.0f} stories in {figures['wall_s']:.1f} s wall "
            f"({figures['cpu_s']:.1f} CPU-s), peak RSS {figures['peak_rss_mb']:.0f} MB; "
            f"segments rewritten: {rewritten or 'none'} ({sum(rewritten):,} documents); "
            f"{len(after)} segments now",
            flush=True,
        )
        before = after
    results["runs"] = measured
    out = BENCH_DATA / "merges.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
