"""Run every benchmark under ``bench/`` in turn (``make bench``).

Usage::

    .venv/bin/python bench/run_all.py          # Reuters-21578 figures (about 25 min)
    .venv/bin/python bench/run_all.py --tenfold  # also the 10x corpus (about 1 h more)

Each benchmark is its own script with its own ``--help``; this only runs
them one after another, so they never compete for the two cores, and stops
at the first that fails. The figures go to standard output and to
``bench/out/``; ``bench/RESULTS.md`` records them by hand, with the date.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def steps(tenfold: bool) -> list[list[str]]:
    """The benchmark command lines, cheapest first."""
    runs = [
        ["entities.py"],
        ["entity_scaling.py"],
        ["spelling.py"],
        ["relevance.py", "--quiet"],
        ["ingest.py", "--repeat", "3", *([] if tenfold else ["--no-tenfold"])],
        ["search.py", "--baseline-every", "3", "--baseline-passes", "1"],
        ["dedup.py"],
        ["throughput.py", "--connections", "16", "50"],
        ["load.py", "--clients", "50", "16"],
        ["features.py"],
    ]
    if tenfold:
        runs.append(["search.py", "--tenfold", "--baseline-every", "10", "--baseline-passes", "1"])
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenfold", action="store_true", help="include the 10x corpus")
    args = parser.parse_args()
    for step in steps(args.tenfold):
        print(f"\n$ python bench/{' '.join(step)}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(HERE / step[0]), *step[1:]], check=False)
        print(f"({time.perf_counter() - started:.0f} s)", flush=True)
        if result.returncode != 0:
            sys.exit(f"bench/{step[0]} failed with status {result.returncode}")


if __name__ == "__main__":
    main()
