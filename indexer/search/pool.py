"""A small per-process thread pool for the numpy work of one large search.

numpy releases the GIL while it gathers, counts, sorts and does arithmetic
over large arrays, so the independent parts of one search on a large index
(each facet's counts; each query word's BM25 over its postings) can run on
both cores while the request's own thread goes on. On a small index each
part takes microseconds and threads would cost more: callers pass
``parallel`` only from :data:`PARALLEL_MIN_DOCS` documents.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

#: From this many documents (100x Reuters, not 10x), a search spreads its
#: independent array work over the pool; below, it runs it in turn.
PARALLEL_MIN_DOCS = 1_000_000
#: Threads of the pool (per process); 0 runs everything in turn.
THREADS = 2

_POOL: ThreadPoolExecutor | None = None
_LOCK = threading.Lock()


def start(jobs: Sequence[Callable[[], T]], parallel: bool) -> Callable[[], list[T]]:
    """Start ``jobs``; the returned call gives each one's result, in order.

    With ``parallel``, they run in the process's thread pool meanwhile (a
    job's error is raised by the call); else they run now, one after the
    other.
    """
    if not parallel or THREADS <= 0:
        results = [job() for job in jobs]
        return lambda: results
    global _POOL
    with _LOCK:
        if _POOL is None:
            # Created on first use, in the process that uses it (a server
            # worker forks before any search).
            _POOL = ThreadPoolExecutor(THREADS, thread_name_prefix="search")
        pool = _POOL
    futures = [pool.submit(job) for job in jobs]
    return lambda: [future.result() for future in futures]
