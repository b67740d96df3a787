"""Run the web app on a production WSGI server (``newsearch serve``).

One process per core: searching is CPU work in Python, so threads alone
would share one core under the GIL. Every process runs waitress on the one
listening socket the parent opened (the kernel hands each new connection to
whichever process accepts it first); the parent only supervises, restarting
a worker that dies.

Why waitress everywhere, and not gunicorn's threaded workers: waitress reads
each request completely in its asynchronous I/O thread before a worker
thread sees it. A client that sends its headers one byte at a time, or opens
a connection and says nothing, costs a file descriptor and a few kilobytes,
never a thread; with gunicorn, eight such clients held all eight request
threads and the site stopped answering. Waitress also bounds what it reads
before parsing: a request line or headers over :data:`MAX_HEADER_BYTES` are
answered 431 at once, and a request body over :data:`MAX_BODY_BYTES` 413.

A worker opens the index before it takes its first connection, and a
restarted worker also warms its caches first (its siblings serve meanwhile),
so requests never wait for that; a missing or damaged index does not stop
it (it answers 503 and picks up the index once it is built or rebuilt).

Workers share the connections evenly (:class:`Balance`): a worker stops
accepting while it holds more open connections than its least busy sibling
plus one. Without it the first worker to wake took most of a burst of new
connections (3 and 13 of wrk's 16 kept-alive ones), and since a kept-alive
connection stays with its worker, one core queued most requests while the
other idled: the tail of the latency doubled.

Binds 127.0.0.1 unless told otherwise: exposing the archive is a decision
the operator makes with ``--host`` (see the README's "Deploying publicly").
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import signal
import socket
import struct
import sys
import time
import traceback
from collections.abc import Callable
from types import FrameType
from typing import Any

from flask import Flask
from waitress.server import create_server

from indexer.errors import NewsearchError
from webapp import create_app, csrf, malloc
from webapp.backend import close_service, get_service

log = logging.getLogger(__name__)

#: Request line plus headers, in bytes: more is answered 431 before parsing.
#: The app's own limit on the query string (32 kB, answered 414) fits inside.
MAX_HEADER_BYTES = 64 * 1024
#: Request bodies, in bytes: more is answered 413 before the app reads any.
#: The only routes that take a body (the batch search) refuse more than
#: 256 kB themselves, in their own error shape.
MAX_BODY_BYTES = 1024 * 1024
#: Seconds a connection may stay without any traffic before it is closed.
IDLE_TIMEOUT = 30
#: Connections one worker process holds at most (idle, slow or busy); beyond
#: it the worker stops accepting until some close, and the others take over.
CONNECTION_LIMIT = 1000
#: Pending connections the kernel queues while every worker is busy.
BACKLOG = 2048
#: Seconds a new worker may spend opening and warming the index before it
#: starts serving anyway (its caches then keep filling in the background).
READY_TIMEOUT = 60.0
#: Seconds between restarts of a worker that keeps dying at start-up.
RESPAWN_DELAY_MAX = 10.0
#: Seconds workers get to finish their requests when the server stops.
GRACEFUL_TIMEOUT = 10.0
#: Open connections a worker may hold beyond its least busy sibling's and
#: still accept more (see :class:`Balance`).
BALANCE_SLACK = 0
#: Seconds a worker's I/O loop sleeps at most without traffic: how soon a
#: worker that declined to accept notices that a sibling got busier.
BALANCE_POLL_SECONDS = 0.1


class Balance:
    """Every worker's count of open connections, in memory shared across the fork.

    A kept-alive connection stays with the worker that accepted it, so an
    uneven split at the start of a burst lasts as long as the connections.
    Each worker publishes its count in its slot and takes a new connection
    only while it has at most :data:`BALANCE_SLACK` more than the least busy
    live sibling (a slot of a dead worker is :data:`ABSENT` and ignored), so
    someone always accepts: the least busy worker always may.
    """

    ABSENT = -1
    _SLOT = struct.Struct("q")

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._memory = mmap.mmap(-1, self._SLOT.size * workers)
        for slot in range(workers):
            self.set(slot, self.ABSENT)

    def set(self, slot: int, count: int) -> None:
        """Publish ``slot``'s count (:data:`ABSENT`: no live worker there)."""
        self._SLOT.pack_into(self._memory, slot * self._SLOT.size, count)

    def get(self, slot: int) -> int:
        return int(self._SLOT.unpack_from(self._memory, slot * self._SLOT.size)[0])

    def may_accept(self, slot: int, count: int) -> bool:
        """Whether the worker of ``slot``, holding ``count`` connections, may take one more."""
        self.set(slot, count)
        others = [self.get(other) for other in range(self.workers) if other != slot]
        live = [other for other in others if other != self.ABSENT]
        return not live or count <= min(live) + BALANCE_SLACK


def balance_accepts(server: Any, balance: Balance, slot: int) -> None:
    """Make ``server`` (a waitress server) accept only while :class:`Balance` allows it.

    Waitress polls the listening socket only while its ``readable()`` says
    so; this wraps it, and shortens the poll's sleep so that a worker that
    declined notices within :data:`BALANCE_POLL_SECONDS` when it may again.
    """
    readable = server.readable

    def balanced_readable() -> bool:
        return bool(readable()) and balance.may_accept(slot, len(server.active_channels))

    server.readable = balanced_readable
    server.adj.asyncore_loop_timeout = BALANCE_POLL_SECONDS


def waitress_settings(threads: int) -> dict[str, Any]:
    """The waitress adjustments of every worker (see the module docstring)."""
    return {
        "threads": threads,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": IDLE_TIMEOUT,
        "cleanup_interval": 5,
        "max_request_header_size": MAX_HEADER_BYTES,
        "max_request_body_size": MAX_BODY_BYTES,
        "asyncore_use_poll": True,  # select() stops at 1,024 descriptors
        "backlog": BACKLOG,
        "ident": "newsearch",
    }


def _raise_file_limit() -> None:
    """Let each worker hold :data:`CONNECTION_LIMIT` connections (soft limit up to the hard one)."""
    try:
        import resource
    except ImportError:  # not on POSIX: nothing to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = CONNECTION_LIMIT + 200
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))


class ListenError(NewsearchError):
    """The address cannot be bound (in use, not ours, or not allowed)."""

    code = "cannot_listen"


def listen(host: str, port: int) -> socket.socket:
    """The listening socket every worker shares."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=BACKLOG)
    except OSError as exc:
        raise ListenError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); pick another --port or --host"
        ) from exc


def open_app(
    index_dir: str,
    ready_timeout: float = READY_TIMEOUT,
    max_exports: int | None = None,
    warmed: bool = False,
) -> Flask:
    """The app with its search service opened, and ``warmed`` (or failing with a reason).

    A missing or damaged index does not stop the server: it answers 503
    until the index is built or rebuilt, which it notices by itself.
    """
    config: dict[str, Any] = {"INDEX_DIR": index_dir}
    if max_exports is not None:
        config["EXPORT_CONCURRENCY"] = max_exports
    app = create_app(config)
    with app.app_context():
        try:
            service = get_service()
            wait = getattr(service, "wait_ready", None)
            if wait is not None:
                wait(ready_timeout, warmed)
            service.generation  # noqa: B018  raises the index errors, if any
        except NewsearchError as error:
            log.warning("index not available (%s); serving 503 until it is", error)
    return app


def run_worker(
    sock: socket.socket,
    index_dir: str,
    threads: int,
    max_exports: int | None = None,
    warmed: bool = False,
    balance: tuple[Balance, int] | None = None,
) -> None:
    """One worker: open the index, then serve ``sock`` until SIGTERM or SIGINT.

    A worker started at launch serves as soon as the index is open (its
    caches fill in the background); a restarted one (``warmed``) first fills
    them, while its siblings take the traffic. ``balance`` is the shared
    :class:`Balance` and this worker's slot in it, when there are siblings.
    """
    malloc.return_freed_arrays()  # before the index's arrays are allocated
    app = open_app(index_dir, max_exports=max_exports, warmed=warmed)
    # "Task queue depth is N" on every queued request under load: noise that
    # fills logs (and, written to a pipe nobody reads, stalls the I/O loop).
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(app, sockets=[sock], **waitress_settings(threads))
    if balance is not None:
        balance_accepts(server, *balance)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.run()
    finally:
        close_service(app)


class Supervisor:
    """Forks ``count`` workers and restarts any that dies, until told to stop.

    ``work(respawn, slot)`` is a worker's whole life; ``slot`` (0 to
    ``count - 1``) stays with the worker's replacement, and ``on_exit(slot)``
    runs in the supervisor as soon as a worker is gone.
    """

    def __init__(
        self,
        count: int,
        work: Callable[[bool, int], None],
        on_exit: Callable[[int], None] | None = None,
    ) -> None:
        self.count = count
        self.work = work
        self.on_exit = on_exit
        self.children: dict[int, float] = {}
        self.slots: dict[int, int] = {}
        self.stopping = False
        self._failures = 0

    def _spawn(self, respawn: bool = False, slot: int = 0) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                self.work(respawn, slot)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            except BaseException:  # noqa: BLE001  the worker reports and exits
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.children[pid] = time.monotonic()
        self.slots[pid] = slot

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for slot in range(self.count):
            self._spawn(slot=slot)
        while not self.stopping:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            started = self.children.pop(pid, None)
            slot = self.slots.pop(pid, 0)
            if started is not None and self.on_exit is not None:
                self.on_exit(slot)
            if started is None or self.stopping:
                continue
            self._restart(pid, status, time.monotonic() - started, slot)
        self._reap()

    def _restart(self, pid: int, status: int, lived: float, slot: int = 0) -> None:
        code = os.waitstatus_to_exitcode(status)
        log.error("worker %d exited (status %d) after %.1f s; starting another", pid, code, lived)
        self._failures = self._failures + 1 if lived < 5 else 0
        if self._failures:
            time.sleep(min(RESPAWN_DELAY_MAX, 0.5 * 2 ** (self._failures - 1)))
        if not self.stopping:
            self._spawn(respawn=True, slot=slot)

    def _reap(self) -> None:
        deadline = time.monotonic() + GRACEFUL_TIMEOUT
        while self.children and time.monotonic() < deadline:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid:
                self.children.pop(pid, None)
            else:
                time.sleep(0.05)
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in list(self.children):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.children.clear()


def serve(
    index_dir: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int = 8,
    workers: int = 1,
    max_exports: int | None = None,
) -> None:
    """Serve the index at ``index_dir`` until interrupted; prints the URL first.

    ``threads`` is the total number of request threads, shared out among
    the ``workers`` processes; ``max_exports`` is per process.
    """
    # One form-signing key, inherited by every worker process (see webapp.csrf).
    csrf.ensure_secret()
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/"
    _raise_file_limit()
    sock = listen(host, port)
    try:
        if workers <= 1 or not hasattr(os, "fork"):
            print(f"newsearch: serving {index_dir} at {url}", flush=True)
            run_worker(sock, index_dir, threads, max_exports)
            return
        per_worker = max(1, threads // workers)
        print(f"newsearch: serving {index_dir} at {url} ({workers} workers)", flush=True)
        balance = Balance(workers)
        Supervisor(
            workers,
            lambda respawn, slot: run_worker(
                sock, index_dir, per_worker, max_exports, respawn, (balance, slot)
            ),
            on_exit=lambda slot: balance.set(slot, Balance.ABSENT),
        ).run()
    finally:
        sock.close()
