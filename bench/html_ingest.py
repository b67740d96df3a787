"""HTML ingest: pages per second on both cores, and what each stage costs per page.

Usage::

    .venv/bin/python bench/html_ingest.py                 # CLI run, then the stages
    .venv/bin/python bench/html_ingest.py --no-stages     # the CLI run only
    .venv/bin/python bench/html_ingest.py --every 4       # 1 page in 4 (a loaded machine)
    .venv/bin/python bench/html_ingest.py --code ../main  # another checkout's code, same pages

The pages are ``../shared/corpora/html-news/htmldate`` (the manifest's pages
with an expected day: 996 entries, 995 distinct files, ~150 KB each), stored
gzipped; they are unpacked into a temporary directory outside the repository
(~160 MB, removed afterwards), since the indexer reads plain files.

1. **Both cores**: the real CLI (``newsearch index DIR``, one worker per
   core) on a fresh index, as ``bench/ingest.py`` runs it: pages/s on the
   wall clock, CPU seconds of the process tree (less sensitive to other
   tenants) and peak RSS.
2. **Stages**: the same pipeline in one process (``workers=1``) with a
   wall-clock timer around each stage, in ms per page: read, parse, metadata,
   publication day, main text, entity extraction, index write. Timers nest
   (indented rows are parts of the row above). Stages the code under test
   does not have (``--code`` of an older checkout) print as ``-``.

``--code DIR`` runs another checkout's ``indexer`` (e.g. main's) on the same
pages with the same interpreter, for back-to-back comparisons on a shared
machine.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import stagetime
from calibrate import describe
from corpora import REPO
from ingest import run_index
from stagetime import SPENT, timed

HTML_NEWS = REPO.parent / "shared" / "corpora" / "html-news" / "htmldate"
TARGET_PAGES_PER_S = 80.0


def unpack_pages(into: Path, every: int = 1) -> list[Path]:
    """The pages with an expected day (1 in ``every``), unpacked under ``into``."""
    manifest = json.loads((HTML_NEWS / "manifest.json").read_text(encoding="utf-8"))
    names = sorted({str(p["file"]) for p in manifest["pages"] if p.get("expected_date")})
    names = names[::every]
    total = sum(
        int(p["bytes"]) for p in manifest["pages"] if p.get("expected_date") and p["file"] in names
    )
    print(f"unpacking {len(names)} pages (~{total / 2**20:.0f} MB of disk) into {into}", flush=True)
    files = []
    for name in names:
        target = into / Path(name).name.removesuffix(".gz")
        if target.suffix not in (".html", ".htm"):
            target = target.with_name(target.name + ".html")
        with gzip.open(HTML_NEWS / name) as source:
            target.write_bytes(source.read())
        files.append(target)
    return files


class CpuTimeline:
    """Who uses the CPU when, during one CLI run (the parent vs its worker processes).

    Sampled by :func:`ingest.run_index` every 50 ms. The parent works alone
    before the pool forks (imports, planning, the HTML libraries' warm-up)
    and after the workers' last page (the last batch's commit); in between
    it commits the previous batch while the workers build the next one.
    Those two serial stretches bound the wall time whatever the CPU per page.
    """

    def __init__(self) -> None:
        #: (seconds since start, parent CPU-s, workers' CPU-s, number of workers alive)
        self.samples: list[tuple[float, float, float, int]] = []
        #: Each worker's CPU seconds when last seen (a worker that exited keeps its last figure).
        self._workers: dict[int, float] = {}

    def __call__(self, process: psutil.Process, elapsed: float) -> None:
        own = process.cpu_times()
        children = process.children(recursive=True)
        for child in children:
            try:
                times = child.cpu_times()
            except psutil.NoSuchProcess:
                continue
            self._workers[child.pid] = times.user + times.system
        workers = sum(self._workers.values())
        self.samples.append((elapsed, own.user + own.system, workers, len(children)))

    def summary(self, wall: float) -> str:
        """The serial stretches at both ends, and each side's CPU seconds."""
        if not self.samples:
            return "timeline: no samples"
        forked = next((t for t, _, _, n in self.samples if n), wall)
        parent_at_fork = next((p for t, p, _, n in self.samples if n), self.samples[-1][1])
        last_worker_cpu = self.samples[-1][2]
        busy_until = next((t for t, _, w, _ in self.samples if w >= last_worker_cpu - 0.02), wall)
        _, parent, workers, _ = self.samples[-1]
        span = max(busy_until - forked, 1e-9)
        return (
            f"timeline: parent alone for the first {forked:.2f} s ({parent_at_fork:.2f} CPU-s: "
            f"imports, plan, warm-up); workers busy {forked:.2f}-{busy_until:.2f} s; parent alone "
            f"for the last {max(wall - busy_until, 0.0):.2f} s (the last commit); CPU-s parent "
            f"{parent:.2f}, workers {workers:.2f} (last sample); cores busy while the workers "
            f"run {(workers + parent - parent_at_fork) / span:.2f}"
        )


#: (module, attribute, label); labels starting with spaces are parts of the row above.
STAGES = [
    ("indexer.pipeline", "_read_bytes", "read (file bytes)"),
    ("indexer.pipeline", "read_documents", "HTML reader (all of the below)"),
    ("indexer.sources.html", "decode_bytes", "  decode (charset)"),
    ("indexer.sources.html", "_prepare", "  prepare (controls, doctype subset)"),
    ("indexer.sources.html", "parse_tree", "  parse (lxml, once)"),
    ("indexer.sources.html", "make_soup", "  bs4 soup (metadata, fallback)"),
    ("indexer.sources.html", "_metadata_tree", "  metadata: head re-parse (rare)"),
    ("indexer.sources.html", "metadata_soup", "  metadata: bs4 on cut-out elements"),
    ("indexer.sources.html", "page_metadata", "  metadata: lookups (bs4)"),
    ("indexer.sources.html", "tree_metadata", "  metadata: lookups (lxml tree)"),
    ("indexer.sources.html", "without_scripts", "  without scripts (string)"),
    ("indexer.sources.html", "_main_text", "  main text (trafilatura)"),
    ("indexer.sources.html", "visible_text", "  fallback text (bs4)"),
    ("indexer.sources.html", "_page_date", "  publication day (htmldate)"),
    ("indexer.pipeline", "build_article", "normalize + extract"),
    ("indexer.extract.article", "extract_entities", "  named entities"),
    ("indexer.pipeline", "article_fields", "fields for the index"),
    ("indexer.writer", "SegmentBuilder.add_fields", "index write: add documents"),
    ("indexer.writer", "SegmentBuilder.finish", "index write: segment files"),
]
TOP_LEVEL = [label for _, _, label in STAGES if not label.startswith(" ")]


def stages(files: list[Path]) -> None:
    """Run the pipeline in one process over ``files``, stage timers on."""
    present = {}
    for module_name, attribute, label in STAGES:
        owner: Any = importlib.import_module(module_name)
        if "." in attribute:
            class_name, attribute = attribute.split(".")
            owner = getattr(owner, class_name)
        present[label] = timed(owner, attribute, label)
    pipeline = importlib.import_module("indexer.pipeline")
    sample = [str(path) for path in files]
    directory = tempfile.mkdtemp(prefix="newsearch-html-stages-")
    try:
        started = stagetime.CLOCK()
        report = pipeline.index_paths(sample, directory, workers=1)
        total = stagetime.CLOCK() - started
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    pages = len(sample)
    print(
        f"stages: {pages} pages ({report.indexed} indexed) in {total:.1f} s "
        f"({'CPU' if stagetime.CLOCK is time.process_time else 'wall'}), one process: "
        f"{pages / total:.1f} pages/s, {1000 * total / pages:.1f} ms/page"
    )
    for _, _, label in STAGES:
        if not present[label]:
            print(f"  {label:<42}{'-':>9}")
            continue
        spent = SPENT.get(label, 0.0)
        print(f"  {label:<42}{1000 * spent / pages:8.1f} ms {100 * spent / total:5.1f}%")
    other = total - sum(SPENT.get(label, 0.0) for label in TOP_LEVEL)
    print(f"  {'other (planning, fingerprints, commit)':<42}{1000 * other / pages:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cli", action="store_true", help="skip the both-cores CLI run")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage run")
    parser.add_argument("--every", type=int, default=1, help="1 page in N (both parts)")
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose indexer runs")
    parser.add_argument(
        "--cpu", action="store_true", help="stages in CPU time (steadier on a shared machine)"
    )
    args = parser.parse_args()
    if args.cpu:
        stagetime.CLOCK = time.process_time
    code = args.code.resolve()
    sys.path.insert(0, str(code))
    print(describe(), flush=True)
    print(f"code: {code}", flush=True)
    with tempfile.TemporaryDirectory(prefix="newsearch-html-pages-") as tmp:
        pages_dir = Path(tmp) / "pages"
        pages_dir.mkdir()
        files = unpack_pages(pages_dir, args.every)
        if not args.no_cli:
            timeline = CpuTimeline()
            run = run_index([pages_dir], Path(tmp) / "index", cwd=code, watch=timeline)
            rate = run["written"] / run["wall_s"]
            print(
                f"both cores: {run['written']:.0f} of {len(files)} pages indexed in "
                f"{run['wall_s']:.1f} s = {rate:.1f} pages/s (target {TARGET_PAGES_PER_S:.0f}); "
                f"{run['cpu_s']:.1f} CPU-s = {1000 * run['cpu_s'] / len(files):.1f} CPU-ms/page, "
                f"{run['docs_per_cpu_s']:.1f} pages per CPU-second; "
                f"peak RSS {run['peak_rss_mb']:.0f} MB",
                flush=True,
            )
            print(timeline.summary(run["wall_s"]), flush=True)
        if not args.no_stages:
            stages(files)


if __name__ == "__main__":
    main()
