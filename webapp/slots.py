"""Bounded counters for the expensive request kinds (exports, batches).

An export reads up to 10,000 stored documents and a batch may spend ten CPU
seconds, so a few clients looping over either could take every core from
the searches. :class:`Slots` lets a fixed number run at once in each server
process and refuses the next one at once, a 429 with ``Retry-After``, instead
of queueing it behind the others (a queue would hold a server thread per
waiting client, which is what starves the searches).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from indexer.errors import TooManyRunningError


class Slots:
    """A counter of running requests of one kind; :meth:`claim` never waits."""

    def __init__(
        self, limit: int, refusal: type[TooManyRunningError], noun: str, retry_after: int
    ) -> None:
        self.limit = limit
        self._refusal = refusal
        self._noun = noun
        self._retry_after = retry_after
        self._free = threading.BoundedSemaphore(limit)

    def claim(self) -> Callable[[], None]:
        """Take a slot or raise the refusal; returns the slot's (idempotent) release."""
        if not self._free.acquire(blocking=False):
            raise self._refusal(
                f"{self.limit} {self._noun} already running; try again in a few seconds.",
                retry_after=self._retry_after,
            )
        released = threading.Event()

        def release() -> None:
            if not released.is_set():
                released.set()
                self._free.release()

        return release


def app_slots(
    app: Flask,
    config_key: str,
    default: int,
    refusal: type[TooManyRunningError],
    noun: str,
    retry_after: int,
) -> Slots:
    """The app's slots for one kind, created on first use from ``config_key``."""
    key = f"newsearch-slots-{config_key}"
    slots: Slots | None = app.extensions.get(key)
    if slots is None:
        limit = max(1, int(app.config.get(config_key) or default))
        slots = app.extensions.setdefault(key, Slots(limit, refusal, noun, retry_after))
    return slots
