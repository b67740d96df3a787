"""Background work that gives way to requests.

Opening and warming a new generation is seconds of pure-Python work in the
server process itself (the arrays it builds must live there). Run at full
speed in a thread, it takes the GIL from the request threads half of the
time, and under load requests slowed from milliseconds to seconds. So the
background loops call :meth:`GiveWay.pause` often: while requests are
arriving, the work runs in short slices followed by sleeps that leave the
interpreter to the requests (a bounded share, so it still finishes); on an
idle server it runs flat out.
"""

from __future__ import annotations

import time

#: Seconds of background work between two pauses.
SLICE = 0.002
#: Share of the time background work keeps while requests are arriving.
BUSY_SHARE = 0.25
#: Requests seen within this many seconds mean "busy".
BUSY_WINDOW = 0.25


class GiveWay:
    """Shared by the request path (:meth:`request`) and the background work (:meth:`pause`)."""

    def __init__(self) -> None:
        self.last_request = 0.0
        self._slice_started = time.monotonic()

    def request(self) -> None:
        """A request is starting (cheap: one clock read)."""
        self.last_request = time.monotonic()

    def pause(self) -> None:
        """Called by background loops: sleep when a slice is used up and requests are waiting."""
        now = time.monotonic()
        if now - self._slice_started < SLICE:
            return
        if now - self.last_request < BUSY_WINDOW:
            time.sleep(SLICE * (1 / BUSY_SHARE - 1))
        self._slice_started = time.monotonic()


def never_pause() -> None:
    """The pause of foreground work (the CLI, a first open nobody is waiting behind)."""
