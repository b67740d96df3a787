"""Wall time per pipeline stage, for the ingest profiles (ingest_profile, html_ingest).

Kept free of ``indexer`` imports so that a benchmark can point ``sys.path``
at another checkout before it imports the code it times.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

#: The clock the wrappers read: wall time by default; ``time.process_time``
#: (CPU seconds of this process) is steadier on a shared machine.
CLOCK: Callable[[], float] = time.perf_counter

#: Seconds spent per stage label, added up by the wrappers :func:`timed` installs.
SPENT: dict[str, float] = defaultdict(float)


def timed(owner: Any, name: str, label: str) -> bool:
    """Wrap ``owner.name`` so that its wall time adds up under ``label``; False if absent."""
    inner: Callable[..., Any] | None = getattr(owner, name, None)
    if inner is None:
        return False

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = CLOCK()
        try:
            result = inner(*args, **kwargs)
            # A lazy reader parses while it is iterated: time that too.
            return iter(list(result)) if hasattr(result, "__next__") else result
        finally:
            SPENT[label] += CLOCK() - started

    setattr(owner, name, wrapper)
    return True
