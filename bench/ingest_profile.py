"""Where one indexing worker's time goes, phase by phase.

Usage::

    .venv/bin/python bench/ingest_profile.py            # 11 of the 22 Reuters files
    .venv/bin/python bench/ingest_profile.py --files 3

Runs the real pipeline in one process (``workers=1``: what each of the two
worker processes does with its share) on a fresh index, with a wall-clock
timer around each phase and ``gc.callbacks`` timing the cycle collector.
Timers nest (``term_positions`` is inside ``add documents``), so the
indented rows are parts of the row above them, not extra time. The timers
themselves cost a few percent. For instruction counts immune to other
tenants, run the same under ``valgrind --tool=callgrind`` on one file.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import tempfile
import time
from collections.abc import Callable
from typing import Any

from calibrate import describe
from corpora import reuters_files
from stagetime import SPENT, timed

from indexer import analysis, fastwrite, pipeline, writer
from indexer.extract import article


def collector_timer() -> Callable[[str, dict[str, Any]], None]:
    started = [0.0]

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            SPENT["cycle collector (gc)"] += time.perf_counter() - started[0]

    return callback


PHASES = [
    (pipeline, "read_documents", "read + parse (SGML)"),
    (pipeline, "build_article", "normalize + extract"),
    (article, "extract_entities", "  named entities"),
    (article, "_dateline", "  dateline"),
    (pipeline, "article_fields", "fields for the index"),
    (writer.SegmentBuilder, "add_fields", "add documents to the segment"),
    (analysis.TextAnalyzer, "term_positions", "  analyzer (term positions)"),
    (fastwrite.FastSegmentWriter, "_add_postings", "  facet and id postings"),
    (writer.SegmentBuilder, "finish", "write the segment (posting blocks)"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=11, help="first N Reuters files (of 22)")
    args = parser.parse_args()
    print(describe(), flush=True)
    for owner, name, label in PHASES:
        timed(owner, name, label)
    gc.callbacks.append(collector_timer())
    files = [str(path) for path in reuters_files()[: args.files]]
    directory = tempfile.mkdtemp(prefix="newsearch-profile-")
    try:
        started = time.perf_counter()
        report = pipeline.index_paths(files, directory, workers=1)
        total = time.perf_counter() - started
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(
        f"{report.indexed:,} stories in {total:.2f} s, one process: {report.indexed / total:,.0f}/s"
    )
    for _, _, label in [*PHASES, (None, None, "cycle collector (gc)")]:
        spent = SPENT.get(label, 0.0)
        print(f"  {label:<38}{spent:7.2f} s {100 * spent / total:5.1f}%")


if __name__ == "__main__":
    main()
