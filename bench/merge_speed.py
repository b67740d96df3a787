"""One merge, both ways: Whoosh's ``add_reader`` (re-sort) against concatenation.

Usage::

    .venv/bin/python bench/merge_speed.py                 # Reuters-21578, 6 segments
    .venv/bin/python bench/merge_speed.py --copies 3      # + the first 10x copies

Indexes Reuters-21578 (and ``--copies`` more 10x copies) into a scratch
index under ``bench/out/`` with merges disabled and small batches, so it
ends with several segments; copies it; merges every segment into one, in
this process, once with Whoosh's merge (``NEWSEARCH_MERGE=whoosh``'s path)
and once by concatenation (the default since issue 16, stop 21). Deletes
~5% of the stories first, so renumbering is measured too. Prints, for
each, wall and CPU seconds and documents merged per CPU-second, and the
ratio. CPU seconds are the figure to compare on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from calibrate import describe
from corpora import OUT, REPO, reuters_files, tenfold_files

sys.path.insert(0, str(REPO))


from indexer import pipeline
from indexer import schema as F
from indexer.merge_policy import whoosh_merge
from indexer.store import current_directory
from indexer.whoosh_internals import FileStorage
from indexer.writer import ParentWriter, concat_merge


def concat_all(writer: Any, segments: list[Any]) -> list[Any]:
    return [concat_merge(writer, segments)]


def build(files: list[Path], root: Path) -> Path:
    os.environ["NEWSEARCH_MAX_MERGE_DOCS"] = "1"  # nothing merged while building
    os.environ["NEWSEARCH_BATCH_BYTES"] = str(8 * 2**20)
    pipeline.index_paths([str(f) for f in files], str(root), rebuild=True)
    directory = Path(current_directory(str(root)) or "")
    ix = FileStorage(str(directory)).open_index("MAIN")
    writer = ParentWriter(ix)
    with ix.searcher() as searcher:
        ids = sorted(searcher.lexicon(F.ID))[::20]
    for doc_id in ids:
        writer.delete_by_term(F.ID, doc_id)
    writer.commit_with([], merge=False)
    return directory


def merge(directory: Path, how: Any) -> tuple[float, float, int]:
    ix = FileStorage(str(directory)).open_index("MAIN")
    docs = ix.doc_count()
    wall, cpu = time.perf_counter(), time.process_time()
    ParentWriter(ix).commit_segments([], policy=how)
    return time.perf_counter() - wall, time.process_time() - cpu, docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=0, help="10x copies added to Reuters")
    args = parser.parse_args()
    print(describe())
    files = reuters_files()
    if args.copies:
        files += [f for f in tenfold_files() if "-x" in f.name][: 22 * args.copies]
    root = OUT / "merge-speed"
    shutil.rmtree(root, ignore_errors=True)
    directory = build(files, root / "whoosh")
    segments = len(FileStorage(str(directory)).open_index("MAIN")._segments())
    twin = root / "concat" / directory.name
    shutil.copytree(directory, twin)
    results = {}
    for name, path, how in (("whoosh", directory, whoosh_merge), ("concat", twin, concat_all)):
        wall, cpu, docs = merge(path, how)
        results[name] = cpu
        print(
            f"{name:>6}: {segments} segments, {docs:,} live documents merged in {wall:.1f} s wall,"
            f" {cpu:.1f} CPU-s = {docs / cpu:,.0f} documents per CPU-second"
        )
    print(f"concatenation / Whoosh CPU: {results['concat'] / results['whoosh']:.3f}")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
