"""The workers' malloc settings give freed arrays back to the system (webapp.malloc)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="glibc's mallopt",
)

#: Frees a 32 MB array (glibc then raises its mapping threshold to 32 MB), then
#: allocates 200 arrays of 1 MB and frees all but the last: from the heap, the
#: 200 MB stay resident below the one still in use; mapped, they go back.
PROGRAM = """
import sys
import numpy as np
from webapp import malloc
import os, time
if sys.argv[1] == "set":
    assert malloc.return_freed_arrays()
if sys.argv[1] == "trim":
    os.environ["NEWSEARCH_MALLOC"] = "trim"
    malloc.TRIM_EVERY = 0.05
    assert malloc.return_freed_arrays()
def resident_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20
big = np.ones(4_000_000)
del big
before = resident_mib()
arrays = [np.ones(131_072) for _ in range(200)]
last = arrays[-1]
del arrays
if sys.argv[1] == "trim":
    time.sleep(0.5)  # the trimming thread's turn
print(resident_mib() - before)
"""


def kept_mib(mode: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return float(done.stdout)


def test_freed_arrays_leave_the_worker() -> None:
    assert kept_mib("default") > 150  # glibc's own behaviour: the heap keeps them
    assert kept_mib("set") < 20
    assert kept_mib("trim") < 20  # NEWSEARCH_MALLOC=trim: glibc's threshold, heaps trimmed
