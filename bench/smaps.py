"""Where a process tree's memory goes: proportional set size by kind of mapping (smem-like).

Reads ``/proc/PID/smaps`` of each process and sums, per group of mappings,
the proportional set size (Pss: a page shared by two processes counts half
in each), the resident set (Rss) and the anonymous part. The groups are
what the search service maps or allocates, so that a figure says which
cache or file holds the memory:

* ``anonymous``: the heap (malloc's main arena: small objects, and arrays
  below its mapping threshold) and anonymous mappings (large numpy arrays,
  other threads' malloc arenas): term caches, concatenated dates and
  lengths, vocabularies, Python objects;
* ``generation_<N>.nsfacets`` / ``.nsclusters``: each generation's mapped
  facet pairs and clusters (kept apart per generation: an old one still
  mapped after a commit shows here);
* ``*.seg``: the compound segments (postings, stored documents);
  file groups are prefixed with their index directory (``ix-...``) so that
  a rebuild's new directory shows apart from the old one;
* ``*.nsarrays``: the per-segment arrays (dates, lengths, facet pairs);
* ``segment files``: the files of segments that are not compound;
* ``libraries`` (shared objects) and ``other`` files.

Usage::

    python bench/smaps.py PID [PID ...]      # the processes and their children

``bench/startup.py`` uses :func:`breakdown` to report the serving processes
at the moment their PSS peaked after a commit.
"""

from __future__ import annotations

import argparse
import os
import re
from collections import Counter
from pathlib import Path

#: Keys of smaps kept (KiB each).
FIELDS = ("Pss", "Rss", "Anonymous", "Private_Clean", "Private_Dirty", "Shared_Clean")
_MAPPING = re.compile(r"^[0-9a-f]+-[0-9a-f]+ ")
_GENERATION = re.compile(r"(generation_\d+\.ns\w+)$")


def group_of(path: str) -> str:
    """The group a mapping's path (empty for anonymous memory) is counted in."""
    if path == "[heap]":
        return "anonymous: [heap] (malloc's main arena)"
    if not path or path == "[stack]" or path.startswith("[anon"):
        return "anonymous: mappings (large arrays, thread arenas)"
    if path.startswith("["):
        return "other"
    path = path.removesuffix(" (deleted)")
    name = os.path.basename(path)
    # The index directory (``ix-...``) tells an old generation from a rebuild's new one.
    parent = os.path.basename(os.path.dirname(path))
    where = f"{parent}/" if parent.startswith("ix-") else ""
    found = _GENERATION.search(name)
    if found:
        return where + found.group(1)
    if name.endswith(".seg"):
        return where + "*.seg (compound segments)"
    if name.endswith(".nsarrays"):
        return where + "*.nsarrays (segment arrays)"
    if name.startswith("MAIN_"):
        return where + "segment files (not compound)"
    if ".so" in name:
        return "libraries"
    return "other"


def process_groups(pid: int) -> dict[str, Counter[str]]:
    """``{group: {field: KiB}}`` of one process (empty when it is gone)."""
    groups: dict[str, Counter[str]] = {}
    current: Counter[str] | None = None
    try:
        with open(f"/proc/{pid}/smaps") as smaps:
            for line in smaps:
                if _MAPPING.match(line):
                    parts = line.split(None, 5)
                    path = parts[5].strip() if len(parts) > 5 else ""
                    current = groups.setdefault(group_of(path), Counter())
                    continue
                key, _, value = line.partition(":")
                if current is not None and key in FIELDS:
                    current[key] += int(value.split()[0])
    except OSError:
        return {}
    return groups


def pss_kib(pids: list[int]) -> int:
    """Sum of the processes' Pss (``smaps_rollup``: cheap enough to sample often)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total


def breakdown(pids: list[int]) -> dict[str, object]:
    """Per process and in total, each group's Pss/Rss/anonymous MiB (largest Pss first)."""
    total: dict[str, Counter[str]] = {}
    processes = {}
    for pid in pids:
        groups = process_groups(pid)
        processes[str(pid)] = round(sum(c["Pss"] for c in groups.values()) / 1024, 1)
        for name, counts in groups.items():
            total.setdefault(name, Counter()).update(counts)
    ordered = sorted(total.items(), key=lambda item: -item[1]["Pss"])
    return {
        "pss_mib": round(sum(c["Pss"] for c in total.values()) / 1024, 1),
        "processes_pss_mib": processes,
        "groups": {
            name: {field.lower(): round(counts[field] / 1024, 1) for field in FIELDS}
            for name, counts in ordered
        },
    }


def format_breakdown(found: dict[str, object]) -> str:
    """The breakdown as a table of text lines."""
    lines = [
        f"PSS {found['pss_mib']:.0f} MiB; per process (MiB): "
        + ", ".join(f"{pid}: {pss:.0f}" for pid, pss in found["processes_pss_mib"].items())  # type: ignore[attr-defined]
    ]
    lines.append(f"{'Pss MiB':>9} {'Rss MiB':>9} {'anon MiB':>9}  group")
    for name, counts in found["groups"].items():  # type: ignore[attr-defined]
        if counts["pss"] >= 0.5:
            lines.append(
                f"{counts['pss']:9.0f} {counts['rss']:9.0f} {counts['anonymous']:9.0f}  {name}"
            )
    return "\n".join(lines)


def children(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    found = [pid]
    for candidate in os.listdir("/proc"):
        if not candidate.isdigit():
            continue
        try:
            stat = Path(f"/proc/{candidate}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.extend(children(int(candidate)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pids", type=int, nargs="+", help="processes (their children included)")
    args = parser.parse_args()
    pids = [p for pid in args.pids for p in children(pid)]
    print(format_breakdown(breakdown(pids)))


if __name__ == "__main__":
    main()
