"""Shared helpers of the reliability tests: the real CLI and server in subprocesses,
and a census of what an index holds.

Everything here drives newsearch from the outside, the way a user or an
operator does (``python -m indexer.cli ...``), so that a crash, a hang or a
leaked exception shows up as it would in production.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from indexer import schema as F
from indexer.fingerprint import Fingerprint
from indexer.store import open_readonly

REPO = Path(__file__).resolve().parents[2]
NEWSEARCH = [sys.executable, "-m", "indexer.cli"]
#: ``newsearch`` with a pause at a checkpoint (see paused_indexer.py).
PAUSED_NEWSEARCH = [sys.executable, str(Path(__file__).with_name("paused_indexer.py"))]
PAUSE_RE = re.compile(r"newsearch-test-pause (\w+) (\d+) pid=(\d+)")


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: ours, minus test hooks, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSEARCH_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_cli(*args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``newsearch ARGS`` to completion (a hang fails the test at ``timeout``)."""
    return subprocess.run(
        [*NEWSEARCH, *args],
        cwd=REPO,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# -- an index, counted from the outside ---------------------------------------------


@dataclass(slots=True)
class Census:
    """What one committed state of an index holds, by id and by source file."""

    generation: int
    documents: int
    ids: Counter[str] = field(default_factory=Counter)
    per_path: Counter[str] = field(default_factory=Counter)
    #: Source files the index's manifest (``filekey`` terms) lists.
    manifest: set[str] = field(default_factory=set)

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in self.ids.values() if count > 1)


def census(index_dir: str | Path) -> Census:
    """Open ``index_dir`` read-only, as the web app does, and count everything.

    Counts come from postings, which skip deleted documents, so this is what a
    searcher sees. Raises the store's errors (IndexCorruptError...) as they are.
    """
    ix, version = open_readonly(str(index_dir))
    with ix.reader() as reader:
        result = Census(version.generation, reader.doc_count())
        # Segment by segment, summed: a term looked up through the index's
        # multi-segment reader is looked up in every segment (a census of
        # Reuters in 20 segments cost 2.8 CPU-s that way, and the crash-safety
        # chain takes a dozen). Each segment's postings skip its deleted
        # documents, so the sums are what a searcher sees.
        for leaf, _ in reader.leaf_readers():
            for fieldname, counter in ((F.ID, result.ids), (F.PATH, result.per_path)):
                for term in leaf.lexicon(fieldname):
                    live = sum(1 for _ in leaf.postings(fieldname, term).all_ids())
                    if live:
                        counter[term.decode("utf-8")] += live
            for term in leaf.lexicon(F.FILEKEY):
                if any(True for _ in leaf.postings(F.FILEKEY, term).all_ids()):
                    text = term.decode("utf-8")
                    fingerprint = Fingerprint.parse(text)
                    assert fingerprint is not None, f"malformed manifest entry {text!r}"
                    result.manifest.add(fingerprint.path)
    return result


def stored_documents(index_dir: str | Path) -> list[dict[str, Any]]:
    """Every live document's stored fields (small indexes only)."""
    ix, _ = open_readonly(str(index_dir))
    with ix.searcher() as searcher:
        return [dict(fields) for fields in searcher.all_stored_fields()]


# -- processes ----------------------------------------------------------------------


def without_file_read_override() -> None:
    """``preexec_fn``: drop CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH from the bounding set.

    Tests often run as root, for whom ``chmod 000`` stops nothing; without
    these two capabilities the exec'd process obeys file modes like any user.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def can_drop_file_read_override() -> bool:
    """Whether :func:`without_file_read_override` works here (it needs CAP_SETPCAP)."""
    probe = subprocess.run(
        [sys.executable, "-c", "pass"],
        preexec_fn=without_file_read_override,
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@dataclass(slots=True)
class Finished:
    """A subprocess that ran to its end, with what it cost."""

    returncode: int
    stdout: str
    stderr: str
    elapsed_s: float
    #: Peak of the summed RSS of the process and all its descendants (sampled).
    peak_tree_rss: int
    #: Largest RSS any single process of the tree reached (kernel accounting).
    peak_process_rss: int


def run_measured(
    args: Sequence[str], *, timeout: float, preexec_fn: Any = None, **env: str
) -> Finished:
    """Run ``args``, sampling the memory of its whole process tree every 20 ms."""
    started = time.monotonic()
    process = subprocess.Popen(
        list(args),
        cwd=REPO,
        env=cli_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec_fn,
        start_new_session=True,
    )
    outputs: dict[str, str] = {}
    readers = [
        threading.Thread(target=lambda: outputs.__setitem__("out", process.stdout.read())),  # type: ignore[union-attr]
        threading.Thread(target=lambda: outputs.__setitem__("err", process.stderr.read())),  # type: ignore[union-attr]
    ]
    for reader in readers:
        reader.start()
    root = psutil.Process(process.pid)
    peak = 0
    rusage = None
    try:
        while rusage is None:
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{args} still running after {timeout} s")
            peak = max(peak, _tree_rss(root))
            pid, _, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                rusage = usage
                process.returncode = _status_code(_)
            else:
                time.sleep(0.02)
    finally:
        if rusage is None:
            kill_group(process)
        for reader in readers:
            reader.join(timeout=30)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    return Finished(
        returncode=int(process.returncode),
        stdout=outputs.get("out", ""),
        stderr=outputs.get("err", ""),
        elapsed_s=time.monotonic() - started,
        peak_tree_rss=peak,
        peak_process_rss=rusage.ru_maxrss * 1024,
    )


def _status_code(status: int) -> int:
    return os.waitstatus_to_exitcode(status)


def _tree_rss(root: psutil.Process) -> int:
    total = 0
    try:
        members = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        with contextlib.suppress(psutil.Error):
            total += member.memory_info().rss
    return total


def kill_group(process: subprocess.Popen[Any]) -> None:
    """SIGKILL a process started with ``start_new_session=True`` and all its workers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)


# -- a paused indexer ---------------------------------------------------------------


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Indexer:
    """``newsearch index`` in its own process group, optionally pausing at a test point."""

    def __init__(self, args: Sequence[str], pause: str | None = None, **env: str) -> None:
        command = [*PAUSED_NEWSEARCH, pause] if pause else NEWSEARCH
        self.process = subprocess.Popen(
            [*command, "index", *args],
            cwd=REPO,
            env=cli_env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            # As typed in a terminal: Ctrl-C interrupts (a shell running the
            # tests in the background would hand down SIGINT ignored).
            preexec_fn=_interruptible,
        )
        self.stderr_lines: list[str] = []
        self.paused = threading.Event()
        self.pause_match: re.Match[str] | None = None
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line)
            match = PAUSE_RE.search(line)
            if match and not self.paused.is_set():
                self.pause_match = match
                self.paused.set()

    def wait_for_pause(self, timeout: float) -> bool:
        """True once paused; False if the run ended first (the point was never reached)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.paused.wait(0.05):
                return True
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                return self.paused.is_set()
        raise TimeoutError(f"indexer neither paused nor ended in {timeout} s")

    def wait_for_progress(self, timeout: float) -> None:
        """Until the progress bar has shown documents written (stderr output)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(re.search(r"[1-9]\d* docs", line) for line in self.stderr_lines):
                return
            if self.process.poll() is not None:
                return
            time.sleep(0.02)
        raise TimeoutError(f"no progress in {timeout} s")

    def kill(self) -> None:
        kill_group(self.process)
        self._reader.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None and not stream.closed:
                stream.close()

    def finish(self, timeout: float) -> tuple[int, str, str]:
        assert self.process.stdout is not None
        out = self.process.stdout.read()
        self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        self.kill()
        return int(self.process.returncode), out or "", "".join(self.stderr_lines)


# -- HTTP ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(slots=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def http_get(url: str, timeout: float = 30) -> Reply:
    """GET ``url``; HTTP errors are replies too (only transport errors raise)."""
    request = urllib.request.Request(url, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, dict(error.headers.items()), error.read())


class Server:
    """``newsearch serve`` on a free port, stopped (and checked alive) on exit."""

    def __init__(
        self,
        index_dir: str | Path,
        *extra: str,
        threads: int = 8,
        wait_healthy: bool = True,
        start_timeout: float = 60,
    ) -> None:
        self.port = free_port()
        #: Seconds to wait for the first answer (a Reuters index warms for a while).
        self.start_timeout = start_timeout
        #: Wait for /healthz to say 200; otherwise for any HTTP answer.
        self.wait_healthy = wait_healthy
        self.args = [
            *NEWSEARCH,
            "serve",
            "--index",
            str(index_dir),
            "--port",
            str(self.port),
            "--threads",
            str(threads),
            *extra,
        ]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None
        self.stderr = ""
        self._stderr_lines: list[str] = []
        self._reader: threading.Thread | None = None

    def _drain_stderr(self) -> None:
        """Read the server's stderr as it comes: a full pipe would block its logging."""
        assert self.process is not None and self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr_lines.append(line)
            del self._stderr_lines[:-500]

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            self.args,
            cwd=REPO,
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._reader.join(timeout=10)
                out = self.process.stdout.read() if self.process.stdout else ""
                raise RuntimeError(f"server exited: {out!r}, {''.join(self._stderr_lines)!r}")
            with contextlib.suppress(OSError):
                status = http_get(self.base + "/healthz", timeout=5).status
                if status == 200 or not self.wait_healthy:
                    return self
            time.sleep(0.1)
        kill_group(self.process)  # not left running after the test
        raise TimeoutError(f"server did not answer /healthz within {self.start_timeout} s")

    def get(self, path: str, timeout: float = 30) -> Reply:
        return http_get(self.base + path, timeout=timeout)

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        alive = self.process.poll() is None
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill_group(self.process)
            self.process.wait(timeout=15)
        if self._reader is not None:
            self._reader.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        self.stderr = "".join(self._stderr_lines)
        assert alive, f"the server died during the test: {self.stderr[-2000:]}"


@contextlib.contextmanager
def serving(index_dir: str | Path, *extra: str, threads: int = 8) -> Iterator[Server]:
    with Server(index_dir, *extra, threads=threads) as server:
        yield server


def tree_snapshot(root: str | Path) -> dict[str, tuple[int, int, int]]:
    """(size, mtime_ns, inode) of every file under ``root`` (links not followed)."""
    result = {}
    for directory, _, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            result[os.path.relpath(path, root)] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return result


def assert_envelope(mimetype: str, body: bytes) -> dict[str, str]:
    """The one error shape of API routes: exactly ``{"error": {"code", "message"}}``."""
    assert mimetype == "application/json", (mimetype, body[:200])
    data = json.loads(body)
    assert list(data) == ["error"] and sorted(data["error"]) == ["code", "message"], data
    code, message = data["error"]["code"], data["error"]["message"]
    assert isinstance(code, str) and code and isinstance(message, str) and message, data
    assert "Traceback" not in message and 'File "' not in message, message
    return data["error"]
