"""Where the test suite's time goes, per pytest-xdist worker: a pytest plugin and its report.

``--durations`` says which tests are long, not whether both workers were busy
while they ran. This plugin writes one JSON line per test and worker (when
its run began, when its setup began, i.e. after any wait for the ``alone``
locks of tests/conftest.py, when it ended, and the worker's CPU seconds
including those of the subprocesses it waited for), and the report prints
each worker's modules on a time line with their busy and waiting seconds.
At each module's first and last test it also reads the CPU seconds of the
worker's whole process tree (``/proc``): a browser or a server started by a
session fixture is never waited for while the session runs, so only the
tree shows what the browser tests cost::

    PYTHONPATH=bench SUITE_TIMELINE=/tmp/tl .venv/bin/python -m pytest -p suite_timeline \\
        -n 2 --dist loadscope --no-loadscope-reorder
    .venv/bin/python bench/suite_timeline.py /tmp/tl [--min-seconds 3]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_record: dict[str, Any] = {}
_last_module: list[str] = [""]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _cpu() -> float:
    """CPU seconds of this process and of the children it has waited for."""
    return sum(os.times()[:4])


def _tree_cpu() -> float:
    """CPU seconds of this process, of every live descendant and of all their reaped children.

    A descendant that exits is counted in its parent's reaped-children times
    once the parent waits for it, so the sum does not drop when one ends.
    Reads every ``/proc/<pid>/stat`` (a few ms): called twice per module.
    """
    stats: dict[int, tuple[int, int]] = {}  # pid: (parent pid, clock ticks)
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            text = Path(f"/proc/{name}/stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        stats[int(name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    children: collections.defaultdict[int, list[int]] = collections.defaultdict(list)
    for pid, (parent, _) in stats.items():
        children[parent].append(pid)
    ticks, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        ticks += stats.get(pid, (0, 0))[1]
        todo.extend(children[pid])
    return ticks / os.sysconf("SC_CLK_TCK")


def _module(item: pytest.Item | None) -> str:
    return item.nodeid.split("::")[0] if item is not None else ""


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _record.clear()
    _record.update(id=item.nodeid, worker=_worker(), began=time.time(), cpu0=_cpu())
    if _module(item) != _last_module[0]:
        _record["tree0"] = _tree_cpu()
        _last_module[0] = _module(item)
    yield
    _record.update(ended=time.time(), cpu1=_cpu())
    if _module(nextitem) != _module(item) and "tree1" not in _record:
        _record["tree1"] = _tree_cpu()
    out = Path(os.environ.get("SUITE_TIMELINE", "suite-timeline"))
    out.mkdir(parents=True, exist_ok=True)
    with (out / f"{_worker()}.jsonl").open("a", encoding="utf-8") as sink:
        sink.write(json.dumps(_record) + "\n")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    if nextitem is None:  # before the session's fixtures stop: a browser's exit is not all counted
        _record["tree1"] = _tree_cpu()
    yield


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    _record["setup"] = time.time()  # after the alone/shared locks were taken
    yield


def report(directory: Path, min_seconds: float) -> None:
    """Each worker's modules in the order it ran them, then the modules by busy seconds."""
    records = [
        json.loads(line)
        for path in sorted(directory.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    start = min(r["began"] for r in records)
    print(f"{len(records)} tests over {max(r['ended'] for r in records) - start:.1f} s")
    busy: collections.Counter[str] = collections.Counter()
    cpu: collections.Counter[str] = collections.Counter()
    tree: collections.Counter[str] = collections.Counter()
    for worker in sorted({r["worker"] for r in records}):
        mine = sorted((r for r in records if r["worker"] == worker), key=lambda r: r["began"])
        waited = sum(r.get("setup", r["began"]) - r["began"] for r in mine)
        tree_cpu = sum(r.get("tree1", 0.0) - r.get("tree0", 0.0) for r in mine)
        print(
            f"{worker}: {mine[0]['began'] - start:.1f}-{mine[-1]['ended'] - start:.1f} s, "
            f"waiting for the alone locks {waited:.1f} s, CPU of its process tree {tree_cpu:.1f} s"
        )
        runs: list[list[Any]] = []  # module, began, ended, busy, waited, tests
        for r in mine:
            module, began = r["id"].split("::")[0], r.get("setup", r["began"])
            if not runs or runs[-1][0] != module:
                runs.append([module, r["began"], r["ended"], 0.0, 0.0, 0])
            run = runs[-1]
            run[2] = r["ended"]
            run[3] += r["ended"] - began
            run[4] += began - r["began"]
            run[5] += 1
            busy[module] += r["ended"] - began
            cpu[module] += r["cpu1"] - r["cpu0"]
            tree[module] += r.get("tree1", 0.0) - r.get("tree0", 0.0)
        for module, began, ended, seconds, wait, tests in runs:
            if ended - began >= min_seconds:
                print(
                    f"  {began - start:7.1f} {ended - start:7.1f}  busy {seconds:6.1f}  "
                    f"waited {wait:6.1f}  {tests:4d} tests  {module}"
                )
    print(
        "modules by busy seconds; CPU seconds of the worker and its waited-for children;"
        " of its whole process tree (browsers and servers included):"
    )
    for module, seconds in busy.most_common(30):
        print(f"  {seconds:7.1f} {cpu[module]:7.1f} {tree[module]:7.1f}  {module}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--min-seconds", type=float, default=3.0)
    args = parser.parse_args()
    report(args.directory, args.min_seconds)


if __name__ == "__main__":
    main()
