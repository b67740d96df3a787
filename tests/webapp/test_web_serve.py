"""``serve()`` runs the app on waitress, bound to loopback, and prints its URL."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

from webapp.serve import Balance

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_over_http(index_dir: str) -> None:
    port = free_port()
    code = f"from webapp.serve import serve; serve({index_dir!r}, port={port}, threads=2)"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        body = None
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                    body = json.loads(resp.read())
                    headers = resp.headers
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None and body["status"] == "ok"
        assert headers["X-Content-Type-Options"] == "nosniff"
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_balance_lets_only_the_least_busy_workers_accept() -> None:
    balance = Balance(3)
    assert balance.may_accept(0, 5)  # the only live worker always accepts
    assert balance.may_accept(1, 2)
    assert not balance.may_accept(0, 5)  # now a sibling has fewer
    assert balance.may_accept(1, 2)
    assert balance.may_accept(2, 2)  # ties may both accept
    balance.set(1, Balance.ABSENT)  # a dead worker's slot is ignored
    balance.set(2, Balance.ABSENT)
    assert balance.may_accept(0, 5)


def test_kept_alive_connections_are_shared_evenly_by_the_workers(index_dir: str) -> None:
    """A burst of 16 kept-alive connections lands 8 and 8 on two workers (not 3 and 13)."""
    port = free_port()
    code = (
        f"from webapp.serve import serve; serve({index_dir!r}, port={port}, threads=2, workers=2)"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE)
    connections: list[http.client.HTTPConnection] = []
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)
        # The second worker may still be opening the index (until then the
        # first rightly takes everything): try again until both serve.
        held: list[int] = []
        for _ in range(60):
            held = burst(port, process.pid, connections)
            if len(held) == 2 and held[0] > 0:
                break
            for connection in connections:
                connection.close()
            connections.clear()
            time.sleep(0.5)
        assert held == [8, 8]
    finally:
        for connection in connections:
            connection.close()
        process.terminate()
        process.communicate(timeout=15)


def burst(port: int, pid: int, connections: list[http.client.HTTPConnection]) -> list[int]:
    """Open 16 connections, ask once on each; the established ones each worker holds."""
    for _ in range(16):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.connect()
        connections.append(connection)
    for connection in connections:
        connection.request("GET", "/healthz")
        assert connection.getresponse().read()
    return sorted(
        sum(
            1
            for conn in child.net_connections(kind="tcp")
            if conn.status == psutil.CONN_ESTABLISHED and conn.laddr.port == port
        )
        for child in psutil.Process(pid).children()
    )
