"""``newsearch`` that stops for good at a named checkpoint, so a test can SIGKILL it there.

Usage: ``python tests/reliability/paused_indexer.py POINT[:N] index ARGS...``

The process reaching checkpoint ``POINT`` (see ``indexer.writer.CHECKPOINTS``)
for the N-th time (default 1) prints ``newsearch-test-pause POINT N pid=PID``
on stderr and sleeps until it is killed. Counts are per process: worker
processes count their own. The shipped code only calls the hook this
installs (``indexer.writer.set_checkpoint_hook``); nothing in it reads the
environment for test behaviour.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from indexer.cli import main
from indexer.writer import CHECKPOINTS, set_checkpoint_hook


def pause_at(spec: str) -> Callable[[str], None]:
    """The hook for ``POINT[:N]``: stop forever the N-th time ``POINT`` is reached."""
    point, _, nth = spec.partition(":")
    if point not in CHECKPOINTS:
        raise SystemExit(f"unknown checkpoint {point!r}; one of {', '.join(CHECKPOINTS)}")
    wanted = int(nth or "1")
    reached = {"count": 0}

    def hook(name: str) -> None:
        if name != point:
            return
        reached["count"] += 1
        if reached["count"] != wanted:
            return
        sys.stderr.write(f"newsearch-test-pause {name} {wanted} pid={os.getpid()}\n")
        sys.stderr.flush()
        while True:
            time.sleep(3600)

    return hook


if __name__ == "__main__":
    set_checkpoint_hook(pause_at(sys.argv.pop(1)))
    main()
