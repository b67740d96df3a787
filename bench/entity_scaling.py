"""How entity extraction time grows with a story's length (issue 12, stop 24).

A story dense with names, 34 KB to 272 KB in one call of ``extract_entities``
(``build_article`` passes at most 100,000 characters of a body, so the largest
size is past what the pipeline ever asks). Prints milliseconds per size and the
ratio of the largest to the smallest time against the ratio of the sizes (8):
linear growth gives about 8, a quadratic step about 64. Target: below 16.

Usage::

    .venv/bin/python bench/entity_scaling.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from indexer.extract.entities import extract_entities  # noqa: E402

SENTENCE = "Troy, Michigan and Paris, France. "
SIZES = (1_000, 2_000, 4_000, 8_000)


def best_ms(text: str, runs: int = 3) -> float:
    """The fastest of ``runs`` calls, in milliseconds (the machine is shared)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        extract_entities(["", text])
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    extract_entities(["warm-up", "the tables load once"])
    timings = []
    for count in SIZES:
        text = SENTENCE * count
        timings.append(best_ms(text))
        print(f"{len(text):>9,} characters: {timings[-1]:8.1f} ms")
    ratio = timings[-1] / timings[0]
    verdict = "ok" if ratio < 16 else "SUPERLINEAR"
    sizes = SIZES[-1] // SIZES[0]
    print(f"time ratio {ratio:.1f} for a size ratio of {sizes} (target < 16): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
