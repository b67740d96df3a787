"""Which index generation the search service reads, and how it moves to the next one.

A long-running server must never make a request wait while a new generation
is opened: after a ``--rebuild`` every segment is new, and loading its arrays
and filling the caches takes seconds. So, in the background mode the web app
uses, a new generation is opened and warmed in a thread while requests keep
being answered from the current one, and the switch happens when it is
ready. A request that notices a new generation waits for it at most
:data:`SWITCH_WAIT` seconds. An incremental commit reuses the arrays of
every unchanged segment, so it is switched to as soon as it is open (and
warmed afterwards), and a request that notices it waits for that switch
(:data:`COMMIT_WAIT`): a client never sees a server process go back to an
older generation after another one showed the newer. A rebuild is switched
to only once warmed, and is served from the old generation until then.

Failures are states, not crashes: no index yet (``index_missing``), a
generation that cannot be read (``index_corrupt``), the first generation
still opening (``index_loading``). A damaged new generation leaves the old
one serving; a damaged first one is tried again every
:data:`RETRY_FAILED_AFTER` seconds and as soon as a new generation (a
rebuild) appears.

One-shot callers (the CLI) use the synchronous mode: open now, raise now.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from indexer.errors import (
    IndexCorruptError,
    IndexLoadingError,
    IndexMissingError,
    NewsearchError,
)
from indexer.search import clusters as cl
from indexer.search.evaluate import prepare
from indexer.search.snapshot import Snapshot
from indexer.search.yielding import GiveWay, never_pause
from indexer.store import IndexVersion, corrupt_index_error, current_version, open_generation

log = logging.getLogger(__name__)

#: Seconds a request waits for a generation that is being opened before it
#: is answered from the previous one.
SWITCH_WAIT = 0.5
#: Seconds a request waits for an incremental commit to be switched to (its
#: new segments loaded) before it is answered from the previous generation.
COMMIT_WAIT = 10.0
#: Seconds a request waits for the very first generation (there is nothing
#: older to answer from) before it is answered ``index_loading``.
FIRST_OPEN_WAIT = 30.0
#: Seconds before a generation that failed to open is tried again.
RETRY_FAILED_AFTER = 5.0
#: Seconds an old snapshot stays open for requests still using it.
RETIRE_AFTER = 60.0
#: Seconds between checks, while warming, for a newer generation.
SUPERSEDED_CHECK = 0.1


class _Superseded(Exception):
    """A newer generation was committed while this one was being warmed."""


class Generations:
    """The current :class:`Snapshot` of one index, kept up to date."""

    def __init__(self, root: str, *, warm: bool = False, background: bool = False) -> None:
        self.root = root
        self.warm = warm
        self.background = background
        self._lock = threading.Lock()
        self._active: Snapshot | None = None
        self._retired: list[tuple[float, Snapshot]] = []
        #: The version being opened in the background, its start and its end.
        self._preparing: IndexVersion | None = None
        self._prepare_started = 0.0
        self._prepared = threading.Event()
        #: Set once some generation is active, or the first attempt failed.
        self._first = threading.Event()
        #: The last version that failed to open, when, and why.
        self._failed: tuple[IndexVersion | None, float, NewsearchError] | None = None
        self._closed = False
        #: Lets the background opening and warming give way to requests.
        self.give_way = GiveWay()
        if not background:
            self._active = self._open(None)
            if warm:
                threading.Thread(
                    target=self._warm_quietly, args=(self._active,), daemon=True
                ).start()

    # -- what requests call -------------------------------------------------------

    def current(self) -> Snapshot:
        """The snapshot to answer a request from; raises the index errors when there is none."""
        self.give_way.request()
        try:
            version = current_version(self.root)
        except OSError as exc:  # the directory itself is unreadable
            if self._active is not None:
                return self._active
            raise corrupt_index_error(self.root, f"{type(exc).__name__}: {exc}") from exc
        active = self._active
        if active is not None and (version is None or version == active.version):
            self._close_retired()
            return active
        if version is None:
            open_generation(self.root)  # raises the precise error: missing, or no TOC
            raise IndexMissingError(f"no index at {self.root!r}")  # pragma: no cover
        if not self.background:
            return self._switch_now(version)
        return self._switch_soon(version)

    def wait_ready(self, timeout: float, warmed: bool = True) -> None:
        """Open the current generation before serving, for at most ``timeout`` seconds.

        With ``warmed``, until its caches are filled too (a restarted server
        process, whose siblings serve meanwhile); without, until it can
        answer (a server starting, which would otherwise answer nothing).
        """
        version = _quiet_version(self.root)
        if version is None or (self._active is not None and self._active.version == version):
            return
        event = self._start(version, force=True)
        if event is not None:
            (event if warmed else self._first).wait(timeout)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            snaps = [snap for _, snap in self._retired]
            if self._active is not None:
                snaps.append(self._active)
            self._retired, self._active = [], None
        for snap in snaps:
            snap.close()

    # -- synchronous mode ------------------------------------------------------------

    def _open(self, previous: Snapshot | None) -> Snapshot:
        ix, version = open_generation(self.root)
        reuse = None
        same = previous is not None and previous.version.directory == version.directory
        if same and previous is not None:
            reuse = previous.segment_data()
        # Background work gives way to requests (at full speed while there are none);
        # a commit's few new segments are built at once: requests wait for them.
        pause = self.give_way.pause if self.background and reuse is None else never_pause
        snap = Snapshot(ix, version, reuse, pause, previous if same else None)
        snap.checked = not self.warm  # nothing more will be checked
        return snap

    def _switch_now(self, version: IndexVersion) -> Snapshot:
        with self._lock:
            active = self._active
            if active is not None and active.version == version:
                return active
            snap = self._open(active)
            self._retire(active)
            self._active = snap
        if active is not None:
            active.retire(snap)
        return snap

    # -- background mode ----------------------------------------------------------------

    def _switch_soon(self, version: IndexVersion) -> Snapshot:
        event = self._start(version)
        if event is not None:
            if self._active is None and not self._first.is_set():
                self._first.wait(FIRST_OPEN_WAIT)
            elif self._active is not None and self._active.version.directory == version.directory:
                self._wait_for_commit(self._active, event)
            else:
                remaining = self._prepare_started + SWITCH_WAIT - time.monotonic()
                if remaining > 0:
                    event.wait(remaining)
        active = self._active
        if active is not None:
            self._close_retired()
            return active
        failed = self._failed
        if failed is not None and (failed[0] == version or self._preparing is None):
            raise failed[2]
        raise IndexLoadingError(f"the index at {self.root!r} is being opened")

    def _wait_for_commit(self, active: Snapshot, event: threading.Event) -> None:
        """Wait until an incremental commit replaces ``active`` (at most :data:`COMMIT_WAIT` s).

        Only the commit's new segments are loaded, so this is short; but a
        request must not be answered from the older generation while a
        sibling process already shows the newer one (a total going back from
        250 to 0 during indexing), so it waits for the switch itself rather
        than :data:`SWITCH_WAIT`. Warming the new generation comes after.
        """
        deadline = time.monotonic() + COMMIT_WAIT
        while not event.is_set() and time.monotonic() < deadline:
            current = self._active
            if current is None or current is not active:
                return
            event.wait(0.005)

    def _start(self, version: IndexVersion, force: bool = False) -> threading.Event | None:
        """Start opening ``version`` unless under way or recently failed; the event to wait on."""
        with self._lock:
            if self._preparing is not None:
                return self._prepared
            failed = self._failed
            if (
                not force
                and failed is not None
                and failed[0] == version
                and time.monotonic() - failed[1] < RETRY_FAILED_AFTER
            ):
                return None
            self._preparing = version
            self._prepare_started = time.monotonic()
            self._prepared = threading.Event()
            event = self._prepared
        threading.Thread(target=self._prepare, name="newsearch-open", daemon=True).start()
        return event

    def _prepare(self) -> None:
        """Open and warm the newest generation, then switch to it (a background thread)."""
        while True:
            target = self._preparing
            try:
                snap = self._open(self._active)
            except NewsearchError as error:
                self._fail(target, error)
            except Exception as exc:
                log.exception("opening the index at %s failed", self.root)
                self._fail(target, corrupt_index_error(self.root, f"{type(exc).__name__}: {exc}"))
            else:
                self._install(snap)
            self._first.set()
            with self._lock:
                newest = _quiet_version(self.root)
                active = self._active
                done = (
                    self._closed
                    or newest is None
                    or (active is not None and newest == active.version)
                    or (self._failed is not None and self._failed[0] == newest)
                )
                if done:
                    self._preparing = None
                    self._prepared.set()
                    return
                self._preparing = newest

    def _install(self, snap: Snapshot) -> None:
        active = self._active
        if active is None or active.version.directory == snap.version.directory:
            # Nothing to answer from meanwhile, or a commit that reused the
            # segments (cheap, and requests are waiting for it so that no
            # process shows an older generation after another showed this
            # one): serve it now, warm it after.
            self._swap(snap)
            self._first.set()
            if self.warm:
                self._warm_quietly(snap)
            return
        if self.warm:
            self._warm_quietly(snap)
        self._swap(snap)

    def _swap(self, snap: Snapshot) -> None:
        with self._lock:
            active = self._active
            if self._closed:
                snap.close()
                return
            if snap.damage is not None and active is not None and active.damage is None:
                # Keep answering from a sound generation rather than a damaged one.
                self._failed = (snap.version, time.monotonic(), IndexCorruptError(snap.damage))
                snap.close()
                return
            self._retire(active)
            self._active = snap
            self._failed = None
        if active is not None:
            # Its caches and mapped pages go now, before the new one warms
            # (the snapshot itself stays open for the requests still on it).
            active.retire(snap)
        log.info("index generation %s ready", snap.version.generation)

    def _fail(self, version: IndexVersion | None, error: NewsearchError) -> None:
        log.error("index generation not opened: %s", error)
        with self._lock:
            self._failed = (version, time.monotonic(), error)

    def _warm_quietly(self, snap: Snapshot) -> None:
        """Fill the caches; damage found on the way is recorded on the snapshot, not raised.

        In the background mode, warming stops as soon as a newer generation
        is committed (checked every :data:`SUPERSEDED_CHECK` s): reading every
        stored document of a large index takes minutes, and a commit must
        not wait for that (its segments are opened next; the rest of the
        checks run on the new generation, skipping segments already read).
        """
        original = snap.pause
        if self.background:
            snap.pause = self._stop_when_superseded(snap, original)
        try:
            snap.warm()
            prepare(snap)
            cl.clusters(snap)
            snap.verify_stored()
        except NewsearchError:
            pass  # recorded in snap.damage
        except _Superseded:
            log.debug("warming generation %s stopped: a newer one", snap.version.generation)
        except Exception:
            log.debug("warming generation %s stopped", snap.version.generation, exc_info=True)
        finally:
            snap.pause = original
            snap.checked = True

    def _stop_when_superseded(
        self, snap: Snapshot, pause: Callable[[], None]
    ) -> Callable[[], None]:
        """``pause``, raising :class:`_Superseded` once a newer generation is committed."""
        next_check = [time.monotonic() + SUPERSEDED_CHECK]

        def check() -> None:
            pause()
            now = time.monotonic()
            if now >= next_check[0]:
                next_check[0] = now + SUPERSEDED_CHECK
                newest = _quiet_version(self.root)
                if self._closed or (newest is not None and newest != snap.version):
                    raise _Superseded

        return check

    # -- retiring old snapshots ------------------------------------------------------------

    def _retire(self, snap: Snapshot | None) -> None:
        if snap is not None:
            self._retired.append((time.monotonic(), snap))

    def _close_retired(self) -> None:
        if not self._retired:
            return
        now = time.monotonic()
        with self._lock:
            keep: list[tuple[float, Snapshot]] = []
            done: list[tuple[float, Snapshot]] = []
            for retired_at, snap in self._retired:
                (done if now - retired_at > RETIRE_AFTER else keep).append((retired_at, snap))
            self._retired = keep
        for _, snap in done:
            snap.close()


def _quiet_version(root: str) -> IndexVersion | None:
    try:
        return current_version(root)
    except OSError:
        return None
