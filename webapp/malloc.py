"""glibc malloc settings for the server's workers: large arrays go back to the system when freed.

A search allocates and frees numpy arrays of megabytes on every request
(masks, scores, postings gathered for a query), from several threads
(waitress's request threads, the warming thread). glibc serves a block
above its mapping threshold with its own ``mmap`` and unmaps it on
``free``; but the threshold is dynamic: each freed mapped block raises it
to that block's size (up to 32 MB), after which such arrays come from the
heaps, and a heap keeps what it has grown to for as long as anything above
a hole is in use. Every thread also gets its own heap (up to 8 per core).
At 100x Reuters, after one pass of the search benchmark's requests, that
left ~1.2 GB of anonymous memory per worker where the caches held ~0.8 GB:
both workers' PSS 3.05 GB before any commit, against 1.9 GB with a fixed
threshold of :data:`MMAP_THRESHOLD` and :data:`ARENA_MAX` heaps
(``bench/RESULTS.md``, "Issue 16: 100x serving memory (stop 22, i22m)").
Setting the threshold explicitly also turns its growth off. The price: an
array above the threshold faults its pages in on every allocation (a loop
allocating a 2.16 M float32 array, its mask and their indexes: 6.9 CPU-ms
per iteration against 1.7). ``NEWSEARCH_MALLOC=trim`` keeps glibc's
threshold and has a thread return the heaps' free pages every
:data:`TRIM_EVERY` seconds instead (1.8 CPU-ms in that loop); at 100x
after the search mix it held ~0.2 GB more (peak 2.54 against 2.43 GB).

The same settings can be given from outside with glibc's environment
variables (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_ARENA_MAX``); this module
applies them in the worker itself, so the server behaves the same however
it is started. Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading

log = logging.getLogger(__name__)

#: Blocks from this size up (bytes) are mapped on their own and unmapped when freed.
MMAP_THRESHOLD = 256 * 1024
#: Malloc heaps (arenas) a worker's threads share at most.
ARENA_MAX = 2
#: ``mallopt`` parameter numbers (glibc's malloc.h).
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8


#: Seconds between two ``malloc_trim`` calls in the ``trim`` mode.
TRIM_EVERY = 2.0


def return_freed_arrays() -> bool:
    """Apply :data:`MMAP_THRESHOLD` and :data:`ARENA_MAX` to this process; whether it could.

    With ``NEWSEARCH_MALLOC=trim``, keeps glibc's threshold instead and has a
    thread give the heaps' free pages back every :data:`TRIM_EVERY` seconds.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to set
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    if os.environ.get("NEWSEARCH_MALLOC") == "trim":
        trim = libc.malloc_trim
        trim.argtypes = [ctypes.c_size_t]

        def trimming() -> None:
            pause = threading.Event()
            while not pause.wait(TRIM_EVERY):
                trim(0)

        threading.Thread(target=trimming, name="newsearch-malloc-trim", daemon=True).start()
        return bool(mallopt(M_ARENA_MAX, ARENA_MAX))
    applied = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_ARENA_MAX, ARENA_MAX)
    )
    if not applied:
        log.debug("mallopt refused the worker's malloc settings")
    return applied
