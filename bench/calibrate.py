"""A yardstick for how fast this shared machine is right now.

The benchmark machines are shared virtual machines whose speed varies by
half from one minute to the next (seen: the same loop in 1.0 s and 1.7 s,
with no other process running). Every benchmark prints this figure next to
its own, so results from different moments can be compared.
"""

from __future__ import annotations

import time


def python_loop_seconds(iterations: int = 10_000_000) -> float:
    """Seconds for a plain Python loop of ``iterations`` additions (best of 3)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(iterations):
            total += i
        best = min(best, time.perf_counter() - started)
    return round(best, 2)


def describe() -> str:
    return f"machine yardstick: 10M-step Python loop in {python_loop_seconds():.2f} s"


if __name__ == "__main__":
    print(describe())
